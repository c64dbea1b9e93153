"""Validate a meihao-kg graph against the SHACL shapes (the report is :mod:`.violations`, the
inferences :mod:`.infer`).

Input: an rdflib ``Graph`` or ``Dataset`` as the builder emits it.  Output: a frozen
``ValidationReport`` (plain data plus the SHACL report graph), renderable as text, JSON or Turtle;
and, separately, ``inferred_graph`` with the RDFS/SKOS closure the query layer relies on.

Invariants:
    * The caller's graph is never modified: validation runs on a merged copy (all named graphs of a
      Dataset + the ontology graph), and ``inferred_graph`` returns only triples that are new.
    * Subclass targeting (``sh:targetClass org:Organization`` reaching ``mh:PartyBranch``) works by
      merging the vocabulary's ``rdfs:subClassOf`` triples into the copy ("inoculation"), not by
      pySHACL's ``inference="rdfs"``: on a 50-project graph that is several times faster and gives
      the same results (see ontology/README.md for the figures).
    * Library code never prints; it logs through ``logging``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from meihao_kg.errors import ShapeLoadError
from meihao_kg.graph import iri as mint
from meihao_kg.graph.infer import union_triples
from meihao_kg.graph.namespaces import MH, MHS, OA, SCHEMA, bind_prefixes
from meihao_kg.graph.ontology import shapes_graph, shared_ontology
from meihao_kg.graph.violations import ValidationReport, ViolationResult, violation_results

__all__ = ["SPAN_SHAPES", "fact_suspects", "ontology_ntriples", "suspects", "validate_focus", "validate_graph",
           "validate_store", "validation_graph"]

LOGGER = logging.getLogger(__name__)




def _load_shapes(shapes: Graph | str | Path | None) -> Graph:
    if shapes is None:
        return shapes_graph()
    if isinstance(shapes, Graph):
        return shapes
    path = Path(shapes)
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise ShapeLoadError(f"shapes file not found: {path}") from exc
    except Exception as exc:  # rdflib parser errors share no base class
        raise ShapeLoadError(f"cannot parse shapes file {path}: {exc}") from exc


# --------------------------------------------------------------------------- validation


def validation_graph(data: Graph) -> Graph:
    """Return a new graph: the union of ``data`` (all graphs of a Dataset) and the ontology.

    This is the graph the shapes are checked against; exposed for debugging and benchmarks.
    """
    merged = bind_prefixes(Graph())
    merged += shared_ontology()
    add = merged.add
    for triple in union_triples(data):
        add(triple)
    return merged


def validate_graph(
    data: Graph | Dataset,
    *,
    shapes: Graph | str | Path | None = None,
) -> ValidationReport:
    """Validate ``data`` against the meihao-kg SHACL shapes.

    The data is merged with the ontology (vocabulary, concept schemes, initiative taxonomy) into a
    private copy before validation, so subclass targets and concept checks work whether or not the
    caller's graph contains the ontology.

    Args:
        data: a Graph, or a Dataset whose named graphs are validated together.
        shapes: a shapes graph or a path to a Turtle file; ``ontology.shapes_graph()`` by default.

    Returns:
        A ``ValidationReport``; ``conforms`` is False when any Violation is found.

    Raises:
        ShapeLoadError: the shapes cannot be read, or pySHACL rejects them.
    """
    from pyshacl_turbo import validate as shacl_validate  # heavy import, kept local
    from pyshacl_turbo.errors import ReportableRuntimeError

    shapes_g = _load_shapes(shapes)
    merged = validation_graph(data)
    start = time.perf_counter()
    try:
        conforms, report_graph, _ = shacl_validate(
            merged,
            shacl_graph=shapes_g,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=True,  # for the sh:SPARQLTarget prefilters in shapes.ttl
            inplace=True,
        )
    except ReportableRuntimeError as exc:
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {exc}") from exc
    seconds = time.perf_counter() - start
    if not isinstance(report_graph, Graph):  # pySHACL reports shape errors as a ValidationFailure
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {report_graph}")
    LOGGER.info("validated %d triples in %.3f s", len(merged), seconds)
    bind_prefixes(report_graph)
    results = violation_results(report_graph, merged)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(
        conforms=bool(conforms), results=results, report_graph=report_graph, seconds=seconds
    )


def _validate_store(store: Any, focus: Iterable[str],
                    explain: Callable[[set[str]], list[Any]] | None = None) -> ValidationReport:
    """Run the package's shapes (compiled once per process) on the nodes ``focus`` of a
    pyoxigraph ``store``; ``explain(focus nodes with results)`` gives the triples a report
    needs to name them and quote their evidence, when the store lacks them."""
    import pyoxigraph
    from pyshacl_turbo.errors import ReportableRuntimeError

    start = time.perf_counter()
    try:
        _, report_graph, _ = _compiled_shapes().validate(
            store, allow_warnings=True, focus_nodes=[URIRef(f) for f in focus])
    except ReportableRuntimeError as exc:
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {exc}") from exc
    seconds = time.perf_counter() - start
    if not isinstance(report_graph, Graph):
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {report_graph}")
    bind_prefixes(report_graph)
    results: tuple[ViolationResult, ...] = ()
    if any(True for _ in report_graph.objects(None, SH.result)):
        if explain is not None:
            noted = {str(n) for n in report_graph.objects(None, SH.focusNode)}
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph())
                         for t in explain(noted))
        merged = bind_prefixes(Graph())
        dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
        merged.parse(data=bytes(dumped or b""), format="nt")
        results = violation_results(report_graph, merged)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, report_graph=report_graph, seconds=seconds)


_COMPILED: dict[bool, Any] = {}

SPAN_SHAPES = (MHS.EvidenceSpanShape, MHS.QuoteMatchesTextShape, MHS.TextQuoteSelectorShape)
"""The shapes whose focus nodes are evidence spans and their quote selectors, and nothing else
(their position selectors share ``mhs:TextPositionSelectorShape`` with the damaged ranges
of a source's text, which are facts)."""


def _compiled_shapes(*, facts_only: bool = False) -> Any:
    """The package's shapes compiled for the engine, once per process; with ``facts_only``,
    without :data:`SPAN_SHAPES`."""
    if facts_only not in _COMPILED:
        from pyshacl_turbo import compile_shapes
        from pyshacl_turbo.errors import ReportableRuntimeError

        shapes = shapes_graph()
        if facts_only:
            for shape in SPAN_SHAPES:
                _drop_shape(shapes, shape)
        try:
            _COMPILED[facts_only] = compile_shapes(shapes, advanced=True)  # type: ignore[no-untyped-call]
        except ReportableRuntimeError as exc:
            raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {exc}") from exc
    return _COMPILED[facts_only]


def _drop_shape(shapes: Graph, shape: URIRef) -> None:
    """Remove ``shape`` from ``shapes``: its statements, its property shapes and SPARQL
    constraints, and the blank nodes they hold (their concise bounded descriptions)."""
    parts = [shape, *shapes.objects(shape, SH.property), *shapes.objects(shape, SH.sparql)]
    for part in parts:
        for t in list(shapes.cbd(part)):
            shapes.remove(t)


def fact_suspects(data: list[bytes]) -> tuple[frozenset[str], float]:
    """:func:`suspects` for sources as the build writes them, without their spans' descriptions.

    ``data`` holds the sources' statements and, of their evidence spans, only the type
    statements (what the facts' shapes read of a span); the shapes of spans
    (:data:`SPAN_SHAPES`) are left out.  The builder writes each span's description in one
    fixed form, so of what those shapes check only the offsets and the quote can be wrong,
    and the builder checks them against the text itself
    (:attr:`~meihao_kg.graph.build.BuiltSource.faulty_spans`).  The spans' descriptions, two
    thirds of a source's statements, are not read again here (~70 ms less engine time for
    every 10 sources, of ~110); the spans found faulty are checked by every shape in the
    union, with the other suspects (:func:`validate_focus`), and ``meihao-kg validate``
    reads everything."""
    return _suspects(data, facts_only=True)


def suspects(data: list[bytes]) -> tuple[frozenset[str], float]:
    """The nodes of ``data`` (N-Triples of some sources, validated with the ontology) that
    have a SHACL result, and the seconds it took.

    A build checks its sources in batches this way, in its worker processes; only these
    nodes and the nodes several sources describe are then checked again in the union of
    everything (:func:`validate_focus`), which gives the report.  A node described by one
    source alone has its whole description in that source (its values' types included),
    so a batch that finds nothing wrong with it is right about it."""
    return _suspects(data, facts_only=False)


def _suspects(data: list[bytes], *, facts_only: bool) -> tuple[frozenset[str], float]:
    from pyshacl_turbo.errors import ReportableRuntimeError
    from pyshacl_turbo.rdf import Input

    text = b"".join([ontology_ntriples(), *data]).decode("utf-8")
    start = time.perf_counter()
    try:  # the text straight to the engine: no store to load and dump again
        _, report_graph, _ = _compiled_shapes(facts_only=facts_only).validate(
            Input(text, "nt", None, {}, preserve_ids=True), allow_warnings=True)
    except ReportableRuntimeError as exc:
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {exc}") from exc
    found = frozenset(str(n) for n in report_graph.objects(None, SH.focusNode))
    return found, time.perf_counter() - start


def validate_focus(store: Any, focus: Iterable[str], graph: str | None) -> ValidationReport:
    """Validate the nodes ``focus`` (IRIs) as described by the named graph ``graph`` of the
    pyoxigraph ``store`` (the union of every source) and the evidence graph, with the
    ontology; with ``graph`` None, by every graph of the store but the derived ones
    (asserted, inferred, ontology, index).

    Each focus node is read with its statements and the statements about the nodes they
    point to (one hop more: the types that ``sh:class`` checks, an evidence span's selectors
    and source text): what the shapes look at, read by index, never the whole graph."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import (
        GRAPH_ASSERTED,
        GRAPH_EVIDENCE,
        GRAPH_INDEX,
        GRAPH_INFERRED,
        GRAPH_ONTOLOGY,
    )

    g = pyoxigraph.NamedNode(graph) if graph is not None else None
    spans = pyoxigraph.NamedNode(str(GRAPH_EVIDENCE))
    derived = {pyoxigraph.NamedNode(str(x)) for x in (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_INDEX)}

    def quads(s: Any, p: Any, o: Any) -> Iterator[Any]:
        if g is not None:  # that graph, and the evidence spans its facts point to
            yield from store.quads_for_pattern(s, p, o, g)
            yield from store.quads_for_pattern(s, p, o, spans)
            return
        for q in store.quads_for_pattern(s, p, o, None):
            if q.graph_name not in derived:
                yield q

    wanted = sorted(set(focus))
    if not wanted:
        return ValidationReport(conforms=True, results=(), report_graph=bind_prefixes(Graph()))
    brief = [pyoxigraph.NamedNode(str(p)) for p in _looked_past()]
    selects = pyoxigraph.NamedNode(str(OA.hasSelector))
    owned = str(mint.source(""))
    triples: list[Any] = []
    read: set[Any] = set()

    def whole(n: Any) -> list[Any]:
        """All statements about ``n`` (once)."""
        if n in read:
            return []
        read.add(n)
        found = [q.triple for q in quads(n, None, None)]
        triples.extend(found)
        return found

    # A focus node is read whole, and what it points to by type and the few statements the
    # shapes read on a value (_looked_past) — or whole when the focus is a source's own node
    # (an evidence span: its selectors and its document's text).  A place, a firm or the
    # campaign is pointed to by thousands of nodes and is never read past that.
    values: list[Any] = []
    for f in wanted:
        n = pyoxigraph.NamedNode(f)
        is_owned = f.startswith(owned)
        for t in whole(n):
            if not isinstance(t.object, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
                continue
            if is_owned:
                whole(t.object)
            else:
                values.append(t.object)
        if is_owned:  # a selector: the span it belongs to, and that span's selectors
            for q in quads(None, selects, n):
                for t in whole(q.subject):
                    if t.predicate == selects:
                        whole(t.object)
    texts: list[bytes] = []
    named: list[Any] = []  # the values' statements by those predicates, read by the store in a few
    for v in values:  # queries (one look-up a value and predicate from here cost seconds)
        if v in read:
            continue
        read.add(v)
        if isinstance(v, pyoxigraph.NamedNode):
            named.append(v)
        else:
            for p in brief:
                triples.extend(q.triple for q in quads(v, p, None))
    if g is not None:
        sources: list[Any] = [g, spans]
    else:
        sources = [pyoxigraph.DefaultGraph(), *(n for n in store.named_graphs() if n not in derived)]
    predicates = ", ".join(str(p) for p in brief)  # (a second VALUES block would be joined first)
    for i in range(0, len(named), 2000):
        nodes = " ".join(str(v) for v in named[i:i + 2000])  # IRIs in their N-Triples form
        found = store.query(f"CONSTRUCT {{ ?v ?p ?o }} WHERE {{ VALUES ?v {{ {nodes} }} ?v ?p ?o "
                            f"FILTER (?p IN ({predicates})) }}", default_graph=sources)
        texts.append(bytes(found.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES) or b""))

    def explain(noted: set[str]) -> list[Any]:
        """The evidence spans (and their selectors) of the nodes with results: the quotes."""
        before = len(triples)
        evidence = pyoxigraph.NamedNode(str(MH.evidence))
        for f in noted:
            for q in quads(pyoxigraph.NamedNode(f), evidence, None):
                read.discard(q.object)
                for t in whole(q.object):
                    if t.predicate == selects:
                        read.discard(t.object)
                        whole(t.object)
        return triples[before:]

    mem = pyoxigraph.Store()
    for text in (ontology_ntriples(), *texts):
        mem.bulk_load(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
    mem.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph()) for t in triples)
    return _validate_store(mem, wanted, explain)


def validate_store(store: Any, *, batch: int = 50) -> ValidationReport:
    """Validate a built pyoxigraph store the way a build checks its new data: its source
    graphs in batches, then the nodes a batch finds fault with and the nodes several graphs
    describe, in the asserted graph (the union).  Memory stays that of one batch however
    large the store; the same results as validating everything at once.

    A store without an asserted graph (not written by ``meihao-kg build``) is read whole
    into :func:`validate_graph`'s merged copy instead."""
    import re

    import pyoxigraph

    from meihao_kg.graph.derived import evidence_quads
    from meihao_kg.graph.namespaces import BUILT_GRAPHS, GRAPH_ASSERTED, SOURCE_GRAPH_PREFIX

    asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
    names = list(store.named_graphs())
    if asserted not in names:
        data = Dataset()
        dumped = store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        data.parse(data=bytes(dumped or b""), format="nquads")
        return validate_graph(data)
    # (the evidence graph's spans are read with the source graphs that point to them)
    derived = {pyoxigraph.NamedNode(str(g)) for g in BUILT_GRAPHS}
    graphs: list[Any] = [pyoxigraph.DefaultGraph(), *(g for g in names if g not in derived)]
    subject = re.compile(rb"^<([^>]+)> ", re.M)
    described: dict[bytes, int] = {}
    found: set[str] = set()
    seconds = 0.0
    for i in range(0, len(graphs), batch):
        chunk = []
        for g in graphs[i:i + batch]:
            nt = bytes(store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=g) or b"")
            if isinstance(g, pyoxigraph.NamedNode) and g.value.startswith(SOURCE_GRAPH_PREFIX):
                nt += bytes(pyoxigraph.serialize([q.triple for q in evidence_quads(store, g)],
                                                 format=pyoxigraph.RdfFormat.N_TRIPLES) or b"")
            for s in set(subject.findall(nt)):
                described[s] = described.get(s, 0) + 1
            chunk.append(nt)
        nodes, secs = suspects(chunk)
        found |= nodes
        seconds += secs
    shared = {s.decode() for s, n in described.items() if n > 1}
    # the union of what the graphs say (not the asserted graph: a graph written by other
    # means may not be in it)
    report = validate_focus(store, found | shared, None)
    return ValidationReport(conforms=report.conforms, results=report.results,
                            report_graph=report.report_graph, seconds=report.seconds + seconds)


