"""Places: the project's division chain, street address, streets and communities named."""

from __future__ import annotations

import re

from meihao_kg.extract import gazetteer as gz
from meihao_kg.extract.context import HAN, Ctx
from meihao_kg.models import (
    COMPOUND,
    OrgKey,
    PlaceRef,
    Relation,
)
from meihao_kg.text.segment import ProjectSection

# --------------------------------------------------------------------------- places

_ADDR_RE = re.compile(r"(?:位于|地处|坐落于|坐落在|地址为|位处)(?P<addr>[^,。;:]{2,40})")
_ZONE_RE = re.compile(rf"[{HAN}]{{0,8}}?(?:高新技术产业开发区|高新园区|高新区|经济技术开发区|开发区|工业园区|新城|新区|园区|保税区)")
_TOWN_RE = re.compile(rf"[{HAN}]{{2,8}}?(?:街道|镇|乡)")
_COMMUNITY_RE = re.compile(rf"[{HAN}]{{2,6}}?社区")


def _mentions(addr: str, div: gz.Division) -> bool:
    return any(f and f in addr for f in (div.name, div.alias, gz.strip_suffix(div.name)))


def place_from_address(ctx: Ctx, addr: str, s: int, e: int, province: str | None,
                        lo: int, hi: int, city: gz.Division | None = None
                        ) -> tuple[list[PlaceRef], PlaceRef | None]:
    """Resolve an address string; return places (smallest first) and a street address.

    ``city`` is the city the text gives elsewhere (heading, earlier mention): an address
    that names no city is resolved within it (和平区 of 沈阳, not of 天津)."""
    div, detail = None, ""
    addr, repairs = gz.repair_address(addr, province)
    if city is not None and not _mentions(addr, city) and not (
            province and _mentions(addr, gz.Division(province, "province", None))):
        div, detail = gz.parse_address(city.name + addr, province)
        if div is not None and (div == city or div.parent != city):
            div = None  # the address names no division inside the city
    if div is None:
        div, detail = gz.parse_address(addr, province)
    if div is None:
        return [], None
    ev = ctx.evidence(s, e)
    chain: list[PlaceRef] = [PlaceRef(div.name, "division", div, ev, repaired=repairs)]
    address = None
    # the part of the address after the coded division
    rest = addr
    for d in div.chain():
        short = d.alias or gz.strip_suffix(d.name)
        suffixes = {"county": ("县", "区", "市"), "prefecture": ("市",), "province": ("省",)}
        forms = [d.name, *(short + x for x in suffixes.get(d.level, ())), short]
        for form in forms:
            if form and form in rest:
                rest = rest[rest.index(form) + len(form):]
                break
    if detail and detail not in rest:
        rest = detail
    rest = rest.strip()
    if rest:
        zone = _ZONE_RE.match(rest)
        town_names = gz.county_children(div) if div.level == "county" else {}
        town = None
        for t in sorted(town_names, key=len, reverse=True):
            if rest.startswith(t) or rest.startswith(gz.strip_suffix(t)) and len(gz.strip_suffix(t)) >= 2:
                town = t
                rest = rest[len(t) if rest.startswith(t) else len(gz.strip_suffix(t)):]
                break
        if town is None:
            tm = _TOWN_RE.match(rest)
            if tm and not zone:
                town = tm.group(0)
                rest = rest[len(town):]
        if zone and town is None:
            after_zone = rest[len(zone.group(0)):]
            tm = _TOWN_RE.match(after_zone)
            if tm:
                # 苏州市工业园区斜塘街道: a street inside the zone
                chain.insert(0, PlaceRef(tm.group(0), "division", gz.township(div, tm.group(0)), ev))
                rest = zone.group(0) + after_zone[len(tm.group(0)):]
            # 沈阳于洪新城: the zone's name starts with the county's short name
            zname: str = zone.group(0)
            for form in (div.alias or "", gz.strip_suffix(div.name)):
                if form and form + zname in addr and not zname.startswith(form):
                    zname = form + zname
            chain.insert(1 if chain[0].division and chain[0].division.level == "township" else 0,
                         PlaceRef(zname, "zone", div, ev))
            rest = rest[len(zone.group(0)):]
        elif town:
            chain.insert(0, PlaceRef(town, "division", gz.township(div, town), ev))
        rest = rest.strip()
        cm = _COMMUNITY_START.match(rest)
        if cm and chain[0].division is not None and chain[0].division.level in ("township", "county"):
            # 位于…街道XX社区: the community is a place under the street (or the district)
            chain.insert(0, PlaceRef(cm.group(0), "division", gz.community(chain[0].division, cm.group(0)), ev))
            rest = rest[len(cm.group(0)):].strip()
        if rest and len(rest) >= 2:
            address = PlaceRef(rest, "address", chain[0].division, ev)
    return chain, address


_COMMUNITY_START = re.compile(rf"[{HAN}]{{2,8}}?(?:社区|村)(?!委|民|党|居)")


