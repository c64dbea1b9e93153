"""The ``build`` job: sources → normalise → extract → build → validate → store.

:func:`build_kg` is what ``meihao-kg build`` calls.  It never leaves a half-written store:
the new database is checked (SHACL) before it replaces the current one.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meihao_kg import resources
from meihao_kg.diagnostics import Diagnostic
from meihao_kg.errors import InputError, ValidationError
from meihao_kg.store.local import GraphData, build_lock, store_path, write_store

__all__ = ["BuildReport", "build_kg", "collect_sources", "DEFAULT_SOURCES"]

if TYPE_CHECKING:
    from meihao_kg.graph.violations import ValidationReport

LOG = logging.getLogger(__name__)
DEFAULT_SOURCES = Path("data") / "raw"
SOURCE_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True)
class SourceSummary:
    doc_id: str
    path: str
    projects: int
    triples: int
    encoding: str
    kind: str = "instalment"  # instalment | report | list | other


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the sources built, what it found (:attr:`diagnostics`), the result."""

    store: str
    sources: tuple[SourceSummary, ...]
    diagnostics: tuple[Diagnostic, ...]
    triples: int
    seconds: float
    validation: ValidationReport | None = field(default=None, repr=False)
    kept_invalid: bool = False
    unchanged: tuple[str, ...] = ()  # sources skipped: same bytes, same tool, ontology and curation
    peak_memory_mib: float = 0.0  # peak resident memory of the building process

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Sources that could not be built (the others were)."""
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


def collect_sources(paths: Sequence[str | Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Files to build from ``paths`` (folders are searched for ``*.txt``); and errors."""
    files: list[Path] = []
    errors: list[Diagnostic] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SOURCE_SUFFIXES
                           and not f.name.startswith("."))
            if not found:
                errors.append(Diagnostic.error("no-sources", "no source files (*.txt) in this folder", str(p)))
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            errors.append(Diagnostic.error("missing-path", "no such file or folder", str(p)))
    return list(dict.fromkeys(files)), errors


def _ontology_graphs() -> list[GraphData]:
    from meihao_kg.graph.namespaces import GRAPH_ONTOLOGY
    from meihao_kg.graph.validate import ontology_ntriples

    return [GraphData(str(GRAPH_ONTOLOGY), ontology_ntriples())]  # parsed once per process


def build_kg(
    paths: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    validate: bool = True,
    keep_invalid: bool = False,
    curation: str | Path | None = None,
    wait: bool = True,
    on_wait: Callable[[int | None], None] | None = None,
    max_source_bytes: int | None = None,
    progress: Callable[..., None] | None = None,
    force: bool = False,
    jobs: int | None = None,
    kind: str | None = None,
) -> BuildReport:
    """Build (or rebuild) sources into the store.

    Each source goes into its own named graph, replacing whatever that source gave before;
    other sources' graphs are kept.  A source whose bytes are unchanged since it was built,
    by the same tool, ontology and curation, is skipped (``force`` rebuilds it anyway).
    With ``validate`` the new facts are checked against ``ontology/shapes.ttl`` (in the
    context of what the store already says about them) before the store is written.
    Extraction and graph building run in ``jobs`` processes (default: the CPU count) when
    there are enough sources to pay for it.

    Only one build writes a store at a time: a second one waits for the store lock (calling
    ``on_wait`` with the holder's pid), or with ``wait=False`` raises
    :class:`StoreLockedError`.  Readers are never blocked.

    Raises:
        InputError: no source could be read, or two files would get the same source id.
        StoreLockedError: ``wait`` is false and another build holds the lock.
        ValidationError: the result does not conform (``.report`` holds the report) and
            ``keep_invalid`` is false; the previous store is untouched.

    ``progress(step, done, total, item, projects=None)`` is called as sources are read (with
    the number of projects found so far), as graphs are built, and once before the new
    store is checked and swapped in.

    Each source is classified (series instalment, news report, list, or not about
    compounds; the kind and the reason are recorded on its source node); ``kind`` gives the
    kind of every source instead.  A source not about compounds builds no compound (its
    tallies of selected compounds are kept); alone it is refused with the reason, among
    others it is a warning and the rest builds.
    """
    with _few_collections():
        return _build(paths, store, validate, keep_invalid, curation, wait, on_wait, max_source_bytes, progress,
                      force, jobs, kind)


