"""Stage 5: the persistent store.

The default store is an on-disk Oxigraph database (pyoxigraph) under a store folder::

    STORE/
      current -> db-20261126T081500-1234   (symlink, swapped atomically)
      db-20261126T081500-1234/              (RocksDB files)

Every write builds a *new* database folder (old graphs copied, replaced graphs dropped,
new graphs loaded), checks it, and only then points ``current`` at it with one atomic
``rename``.  A failure at any point leaves ``current`` – and every reader – on the old
database.  Readers open ``current`` read-only, which takes milliseconds.

The interface is narrow (:class:`KGStore`) so that a remote SPARQL 1.1 server can take its
place later.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .errors import StoreError

__all__ = ["DEFAULT_STORE", "KGStore", "OxigraphStore", "STORE_ENV", "open_store", "store_path"]

LOG = logging.getLogger(__name__)

STORE_ENV = "MEIHAO_KG_STORE"
DEFAULT_STORE = ".meihao-kg"


def store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store folder: the argument, else ``$MEIHAO_KG_STORE``, else ``./.meihao-kg``."""
    if path:
        return Path(path)
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class KGStore(Protocol):
    """What the rest of meihao-kg needs from a store."""

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any: ...

    def graphs(self) -> list[str]: ...

    def dump_nquads(self) -> bytes: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class GraphData:
    """Triples for one named graph, as N-Triples bytes."""

    iri: str
    ntriples: bytes


class OxigraphStore:
    """A read-only view of the current Oxigraph database of a store folder."""

    def __init__(self, root: Path) -> None:
        import pyoxigraph

        self.root = root
        current = root / "current"
        if not current.exists():
            raise StoreError(
                f"{root}: no knowledge graph here yet", hint="run `meihao-kg build` first"
            )
        try:
            self._store = pyoxigraph.Store.read_only(str(current.resolve()))
        except OSError as exc:
            raise StoreError(f"{root}: cannot open the store ({exc})") from None

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        import pyoxigraph

        subs = {pyoxigraph.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as exc:
            from .errors import QueryError

            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (RuntimeError, OSError) as exc:
            from .errors import QueryError

            raise QueryError(f"query failed: {exc}") from None

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def dump_nquads(self) -> bytes:
        import pyoxigraph

        return bytes(self._store.dump(format=pyoxigraph.RdfFormat.N_QUADS) or b"")

    def __len__(self) -> int:
        return len(self._store)

    def quads(self) -> Iterator[Any]:
        return iter(self._store)


def open_store(path: str | os.PathLike[str] | None = None) -> OxigraphStore:
    """Open the store read-only.  Raises :class:`StoreError` if there is none."""
    return OxigraphStore(store_path(path))


def write_store(
    root: Path,
    new_graphs: Iterable[GraphData],
    *,
    drop: Iterable[str] = (),
    check: Callable[[Any], None] | None = None,
) -> Path:
    """Write a new database: the current one minus ``drop`` and the replaced graphs, plus
    ``new_graphs``; run ``check`` on the new pyoxigraph store; then swap it in atomically.

    ``check`` raises to abort: the new database is deleted and the current one stays.
    Returns the new database folder.
    """
    import pyoxigraph

    root.mkdir(parents=True, exist_ok=True)
    new_graphs = list(new_graphs)
    replaced = {g.iri for g in new_graphs} | set(drop)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    new_dir = root / f"db-{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}"
    current = root / "current"
    store = None
    try:
        store = pyoxigraph.Store(str(new_dir))
        if current.exists():
            old = pyoxigraph.Store.read_only(str(current.resolve()))
            keep = [q for q in old if q.graph_name.value not in replaced] if replaced else list(old)
            store.bulk_extend(keep)
            del old
        for g in new_graphs:
            store.bulk_load(
                g.ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(g.iri)
            )
        store.flush()
        if check is not None:
            check(store)
        store.optimize()
    except BaseException:
        del store
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    del store
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(new_dir.name)
    old_target = current.resolve() if current.exists() else None
    os.replace(tmp_link, current)  # the atomic step
    if old_target is not None and old_target != new_dir.resolve():
        shutil.rmtree(old_target, ignore_errors=True)
    _remove_orphans(root, keep=new_dir)
    return new_dir


def _remove_orphans(root: Path, keep: Path) -> None:
    """Delete database folders left by builds that were killed before their swap."""
    for d in root.glob("db-*"):
        if d.resolve() != keep.resolve() and time.time() - d.stat().st_mtime > 3600:
            shutil.rmtree(d, ignore_errors=True)
