"""Administrative divisions of China, from the jionlp gazetteer (offline, maintained).

jionlp ships the division tree (province → prefecture → county with GB/T 2260 codes, then
townships and communities by name) and an address parser that resolves homonyms by
context (吉林省 vs 吉林市; 和平区 within the city given).  This module is the only place
that imports it; it silences jionlp's import banner, since the library never prints.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "province_named",
    "Division",
    "GAZETTEER_SOURCE",
    "county_children",
    "division_by_code",
    "parse_address",
    "provinces",
]


@dataclass(frozen=True)
class Division:
    """A division with a code (county and above) or a name under a coded parent."""

    name: str
    level: str  # province | prefecture | county | township | community
    code: str | None
    parent: Division | None = None
    alias: str | None = None

    def chain(self) -> list[Division]:
        out: list[Division] = []
        node: Division | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def county_or_above(self) -> Division | None:
        for d in self.chain():
            if d.code:
                return d
        return None


@lru_cache(maxsize=1)
def _jio() -> Any:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp

    return jionlp


@lru_cache(maxsize=1)
def gazetteer_version() -> str:
    from importlib.metadata import version

    return version("jionlp")


GAZETTEER_SOURCE = "jionlp china_location (GB/T 2260 codes; townships and communities by name)"


def _tree() -> dict[str, Any]:
    """The division tree down to counties (townships: :func:`county_children`), read once
    and cached across processes (:mod:`meihao_kg.extract.gazetteer_cache`)."""
    from meihao_kg.extract.gazetteer_cache import coarse_tree

    return coarse_tree()


@lru_cache(maxsize=1)
def _parser() -> Any:
    """jionlp's address parser, prepared from the tree already loaded here (left to itself
    it reads jionlp's tables a second time)."""
    _jio()
    import jionlp.gadget.location_parser as lp

    parser = lp.LocationParser()
    tree = _tree()
    loader = lp.china_location_loader
    lp.china_location_loader = lambda detail=False: tree  # the same tree, without townships
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            parser._prepare()
    finally:
        lp.china_location_loader = loader
    return parser


def _alias(node: dict[str, Any]) -> str | None:
    alias = node.get("_alias")
    if isinstance(alias, list):
        return alias[0] if alias else None
    return alias or None


@lru_cache(maxsize=1)
def _index() -> dict[str, Division]:
    """code → Division for provinces, prefectures and counties."""
    out: dict[str, Division] = {}
    for pname, pnode in _tree().items():
        prov = Division(pname, "province", pnode["_admin_code"], None, _alias(pnode))
        out[prov.code or pname] = prov
        for cname, cnode in pnode.items():
            if cname.startswith("_"):
                continue
            city = Division(cname, "prefecture", cnode["_admin_code"], prov, _alias(cnode))
            out[city.code or cname] = city
            for kname, knode in cnode.items():
                if kname.startswith("_"):
                    continue
                county = Division(kname, "county", knode["_admin_code"], city, _alias(knode))
                out[county.code or kname] = county
    return out


def provinces() -> list[tuple[str, str]]:
    """(full name, short name) of every province-level division."""
    return [(name, _alias(node) or name) for name, node in _tree().items()]


def province_named(name: str) -> Division | None:
    """The province (or autonomous region, municipality) of this exact official name."""
    return next((d for d in _index().values() if d.level == "province" and d.name == name), None)


def division_by_code(code: str) -> Division | None:
    return _index().get(code)


def _find(province: str | None, city: str | None, county: str | None) -> Division | None:
    best: Division | None = None
    for d in _index().values():
        if county and d.level == "county" and d.name == county and (
            not city or d.parent and d.parent.name == city
        ) and (not province or d.parent and d.parent.parent and d.parent.parent.name == province):
            return d
        if not county and city and d.level == "prefecture" and d.name == city and (
            not province or d.parent and d.parent.name == province
        ):
            best = d
        if not county and not city and province and d.level == "province" and d.name == province:
            best = d
    return best


@lru_cache(maxsize=4096)
def parse_address(text: str, province_hint: str | None = None) -> tuple[Division | None, str]:
    """Resolve an address to its smallest coded division; return it and the rest.

    ``province_hint`` (a full province name, e.g. from the article's heading) is used to
    resolve names that exist in several provinces.
    """
    text = text.strip()
    if not text:
        return None, ""
    parse = _parser()
    query = text
    if province_hint and not text.startswith(province_hint[:2]):
        query = province_hint + text
    with contextlib.redirect_stdout(io.StringIO()):
        res = parse(query)
    prov, city, county = res.get("province"), res.get("city"), res.get("county")
    if province_hint and prov and prov != province_hint and not text.startswith(prov[:2]):
        # the hint misled the parser: try without it
        with contextlib.redirect_stdout(io.StringIO()):
            res = parse(text)
        prov, city, county = res.get("province"), res.get("city"), res.get("county")
    div = _find(prov, city, county)
    if div is None:
        return None, text
    detail = res.get("detail") or ""
    return div, detail


