"""Members of coordination bodies (formula parts, 与A、B、C联动成立…)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from meihao_kg.extract.context import TOKEN_SPLIT, Ctx
from meihao_kg.extract.orgkinds import actor_key
from meihao_kg.models import Membership, OrgKey

# --------------------------------------------------------------------------- memberships

def _actor_keys(items: Iterable[str]) -> list[OrgKey]:
    keys = []
    for item in items:
        item = re.sub(r"^(?:以|是|发挥|由|与|和)", "", item.strip())
        item = re.sub(r"(?:为支撑|统领作用|统领|引领作用|引领|等)$", "", item)
        key = actor_key(item)
        if key is not None:
            keys.append(key)
    return keys


def find_memberships(ctx: Ctx, lo: int, hi: int, formula_bodies: dict[OrgKey, str]) -> list[Membership]:
    text = ctx.norm.text
    body = text[lo:hi]
    out: list[Membership] = []
    # 1+4+N style: “1”是…, “4”是以…为支撑 — each clause belongs to the nearest formula
    # mentioned before it that has that part
    mentions: list[tuple[int, OrgKey, list[str]]] = []
    for body_key, formula in formula_bodies.items():
        parts = re.split(r"\s*\+\s*", formula)
        for fm in re.finditer(r"\s*\+\s*".join(re.escape(p) for p in parts), body):
            mentions.append((fm.start(), body_key, parts))
    mentions.sort()
    for m in re.finditer(r"[“\"](?P<part>[\dN])[”\"]是(?P<what>[^;。]*?)(?=[,;。]\s*[“\"]|[;。])", body):
        owner = [bk for pos, bk, parts in mentions if pos < m.start() and m.group("part") in parts]
        if not owner:
            continue
        what = m.group("what")
        items = TOKEN_SPLIT.split(re.sub(r"为支撑.*$|统领作用.*$|的统领.*$", "", what))
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        for key in _actor_keys(items):
            out.append(Membership(owner[-1], key, m.group("part"), ev))
    # “与A、B、C联动成立协商议事委员会”
    for m in re.finditer(r"(?P<subj>小区物业服务企业|物业服务企业|物业公司)?[^,。]{0,4}?与(?P<list>[^,。]{2,40}?)(?:联动|共同|联合)?(?:成立|组建)(?P<body>协商议事委员会|议事协商委员会|协商议事会)", body):
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        keys = _actor_keys(TOKEN_SPLIT.split(m.group("list")))
        if m.group("subj"):
            keys.insert(0, OrgKey.of_compound("property-service-unit"))
        for key in keys:
            out.append(Membership(OrgKey.of_compound("consultation-committee"), key, None, ev))
    return out