def _build(paths: Sequence[str | Path] | None, store: str | Path | None, validate: bool, keep_invalid: bool,
           curation: str | Path | None, wait: bool, on_wait: Callable[[int | None], None] | None,
           max_source_bytes: int | None, progress: Callable[..., None] | None, force: bool, jobs: int | None,
           kind: str | None) -> BuildReport:
    if kind is not None:
        from meihao_kg.text.classify import KINDS

        if kind not in KINDS:
            raise InputError(f"unknown source kind {kind!r}", hint="one of: " + ", ".join(KINDS))
    t0 = time.perf_counter()
    from meihao_kg.graph.curation import load_curation

    root = store_path(store)
    files, errors = collect_sources(paths or [DEFAULT_SOURCES])
    warnings: list[Diagnostic] = []
    load_curation(curation)  # a malformed curation file is reported before any work
    fingerprint = build_fingerprint(curation) + (f" kind={kind}" if kind else "")
    known = {} if force else _built_sources(root)
    todo: list[Path] = []
    unchanged: list[str] = []
    for f in files:
        done = known.get(_doc_id(f))
        if done is not None and done == (_sha256(f), fingerprint, _display(f)):
            unchanged.append(str(f))
        else:
            todo.append(f)
    limit = max_source_bytes or _max_bytes()
    workers = _workers(jobs, len(todo))
    extracted: list[tuple[Path, Any]] = []
    if progress is not None:
        progress("reading", 0, len(todo), "")
    results = _map(_extract_job, [(f, limit, kind) for f in todo], workers)
    projects = 0
    for i, (f, (ex, error, warns)) in enumerate(zip(todo, results, strict=False)):
        projects += len(ex.projects) if ex is not None else 0
        if progress is not None:
            progress("reading", i + 1, len(todo), str(f), projects=projects)
        warnings.extend(warns)
        if error is not None:
            errors.append(error)
            continue
        warnings.extend(_repeated_numbers(f, ex))
        if ex.projects or ex.tallies:
            extracted.append((f, ex))
    _refuse_duplicate_ids(extracted)
    if not extracted and unchanged:  # nothing new to write; errors (if any) are reported
        return BuildReport(store=str(root), sources=(), diagnostics=(*errors, *warnings),
                           triples=_count(root), seconds=time.perf_counter() - t0,
                           unchanged=tuple(unchanged), peak_memory_mib=_peak_memory_mib())
    with build_lock(root, wait=wait, on_wait=on_wait):
        try:
            return _store_stage(root, extracted, curation, fingerprint, errors, warnings, validate,
                                keep_invalid, t0, workers, tuple(unchanged), progress)
        finally:
            from meihao_kg.graph import slug_cache

            slug_cache.save()  # slugs computed here, for the next build (an optimisation only)


