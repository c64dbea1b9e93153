"""Stage 5: the persistent store.

The default store is an on-disk Oxigraph database (pyoxigraph) under a store folder::

    STORE/
      current -> db-20261126T081500-1234   (symlink, swapped atomically)
      db-20261126T081500-1234/              (RocksDB files)

Every write builds a *new* database folder (a RocksDB checkpoint of the current one,
replaced graphs dropped, new graphs loaded), reads it back, and only then points
``current`` at it with one atomic ``rename``.  A failure at any point leaves ``current`` –
and every reader – on the old database.  One build writes at a time (:func:`build_lock`);
readers open ``current`` read-only in milliseconds and hold a shared lock on the folder
they opened, so that no build deletes it under them.

The interface is narrow (:class:`KGStore`); :mod:`meihao_kg.store.remote` puts a SPARQL 1.1
server in its place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from meihao_kg.errors import StoreError, StoreLockedError

__all__ = [
    "DEFAULT_STORE",
    "KGStore",
    "OxigraphStore",
    "STORE_ENV",
    "build_lock",
    "collect_orphans",
    "open_store",
    "quad_count",
    "store_path",
    "write_store",
]

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
    """Triples for one named graph, as N-Triples bytes (or a tuple of N-Triples documents, for
    a graph gathered from many: not joined in memory).  With ``replace`` (the default) they
    replace the graph; otherwise they are added to it."""

    iri: str
    ntriples: bytes | tuple[bytes, ...]
    replace: bool = True


class OxigraphStore:
    """A read-only view of the current Oxigraph database of a store folder.

    While it is open it holds a shared lock on its database folder, so that a build that
    swaps in a newer database does not delete this one under it (the build leaves the
    folder for a later build to collect).  Use it as a context manager, or call
    :meth:`close`, to release the folder early.
    """

    def __init__(self, root: Path) -> None:
        import pyoxigraph

        self.root = root
        self._lock_fd: int | None = None
        current = root / "current"
        last: Exception | None = None
        for _attempt in range(20):
            if not current.exists():
                raise StoreError(
                    f"{root}: no knowledge graph here yet", hint="run `meihao-kg build` first"
                )
            target = current.resolve()
            fd = _reader_lock(target)
            # the folder may have been swapped out and collected between resolve and lock
            if not target.is_dir() or current.resolve() != target:
                _unlock(fd)
                continue
            try:
                self._store = pyoxigraph.Store.read_only(str(target))
            except OSError as exc:
                _unlock(fd)
                last = exc
                if current.resolve() != target:
                    continue  # swapped while opening: try the new one
                raise StoreError(f"{root}: cannot open the store ({exc})") from None
            self._lock_fd = fd
            self.path = target
            self._default_graphs = _query_graphs(self._store)
            return
        raise StoreError(f"{root}: the store kept changing while it was being opened ({last})",
                         hint="try again")

    def close(self) -> None:
        """Release the database folder (the object must not be used afterwards)."""
        self.__dict__.pop("_store", None)
        if self._lock_fd is not None:
            _unlock(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a SELECT/ASK query.  A query without its own ``FROM`` sees the asserted facts
        (each once, however many sources state them), the ontology and the inferences as its
        default graph; every named graph stays reachable with ``GRAPH``.  ``bindings`` are
        RDF terms (or lists of them): each takes its variable's place in the WHERE group and
        a ``VALUES`` block at its head keeps the variable bound (``remote.inject_values``)."""
        from meihao_kg.store.remote import inject_values  # the one way parameters are bound, here and remote

        text = inject_values(sparql, bindings) if bindings else sparql
        kwargs: dict[str, Any] = {}
        if not has_dataset_clause(sparql):
            if self._default_graphs is None:
                kwargs["use_default_graph_as_union"] = True
            else:
                kwargs["default_graph"] = self._default_graphs
        try:
            return self._store.query(text, **kwargs)
        except SyntaxError as exc:
            from meihao_kg.errors import QueryError

            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (RuntimeError, OSError) as exc:
            from meihao_kg.errors import QueryError

            raise QueryError(f"query failed: {exc}") from None

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    @property
    def raw(self) -> Any:
        """The underlying read-only ``pyoxigraph.Store`` (for pattern look-ups)."""
        return self._store

    def dump_nquads(self) -> bytes:
        import pyoxigraph

        return bytes(self._store.dump(format=pyoxigraph.RdfFormat.N_QUADS) or b"")

    def __len__(self) -> int:
        return len(self._store)


