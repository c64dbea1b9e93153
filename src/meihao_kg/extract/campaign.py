"""The campaign an article's intro names, and the national bodies behind it."""

from __future__ import annotations

import re

from meihao_kg.extract.context import HAN, Ctx
from meihao_kg.models import Evidence, OrgKey, OrgMention


def campaign(ctx: Ctx, lo: int, hi: int) -> tuple[str | None, Evidence | None, list[OrgMention]]:
    text = ctx.norm.text
    name = None
    ev = None
    m = re.search(r"[“\"](?P<n>[^”\"]{4,30})[”\"](?:活动|行动|创建活动)", text[lo:hi])
    if m:
        name = m.group("n").replace(" ", " ").strip()
        ev = ctx.evidence(lo + m.start("n"), lo + m.end("n"))
    orgs: list[OrgMention] = []
    for pat, type_code in (
        (r"住房和城乡建设部|住建部", "government-agency"),
        (rf"[{HAN}]{{2,10}}?协会", "industry-association"),
        (r"《[^》]{2,20}》(?:杂志|期刊)?", "media-outlet"),
    ):
        for om in re.finditer(pat, text[lo:hi]):
            label = om.group(0)
            if type_code == "industry-association":
                label = re.sub(r"^.*(?:和|与|及|、)", "", label)
            s = lo + om.end() - len(label)
            national = type_code == "government-agency"
            key = OrgKey.national("mohurd") if national else OrgKey.named(label)
            if any(o.key == key for o in orgs):
                continue
            orgs.append(OrgMention(key, type_code, "住房和城乡建设部" if national else label,
                                   ctx.evidence(s, lo + om.end())))
    return name, ev, orgs
