"""Pinyin slugs remembered across processes, so that a build need not import pypinyin.

Importing pypinyin loads its phrase dictionary (about 0.3 s), paid by every build for a few
compound names.  Slugs computed by :func:`meihao_kg.graph.iri.slugify` are kept in the user
cache folder (the gazetteer's, :func:`meihao_kg.extract.gazetteer_cache.cache_dir`) in a file
named after pypinyin's installed files and the slug rules' version, so another pypinyin (or
new rules) starts a new file.  Never required: a missing or unreadable file means pypinyin
is asked, as before; slugs frozen in ``data/slugs.csv`` always come first.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["known_slugs", "remember", "save"]

RULES = 1  # bump when slugify's rules change
_new: dict[str, str] = {}


@lru_cache(maxsize=1)
def _path() -> Path | None:
    import importlib.util

    from meihao_kg.extract.gazetteer_cache import cache_dir

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return None
    st = Path(spec.origin).stat()
    return cache_dir() / f"slugs-r{RULES}-{st.st_size}-{st.st_mtime_ns}.json"


@lru_cache(maxsize=1)
def known_slugs() -> dict[str, str]:
    """name → slug computed by an earlier process (empty when there is no cache)."""
    try:
        path = _path()
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def remember(name: str, slug: str) -> None:
    """Note a slug computed by pypinyin in this process (written by :func:`save`)."""
    _new[name] = slug


def save() -> None:
    """Add this process's new slugs to the cache file (atomically; errors are ignored)."""
    if not _new:
        return
    try:
        path = _path()
        if path is None:
            return
        merged = {**known_slugs(), **_new}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(merged, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return
    known_slugs.cache_clear()
    _new.clear()
