"""A cache of jionlp's division tree, so that a build does not parse its text tables.

jionlp ships the tree as a tab-indented text file of some 700,000 lines; its loader costs
about half a second each time.  The tree is read here down to counties only (0.1 s), and
kept in the user's cache folder
(``$MEIHAO_KG_CACHE``, else ``$XDG_CACHE_HOME/meihao-kg``, else ``~/.cache/meihao-kg``), in a
file named after the table's size and modification time and the Python version, so a new
jionlp (or Python) simply writes a new file.  The cache is never required: when it is
missing, unreadable or cannot be written, the tree is read from jionlp's table as before.

The file holds the tree down to counties and, for each county, the text of its townships
and communities, parsed only when that county is asked for.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "county_towns", "coarse_tree", "table_path"]

_FORMAT = 2  # bump when the file layout changes


def cache_dir() -> Path:
    env = os.environ.get("MEIHAO_KG_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "meihao-kg"


@lru_cache(maxsize=1)
def table_path() -> Path:
    """jionlp's ``china_location.txt``, found without importing jionlp (its import is slow);
    or, before jionlp's first import has unpacked it, the ``china_location.zip`` it ships."""
    import importlib.util

    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp")
    table = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.txt"
    return table if table.exists() else table.with_suffix(".zip")


def _cache_file(table: Path) -> Path:
    st = table.stat()
    py = f"py{sys.version_info[0]}{sys.version_info[1]}m{marshal.version}"
    return cache_dir() / f"gazetteer-v{_FORMAT}-{st.st_size}-{st.st_mtime_ns}-{py}.marshal"


# a province (no tab), city (one) or county (two) line: name, code, alias
_HEAD = re.compile(r"^(\t{0,2})([^\t\n]+)\t([^\t\n]+)\t([^\t\n]+)$", re.M)


def _read_tree(text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """jionlp's table read as ``china_location_loader(detail=True)`` reads it, down to
    counties; each county's townships and communities are kept as the text of its block,
    parsed only when that county is asked for (:func:`county_towns`).

    Only the ~3,500 lines of provinces, cities and counties are looked at (one regular
    expression over the text) instead of all 700,000: a build's first run no longer pays
    half a second for the table."""
    coarse: dict[str, Any] = {}
    towns: dict[str, str] = {}
    province = city = county = None
    block_start = 0

    def close(end: int) -> None:
        if province is not None and city is not None and county is not None:
            key = _key(province, city, county)
            towns[key] = towns.get(key, "") + text[block_start:end]

    for m in _HEAD.finditer(text):
        tabs, name, code, alias = m.group(1), m.group(2).strip(), m.group(3).strip(), m.group(4).strip()
        close(m.start())
        block_start = m.end()
        if not tabs:
            province, city, county = name, None, None
            coarse[province] = {"_full_name": name, "_alias": alias, "_admin_code": code}
        elif tabs == "\t":
            if province is None:
                continue
            city, county = name, None
            coarse[province][city] = {"_full_name": name, "_alias": alias.split("/"), "_admin_code": code}
        else:
            if province is None or city is None:
                continue
            county = name
            coarse[province][city][county] = {"_full_name": name, "_alias": alias, "_admin_code": code}
            towns[_key(province, city, county)] = ""  # a county named again starts afresh
    close(len(text))
    return coarse, towns


def _towns(block: str) -> dict[str, Any]:
    """A county's block of lines: township → {community: None}, as jionlp reads them."""
    out: dict[str, Any] = {}
    town = None
    for line in block.split("\n"):
        if line.startswith("\t\t\t\t"):
            if town is not None:
                out[town][line.strip()] = None
        elif line.startswith("\t\t\t"):
            town = line.strip()
            out[town] = {}
    return out


def _key(province: str, city: str, county: str) -> str:
    return f"{province}\t{city}\t{county}"


def _read_table() -> tuple[dict[str, Any], dict[str, str]]:
    table = table_path()
    if table.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(table) as z:
            return _read_tree(z.read("china_location.txt").decode("utf-8"))
    return _read_tree(table.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Any], dict[str, str]]:
    try:
        path = _cache_file(table_path())
    except OSError:
        return _read_table()
    try:
        data = marshal.loads(path.read_bytes())
        if isinstance(data, tuple) and len(data) == 2:
            return data[0], data[1]
    except (OSError, ValueError, EOFError, TypeError):
        pass  # absent or damaged: rebuilt below
    coarse, towns = _read_table()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((coarse, towns)))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: the cache is an optimisation only
    return coarse, towns


def coarse_tree() -> dict[str, Any]:
    """jionlp's division tree (``china_location_loader(detail=True)``) down to counties;
    a county's node keeps its ``_``-keys (code, alias, full name) but not its townships."""
    return _load()[0]


def county_towns(province: str, city: str, county: str) -> dict[str, Any]:
    """Township name → {community name: None} under a county, as in jionlp's tree."""
    block = _load()[1].get(_key(province, city, county))
    return {} if block is None else _towns(block)
