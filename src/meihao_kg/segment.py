"""Stage 2: normalised article text → intro + project sections.

Input: :class:`~meihao_kg.normalise.NormalisedText`.  Output: :class:`Segmentation`, whose
offsets are into the *normalised* text.

An article of the series reads: an intro paragraph (the campaign), a province heading
(``辽 宁``, often letter-spaced), then for each project a number line, ``name:headline`` (on
one line or two), the ``概况及亮点`` marker and body paragraphs.  Tolerated variants: the
number missing or on the name line (``15.名称:标语``), the marker missing, full-width colons
(already unified by normalisation), names with ``·``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalise import NormalisedText

__all__ = ["ProjectSection", "Segmentation", "segment", "province_names"]

MARKER_RE = re.compile(r"^\s*(?:项目)?(?:概况|简介|概述)(?:及|与|和)?(?:亮点|特色)?\s*$")
NUMBER_RE = re.compile(r"^\s*(?:No\.?|第)?\s*(\d{1,3})\s*(?:号|[.、)])?\s*$")
# "15.名称:标语", "15 名称:标语", "名称:标语", "名称:"
NAME_RE = re.compile(
    r"^\s*(?:(?:No\.?|第)?(?P<num>\d{1,3})\s*(?:号)?\s*[.、) ]\s*)?"
    r"(?P<name>[^\s:,。;!?“”\"|—]{2,30}?)\s*(?::|\||——|—)\s*(?P<headline>[^\n]{0,60}?)\s*$"
)


@dataclass(frozen=True)
class ProjectSection:
    """One project of an article.  Spans are ``(start, end)`` in the normalised text."""

    name: str
    name_span: tuple[int, int]
    number: int | None
    number_span: tuple[int, int] | None
    headline: str | None
    headline_span: tuple[int, int] | None
    province: str | None
    province_span: tuple[int, int] | None
    start: int  # first header line
    body_start: int
    end: int


@dataclass(frozen=True)
class Segmentation:
    intro: tuple[int, int]
    projects: tuple[ProjectSection, ...]


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """Short and full province names → full name, from the gazetteer (jionlp)."""
    from .gazetteer import provinces

    out: dict[str, str] = {}
    for full, alias in provinces():
        out[full] = full
        out[alias] = full
    return out


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str  # stripped


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw_line in text.split("\n"):
        stripped = raw_line.strip()
        lead = len(raw_line) - len(raw_line.lstrip())
        out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw_line) + 1
    return out


def _province_of(line: _Line) -> str | None:
    compact = re.sub(r"\s+", "", line.text)
    if not 2 <= len(compact) <= 8:
        return None
    names = province_names()
    for cand in (compact, compact.removesuffix("地区"), compact.removesuffix("省")):
        if cand in names:
            return names[cand]
    return None


def segment(norm: NormalisedText) -> Segmentation:
    """Split an article into its intro and project sections (possibly none)."""
    lines = [ln for ln in _lines(norm.text) if ln.text]
    headers: list[tuple[int, int]] = []  # (index of first header line, index of first body line)
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = NAME_RE.match(ln.text)
        if m and _looks_like_name(m.group("name")):
            first = i
            if i > 0 and NUMBER_RE.match(lines[i - 1].text) and (not headers or headers[-1][1] <= i - 1):
                first = i - 1
            j = i + 1
            if not m.group("headline") and j < len(lines) and not MARKER_RE.match(lines[j].text):
                j += 1  # headline on its own line
            has_marker = j < len(lines) and MARKER_RE.match(lines[j].text)
            numbered = first < i or m.group("num")
            if has_marker or numbered:
                body = j + 1 if has_marker else j
                headers.append((first, body))
                i = body
                continue
        i += 1

    sections: list[ProjectSection] = []
    province: tuple[str, tuple[int, int]] | None = None
    text_end = len(norm.text)
    intro_end = lines[headers[0][0]].start if headers else text_end
    for k, (first, body) in enumerate(headers):
        # a province heading right before the header (or anywhere since the last project)
        scan_from = headers[k - 1][1] if k else 0
        for ln in lines[scan_from:first]:
            prov = _province_of(ln)
            if prov:
                province = (prov, (ln.start, ln.end))
                if k == 0:
                    intro_end = min(intro_end, ln.start)
        end = lines[headers[k + 1][0]].start if k + 1 < len(headers) else text_end
        # a province heading inside this section belongs to the next one: cut it off
        for ln in lines[body:headers[k + 1][0]] if k + 1 < len(headers) else ():
            if _province_of(ln):
                end = min(end, ln.start)
        sections.append(_section(lines, first, body, end, province))
    return Segmentation(intro=(0, intro_end), projects=tuple(sections))


def _looks_like_name(name: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", name)) and not MARKER_RE.match(name)


def _section(
    lines: list[_Line], first: int, body: int, end: int, province: tuple[str, tuple[int, int]] | None
) -> ProjectSection:
    number: int | None = None
    number_span = None
    k = first
    nm = NUMBER_RE.match(lines[k].text)
    if nm:
        number = int(nm.group(1))
        number_span = (lines[k].start + nm.start(1), lines[k].start + nm.end(1))
        k += 1
    name_line = lines[k]
    m = NAME_RE.match(name_line.text)
    assert m is not None
    if m.group("num") and number is None:
        number = int(m.group("num"))
        number_span = (name_line.start + m.start("num"), name_line.start + m.end("num"))
    name_span = (name_line.start + m.start("name"), name_line.start + m.end("name"))
    headline = m.group("headline") or None
    headline_span = None
    if headline:
        headline_span = (name_line.start + m.start("headline"), name_line.start + m.end("headline"))
    elif k + 1 < body and not MARKER_RE.match(lines[k + 1].text):
        headline = lines[k + 1].text
        headline_span = (lines[k + 1].start, lines[k + 1].end)
    body_start = lines[body].start if body < len(lines) else end
    return ProjectSection(
        name=m.group("name"),
        name_span=name_span,
        number=number,
        number_span=number_span,
        headline=headline,
        headline_span=headline_span,
        province=province[0] if province else None,
        province_span=province[1] if province else None,
        start=lines[first].start,
        body_start=min(body_start, end),
        end=end,
    )