@lru_cache(maxsize=1)
def _cities() -> dict[str, Division]:
    """City names (full and short, prefectures and county-level cities) → division; a name
    shared by several is left out."""
    out: dict[str, Division] = {}
    dup: set[str] = set()
    for d in _index().values():
        if d.level == "prefecture" or d.level == "county" and d.name.endswith("市"):
            for form in {d.name, d.alias or "", strip_suffix(d.name)}:
                if len(form) < 2:
                    continue
                if form in out and out[form] != d:
                    dup.add(form)
                out.setdefault(form, d)
    # a prefecture wins over a county-level city of the same short name
    for form in list(dup):
        prefs = [d for d in _index().values() if d.level == "prefecture"
                 and form in {d.name, d.alias or "", strip_suffix(d.name)}]
        if len(prefs) == 1:
            out[form] = prefs[0]
            dup.discard(form)
    return {k: v for k, v in out.items() if k not in dup}


def city_named(name: str) -> Division | None:
    """The city called ``name`` (沈阳, 沈阳市, 吉林市), or None if unknown or ambiguous."""
    return _cities().get(name.strip())


@lru_cache(maxsize=1)
def names_with(chars: str = "和与及") -> tuple[str, ...]:
    """Division names (full and short) that contain one of ``chars`` (呼和浩特, 和平区)."""
    out: set[str] = set()
    for d in _index().values():
        for form in (d.name, d.alias or "", strip_suffix(d.name)):
            if len(form) >= 2 and any(c in form for c in chars):
                out.add(form)
    return tuple(sorted(out, key=len, reverse=True))


def division_named(name: str, province: str | None = None) -> Division | None:
    """The city or county-level division called ``name`` (沈阳, 江北, 鼓楼区), within
    ``province`` when given; None if unknown or ambiguous."""
    name = name.strip()
    city = city_named(name)
    if city is not None and (province is None or city.parent is None or city.parent.name == province):
        return city
    found = [d for d in _index().values() if d.level == "county"
             and name in {d.name, d.alias or "", strip_suffix(d.name)}
             and (province is None or d.parent is not None and d.parent.parent is not None
                  and d.parent.parent.name == province)]
    return found[0] if len(found) == 1 else None


_ZONE_WORDS = ("新区", "园区", "开发区", "高新区", "新城", "保税区", "景区", "城区", "郊区", "市区")


def _children(pref: Division) -> list[Division]:
    return [d for d in _index().values() if d.level == "county" and d.parent == pref]


@lru_cache(maxsize=1024)
def repair_address(addr: str, province: str | None = None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Restore characters that mirrors drop (埇, 鄠, 亳...): ``宿州市桥区`` → ``宿州市埇桥区``.

    A city or district name that the gazetteer does not know is repaired only when exactly
    one division of the right level, one character longer and ending with it, fits: under
    the known city for a district, among the cities of the province (and having the district
    that follows) for a city.  Returns the repaired address and the repairs as
    ``(text form, full name)``; unrepairable names are left as written.
    """
    import re

    repairs: list[tuple[str, str]] = []
    rest = addr
    head = ""
    if province:
        for form in sorted({province, *(a for f, a in provinces() if f == province)}, key=len, reverse=True):
            if rest.startswith(form):
                head, rest = form, rest[len(form):]
                break
    pm = re.match(r"[\u4e00-\u9fff]{1,6}?市", rest)
    pref: Division | None = None
    if pm:
        tok = pm.group(0)
        pref = city_named(tok)
        after = rest[len(tok):]
        cm = re.match(r"[\u4e00-\u9fff]{1,6}?(?:区|县|市)", after)
        if pref is None and len(tok) <= 3:
            cands = [d for d in _index().values() if d.level == "prefecture" and d.name.endswith(tok)
                     and len(d.name) == len(tok) + 1
                     and (province is None or d.parent is not None and d.parent.name == province)]
            if cm:
                cands = [d for d in cands if any(c.name == cm.group(0) for c in _children(d))]
            if len(cands) == 1:
                pref = cands[0]
                repairs.append((tok, pref.name))
                tok = pref.name
        head += tok
        rest = after
        if pref is not None and pref.level == "prefecture" and cm:
            ctok = cm.group(0)
            kids = _children(pref)
            if not any(c.name == ctok for c in kids) and not ctok.endswith(_ZONE_WORDS) and len(ctok) <= 3:
                cands = [c for c in kids if c.name.endswith(ctok) and len(c.name) == len(ctok) + 1]
                if len(cands) == 1:
                    repairs.append((ctok, cands[0].name))
                    rest = cands[0].name + rest[len(ctok):]
    return head + rest, tuple(repairs)


def county_children(county: Division) -> dict[str, list[str]]:
    """Township name → community names, for a county-level division."""
    if county.level != "county" or county.parent is None or county.parent.parent is None:
        return {}
    from meihao_kg.extract.gazetteer_cache import county_towns

    node = county_towns(county.parent.parent.name, county.parent.name, county.name)
    return {t: sorted((c or {}).keys()) if isinstance(c, dict) else [] for t, c in node.items()}


def township(county: Division, name: str) -> Division:
    """A township-level division under ``county`` (coded by name; the gazetteer has no code)."""
    return Division(name, "township", None, county)


def community(parent: Division, name: str) -> Division:
    return Division(name, "community", None, parent)


def strip_suffix(name: str) -> str:
    """沈阳市 → 沈阳, 桓仁满族自治县 → 桓仁, 中华路街道 → 中华路."""
    for suf in ("满族自治县", "自治县", "自治州", "特别行政区", "自治区", "街道办事处", "街道",
                "社区", "省", "市", "区", "县", "镇", "乡"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name

