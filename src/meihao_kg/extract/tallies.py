"""Tallies: how many compounds a selection chose in a place, when the text gives the count
but not the names (广西87个小区获评“美好家园”, 四川省共有3个小区入围).  Kept as statistical
facts about the place and the selection, never as invented compounds."""

from __future__ import annotations

import re

from meihao_kg.extract import gazetteer as gz
from meihao_kg.extract.context import Ctx
from meihao_kg.extract.recognitions import find_selections
from meihao_kg.models import Tally
from meihao_kg.text.numbers import parse_number

__all__ = ["COUNTRY", "find_tallies"]

COUNTRY = gz.Division("中华人民共和国", "country", None, None, "全国")

_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百千两]{1,6})"
_TALLY = re.compile(
    rf"(?P<place>[\u4e00-\u9fff]{{0,12}}?)(?:共有|共计|共|有|的)?(?P<n>{_NUM})个(?:住宅|居民)?小区"
    rf"(?P<verb>[^,。;\n]{{0,8}}?(?:获评|获得|入围|入选|榜上有名|被评为|获此|上榜|名列|被命名))")
_CANDIDATES = re.compile(rf"(?:从|在)?(?P<n>{_NUM})个(?:候选|参评|申报|推荐)(?:小区|项目)")
_ENUM_BEFORE = re.compile(r"(?:小区|花园|家园|苑|府|庭|邸|湾)等$")


def _place(word: str) -> tuple[gz.Division | None, int]:
    """The division named at the end of ``word`` (广西, 四川省, 成都市) and where it starts."""
    for k in range(max(0, len(word) - 9), len(word) - 1):
        tail = word[k:]
        for full, alias in gz.provinces():
            if tail in (full, alias):
                d = gz.province_named(full)
                return d, k
        d = gz.division_named(tail)
        if d is not None and tail.endswith(("市", "区", "县")):
            return d, k
    return None, -1


def find_tallies(ctx: Ctx, sentences: list[tuple[int, int]], named: set[int],
                 dateline: int | None) -> list[Tally]:
    """Tallies in the sentences of a source.  ``named`` holds the sentences (by start) where
    the counted compounds are listed by name: their count is not a tally."""
    text = ctx.norm.text
    found: dict[tuple[str, int, str], Tally] = {}
    for lo, hi in sentences:
        if lo in named:
            continue
        sels = find_selections(ctx, lo, hi, dateline)
        if not sels:
            continue
        sel = sels[0]
        for m in _TALLY.finditer(text, lo, hi):
            try:
                n = int(parse_number(m.group("n")))
            except ValueError:
                continue
            if n < 1:
                continue
            word = m.group("place")
            place, k = _place(word)
            p_ev = None
            if place is not None:
                a = m.start("place") + k
                p_ev = ctx.evidence(a, m.start("place") + len(word))
            elif (_ENUM_BEFORE.search(text[max(lo, m.start() - 4):m.start("n")]) or word.endswith("等")) \
                    and sel.scheme == "national-typical-case":
                # 双旗杆东里小区等100个小区: the named compound and the others, nationwide
                place = COUNTRY
            if place is None and not word:
                # 近日，广西…公布了…结果，87个小区获得…: the one province the sentence names
                provs = {d.name for d in (_place(text[i:j])[0] for i in range(lo, hi) for j in (i + 2, i + 3, i + 4, i + 5, i + 8)
                                           if j <= hi) if d is not None and d.level == "province"}
                if len(provs) == 1:
                    place = next(d for d in map(gz.province_named, sorted(provs)) if d is not None)
            if place is None:
                continue
            cand = _CANDIDATES.search(text, lo, hi)
            candidates = None
            if cand:
                try:
                    candidates = int(parse_number(cand.group("n")))
                except ValueError:
                    candidates = None
            level = sel.level
            if level is None and place.level == "province":
                level = "provincial"
            key = (place.name, n, sel.scheme)
            ev = ctx.evidence(m.start("place") + max(k, 0) if k >= 0 else m.start("n"), m.end())
            t = Tally(place, n, candidates if candidates and candidates > n else None, sel.year, sel.scheme,
                      level, sel.bodies, ev, p_ev)
            old = found.get(key)
            if old is None:
                found[key] = t
            else:  # the fuller statement wins; a year or body missing in one is taken from the other
                found[key] = Tally(old.place, n, old.candidates or t.candidates, old.year or t.year,
                                   old.scheme, old.level or t.level, old.bodies or t.bodies, old.evidence,
                                   old.place_evidence or t.place_evidence)
    return list(found.values())
