"""Stage 2: normalised article text → intro + project sections.

Input: :class:`~meihao_kg.text.normalise.NormalisedText`.  Output: :class:`Segmentation`, whose
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

from meihao_kg.text.normalise import NormalisedText

__all__ = ["ProjectSection", "Segmentation", "segment", "province_names"]

# the "overview and highlights" marker: 概况及亮点, 【概况及亮点】, [概况与亮点] ...; a bracketed
# (or colon-ended) marker may have the body on the same line
MARKER_RE = re.compile(
    r"^\s*(?P<open>[【\[])?\s*(?:项目)?(?:概况|简介|概述|基本情况)(?:及|与|和|\s)?(?:亮点|特色)?\s*"
    r"(?(open)[】\]]|(?P<colon>:)?)\s*(?P<rest>.*)$"
)
_CN_NUM = "一二三四五六七八九十百零〇两"
# a project number: 15, 15., 15、, No.15, NO.15, 第15, 项目15, (十五), 十五、
_NUM = (rf"(?:(?:[Nn][Oo]\.?|第|项目)\s*(?P<{{g}}>\d{{{{1,3}}}})|[【\[](?P<{{g}}b>\d{{{{1,3}}}})[】\]]|(?P<{{g}}a>\d{{{{1,3}}}})"
        rf"|\((?P<{{g}}c>[{_CN_NUM}]{{{{1,4}}}})\)|(?P<{{g}}d>[{_CN_NUM}]{{{{1,4}}}})(?=、))")
NUMBER_RE = re.compile(r"^\s*" + _NUM.format(g="n") + r"\s*(?:号|个)?\s*[.、)|丨]?\s*$")
_NAME = r"(?P<name>[^\s:,。;!?“”\"|丨—【】\[\]]{2,30}?)"
# "15.名称:标语", "15 名称:标语", "No.15 名称|标语", "(十五)名称——标语", "名称:标语", "名称:"
NAME_RE = re.compile(
    r"^\s*(?:" + _NUM.format(g="num") + r"\s*(?:号)?\s*[.、) |丨]?\s*)?"
    + _NAME + r"\s*(?::|\||——|—)\s*(?P<headline>[^\n]{0,60}?)\s*$"
)
# a numbered name without a headline: "15 沈阳·XX小区", "NO.15 XX小区"
BARE_NAME_RE = re.compile(
    r"^\s*" + _NUM.format(g="num") + r"\s*(?:号)?\s*[.、) |丨]?\s*" + _NAME + r"\s*$"
)


ONLY_NAME_RE = re.compile(r"^\s*" + _NAME + r"\s*$")


def _num_value(m: re.Match[str], g: str) -> tuple[int, int, int] | None:
    """(value, start, end) of the number matched under group prefix ``g``."""
    from meihao_kg.text.numbers import parse_number

    for key in (g, g + "a", g + "b", g + "c", g + "d"):
        s = m.group(key)
        if s:
            try:
                return int(parse_number(s)), m.start(key), m.end(key)
            except ValueError:
                return None
    return None


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
    # a city or district given in the heading ("沈阳·XX小区", "江北·XX花园"): place context
    city: str | None = None
    city_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Segmentation:
    intro: tuple[int, int]
    projects: tuple[ProjectSection, ...]


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """Short and full province names → full name, from the gazetteer (jionlp)."""
    from meihao_kg.extract.gazetteer import provinces

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
    # "辽 宁", "辽宁省", "【辽宁】", "一、辽宁", "辽宁地区"
    compact = re.sub(r"\s+", "", line.text)
    compact = re.sub(r"^(?:[一二三四五六七八九十]+[、.]|\d{1,2}[、.])|[【】\[\]()]", "", compact)
    if not 2 <= len(compact) <= 8:
        return None
    names = province_names()
    for cand in (compact, compact.removesuffix("地区"), compact.removesuffix("省")):
        if cand in names:
            return names[cand]
    return None


def _marker(line: _Line) -> int | None:
    """Offset where the body starts if ``line`` is the overview marker, else None."""
    m = MARKER_RE.match(line.text)
    if m is None:
        return None
    if m.group("rest"):
        if not (m.group("open") or m.group("colon")):
            return None
        return line.start + m.start("rest")
    return line.end


@dataclass(frozen=True)
class _Header:
    first: int  # index of the first header line (number or name)
    name: int  # index of the name line
    body: int  # index of the first body line
    body_offset: int | None  # body starting inside the marker line ("【概况及亮点】小区位于…")
    marked: bool


def _find_headers(lines: list[_Line]) -> list[_Header]:
    headers: list[_Header] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = NAME_RE.match(ln.text)
        bare = m is None and BARE_NAME_RE.match(ln.text)
        if bare:
            m = bare
        elif m is None and i > 0 and NUMBER_RE.match(lines[i - 1].text):
            # number line, then the name alone, then the headline and the marker
            bare = m = ONLY_NAME_RE.match(ln.text)
        if m and _looks_like_name(m.group("name")):
            first = i
            if i > 0 and NUMBER_RE.match(lines[i - 1].text) and (not headers or headers[-1].body <= i - 1):
                first = i - 1
            j = i + 1
            headline = m.groupdict().get("headline")
            if not headline and j < len(lines) and _marker(lines[j]) is None and (
                    j + 1 < len(lines) and _marker(lines[j + 1]) is not None or not bare):
                j += 1  # headline on its own line
            marker = _marker(lines[j]) if j < len(lines) else None
            numbered = first < i or "num" in m.re.groupindex and _num_value(m, "num") is not None
            if (marker is not None or numbered) and not (bare and marker is None and not _compound_like(m.group("name"))):
                inline = marker is not None and marker < lines[j].end
                body = j + 1 if marker is not None and not inline else j
                headers.append(_Header(first, i, body, marker if inline else None, marker is not None))
                i = body if not inline else j + 1
                continue
        i += 1
    # when the article marks its projects (概况及亮点), an unmarked numbered line is a list
    # item of a body ("1.强化党建:…") unless it continues the projects' numbering
    if any(h.marked for h in headers):
        kept: list[_Header] = []
        last: int | None = None
        for h in headers:
            n = _header_number(lines, h)
            if h.marked or last is not None and n == last + 1:
                kept.append(h)
                last = n if n is not None else last
        headers = kept
    return headers


def _header_number(lines: list[_Line], h: _Header) -> int | None:
    if h.first < h.name:
        nm = NUMBER_RE.match(lines[h.first].text)
        nv = _num_value(nm, "n") if nm else None
    else:
        m = NAME_RE.match(lines[h.name].text) or BARE_NAME_RE.match(lines[h.name].text)
        nv = _num_value(m, "num") if m else None
    return nv[0] if nv else None


_COMPOUND_END = re.compile(r"(?:小区|花园|家园|苑|府|城|园|庭|里|居|公寓|社区|大厦|广场|佳园|新村|湾|邸|墅|郡|都荟|项目)$")


def _compound_like(name: str) -> bool:
    return bool(_COMPOUND_END.search(name)) or "·" in name


def segment(norm: NormalisedText) -> Segmentation:
    """Split an article into its intro and project sections (possibly none)."""
    lines = [ln for ln in _lines(norm.text) if ln.text]
    headers = _find_headers(lines)
    sections: list[ProjectSection] = []
    province: tuple[str, tuple[int, int]] | None = None
    text_end = len(norm.text)
    intro_end = lines[headers[0].first].start if headers else text_end
    for k, h in enumerate(headers):
        # a province heading right before the header (or anywhere since the last project)
        scan_from = headers[k - 1].body if k else 0
        for ln in lines[scan_from:h.first]:
            prov = _province_of(ln)
            if prov:
                province = (prov, (ln.start, ln.end))
                if k == 0:
                    intro_end = min(intro_end, ln.start)
        nxt = headers[k + 1] if k + 1 < len(headers) else None
        end = lines[nxt.first].start if nxt else text_end
        # a province heading inside this section belongs to the next one: cut it off
        for ln in lines[h.body:nxt.first] if nxt else ():
            if _province_of(ln):
                end = min(end, ln.start)
        sections.append(_section(lines, h, end, province))
    return Segmentation(intro=(0, intro_end), projects=tuple(sections))


def _looks_like_name(name: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", name)) and _marker(_Line(0, len(name), name)) is None


def _split_city(name: str, start: int, province: str | None = None
                ) -> tuple[str, tuple[int, int], str | None, tuple[int, int] | None]:
    """"沈阳·XX小区" / "江北·XX花园" → name XX小区 with the city or district given (when the
    gazetteer knows it, within the province heading)."""
    if "·" in name:
        head, tail = name.split("·", 1)
        from meihao_kg.extract.gazetteer import division_named

        if tail and division_named(head, province) is not None:
            off = len(head) + 1
            return tail, (start + off, start + len(name)), head, (start, start + len(head))
    return name, (start, start + len(name)), None, None


def _section(
    lines: list[_Line], h: _Header, end: int, province: tuple[str, tuple[int, int]] | None
) -> ProjectSection:
    number: int | None = None
    number_span = None
    if h.first < h.name:
        nm = NUMBER_RE.match(lines[h.first].text)
        assert nm is not None
        nv = _num_value(nm, "n")
        if nv is not None:
            number = nv[0]
            number_span = (lines[h.first].start + nv[1], lines[h.first].start + nv[2])
    name_line = lines[h.name]
    m = NAME_RE.match(name_line.text) or BARE_NAME_RE.match(name_line.text) or ONLY_NAME_RE.match(name_line.text)
    assert m is not None
    nv = _num_value(m, "num") if "num" in m.re.groupindex else None
    if nv is not None and number is None:
        number = nv[0]
        number_span = (name_line.start + nv[1], name_line.start + nv[2])
    name, name_span, city, city_span = _split_city(m.group("name"), name_line.start + m.start("name"),
                                                   province[0] if province else None)
    headline = m.groupdict().get("headline") or None
    headline_span = None
    if headline:
        headline_span = (name_line.start + m.start("headline"), name_line.start + m.end("headline"))
    elif h.name + 1 < len(lines) and h.name + 1 < h.body and _marker(lines[h.name + 1]) is None:
        headline = lines[h.name + 1].text
        headline_span = (lines[h.name + 1].start, lines[h.name + 1].end)
    if h.body_offset is not None:
        body_start = h.body_offset
    else:
        body_start = lines[h.body].start if h.body < len(lines) else end
    return ProjectSection(
        name=name,
        name_span=name_span,
        number=number,
        number_span=number_span,
        headline=headline,
        headline_span=headline_span,
        province=province[0] if province else None,
        province_span=province[1] if province else None,
        start=lines[h.first].start,
        body_start=min(body_start, end),
        end=end,
        city=city,
        city_span=city_span,
    )
