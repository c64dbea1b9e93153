"""Organisations: property firms, committees, party bodies, agencies named in a section."""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import (
    OrgMention,
    PlaceRef,
    Relation,
)
from .context import HAN, Ctx

# --------------------------------------------------------------------------- organisations

_GENERIC_UNIT = re.compile(
    r"物业服务企业|物业服务公司|物业企业|物业公司|物业服务中心|物业项目部|物业服务处|物业管理处|物业服务团队"
)
_NAMED_FIRM = re.compile(
    rf"[{HAN}A-Za-z()]{{2,24}}?物业(?:服务|管理)?(?:集团)?(?:股份)?(?:有限(?:责任)?公司|集团|公司)(?:[{HAN}]{{2,8}}分公司)?"
)


_FIRM_CUT = re.compile(r"^.*(?:由|是|为|与|和|及|的|在|请|聘|选聘|引入|委托|通过|经|向|对|将|了|被)")

_AGENCY_WORDS = ("环卫垃圾办", "垃圾分类办", "城管局", "城市管理局", "综合行政执法局", "综合执法局",
                 "综合执法部门", "住建局", "住房和城乡建设局", "房产局", "市场监管局", "应急管理局", "卫健委",
                 "环卫所")
_AGENCY_RE = re.compile(rf"([{HAN}]{{0,6}}?)({'|'.join(_AGENCY_WORDS)})")


def org_mention(ctx: Ctx, key: str, type_code: str, label: str, scope: str, s: int, e: int,
         lo: int, hi: int, place: PlaceRef | None = None) -> OrgMention:
    """An organisation mention; the wording in the text (业委会) is kept as an alias of the
    canonical label (业主委员会)."""
    surface = ctx.norm.text[s:e]
    aliases = (surface,) if surface and surface != label else ()
    return OrgMention(key, type_code, label, scope, ctx.clause_evidence(s, e, lo, hi),
                      aliases=aliases, place=place)