_LOOKED_PAST: list[tuple[URIRef, ...]] = []


def _looked_past() -> tuple[URIRef, ...]:
    """The predicates the shapes read on a value (not on the focus node itself): the later
    steps of sequence paths (a project's ``mh:compound / mh:locatedIn``), the paths of the
    shapes a value must match (``sh:node``), the type ``sh:class`` checks; and the labels a
    report names nodes by."""
    if not _LOOKED_PAST:
        from rdflib.collection import Collection

        shapes = shapes_graph()
        found: set[URIRef] = {RDF.type, RDFS.label, SCHEMA.name, SKOS.prefLabel}
        for path in shapes.objects(None, SH.path):
            if (path, RDF.first, None) in shapes:
                found.update(p for p in list(Collection(shapes, path))[1:] if isinstance(p, URIRef))
        for node_shape in shapes.objects(None, SH.node):
            for prop in shapes.objects(node_shape, SH.property):
                found.update(p for p in shapes.objects(prop, SH.path) if isinstance(p, URIRef))
        _LOOKED_PAST.append(tuple(sorted(found)))
    return _LOOKED_PAST[0]


_ONTOLOGY_NT: list[bytes] = []


def ontology_ntriples() -> bytes:
    """The ontology graph as N-Triples, serialised once per process."""
    if not _ONTOLOGY_NT:
        _ONTOLOGY_NT.append(shared_ontology().serialize(format="nt", encoding="utf-8"))
    return _ONTOLOGY_NT[0]
