"""meihao-kg: a knowledge graph of the 美好家园 showcase residential compounds.

For notebooks and scripts, :class:`KG` (see :mod:`meihao_kg.api`)::

    from meihao_kg import KG
    kg = KG.open(".meihao-kg")
    kg.projects_by_initiative("1+1+1").to_pandas()

Lower-level entry points (the CLI calls these)::

    from meihao_kg import build_kg, open_store, run_saved_query
    build_kg(["data/raw"], store=".meihao-kg")
    rows = run_saved_query("projects-by-initiative", {"initiative": "1+1+1"})
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .api import KG, Rows, View

if TYPE_CHECKING:
    from .pipeline import BuildReport
    from .queries import QueryResult
    from .store import OxigraphStore

__version__ = "0.1.0"

__all__ = ["KG", "Rows", "View", "__version__", "build_kg", "open_store", "run_saved_query"]


def build_kg(
    paths: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    validate: bool = True,
    keep_invalid: bool = False,
    curation: str | Path | None = None,
) -> BuildReport:
    """See :func:`meihao_kg.pipeline.build_kg`."""
    from .pipeline import build_kg as _build

    return _build(paths, store=store, validate=validate, keep_invalid=keep_invalid, curation=curation)


def open_store(path: str | os.PathLike[str] | None = None) -> OxigraphStore:
    """See :func:`meihao_kg.store.open_store`."""
    from .store import open_store as _open

    return _open(path)


def run_saved_query(
    name: str, params: Mapping[str, str] | None = None, *, store: str | os.PathLike[str] | None = None
) -> QueryResult:
    """Run a saved query by name or path; returns a :class:`~meihao_kg.queries.QueryResult`."""
    from .queries import find_query, run_query
    from .store import open_store as _open

    return run_query(_open(store), find_query(name), dict(params or {}))
