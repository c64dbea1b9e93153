"""Media coverage: outlets that reported on a project."""

from __future__ import annotations

import re

from meihao_kg.extract.context import Ctx, sentence_span
from meihao_kg.models import (
    MediaReport,
    OrgKey,
    OrgMention,
)


def find_media(ctx: Ctx, lo: int, hi: int) -> tuple[list[OrgMention], list[MediaReport]]:
    text = ctx.norm.text
    orgs: list[OrgMention] = []
    reports: list[MediaReport] = []
    for m in re.finditer(r"被(?P<list>[^。,被]{2,40}?)等?(?:主流|多家|各大)?(?:新闻)?媒体(?:报道|宣传|关注|转载)",
                         text[lo:hi]):
        names = [n.strip() for n in re.split(r"[、和及与]", m.group("list")) if n.strip()]
        keys: list[OrgKey] = []
        pos = lo + m.start("list")
        for n in names:
            i = text.find(n, pos, lo + m.end())
            orgs.append(OrgMention(OrgKey.named(n), "media-outlet", n, ctx.evidence(i, i + len(n))))
            keys.append(OrgKey.named(n))
        sent_ev = ctx.evidence(*sentence_span(text, lo + m.start(), lo, hi))
        role_m = re.search(r"(管家|保安|保洁员|工作人员|物业经理|项目经理|客服)", sent_ev.sentence)
        reports.append(MediaReport(tuple(keys), role_m.group(1) if role_m else None, sent_ev))
    return orgs, reports