def _store_stage(root: Path, extracted: list[tuple[Path, Any]], curation: str | Path | None,
                 fingerprint: str, errors: list[Diagnostic], warnings: list[Diagnostic], validate: bool,
                 keep_invalid: bool, t0: float, workers: int,
                 unchanged: tuple[str, ...], progress: Callable[..., None] | None = None) -> BuildReport:
    """Everything that reads or writes the store; runs under the build lock."""
    from meihao_kg.graph.build import source_graph_iri
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_EVIDENCE, GRAPH_INFERRED

    summaries: list[SourceSummary] = []
    drop, identity_warnings = _check_identities(root, extracted)
    warnings.extend(identity_warnings)
    resolved = _resolve_across_sources(root, extracted)
    extracted.clear()  # the caller's list: the extractions are not needed past the graphs
    if not resolved:
        from meihao_kg.extract.source import REFUSAL_CODES

        raise InputError("; ".join(str(d) for d in errors + [w for w in warnings if w.code in REFUSAL_CODES])
                         or "nothing to build")
    jobs = [(f, ex, str(curation) if curation else None, fingerprint) for f, ex in resolved]
    incoming = [str(source_graph_iri(ex.doc_id)) for _, ex in resolved]
    del resolved  # the jobs hold the extractions now
    fresh = _replaces_everything(root, set(incoming) | set(drop))
    if not fresh and _earlier_layout(root):
        raise InputError(f"{root}: this store was built by an earlier version, which kept each evidence span "
                         "in its source's graph; it cannot take some sources in the new layout and keep "
                         "the others in the old one; nothing was built",
                         hint="rebuild all its sources at once: meihao-kg build --force SOURCES")
    # Each batch of sources is built and checked against the shapes in a worker process,
    # and written to the new database as it arrives (the store is never held whole here);
    # the nodes a batch finds fault with, and those several sources describe, are checked
    # again in the union of everything before the new database replaces the current one.
    describers: dict[str, int] = {}  # subject → how many incoming sources describe it
    own: dict[str, str] = {}  # subject → the one incoming source describing it
    suspect: set[str] = set()
    shacl_seconds = 0.0
    asserted, evidence, inferred = str(GRAPH_ASSERTED), str(GRAPH_EVIDENCE), str(GRAPH_INFERRED)

    def graphs() -> Iterator[GraphData]:
        yield from _ontology_graphs()
        batches = _batches(jobs, workers)
        key = next(_BUILDS)  # the forked workers read the batches in their copy of this process, by
        _INHERITED[key] = batches  # index (pickling the extractions to them cost more than making them)
        try:
            yield from each_batch(batches, _map(_graph_batch_job, [(key, i, validate) for i in range(len(batches))],
                                                workers, chunk=1))
        finally:
            del _INHERITED[key]
        jobs.clear()

    def each_batch(batches: list[list[Any]], results: Iterator[Any]) -> Iterator[GraphData]:
        nonlocal shacl_seconds
        done = 0
        for batch, (built, found, secs) in zip(batches, results, strict=False):
            # (a batch at a time: the store starts loading as soon as the first is built)
            suspect.update(found)
            shacl_seconds += secs
            for (f, ex, _, _), made in zip(batch, built, strict=False):
                nt, spans, inf, subj, n = made.said, made.spans, made.inferred, made.subjects, made.size
                done += 1
                if progress is not None:
                    progress("building graphs", done, len(jobs), str(f))
                for s in subj:
                    describers[s] = describers.get(s, 0) + 1
                    own.setdefault(s, ex.doc_id)
                summaries.append(SourceSummary(ex.doc_id, str(f), len(ex.projects), n, ex.encoding, ex.kind))
                yield GraphData(str(source_graph_iri(ex.doc_id)), nt)
                yield GraphData(asserted, nt, replace=False)  # the union: a set of quads
                yield GraphData(evidence, spans, replace=False)  # each span once (its source's own)
                yield GraphData(inferred, inf, replace=False)
            batch.clear()  # the extractions of this batch are done with

    reports: list[ValidationReport] = []

    touched: set[Any] = set()  # compounds of the outgoing sources, whose index is redone
    described: set[Any] = set()  # what the outgoing sources said something about

    def prepare(new_store: Any, outgoing: list[str]) -> int:
        from meihao_kg.graph.derived import graph_subjects, mentioned_compounds, retract_sources

        touched.update(mentioned_compounds(new_store, outgoing))
        described.update(graph_subjects(new_store, outgoing))
        return retract_sources(new_store, outgoing)

    def check(new_store: Any) -> None:
        if progress is not None:
            progress("storing and validating" if validate else "storing", 0, 1, str(root))
        if not validate:
            return
        from meihao_kg.graph.iri import owned_by_source
        from meihao_kg.graph.validate import validate_focus

        focus = {s for s, n in describers.items() if n > 1} | suspect
        if not fresh and (root / "current").exists():  # nodes the store described before (other sources may)
            focus |= _described_before(root, [s for s, d in own.items()
                                              if describers[s] == 1 and not owned_by_source(s, d)])
        report = validate_focus(new_store, focus, asserted)
        reports.append(replace(report, seconds=report.seconds + shacl_seconds))
        if not report.conforms and not keep_invalid:
            raise ValidationError(
                f"the new build does not conform to the shapes ({len(report.violations)} "
                "violations); the previous store is unchanged", hint="see the report", report=report,
            )

    def finish(new_store: Any, outgoing: list[str]) -> int:
        from meihao_kg.graph.derived import (
            graph_subjects,
            index_compounds,
            mentioned_compounds,
            needs_full_index,
            rank_listings,
        )

        if fresh or needs_full_index(new_store):
            return index_compounds(new_store) + rank_listings(new_store)
        indexed = index_compounds(new_store, touched | mentioned_compounds(new_store, incoming))
        with _old_database(root) as before:  # the current store: the swap comes later
            return indexed + rank_listings(new_store, described | graph_subjects(new_store, incoming), before)

    written = write_store(root, graphs(), replacing=incoming, drop=drop, prepare=prepare,
                          check=check, fresh=fresh, finish=finish,
                          parsed=validate)  # the batches' shapes check parsed each source graph (and the
                          # inferences are made of its terms)
    report = reports[0] if reports else None
    return BuildReport(
        store=str(root), sources=tuple(summaries), diagnostics=(*errors, *warnings),
        triples=written.quads, seconds=time.perf_counter() - t0, validation=report,
        kept_invalid=bool(report is not None and not report.conforms),
        unchanged=unchanged, peak_memory_mib=_peak_memory_mib(),
    )


