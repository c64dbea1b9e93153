"""SHACL validation of a large build in batches of sources, with the same results.

Validating 10,000 projects at once holds every triple in one in-memory store and the SHACL
engine's working set next to it: 5 GiB.  Here the sources are validated a batch at a time,
each batch with a context that makes its results those of the whole:

* every triple (of any new source) whose subject is described by more than one batch — a
  city, an organisation, the campaign: such a node is validated with everything said
  about it, in every batch, and its results are kept once;
* every ``rdf:type`` triple of the new data, so that ``sh:class`` checks on values described
  in another batch see their class (those typed-only nodes are focus nodes of the batch
  too: their results are dropped here and come from the batch that describes them);
* the store context the caller gives (what the store says about the new subjects).

The shapes' paths are single properties, class checks and concept look-ups in the
ontology (loaded with every batch), which is what makes this context sufficient; a result
is kept when its focus node is described by the batch (or by several batches, once).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from meihao_kg.graph.validate import ValidationReport, ViolationResult, validate_ntriples

__all__ = ["BATCH_SOURCES", "validate_sources"]

BATCH_SOURCES = 250  # sources per batch (~1,250 projects); fewer: one validation as before

_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
_SHARED = -1


def _lines(nt: bytes) -> Iterator[bytes]:
    for line in nt.split(b"\n"):
        if line and not line.startswith(b"#"):
            yield line


def _subject(line: bytes) -> int:
    return hash(line[: line.find(b" ")])


def validate_sources(sources: Sequence[bytes], context: bytes = b"", *,
                     batch_sources: int = BATCH_SOURCES) -> ValidationReport:
    """Validate the N-Triples of ``sources`` (one document per source) with ``context``;
    in batches of ``batch_sources`` sources when there are more."""
    if len(sources) <= batch_sources:
        return validate_ntriples([*sources, context])
    batches = [sources[i: i + batch_sources] for i in range(0, len(sources), batch_sources)]
    owner: dict[int, int] = {}  # hash of a subject term → the batch describing it, or _SHARED
    for b, batch in enumerate(batches):
        for nt in batch:
            for line in _lines(nt):
                s = _subject(line)
                if owner.setdefault(s, b) != b:
                    owner[s] = _SHARED
    shared = b"\n".join(line for nt in sources for line in _lines(nt)
                        if owner.get(_subject(line)) == _SHARED or _TYPE in line)
    reports = [validate_ntriples([*batch, shared, context]) for batch in batches]
    return _merge(reports, owner)


def _focus_batch(result: ViolationResult, owner: dict[int, int]) -> int | None:
    if result.focus.startswith(("http://", "https://", "urn:")):
        return owner.get(hash(f"<{result.focus}>".encode()))
    return None  # a blank node: kept (blank nodes are never shared between sources)


def _without(report: Any, foci: set[str]) -> Any:
    """The report graph without the results about ``foci`` (and their own triples)."""
    from rdflib import Graph
    from rdflib.namespace import SH

    out = Graph()
    drop = {r for r in report.objects(None, SH.result) if str(report.value(r, SH.focusNode)) in foci}
    for t in report:
        if t[0] not in drop and t[2] not in drop:
            out.add(t)
    return out


def _merge(reports: list[ValidationReport], owner: dict[int, int]) -> ValidationReport:
    from rdflib import Graph

    results: dict[tuple[Any, ...], ViolationResult] = {}
    graph = Graph()
    for b, report in enumerate(reports):
        kept, foreign = False, set()
        for r in report.results:
            home = _focus_batch(r, owner)
            if home is not None and home != _SHARED and home != b:
                foreign.add(r.focus)  # described by another batch, here only by its type
                continue
            key = (r.focus, r.path, r.shape, r.value, r.severity, r.message_en)
            results.setdefault(key, r)
            kept = True
        if kept:
            for prefix, ns in report.report_graph.namespaces():
                graph.bind(prefix, ns, override=False)
            graph += _without(report.report_graph, foreign)
    ordered = tuple(sorted(results.values(), key=lambda r: (r.focus, r.path or "", r.message_en, r.value or "")))
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in ordered),
        results=ordered,
        report_graph=graph if ordered else (reports[0].report_graph if reports else Graph()),
        seconds=sum(r.seconds for r in reports),
    )