def find_places(ctx: Ctx, sec: ProjectSection, names: list[str]) -> tuple[list[PlaceRef], PlaceRef | None]:
    text = ctx.norm.text
    lo, hi = sec.body_start, sec.end
    best: tuple[float, list[PlaceRef], PlaceRef | None] = (-1, [], None)
    rank = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "community": 4}
    candidates: list[tuple[str, int, int]] = []
    for m in _ADDR_RE.finditer(text, lo, hi):
        candidates.append((m.group("addr"), m.start("addr"), m.end("addr")))
    for name in names:
        for m in re.finditer(re.escape(name), text[lo:hi]):
            a = lo + m.start()
            b = a
            while b > lo and re.match(rf"[{HAN}]", text[b - 1]) and a - b < 16:
                b -= 1
            end = a - 1 if text[b:a].endswith("的") else a  # 锦州市古塔区士英街道的XX小区
            prefix = re.sub(r"^.*(?:的|在|于|是|为)", "", text[b:end])
            if prefix and re.search(r"[省市区县]", prefix):
                candidates.append((prefix, end - len(prefix), end))
    city = _text_city(ctx, sec)
    for addr, s, e in candidates:
        chain, address = place_from_address(ctx, addr, s, e, sec.province, lo, hi, city)
        if not chain:
            continue
        first = chain[0]
        r: float = rank.get(first.division.level if first.division and first.kind == "division" else "", 2)
        if first.kind == "zone":
            r = rank.get(first.division.level if first.division else "", 1) + 0.5
        if address is not None:
            r += 0.25
        if r > best[0]:
            best = (r, chain, address)
    heading = gz.division_named(sec.city, sec.province) if sec.city else None
    if heading is not None and sec.city_span is not None and (
            not best[1] or not any(pl.division is not None and heading in pl.division.chain() for pl in best[1])):
        # nothing (or nothing inside it) in the body: the heading's city or district places the project
        best = (0, [PlaceRef(heading.name, "division", heading, ctx.evidence(*sec.city_span))], None)
    return best[1], best[2]


_CITY_MENTION = re.compile(rf"[{HAN}]{{2,4}}?市")


def _text_city(ctx: Ctx, sec: ProjectSection) -> gz.Division | None:
    """The city the text gives for a section: its heading's, else the first city named."""
    if sec.city:
        c = gz.division_named(sec.city, sec.province)
        if c is not None:
            return c if c.level == "prefecture" or c.parent is None else c.parent
    for m in _CITY_MENTION.finditer(ctx.norm.text, sec.start, sec.end):
        word = m.group(0)
        for k in range(len(word) - 2, -1, -1):
            c = gz.city_named(word[k:])
            if c is not None and c.level == "prefecture" and (
                    not sec.province or c.parent is None or c.parent.name == sec.province):
                return c
    return None


def named_subplaces(ctx: Ctx, lo: int, hi: int, places: list[PlaceRef]) -> dict[str, PlaceRef]:
    """Townships and communities named in the section, resolved under its county."""
    text = ctx.norm.text
    out: dict[str, PlaceRef] = {}
    county = next((p.division for p in places if p.division and p.division.level == "county"
                   and p.kind != "address"), None)
    if county is None:
        county = next((p.division.county_or_above() for p in places if p.division), None)
    children = gz.county_children(county) if county and county.level == "county" else {}
    body = text[lo:hi]
    # (plain substring searches: a pattern per name would be compiled again for every county)
    for town, communities in children.items():
        at = body.find(town) if town else -1
        while at >= 0:
            tdiv = gz.township(county, town)  # type: ignore[arg-type]
            out.setdefault(town, PlaceRef(town, "division", tdiv, ctx.evidence(lo + at, lo + at + len(town))))
            for c in communities:
                ci = body.find(c) if c else -1
                if ci >= 0:
                    out.setdefault(c, PlaceRef(c, "division", gz.community(tdiv, c),
                                               ctx.evidence(lo + ci, lo + ci + len(c))))
            at = body.find(town, at + len(town))
    # a township inside an organisation's name: 中共桓仁满族自治县八卦城街道工作委员会
    return out


def guided_by(ctx: Ctx, lo: int, hi: int, places: dict[str, PlaceRef]) -> list[Relation]:
    text = ctx.norm.text
    out = []
    for m in re.finditer(r"在(?P<list>[^。,]{2,30}?)的(?:监督)?(?:指导|领导|监督)下", text[lo:hi]):
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        for item in re.split(r"[、和与及]", m.group("list")):
            p = places.get(item)
            if p is None or p.division is None:
                continue
            if p.division.level == "township":
                out.append(Relation(COMPOUND, "guidedBy", OrgKey.of_place(item, "subdistrict-office"), ev))
            elif p.division.level == "community":
                out.append(Relation(COMPOUND, "guidedBy", OrgKey.of_place(item, "residents-committee"), ev))
    return out
