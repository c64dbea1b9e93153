"""meihao-kg: a knowledge graph of the 美好家园 showcase residential compounds.

Library entry points (the CLI calls these)::

    from meihao_kg import build_kg, open_store, run_saved_query
    build_kg(["data/raw"], store=".meihao-kg")
    rows = run_saved_query("projects-by-initiative", {"initiative": "1+1+1"})
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "build_kg", "open_store", "run_saved_query"]


def build_kg(*args: Any, **kwargs: Any) -> Any:
    """See :func:`meihao_kg.pipeline.build_kg`."""
    from .pipeline import build_kg as _build

    return _build(*args, **kwargs)


def open_store(path: Any = None) -> Any:
    """See :func:`meihao_kg.store.open_store`."""
    from .store import open_store as _open

    return _open(path)


def run_saved_query(name: str, params: dict[str, str] | None = None, *, store: Any = None) -> Any:
    """Run a saved query by name or path; returns a :class:`~meihao_kg.queries.QueryResult`."""
    from .queries import find_query, run_query
    from .store import open_store as _open

    return run_query(_open(store), find_query(name), params or {})
