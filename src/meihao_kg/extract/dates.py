"""Dated events: a date bound to the event of its own clause (founded, delivered...)."""

from __future__ import annotations

import re

from ..models import (
    DatedEvent,
)
from ..numbers import DATE_RE, parse_date
from .context import Ctx

# --------------------------------------------------------------------------- events

_EVENT_AFTER = [
    (re.compile(r"^[^,。;]{0,4}?(首次入伙|首次交付|首批入住)"), "first-occupancy"),
    (re.compile(r"^[^,。;]{0,4}?(末次入伙|封园)"), "final-occupancy"),
    (re.compile(r"^[^,。;]{0,4}?(建成交付|建成|竣工|交付使用|交付)"), "completion"),
    (re.compile(r"^[^,。;]{0,4}?成立(?:了)?(?:小区)?(业主委员会|业委会)"), "owners-committee-founded"),
    (re.compile(r"^[^,。;]{0,4}?成立(?:了)?(?:小区)?(党支部|党总支|党小组)"), "party-branch-founded"),
    (re.compile(r"^[^,。;]{0,4}?(?:开展|参与|参加|启动)[“\"]?美好家园"), "campaign-joined"),
]
_EVENT_BEFORE = [  # the event word before the date: 业委会成立于2018年, 建成于2012年
    (re.compile(r"(?:业主委员会|业委会)(?:正式)?(?:依法)?成立(?:于|在)?$"), "owners-committee-founded"),
    (re.compile(r"(?:党支部|党总支)(?:正式)?成立(?:于|在)?$"), "party-branch-founded"),
    (re.compile(r"(?:建成交付|建成|竣工|交付使用|交付)(?:于|在)$"), "completion"),
    (re.compile(r"(?:首次入伙|首批入住|入伙)(?:于|在)$"), "first-occupancy"),
]
# a date opening a sentence, with the founding later in it: "2019年3月,在社区指导下,小区依法成立业主委员会"
_EVENT_LATER = [
    (re.compile(r"^[^。;!?\n]{0,40}?(?:依法|正式)?成立(?:了)?(?:小区)?(?:业主委员会|业委会)"), "owners-committee-founded"),
    (re.compile(r"^[^。;!?\n]{0,40}?(?:正式)?成立(?:了)?(?:小区)?(?:党支部|党总支)"), "party-branch-founded"),
]


_EVENT_SUBJECT = {"owners-committee-founded": "compound/owners-committee",
                  "party-branch-founded": "compound/party-branch"}


def find_events(ctx: Ctx, lo: int, hi: int) -> list[DatedEvent]:
    text = ctx.norm.text
    out: list[DatedEvent] = []
    for m in DATE_RE.finditer(text, lo, hi):
        iso, _ = parse_date(m)
        after = text[m.end(): min(hi, m.end() + 16)]
        kind = None
        for pat, k in _EVENT_AFTER:
            if pat.search(after):
                kind = k
                break
        if kind is None:
            before = text[max(lo, m.start() - 12): m.start()]
            for pat, k in _EVENT_BEFORE:
                if pat.search(before):
                    kind = k
                    break
        if kind is None:
            nxt = DATE_RE.search(text, m.end(), hi)
            rest = text[m.end(): min(hi, nxt.start() if nxt else hi, m.end() + 48)]
            for pat, k in _EVENT_LATER:
                hit = pat.search(rest)
                if hit:
                    kind = k
                    out.append(DatedEvent(k, iso, _EVENT_SUBJECT.get(k, "compound"),
                                          ctx.evidence(m.start(), m.end() + hit.end())))
                    break
            if kind is not None:
                continue
        if kind is None:
            continue
        subject = _EVENT_SUBJECT.get(kind, "compound")
        out.append(DatedEvent(kind, iso, subject, ctx.clause_evidence(m.start(), m.end(), lo, hi)))
    return out