# --------------------------------------------------------------------------- incremental


def build_fingerprint(curation: str | Path | None = None) -> str:
    """What a source's graph depends on besides its bytes: the package's code and ontology
    files, and the curation file.  A change to any of them rebuilds every source."""
    import hashlib

    from meihao_kg.extract.lexicon import ontology_path
    from meihao_kg.graph.curation import DEFAULT_CURATION

    h = hashlib.sha256()
    package = resources.package_dir()
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode())
        h.update(f.read_bytes())
    onto = ontology_path("vocabulary.ttl").parent
    for f in sorted(onto.glob("*.ttl")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    cur = Path(curation) if curation else DEFAULT_CURATION
    if cur.exists():
        h.update(cur.read_bytes())
    from meihao_kg import __version__

    return f"meihao-kg {__version__} {h.hexdigest()[:16]}"


def _built_sources(root: Path) -> dict[str, tuple[str, str, str]]:
    """doc id → (sha256, fingerprint, path) of the sources in the store."""
    from meihao_kg.errors import StoreError
    from meihao_kg.graph.namespaces import sparql
    from meihao_kg.store.local import open_store

    # (from the asserted graph alone: one look-up a pattern, not one in each graph of the default)
    q = sparql("""SELECT ?id ?sha ?fp ?path WHERE { GRAPH graph:asserted { ?s a mh:SourceDocument ;
      dcterms:identifier ?id ; mh:sha256 ?sha ; mh:builtWith ?fp ; mh:sourcePath ?path } }""")
    try:
        with open_store(root) as st:
            return {r["id"].value: (r["sha"].value, r["fp"].value, r["path"].value) for r in st.query(q)}
    except StoreError:
        return {}


def _count(root: Path) -> int:
    from meihao_kg.store.local import quad_count

    return quad_count(root)


def _doc_id(f: Path) -> str:
    from meihao_kg.text.normalise import doc_id_for

    return doc_id_for(f)


def _display(f: Path) -> str:
    from meihao_kg.text.normalise import display_path

    return display_path(f)


def _sha256(f: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(f.read_bytes()).hexdigest()
    except OSError:
        return ""


def _max_bytes() -> int:
    from meihao_kg.text.normalise import MAX_SOURCE_BYTES

    return MAX_SOURCE_BYTES


# --------------------------------------------------------------------------- parallel jobs


def _workers(jobs: int | None, items: int) -> int:
    """Processes to use: one for a handful of sources (starting more costs more)."""
    import os

    n = jobs if jobs is not None else (os.cpu_count() or 1)
    return max(1, min(n, items // 4))


def _warm() -> None:
    """Load what every job needs (lexicon, gazetteer, ontology) once, before the workers are
    forked, so that they inherit it instead of each loading it again."""
    from meihao_kg.extract.gazetteer import provinces
    from meihao_kg.extract.lexicon import load_lexicon
    from meihao_kg.graph.validate import ontology_ntriples

    load_lexicon()
    provinces()
    ontology_ntriples()  # the ontology parsed, and serialised for the shapes checks


@contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cycle collector run less often for the length of a build, and never over
    what is already loaded.

    A build makes millions of short-lived objects beside large, long-lived tables (the
    lexicon, the gazetteer, every source's extraction); each full collection walks all of
    them again, which took ~10 % of a 10,000-project build's CPU.  The tables are frozen
    (moved out of the collector's sight; see :func:`gc.freeze`) when the workers are
    forked, and the first generation collected every 50,000 allocations instead of 700.
    The caller's settings are restored afterwards.
    """
    import gc

    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()  # the caller's own frozen objects stay frozen
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:
            gc.unfreeze()


def _map(fn: Callable[[Any], Any], items: list[Any], workers: int, chunk: int | None = None) -> Iterator[Any]:
    """``fn`` over ``items`` in order, in ``workers`` processes, ``chunk`` items sent at a time
    (by default an eighth of a worker's share); results arrive as they are done (so progress
    moves while the work runs)."""
    if workers <= 1 or len(items) < 2:
        yield from map(fn, items)
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm()
    gc.freeze()  # what is loaded now, out of every collection's way (and never copied by one)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(fn, items, chunksize=chunk or max(1, len(items) // (workers * 8)))


def _extract_job(args: tuple[Path, int, str | None]) -> tuple[Any, Diagnostic | None, list[Diagnostic]]:
    """Read and extract one source: (extraction, error, warnings)."""
    from meihao_kg.extract.lexicon import load_lexicon
    from meihao_kg.extract.source import extract_any
    from meihao_kg.text.normalise import normalise, read_source
    from meihao_kg.text.segment import segment

    f, limit, kind = args
    try:
        src = read_source(f, max_bytes=limit)
    except InputError as exc:
        return None, Diagnostic.error("unreadable", str(exc).removeprefix(f"{f}: "), str(f)), []
    warns = ([Diagnostic.warning("encoding", f"read as {src.encoding}, not UTF-8", str(f))]
             if src.encoding != "utf-8" else [])
    norm = normalise(src)  # the text stages, in order
    seg = segment(norm)
    ex = extract_any(src, norm, seg, load_lexicon(), kind)
    return ex, None, warns + list(ex.warnings)


@dataclass(frozen=True)
class _SourceGraphs:
    """One source's graphs, as N-Triples, from a graph worker."""

    said: bytes  # its statements (its own graph, and the asserted union)
    spans: bytes  # the descriptions of its evidence spans (the evidence graph)
    inferred: bytes  # what the rules infer from both
    subjects: set[str]  # the subjects it describes, but its own spans
    size: int  # its statements and span descriptions
    # for the shapes check of its batch: the spans' type statements and the spans whose
    # offsets or quote disagree with the text (validate.fact_suspects); None: the source
    # was curated, so its spans are checked by every shape (validate.suspects)
    span_types: bytes | None
    faulty_spans: frozenset[str]


def _graph_job(args: tuple[Path, Any, str | None, str]) -> _SourceGraphs:
    """One source's graphs (see :class:`_SourceGraphs`)."""
    from rdflib import Graph, Literal, URIRef

    from meihao_kg.graph import iri as mint
    from meihao_kg.graph.build import bind_prefixes, build_source, read_meta, split_evidence
    from meihao_kg.graph.curation import load_curation
    from meihao_kg.graph.infer import inferred_ntriples, inferred_triples
    from meihao_kg.graph.namespaces import ID, MH
    from meihao_kg.graph.triples import TripleSet, ntriples

    f, ex, curation, fingerprint = args
    built = build_source(ex, read_meta(f))
    g = built.triples
    g.add((mint.source(ex.doc_id), MH.builtWith, Literal(fingerprint)))
    decisions = load_curation(curation)
    span_types: bytes | None = None
    if decisions is None:
        said, spans, n = g.ntriples(), built.spans, len(built)
        inferred = ntriples(inferred_triples(g)) + inferred_ntriples(spans)
        span_types = built.span_types
    else:  # curation edits an rdflib graph (rare; small), the spans with the rest
        rg = Graph()
        bind_prefixes(rg)
        for t in g:
            rg.add(t)
        rg.parse(data=built.spans, format="nt")
        g = TripleSet(decisions.apply(rg, ex.doc_id).triples((None, None, None)))
        said, spans = split_evidence(g.ntriples(), ex.doc_id)
        inferred, n = ntriples(inferred_triples(g)), len(g)
    # the subjects the build counts describers of (a source's spans are its own: not among them)
    base, own = str(ID[""]), mint.spans_prefix(ex.doc_id)
    subjects = {str(s) for s in g.subjects() if isinstance(s, URIRef) and s.startswith(base)
                and not s.startswith(own)}
    return _SourceGraphs(said, spans, inferred, subjects, n, span_types, built.faulty_spans)


def _batches(jobs: list[Any], workers: int) -> list[list[Any]]:
    """Jobs in batches: each batch's sources are checked against the shapes together (one
    engine run per batch, not per source), a few batches per worker."""
    per_worker = len(jobs) if workers <= 1 else -(-len(jobs) // (workers * 4))
    size = max(1, min(10, per_worker))  # the engine costs more per source in bigger batches (10: 11.4 ms
    # a source, 25: 12.9 ms, 50: ~14 ms)
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


_BUILDS = itertools.count()
_INHERITED: dict[int, list[list[Any]]] = {}
"""The batches of the graph jobs under way, by build: read by index in the forked workers."""


def _graph_batch_job(args: tuple[int, int, bool]) -> tuple[list[_SourceGraphs], frozenset[str], float]:
    """Batch ``index`` of build ``key``'s sources (in :data:`_INHERITED`): their graphs (see
    :func:`_graph_job`), the nodes the shapes find fault with in them (when ``validate``),
    and the seconds the check took."""
    key, index, validate = args
    batch = _INHERITED[key][index]
    built = [_graph_job(job) for job in batch]
    if not validate:
        return built, frozenset(), 0.0
    from meihao_kg.graph.validate import fact_suspects, suspects

    if all(b.span_types is not None for b in built):  # spans as the builder writes them
        found, seconds = fact_suspects([nt for b in built for nt in (b.said, b.span_types or b"")])
        return built, found.union(*(b.faulty_spans for b in built)), seconds
    found, seconds = suspects([nt for b in built for nt in (b.said, b.spans)])
    return built, found, seconds


def _peak_memory_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _repeated_numbers(f: Path, ex: Any) -> list[Diagnostic]:
    """A showcase number given to more than one section of one file (an article pasted
    twice, or two instalments in one file) double-counts facts: say so."""
    seen: dict[int, int] = {}
    for p in ex.projects:
        if p.number is not None:
            seen[p.number] = seen.get(p.number, 0) + 1
    return [Diagnostic.warning("repeated-number", f"project number {n} appears in {k} sections (the same "
                               "article twice?); facts are kept from each", str(f))
            for n, k in sorted(seen.items()) if k > 1]


@contextmanager
def _old_database(root: Path) -> Iterator[Any]:
    """The current database of the store at ``root``, read-only (``None`` when there is none)."""
    from meihao_kg.errors import StoreError
    from meihao_kg.store.local import open_store

    try:
        st = open_store(root)
    except StoreError:
        yield None
        return
    with st:
        yield st.raw


def _described_before(root: Path, subjects: list[str]) -> set[str]:
    """Those of ``subjects`` (IRIs) that the current store's asserted graph describes."""
    import pyoxigraph

    from meihao_kg.errors import StoreError
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED
    from meihao_kg.store.local import open_store

    if not subjects:
        return set()
    try:
        st = open_store(root)
    except StoreError:
        return set()
    with st:
        db = st.raw
        asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
        return {s for s in subjects
                if next(iter(db.quads_for_pattern(pyoxigraph.NamedNode(s), None, None, asserted)), None)}


def _replaces_everything(root: Path, replaced: set[str]) -> bool:
    """Whether the build replaces every source graph of the store (``--force`` over the
    whole folder): then the new database starts empty instead of retracting, quad by quad,
    every fact of the old one.  Any graph this package does not write keeps the copy."""
    import pyoxigraph

    from meihao_kg.errors import StoreError
    from meihao_kg.graph.namespaces import BUILT_GRAPHS, SOURCE_GRAPH_PREFIX
    from meihao_kg.store.local import open_store

    rebuilt = {str(g) for g in BUILT_GRAPHS}
    try:
        with open_store(root) as st:
            present = [g.value for g in st.raw.named_graphs()]
            if next(iter(st.raw.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())), None):
                return False
    except StoreError:
        return False  # no store yet: nothing to copy either way
    return all(g in replaced or g in rebuilt for g in present) and any(
        g.startswith(SOURCE_GRAPH_PREFIX) for g in present)


def _earlier_layout(root: Path) -> bool:
    """Whether the store at ``root`` has source graphs but no evidence graph (built before
    the evidence spans had a graph of their own)."""
    import pyoxigraph

    from meihao_kg.errors import StoreError
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_EVIDENCE
    from meihao_kg.store.local import open_store

    try:
        with open_store(root) as st:
            return (st.raw.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_ASSERTED)))
                    and not st.raw.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_EVIDENCE))))
    except StoreError:
        return False


