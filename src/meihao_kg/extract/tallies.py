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


def place_in_text(word: str) -> tuple[gz.Division | None, int]:
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


_COUNT = re.compile(rf"(?P<n>{_NUM})个(?P<noun>(?:住宅|居民|示范)?小区|[“\"]?[^,。;\n]{{0,12}}?小区)?")
_NOT_COMPOUNDS = re.compile(r"^(?:百分点|街道|设区市|区县|城市|企业|家|部门|社区|项目部|月|年|人|户)")
_WIDE_PLACE = re.compile(r"全省|全市|全区|全县|全国")


def _clause_place(text: str, lo: int, pos: int, province: gz.Division | None,
                  city: gz.Division | None, district: gz.Division | None = None) -> tuple[gz.Division | None, int]:
    """The place a count in a clause is of: the division named last before it in the clause,
    or 全省/全市 (the text's province or city)."""
    cs = max([text.rfind(c, lo, pos) for c in ",;:。"] + [lo - 1]) + 1
    clause = text[cs:pos]
    best: tuple[gz.Division | None, int] = (None, -1)
    for m in re.finditer(r"全省|全市|全区|全县|全国|[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|区|县)", clause):
        word = m.group(0)
        for wide in ("全省", "全市", "全区", "全县", "全国"):
            if word.endswith(wide):
                word = wide
        d = None
        if word == "全国":
            d = COUNTRY
        elif word == "全省":
            d = province
        elif word == "全区":
            d = district or (province if province is not None and province.name.endswith("自治区") else None)
        elif word in ("全市", "全县"):
            d = city
        else:
            d, _k = place_in_text(word)
        if d is not None:
            best = (d, cs + m.start())
    return best


def find_counts(ctx: Ctx, sentences: list[tuple[int, int]], named: set[int], dateline: int | None,
                province: gz.Division | None, city: gz.Division | None) -> list[Tally]:
    """Counts of selected compounds in any wording: 全省新增省级“美好家园”示范小区112个,累计达到326个;
    杭州市新增28个; 全市申报的185个小区中,142个小区获评; 雁塔区、未央区…分别为23个和19个."""
    text = ctx.norm.text
    out: list[Tally] = []
    last_sel = None
    # the district a text is about (全区 = it): the one it names most often
    counts: dict[str, int] = {}
    for m in re.finditer(r"[\u4e00-\u9fff]{2,4}?区", text):
        d = gz.division_named(m.group(0), province.name if province else None)
        if d is not None and d.level == "county" and (city is None or d.parent == city):
            counts[d.code or d.name] = counts.get(d.code or d.name, 0) + 1
    district = gz.division_by_code(max(counts, key=counts.get)) if counts else None  # type: ignore[arg-type]
    last_year: int | None = None
    counted_before = False
    for lo, hi in sentences:
        sels = find_selections(ctx, lo, hi, dateline)
        if sels:
            last_sel = sels[0]
        sel = sels[0] if sels else last_sel
        if sel is None or lo in named:
            continue
        seg = text[lo:hi]
        if not re.search(r"小区|获评|入选|获此|评出|新增|累计", seg):
            continue
        # 雁塔区、未央区获评小区最多,分别为23个和19个
        resp = re.search(r"(?P<places>[\u4e00-\u9fff、]{4,40})[^,。]{0,12},?分别(?:为|是|有)(?P<nums>[0-9个和、及]{3,30})", seg)
        if resp:
            names = [w for w in re.split(r"、|和", resp.group("places")) if w]
            nums = re.findall(r"\d+", resp.group("nums"))
            divs = [place_in_text(re.sub(r"(?:获评|入选).*$", "", w))[0] for w in names]
            if len(divs) == len(nums) and all(divs):
                for d, n in zip(divs, nums, strict=False):
                    assert d is not None
                    out.append(Tally(d, int(n), None, sel.year, sel.scheme, sel.level, (), ctx.evidence(
                        lo + resp.start(), lo + resp.end()), None))
                continue
        place_prev = None
        candidates = None
        counted = counted_before  # the sentence before counted compounds: its run may go on here
        counted_before = False
        for m in _COUNT.finditer(text, lo, hi):
            after = text[m.end():m.end() + 3]
            if _NOT_COMPOUNDS.match(after) or text[m.end():m.end() + 1] == "%" or re.match(
                    r"(?:以下|以内|以上|左右)", after) or text[max(lo, m.start() - 1):m.start()] == "等":
                continue
            noun = m.group("noun") or ""
            before = text[max(lo, m.start() - 14):m.start()]
            # a count of compounds: 小区 after it, 小区 just before it (示范小区112个), or
            # the next of a run of counts (累计达到326个, 杭州市新增28个)
            if not noun and not re.search(r"小区[”\"]?(?:数)?(?:达到|为|有|共)?$", before) and not (
                    counted and re.search(r"(?:新增|累计|达到|共有|共|评出)$", before)):
                continue
            try:
                n = int(parse_number(m.group("n")))
            except ValueError:
                continue
            if re.search(r"(?:申报|参评|推荐|候选)(?:的)?$", text[max(lo, m.start() - 4):m.start()]) or \
                    re.match(r"[^,。]{0,4}中", text[m.end():m.end() + 6]) and "申报" in before + text[m.start():m.end() + 4]:
                candidates = n
                place_prev = _clause_place(text, lo, m.start(), province, city, district)[0] or place_prev
                continue
            place, _pos = _clause_place(text, lo, m.start(), province, city, district)
            if place is None:
                place = place_prev
            if place is None and sel.level == "city" and city is not None:
                place = city
            if place is None:
                continue
            place_prev = place
            cs = max([text.rfind(c, lo, m.start()) for c in ",;:。"] + [lo - 1]) + 1
            ym = None
            year: int | None
            for ym in re.finditer(r"(?P<y>(?:19|20)\d{2})年", text[lo:m.start()]):  # noqa: B007
                pass
            if ym is not None:
                year = int(ym.group("y"))
            elif "去年" in text[lo:m.start()] and dateline:
                year = dateline - 1
            else:
                year = sel.year or last_year
            last_year = year
            level = sel.level
            out.append(Tally(place, n, candidates if candidates and candidates > n else None, year, sel.scheme,
                             level, sel.bodies, ctx.evidence(cs, m.end()), None))
            candidates = None
            counted = counted_before = True
    return out


def find_tallies(ctx: Ctx, sentences: list[tuple[int, int]], named: set[int],
                 dateline: int | None, province: gz.Division | None = None,
                 city: gz.Division | None = None) -> list[Tally]:
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
            place, k = place_in_text(word)
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
                provs = {d.name for d in (place_in_text(text[i:j])[0] for i in range(lo, hi) for j in (i + 2, i + 3, i + 4, i + 5, i + 8)
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
    for t in find_counts(ctx, sentences, named, dateline, province, city):
        key = (t.place.name, t.count, t.scheme)
        old = found.get(key)
        if old is None:
            found[key] = t
        else:
            found[key] = Tally(old.place, old.count, old.candidates or t.candidates, old.year or t.year,
                               old.scheme, old.level or t.level, old.bodies or t.bodies, old.evidence,
                               old.place_evidence or t.place_evidence)
    return list(found.values())
