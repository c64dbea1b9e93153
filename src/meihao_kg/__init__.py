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
from collections.abc import Mapping
from typing import TYPE_CHECKING

from meihao_kg.api import KG, Rows, View
from meihao_kg.pipeline import build_kg  # light modules: heavy packages load when called
from meihao_kg.store.local import open_store

if TYPE_CHECKING:
    from meihao_kg.query.saved import QueryResult

__version__ = "0.1.0"

__all__ = ["KG", "Rows", "View", "__version__", "build_kg", "open_store", "run_saved_query"]


def run_saved_query(
    name: str, params: Mapping[str, str] | None = None, *, store: str | os.PathLike[str] | None = None
) -> QueryResult:
    """Run a saved query by name or path; returns a :class:`~meihao_kg.query.saved.QueryResult`."""
    from meihao_kg.query.saved import find_query, run_query

    return run_query(open_store(store), find_query(name), dict(params or {}))