def _refuse_duplicate_ids(extracted: list[tuple[Path, Any]]) -> None:
    """Two different files of one build must not share a source id."""
    seen: dict[str, Path] = {}
    for f, ex in extracted:
        other = seen.setdefault(ex.doc_id, f)
        if other != f:
            raise InputError(
                f"{other} and {f} would both be source {ex.doc_id!r}; nothing was built",
                hint="rename one of them (the source id comes from the file name)",
            )


def _check_identities(root: Path, extracted: list[tuple[Path, Any]]) -> tuple[list[str], list[Diagnostic]]:
    """Compare the sources being built with those already in the store.

    Returns the source graphs to drop (renamed files) and warnings.  A different file that
    would replace an existing source of the same id while that source's file still exists
    is refused.
    """
    from meihao_kg.errors import StoreError
    from meihao_kg.graph.build import source_graph_iri
    from meihao_kg.graph.namespaces import sparql
    from meihao_kg.store.local import open_store

    q = sparql("""SELECT ?id ?path ?sha WHERE { GRAPH graph:asserted { ?s a mh:SourceDocument ; dcterms:identifier ?id .
      OPTIONAL { ?s mh:sourcePath ?path } OPTIONAL { ?s mh:sha256 ?sha } } }""")
    try:
        with open_store(root) as st:
            known = {r["id"].value: (r["path"].value if r["path"] else None,
                                     r["sha"].value if r["sha"] else None) for r in st.query(q)}
    except StoreError:
        return [], []
    from meihao_kg.text.normalise import display_path

    building = {ex.doc_id for _, ex in extracted}
    drop: list[str] = []
    warnings: list[Diagnostic] = []
    for f, ex in extracted:
        here = display_path(f)
        old = known.get(ex.doc_id)
        if old is not None:
            old_path, old_sha = old
            if old_path and old_path != here and old_sha != ex.sha256 and Path(old_path).exists() \
                    and Path(old_path).resolve() != f.resolve():
                raise InputError(
                    f"{f}: its source id {ex.doc_id!r} is already taken in the store by {old_path}, "
                    "a different file that still exists; nothing was built",
                    hint="rename the new file",
                )
            if old_path and old_path != here:
                warnings.append(Diagnostic.warning(
                    "replaces-source", f"replaces source {ex.doc_id!r}, built before from {old_path}", str(f)))
        for other_id, (other_path, other_sha) in known.items():
            if other_id in building or other_sha != ex.sha256:
                continue
            if other_path and not Path(other_path).exists():
                drop.append(str(source_graph_iri(other_id)))
                warnings.append(Diagnostic.warning(
                    "renamed-source", f"renamed from {other_path} (same content); source {other_id!r} is now "
                    f"{ex.doc_id!r}", str(f)))
            else:
                warnings.append(Diagnostic.warning(
                    "same-content", f"same content as source {other_id!r} ({other_path}); both kept", str(f)))
    return drop, warnings


def _resolve_across_sources(root: Path, extracted: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
    """One compound named differently in different sources gets one IRI (see crossref)."""
    from meihao_kg.errors import StoreError
    from meihao_kg.graph.crossref import known_projects, project_scope, resolve_projects
    from meihao_kg.store.local import open_store

    try:
        with open_store(root) as st:
            scopes = {project_scope(p) for _, ex in extracted for p in ex.projects}
            known = known_projects(st, [ex.doc_id for _, ex in extracted], scopes - {"cn"})
    except StoreError:
        known = []
    resolved = resolve_projects([ex for _, ex in extracted], known)
    return [(f, ex) for (f, _), ex in zip(extracted, resolved, strict=False)]