def open_store(path: str | os.PathLike[str] | None = None) -> OxigraphStore:
    """Open the store read-only.  Raises :class:`StoreError` if there is none."""
    return OxigraphStore(store_path(path))


@dataclass(frozen=True)
class WrittenStore:
    """What :func:`write_store` swapped in."""

    path: Path
    quads: int


def _query_graphs(store: Any) -> list[Any] | None:
    """The default graph for queries: asserted + ontology + inferred when the store has the
    asserted graph; ``None`` (the union of all graphs) for a store without it."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import GRAPH_ASSERTED, QUERY_GRAPHS

    if not store.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_ASSERTED))):
        return None
    return [pyoxigraph.NamedNode(str(g)) for g in QUERY_GRAPHS]


# Strings, IRIs and comments, inside which no brace or keyword counts.
_SKIP_RE = re.compile(
    r'"""[\s\S]*?"""' r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_FROM_RE = re.compile(r"(?<![?$:\w])FROM(?![:\w])", re.IGNORECASE)


def bare_query(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length, same offsets), so
    that keywords and braces can be found with plain searches."""
    return _SKIP_RE.sub(lambda m: " " * len(m.group(0)), text)


def has_dataset_clause(text: str) -> bool:
    return bool(_FROM_RE.search(bare_query(text)))


READERS_FILE = "meihao-kg.readers"
LOCK_FILE = ".build.lock"
PAUSE_ENV = "MEIHAO_KG_PAUSE_AT"


