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
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import SH

from meihao_kg.errors import ShapeLoadError
from meihao_kg.graph.infer import union_triples
from meihao_kg.graph.namespaces import bind_prefixes
from meihao_kg.graph.ontology import shapes_graph, shared_ontology
from meihao_kg.graph.violations import ValidationReport, ViolationResult, violation_results

__all__ = ["ontology_ntriples", "validate_graph", "validate_ntriples", "validation_graph"]

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


def validate_ntriples(data: bytes | list[bytes], *, shapes: Graph | str | Path | None = None) -> ValidationReport:
    """Validate N-Triples data (with the ontology) without building an rdflib graph.

    The data is loaded into an in-memory Oxigraph store, which the SHACL engine reads
    directly: several times faster than :func:`validate_graph` on the same triples.  Labels
    and quotes for the report are looked up only when there are results.
    """
    import pyoxigraph
    from pyshacl_turbo import validate as shacl_validate
    from pyshacl_turbo.errors import ReportableRuntimeError

    shapes_g = _load_shapes(shapes)
    store = pyoxigraph.Store()
    store.bulk_load(ontology_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    for chunk in data if isinstance(data, list) else [data]:
        if chunk:
            store.bulk_load(chunk, format=pyoxigraph.RdfFormat.N_TRIPLES)
    start = time.perf_counter()
    try:
        _, report_graph, _ = shacl_validate(
            store, shacl_graph=shapes_g, inference="none", abort_on_first=False,
            allow_warnings=True, advanced=True,
        )
    except ReportableRuntimeError as exc:
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {exc}") from exc
    seconds = time.perf_counter() - start
    if not isinstance(report_graph, Graph):
        raise ShapeLoadError(f"the SHACL engine cannot use the shapes: {report_graph}")
    bind_prefixes(report_graph)
    results: tuple[ViolationResult, ...] = ()
    if any(True for _ in report_graph.objects(None, SH.result)):
        merged = bind_prefixes(Graph())
        dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
        merged.parse(data=bytes(dumped or b""), format="nt")
        results = violation_results(report_graph, merged)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, report_graph=report_graph, seconds=seconds)


_ONTOLOGY_NT: list[bytes] = []


def ontology_ntriples() -> bytes:
    """The ontology graph as N-Triples, serialised once per process."""
    if not _ONTOLOGY_NT:
        _ONTOLOGY_NT.append(shared_ontology().serialize(format="nt", encoding="utf-8"))
    return _ONTOLOGY_NT[0]
