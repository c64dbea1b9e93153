"""Shared context of one source: the normalised text, its sentences and clauses, and
evidence mapped back to the raw text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from meihao_kg.models import (
    Evidence,
)
from meihao_kg.text.normalise import NormalisedText, SourceText

HAN = r"\u4e00-\u9fff"
SENT_END = "。!?;\n"
CLAUSE_END = ",;。!?\n:"


# --------------------------------------------------------------------------- context


@dataclass
class Ctx:
    src: SourceText
    norm: NormalisedText
    sent_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        text = self.norm.text
        self.sent_starts = [0] + [i + 1 for i, c in enumerate(text) if c in SENT_END]

    def evidence(self, start: int, end: int) -> Evidence:
        text = self.norm.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        rs, re_ = self.norm.raw_span(start, end)
        k = bisect.bisect_right(self.sent_starts, start) - 1
        s0 = self.sent_starts[k]
        s1 = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(text)
        return Evidence(
            doc_id=self.src.doc_id,
            start=rs,
            end=re_,
            quote=self.src.raw[rs:re_],
            normalized=text[start:end],
            sentence=text[s0:s1].strip(),
            sentence_index=k,
            damaged=self.norm.overlaps_damage(rs, re_),
        )

    def clause(self, start: int, end: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        """Widen ``[start, end)`` to its clause (between , ; 。 etc.), within ``[lo, hi)``."""
        text = self.norm.text
        hi = len(text) if hi is None else hi
        a = start
        while a > lo and text[a - 1] not in CLAUSE_END and start - a < 40:
            a -= 1
        b = end
        while b < hi and text[b] not in CLAUSE_END and b - end < 40:
            b += 1
        return a, b

    def clause_evidence(self, start: int, end: int, lo: int = 0, hi: int | None = None) -> Evidence:
        return self.evidence(*self.clause(start, end, lo, hi))


TOKEN_SPLIT = re.compile(r"[、和与及]")


def sentence_span(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    a = pos
    while a > lo and text[a - 1] not in SENT_END:
        a -= 1
    b = pos
    while b < hi and text[b] not in SENT_END:
        b += 1
    return a, b


_CONTRAST_BEFORE = re.compile(r"(?:与|和|同|跟)[^,;。]*$")
_CONTRAST_AFTER = re.compile(r"^[^,;。]*?(?:不同|不一样|有别|有所区别|相区别)")


def contrasted(ctx: Ctx, start: int, end: int, lo: int, hi: int) -> bool:
    """True when the clause sets the mention apart: "与…推行的“红色业委会”不同"."""
    text = ctx.norm.text
    cs, ce = ctx.clause(start, end, lo, hi)
    return bool(_CONTRAST_BEFORE.search(text[cs:start]) and _CONTRAST_AFTER.search(text[end:ce]))