def _reader_lock(db: Path) -> int | None:
    """Take a shared lock on a database folder's readers file (``None`` if it cannot be made,
    e.g. on read-only media, where no build can delete the folder anyway)."""
    import fcntl

    try:
        fd = os.open(db / READERS_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        try:
            fd = os.open(db / READERS_FILE, os.O_RDONLY)
        except OSError:
            return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor releases its flock


def _try_exclusive(db: Path) -> int | None:
    """An exclusive lock on a database folder if no reader has it open, else ``None``."""
    import fcntl

    try:
        fd = os.open(db / READERS_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def lock_holder(root: Path) -> int | None:
    """The pid recorded by the build that holds (or last held) the store lock."""
    try:
        text = (root / LOCK_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


@contextmanager
def build_lock(
    root: Path, *, wait: bool = True, on_wait: Callable[[int | None], None] | None = None
) -> Iterator[None]:
    """Hold the store's build lock (an OS file lock on ``ROOT/.build.lock``).

    Only builds take it; readers never do.  A second build waits for the first (calling
    ``on_wait`` with the holder's pid once), or with ``wait=False`` raises
    :class:`StoreLockedError` at once.  The lock dies with its process: a killed build
    never leaves the store locked.
    """
    import fcntl

    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{root}: cannot create the store's lock file ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock_holder(root)
            if not wait:
                who = f"pid {holder}" if holder else "another process"
                raise StoreLockedError(
                    f"{root}: another build ({who}) is writing this store",
                    hint="wait for it to finish, or run without --no-wait to queue behind it",
                ) from None
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def checkpoint(name: str) -> None:
    """A named point of the build where a fault-injection test may stop the process.

    With ``$MEIHAO_KG_PAUSE_AT`` equal to ``name`` the process writes its pid to
    ``$MEIHAO_KG_PAUSE_FILE`` and waits there until that file is deleted (or
    ``$MEIHAO_KG_PAUSE_SECONDS`` pass), so that a test can kill it exactly there or let it go
    on.  Does nothing otherwise.
    """
    if os.environ.get(PAUSE_ENV) != name:
        return
    marker = os.environ.get("MEIHAO_KG_PAUSE_FILE")
    deadline = time.monotonic() + float(os.environ.get("MEIHAO_KG_PAUSE_SECONDS", "60"))
    if not marker:
        time.sleep(max(0.0, deadline - time.monotonic()))
        return
    path = Path(marker)
    path.write_text(str(os.getpid()), encoding="ascii")
    while path.exists() and time.monotonic() < deadline:  # the test deletes it to resume
        time.sleep(0.05)


def write_store(
    root: Path,
    new_graphs: Iterable[GraphData],
    *,
    drop: Iterable[str] = (),
    prepare: Callable[[Any, list[str]], int | None] | None = None,
    check: Callable[[Any], None] | None = None,
    fresh: bool = False,
    replacing: Iterable[str] | None = None,
    finish: Callable[[Any, list[str]], int | None] | None = None,
    parsed: bool = False,
) -> WrittenStore:
    """Write a new database: the current one minus ``drop`` and the replaced graphs, plus
    ``new_graphs``; then swap it in atomically.

    The caller must hold :func:`build_lock`.  The current database is copied by a RocksDB
    checkpoint (hard links, not a copy through Python).  ``prepare(store, outgoing)`` runs
    on the copy while the outgoing graphs are still in it; they are then dropped and the new
    graphs loaded; ``finish(store, outgoing)`` then runs on the loaded store (derived
    indexes), and ``check(store)`` last.  Either raises to abort: the new database is
    deleted and the current one stays.  Returns the new database folder and its size.

    With ``fresh`` the new database starts empty instead of as a copy (the caller replaces
    everything the current one holds, as ``build --force`` of every source does): nothing
    is copied, retracted or dropped.

    ``new_graphs`` may be a generator (graphs written as they are made) when ``replacing``
    names the graphs it replaces up front.  ``parsed`` says that their text has already been
    through Oxigraph's strict parser (the shapes check loads it): it is then loaded without
    checking every IRI and language tag again.
    """
    import gc

    import pyoxigraph

    root.mkdir(parents=True, exist_ok=True)
    current = root / "current"
    old_target = current.resolve() if current.exists() else None
    collect_orphans(root, keep=old_target)
    if replacing is None:
        new_graphs = list(new_graphs)
        replacing = [g.iri for g in new_graphs if g.replace]
    outgoing = list(dict.fromkeys([*replacing, *drop]))
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    new_dir = root / f"db-{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}"
    store = None
    counter: _NewQuads | None = None
    # the number of quads, kept up to date as the copy changes (counting a store of millions
    # of quads takes seconds); None when unknown, and then counted at the end
    count: int | None = 0 if fresh or old_target is None else _recorded_count(old_target)
    try:
        if old_target is not None and not fresh:
            old = pyoxigraph.Store.read_only(str(old_target))
            old.backup(str(new_dir))
            del old
        store = pyoxigraph.Store(str(new_dir))
        checkpoint("copied")
        if prepare is not None and not fresh:
            change = prepare(store, outgoing)
            count = None if change is None or count is None else count + change
        present = set(store.named_graphs()) if not fresh else set()
        for iri in outgoing:
            node = pyoxigraph.NamedNode(iri)
            if node in present:
                if count is not None:
                    count -= sum(1 for _ in store.quads_for_pattern(None, None, None, node))
                store.remove_graph(node)
        counter = _NewQuads(store) if count is not None and not fresh and old_target is not None else None
        loaded = _load(store, _load_batches(new_graphs), counter, parsed)
        finished = _finish_and_check(store, outgoing, finish, check,  # the quads ``finish`` added
                                     compact=loaded >= COMPACT_BYTES)
        store.flush()
        if count is not None and counter is not None:
            count = None if counter.new is None or finished is None else count + counter.new + finished
        counter = None  # it holds the writer, which must close before anyone reads the folder
        if fresh or old_target is None:
            count = None  # a new database: counted once at the end
        checkpoint("written")
    except BaseException:
        del store, counter
        gc.collect()
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    # Close the writer (RocksDB waits for its background compactions) before anyone reads the
    # folder, then open it as a reader would: a folder whose manifest names a file that is
    # not there is never swapped in.
    del store
    gc.collect()
    try:
        probe = pyoxigraph.Store.read_only(str(new_dir))
        quads = len(probe) if count is None else count
        next(iter(probe.quads_for_pattern(None, None, None, None)), None)
        del probe
    except OSError as exc:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise StoreError(f"{root}: the new database could not be read back ({exc}); "
                         "the previous store is unchanged") from None
    (new_dir / COUNT_FILE).write_text(str(quads), encoding="ascii")
    (new_dir / READERS_FILE).touch()
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(new_dir.name)
    checkpoint("swap")
    os.replace(tmp_link, current)  # the atomic step
    checkpoint("swapped")
    collect_orphans(root, keep=new_dir)
    return WrittenStore(new_dir, quads)


def _load(store: Any, batches: Iterable[tuple[bytes, str | None]], counter: _NewQuads | None, parsed: bool) -> int:
    """Bulk-load ``batches`` (see :func:`_load_batches`) into ``store``, two at a time;
    returns the bytes loaded.

    One bulk load parses, sorts and writes its files on one core; two run side by side
    (outside the interpreter's lock), while this thread makes the next batch.  Where the
    new quads are counted (an incremental build), the loads run one after the other, each
    counted before it is loaded, so that a quad is counted once."""
    import pyoxigraph

    def load(batch: bytes, into: str | None) -> None:
        if into is None:
            store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS, lenient=parsed)
        else:
            store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(into),
                            lenient=parsed)

    size = 0
    if counter is not None:
        for batch, into in batches:
            counter.add(batch, into)
            load(batch, into)
            size += len(batch)
        return size
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="load") as loaders:
        pending: deque[Future[None]] = deque()
        try:
            for batch, into in batches:
                pending.append(loaders.submit(load, batch, into))
                size += len(batch)
                while len(pending) > 2:
                    pending.popleft().result()
        finally:
            errors = [e for e in (f.exception() for f in pending) if e is not None]
        if errors:
            raise errors[0]
    return size