def find_organisations(ctx: Ctx, lo: int, hi: int, places: dict[str, PlaceRef]) -> list[OrgMention]:
    text = ctx.norm.text
    body = text[lo:hi]
    found: dict[str, OrgMention] = {}

    def add(o: OrgMention) -> None:
        if o.key not in found:
            found[o.key] = o
            return
        f = found[o.key]
        extra = tuple(a for a in (o.label, *o.aliases) if a != f.label and a not in f.aliases)
        if extra:
            found[o.key] = replace(f, aliases=(*f.aliases, *extra))

    for m in _NAMED_FIRM.finditer(body) if "公司" in body or "集团" in body else ():
        name = _FIRM_CUT.sub("", m.group(0))
        if len(name) < 6 or name.startswith(("物业", "小区")):
            continue
        add(org_mention(ctx, f"named/{name}", "property-service-enterprise", name, "named",
                 lo + m.end() - len(name), lo + m.end(), lo, hi))
    for m in _GENERIC_UNIT.finditer(body):
        add(org_mention(ctx, "compound/property-service-unit", "property-service-unit", "物业服务企业",
                 "compound", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(社区|小区)?(党总支|党支部)(委员会)?", body) if "党" in body else ():
        community = m.group(1) == "社区"
        kind = "general-party-branch" if m.group(2) == "党总支" else "party-branch"
        owner = "community" if community else "compound"
        label = ("社区" if community else "小区") + m.group(2)
        add(org_mention(ctx, f"{owner}/{kind}", kind, label, owner, lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"业主委员会|业委会", body):
        add(org_mention(ctx, "compound/owners-committee", "owners-committee", "业主委员会", "compound",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(?:社区)?(?:居民委员会|居委会)", body) if "居" in body else ():
        add(org_mention(ctx, "community/residents-committee", "residents-committee", "社区居民委员会",
                 "community", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"协商议事委员会|议事协商委员会|协商议事会", body) if "议事" in body else ():
        add(org_mention(ctx, "compound/consultation-committee", "coordination-body", m.group(0),
                 "compound", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"派出所", body) if "派出所" in body else ():
        add(org_mention(ctx, "local/police-station", "police-station", "派出所", "local",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(县|区|市)?消防(?:救援)?(大队|支队|中队|站)", body) if "消防" in body else ():
        label = m.group(0)
        add(org_mention(ctx, f"local/fire-brigade/{label}", "fire-brigade", label, "local",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in _AGENCY_RE.finditer(body) if any(w in body for w in _AGENCY_WORDS) else ():
        prefix = m.group(1)
        prefix = re.sub(r"^.*(?:邀请|会同|联合|与|和|由|请|同)", "", prefix)
        label = prefix + m.group(2)
        add(org_mention(ctx, f"local/agency/{label}", "government-agency", label, "local",
                 lo + m.end() - len(label), lo + m.end(), lo, hi))
    # 街道 / 社区 named through the gazetteer
    for name, pref in places.items():
        if pref.division is None or pref.kind != "division":
            continue
        level = pref.division.level
        if level not in ("township", "community"):
            continue
        for m in re.finditer(re.escape(name), body):
            after = body[m.end(): m.end() + 5]
            if after.startswith(("工作委员会", "党工委", "党委", "党总支", "党支部")):
                continue  # part of a party body's name, not the street office itself
            if level == "township" and name.endswith("街道"):
                label = name + "办事处"
                add(org_mention(ctx, f"place/{name}/subdistrict-office", "subdistrict-office", label,
                         f"place:{name}", lo + m.start(), lo + m.end(), lo, hi, place=pref))
            elif level == "community" and not after.startswith(("党", "居")):
                label = name + "居民委员会"
                add(org_mention(ctx, f"place/{name}/residents-committee", "residents-committee", label,
                         f"place:{name}", lo + m.start(), lo + m.end(), lo, hi, place=pref))
    # bare 街道 / 社区 in an enumeration of actors: "与街道、社区进行深度合作"
    for m in re.finditer(r"(?<![\u4e00-\u9fff])?(街道|社区)(?=[、和与及]|进行|联动|共同|三方|携手|组织)", body):
        prev = body[max(0, m.start() - 1): m.start()]
        if prev and re.match(rf"[{HAN}]", prev) and prev not in "与和及同、":
            continue
        if m.group(1) == "街道":
            add(org_mention(ctx, "local/subdistrict-office", "subdistrict-office", "街道办事处", "local",
                     lo + m.start(), lo + m.end(), lo, hi))
        else:
            add(org_mention(ctx, "community/residents-committee", "residents-committee", "社区居民委员会",
                     "community", lo + m.start(), lo + m.end(), lo, hi))
    return list(found.values())


def find_party_committees(ctx: Ctx, lo: int, hi: int) -> list[tuple[OrgMention, Relation | None]]:
    """党工委 named in the text; with 经…批准 the approval relation of the branch it approved."""
    text = ctx.norm.text
    out: list[tuple[OrgMention, Relation | None]] = []
    for m in re.finditer(
        rf"经(?P<org>(?:中共)?[{HAN}]{{2,30}}?(?:工作委员会|党工委|党委))批准,?(?P<rest>[^。;]{{0,30}}?)"
        r"成立(?:了)?(?P<what>党支部委员会|党支部|党总支|业主委员会)",
        text[lo:hi],
    ):
        name = m.group("org")
        s, e = lo + m.start("org"), lo + m.end("org")
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        org = OrgMention(f"named/{name}", "party-working-committee", name, "named",
                         ctx.evidence(s, e))
        what = m.group("what")
        subj = "compound/owners-committee" if what == "业主委员会" else (
            "compound/general-party-branch" if what == "党总支" else "compound/party-branch")
        out.append((org, Relation(subj, "approvedBy", org.key, ev)))
    return out
