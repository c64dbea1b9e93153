"""A cache of jionlp's division tree, so that a build does not parse its text tables.

jionlp ships the tree as a tab-indented text file of some 700,000 lines; reading it costs
about half a second each time.  The parsed tree is kept in the user's cache folder
(``$MEIHAO_KG_CACHE``, else ``$XDG_CACHE_HOME/meihao-kg``, else ``~/.cache/meihao-kg``), in a
file named after the table's size and modification time and the Python version, so a new
jionlp (or Python) simply writes a new file.  The cache is never required: when it is
missing, unreadable or cannot be written, the tree is read from jionlp's table as before.

The file holds the tree down to counties and, for each county, its townships and
communities as a separately encoded blob, decoded only when that county is asked for.
"""

from __future__ import annotations

import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "county_towns", "coarse_tree", "table_path"]

_FORMAT = 1  # bump when the file layout changes


def cache_dir() -> Path:
    env = os.environ.get("MEIHAO_KG_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "meihao-kg"


@lru_cache(maxsize=1)
def table_path() -> Path:
    """jionlp's ``china_location.txt``, found without importing jionlp (its import is slow)."""
    import importlib.util

    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.txt"


def _cache_file(table: Path) -> Path:
    st = table.stat()
    py = f"py{sys.version_info[0]}{sys.version_info[1]}m{marshal.version}"
    return cache_dir() / f"gazetteer-v{_FORMAT}-{st.st_size}-{st.st_mtime_ns}-{py}.marshal"


def _split(tree: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The tree without townships, and (province, city, county) → marshalled townships."""
    coarse: dict[str, Any] = {}
    towns: dict[str, bytes] = {}
    for p, pnode in tree.items():
        cp: dict[str, Any] = {}
        for c, cnode in pnode.items():
            if c.startswith("_"):
                cp[c] = cnode
                continue
            cc: dict[str, Any] = {}
            for k, knode in cnode.items():
                if k.startswith("_"):
                    cc[k] = knode
                    continue
                cc[k] = {key: v for key, v in knode.items() if key.startswith("_")}
                towns[_key(p, c, k)] = marshal.dumps({key: v for key, v in knode.items()
                                                      if not key.startswith("_")})
            cp[c] = cc
        coarse[p] = cp
    return coarse, towns


def _key(province: str, city: str, county: str) -> str:
    return f"{province}\t{city}\t{county}"


def _read_table() -> dict[str, Any]:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader  # prints a banner

        tree: dict[str, Any] = china_location_loader(detail=True)
    return tree


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Any], dict[str, bytes]]:
    try:
        path = _cache_file(table_path())
    except OSError:
        return _split(_read_table())
    try:
        data = marshal.loads(path.read_bytes())
        if isinstance(data, tuple) and len(data) == 2:
            return data[0], data[1]
    except (OSError, ValueError, EOFError, TypeError):
        pass  # absent or damaged: rebuilt below
    coarse, towns = _split(_read_table())
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
    blob = _load()[1].get(_key(province, city, county))
    return {} if blob is None else dict(marshal.loads(blob))