def _finish_and_check(store: Any, outgoing: list[str], finish: Callable[[Any, list[str]], int | None] | None,
                      check: Callable[[Any], None] | None, *, compact: bool = False) -> int | None:
    """``finish(store, outgoing)`` and ``check(store)`` side by side: ``check`` in a second
    thread (it reads the loaded facts, which ``finish`` does not change; most of both runs in
    the store and the shapes engine, outside the interpreter's lock).  With ``compact`` the
    store's files are first merged (:func:`_compact`), beside ``check`` too.  Returns what
    ``finish`` returns; raises what either raises, ``finish``'s error first."""

    def main() -> int | None:
        if compact:
            _compact(store)
        return finish(store, outgoing) if finish is not None else 0

    if check is None:
        return main()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="check") as side:
        checking = side.submit(check, store)
        try:
            finished = main()
        finally:
            error = checking.exception()  # waits for it either way
        if error is not None:
            raise error
        return finished


def _compact(store: Any) -> None:
    """Merge the files many bulk loads leave (RocksDB's full compaction).

    Each bulk load adds sorted files that overlap the others; a store is read-only once
    swapped in, so whatever the build leaves unmerged every query reads through for as long
    as the store lives.  On 10,000 projects (5.3 M quads in ~90 loads) the merge takes ~4 s and
    the saved queries then run 1.3-2.4× faster (`projects-by-initiative` 122 → 83 ms,
    `organisations` 2.4 → 1.0 s); the query index, made right after, reads faster too."""
    store.optimize()


COMPACT_BYTES = 64 << 20
"""Text loaded by a build past which the new database is compacted before it is indexed (an
incremental build of a few sources adds a few files, not worth merging the store for)."""


COUNT_FILE = "quads.count"  # the number of quads of a database folder, written with it


def quad_count(root: Path) -> int:
    """The number of quads of the store at ``root``: as recorded by the build that wrote it,
    else counted."""
    current = root / "current"
    recorded = _recorded_count(current.resolve()) if current.exists() else None
    if recorded is not None:
        return recorded
    with open_store(root) as st:
        return len(st)


