"""The ``build`` job: sources → normalise → extract → build → validate → store.

:func:`build_kg` is what ``meihao-kg build`` calls.  It never leaves a half-written store:
the new database is checked (SHACL) before it replaces the current one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, ValidationError
from .store import GraphData, store_path, write_store

__all__ = ["BuildReport", "build_kg", "collect_sources", "DEFAULT_SOURCES"]

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


@dataclass(frozen=True)
class BuildReport:
    store: str
    sources: tuple[SourceSummary, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    triples: int
    seconds: float
    validation: Any = field(default=None, repr=False)  # validate.ValidationReport or None
    kept_invalid: bool = False


def collect_sources(paths: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to build from ``paths`` (folders are searched for ``*.txt``); and errors."""
    files: list[Path] = []
    errors: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SOURCE_SUFFIXES
                           and not f.name.startswith("."))
            if not found:
                errors.append(f"{p}: no source files (*.txt) in this folder")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{p}: no such file or folder")
    return list(dict.fromkeys(files)), errors


def _ontology_graphs() -> list[GraphData]:
    from rdflib import Graph

    from .lexicon import ontology_path
    from .namespaces import GRAPH_ONTOLOGY

    g = Graph()
    for name in ("vocabulary.ttl", "concepts.ttl", "initiatives.ttl"):
        path = ontology_path(name)
        if path.exists():
            g.parse(path, format="turtle")
    return [GraphData(str(GRAPH_ONTOLOGY), g.serialize(format="nt", encoding="utf-8"))]


def build_kg(
    paths: Sequence[str | Path] | None = None,
    *,
    store: str | Path | None = None,
    validate: bool = True,
    keep_invalid: bool = False,
    curation: str | Path | None = None,
) -> BuildReport:
    """Build (or rebuild) sources into the store.

    Each source goes into its own named graph, replacing whatever that source gave before;
    other sources' graphs are kept.  With ``validate`` the new database is checked against
    ``ontology/shapes.ttl`` before it replaces the current one.

    Raises:
        InputError: no source could be read.
        ValidationError: the result does not conform (``.report`` holds the report) and
            ``keep_invalid`` is false; the previous store is untouched.
    """
    t0 = time.perf_counter()
    from .build import build_graph, read_meta, source_graph_iri
    from .curation import load_curation
    from .extract import extract_project_sections
    from .lexicon import load_lexicon
    from .normalise import normalise, read_source
    from .segment import segment

    root = store_path(store)
    files, errors = collect_sources(paths or [DEFAULT_SOURCES])
    warnings: list[str] = []
    graphs: list[GraphData] = []
    summaries: list[SourceSummary] = []
    lexicon = load_lexicon()
    decisions = load_curation(curation)
    extracted: list[tuple[Path, Any]] = []
    for f in files:
        try:
            src = read_source(f)
        except InputError as exc:
            errors.append(str(exc))
            continue
        if src.encoding != "utf-8":
            warnings.append(f"{f}: read as {src.encoding}, not UTF-8")
        norm = normalise(src)
        seg = segment(norm)
        ex = extract_project_sections(src, norm, seg, lexicon)
        warnings.extend(ex.warnings)
        if ex.projects:
            extracted.append((f, ex))
    extracted = _resolve_across_sources(root, extracted)
    for f, ex in extracted:
        g = build_graph(ex, read_meta(f))
        if decisions is not None:
            g = decisions.apply(g, ex.doc_id)
        graphs.append(GraphData(str(source_graph_iri(ex.doc_id)), g.serialize(format="nt", encoding="utf-8")))
        summaries.append(SourceSummary(ex.doc_id, str(f), len(ex.projects), len(g), ex.encoding))
    if not graphs:
        raise InputError("; ".join(errors + [w for w in warnings if "no project" in w])
                         or "nothing to build")

    holder: dict[str, Any] = {}

    def check(new_store: Any) -> None:
        # the asserted data is validated; the inferred graph is derived from it afterwards
        if validate:
            from .validate import validate_graph

            report = validate_graph(store_graph(new_store, skip_inferred=True))
            holder["report"] = report
            if not report.conforms and not keep_invalid:
                raise ValidationError(
                    f"the new build does not conform to the shapes ({len(report.violations)} "
                    "violations); the previous store is unchanged", hint="see the report"
                )
        _add_inferred(new_store)

    try:
        write_store(root, _ontology_graphs() + graphs, check=check)
    except ValidationError as exc:
        exc.report = holder.get("report")  # type: ignore[attr-defined]
        raise
    from .store import open_store

    triples = len(open_store(root))
    report = holder.get("report")
    return BuildReport(
        store=str(root), sources=tuple(summaries), errors=tuple(errors), warnings=tuple(warnings),
        triples=triples, seconds=time.perf_counter() - t0, validation=report,
        kept_invalid=bool(report is not None and not report.conforms),
    )


def _resolve_across_sources(root: Path, extracted: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
    """One compound named differently in different sources gets one IRI (see crossref)."""
    from .crossref import known_projects, resolve_projects
    from .errors import StoreError
    from .store import open_store

    try:
        known = known_projects(open_store(root), [ex.doc_id for _, ex in extracted])
    except StoreError:
        known = []
    resolved = resolve_projects([ex for _, ex in extracted], known)
    return [(f, ex) for (f, _), ex in zip(extracted, resolved)]


def store_graph(new_store: Any, *, skip_inferred: bool = False) -> Any:
    """All triples of a pyoxigraph store (every named graph) as one rdflib Graph."""
    import pyoxigraph
    from rdflib import Dataset, Graph

    from .namespaces import ID

    ds = Dataset()
    ds.parse(data=bytes(new_store.dump(format=pyoxigraph.RdfFormat.N_QUADS)), format="nquads")
    inferred = str(ID["graph/inferred"])
    g = Graph()
    for s, p, o, c in ds.quads((None, None, None, None)):
        if skip_inferred and str(getattr(c, "identifier", c)) == inferred:
            continue
        g.add((s, p, o))
    return g


def _add_inferred(new_store: Any) -> None:
    """Materialise the RDFS / SKOS-broader closure into its own named graph."""
    import pyoxigraph

    from .namespaces import ID
    from .validate import inferred_graph

    inferred = pyoxigraph.NamedNode(str(ID["graph/inferred"]))
    if inferred in set(new_store.named_graphs()):
        new_store.remove_graph(inferred)
    inf = inferred_graph(store_graph(new_store))
    if len(inf):
        new_store.bulk_load(inf.serialize(format="nt", encoding="utf-8"),
                            format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=inferred)
        new_store.flush()