def _recorded_count(db: Path) -> int | None:
    try:
        return int((db / COUNT_FILE).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


class _NewQuads:
    """Counts the quads of N-Quads batches that a store does not hold yet (before they are
    loaded), for the few quads of an incremental build; gives up (``new`` is None) past
    ``limit`` quads, where counting the store once is cheaper."""

    def __init__(self, store: Any, limit: int = 300_000) -> None:
        self.store = store
        self.limit = limit
        self.seen = 0
        self.new: int | None = 0

    def add(self, batch: bytes, graph: str | None = None) -> None:
        """Count a batch: N-Quads, or N-Triples of the named graph ``graph``."""
        import pyoxigraph

        if self.new is None:
            return
        fresh: set[Any] = set()
        quads: Iterable[Any]
        if graph is None:
            quads = pyoxigraph.parse(batch, format=pyoxigraph.RdfFormat.N_QUADS)
        else:
            name = pyoxigraph.NamedNode(graph)
            quads = (pyoxigraph.Quad(t.subject, t.predicate, t.object, name)
                     for t in pyoxigraph.parse(batch, format=pyoxigraph.RdfFormat.N_TRIPLES))
        for q in quads:
            self.seen += 1
            if self.seen > self.limit:
                self.new = None
                return
            if q not in fresh and q not in self.store:
                fresh.add(q)
        self.new += len(fresh)


# Text per bulk load.  Each load writes sorted files that RocksDB then merges; on 7 M quads
# (1.6 GB) 16 MB loads took 33 s, 64 MB ones 38 s and 256 MB ones 45 s; on 5.3 M quads,
# 6-12 MB loads took ~20 % less CPU than 16 MB ones, and 4 MB ones more again.  Two loads at a
# time: 48 MB ones left fewer files for the index queries to read after them, but a 10,000-project
# build took as long (56 s) and 300 MB more memory.
BATCH_BYTES = 12 << 20


def _load_batches(graphs: Iterable[GraphData], limit: int = BATCH_BYTES) -> Iterator[tuple[bytes, str | None]]:
    """The graphs' text in documents of about ``limit`` bytes, made one at a time (never the
    whole store's text at once): ``(N-Quads, None)`` for the graphs each given whole (each
    line names its graph), ``(N-Triples, iri)`` for a graph gathered from many
    (``replace=False``: the asserted union, the evidence and inferred graphs), which is
    loaded into ``iri`` as it is, without a graph name to add to every line and parse again."""
    batch: list[bytes] = []
    size = 0
    shared: dict[str, tuple[list[bytes], list[int]]] = {}
    for g in graphs:
        for nt in (g.ntriples if isinstance(g.ntriples, tuple) else (g.ntriples,)):
            if not g.replace:
                text = bytes(nt)
                if not text or text.isspace():
                    continue
                parts, total = shared.setdefault(g.iri, ([], [0]))
                parts.append(text if text.endswith(b"\n") else text + b"\n")
                total[0] += len(text)
                if total[0] >= limit:
                    yield b"".join(parts), g.iri
                    parts.clear()
                    total[0] = 0
                continue
            nq, _ = _as_nquads(g.iri, nt)
            if not nq:
                continue
            batch.append(nq)
            size += len(nq)
            if size >= limit:
                yield b"".join(batch), None
                batch, size = [], 0
    if batch:
        yield b"".join(batch), None
    for iri, (parts, _) in shared.items():
        if parts:
            yield b"".join(parts), iri


def _as_nquads(iri: str, ntriples: bytes, plain: bool | None = None) -> tuple[bytes, bool]:
    """N-Triples as N-Quads in graph ``iri``, and whether the text was plain (``plain``:
    already known).

    In N-Triples a line break only ends a statement (literals escape theirs), so every
    statement of rdflib's or Oxigraph's output ends with `` .\n`` and nothing else does."""
    nt = bytes(ntriples)
    if not nt or nt.isspace():
        return b"", True
    if not nt.endswith(b"\n"):
        nt += b"\n"
    if plain is None:
        plain = nt.count(b" .\n") == nt.count(b"\n")
    if plain:
        return nt.replace(b" .\n", f" <{iri}> .\n".encode()), True
    import pyoxigraph  # other layouts (comments, blank lines): through the parser

    name = pyoxigraph.NamedNode(iri)
    quads = (pyoxigraph.Quad(t.subject, t.predicate, t.object, name)
             for t in pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b""), False


def collect_orphans(root: Path, keep: Path | None) -> list[Path]:
    """Delete database folders that are not current and that no reader holds open: those
    swapped out by earlier builds and those left by builds that were killed.

    The caller holds the build lock, so no other build is writing any of them.  Returns
    the folders removed.
    """
    removed: list[Path] = []
    keep_r = keep.resolve() if keep is not None else None
    current = root / "current"
    cur = current.resolve() if current.exists() else None
    for link in root.glob(".current-*"):
        if link.is_symlink():
            link.unlink(missing_ok=True)
    for d in sorted(root.glob("db-*")):
        r = d.resolve()
        if r in (keep_r, cur) or not d.is_dir():
            continue
        fd = _try_exclusive(d)
        if fd is None and (d / READERS_FILE).exists():
            continue  # a reader still has it open: a later build collects it
        try:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
        finally:
            _unlock(fd)
    return removed
