"""Stage 5b: the derived graphs, kept in step with the source graphs at build time.

* ``id:graph/asserted`` — the de-duplicated union of every source graph.  A fact stated by
  twenty copies of one article is one triple here, so queries over it do not multiply
  (each copy of a triple in another named graph multiplies the paths a query walks over
  the union of all graphs).  Evidence stays in each source's own graph.
* ``id:graph/inferred`` — the closure (:func:`meihao_kg.graph.infer.inferred_graph`) of the
  asserted facts.

A build that replaces or drops sources first *retracts* them: each triple of an outgoing
source graph leaves the asserted graph unless another remaining source states it, and the
inferences about the subjects it touched are recomputed from what remains.  The incoming
sources' triples and inferences are then simply added (a store is a set of quads).  The
cost is proportional to the sources being rebuilt, not to the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, SOURCE_GRAPH_PREFIX

__all__ = ["retract_sources"]


def retract_sources(store: Any, outgoing: Iterable[str]) -> int:
    """Take the source graphs ``outgoing`` (IRIs) out of the derived graphs of ``store`` (a
    writable pyoxigraph store that still holds them).  Returns the change in the number of
    quads of the store (asserted triples removed, inferences removed and re-derived).  The
    source graphs themselves are left for the caller to drop."""
    import pyoxigraph

    asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
    inferred = pyoxigraph.NamedNode(str(GRAPH_INFERRED))
    gone = {pyoxigraph.NamedNode(iri) for iri in outgoing}
    present = set(store.named_graphs())
    gone &= present
    if not gone or asserted not in present:
        return 0
    removed = 0
    touched: set[Any] = set()
    for g in gone:
        for q in list(store.quads_for_pattern(None, None, None, g)):
            touched.add(q.subject)
            still_stated = any(
                o.graph_name not in gone and o.graph_name.value.startswith(SOURCE_GRAPH_PREFIX)
                for o in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
            )
            fact = pyoxigraph.Quad(q.subject, q.predicate, q.object, asserted)
            if not still_stated and fact in store:
                store.remove(fact)
                removed += 1
    return _reinfer(store, touched, asserted, inferred) - removed


def _reinfer(store: Any, subjects: set[Any], asserted: Any, inferred: Any) -> int:
    """Recompute the inferences about ``subjects`` from the asserted facts that remain;
    returns the change in the number of quads.

    The asserted triples are turned into rdflib terms directly (no N-Triples round trip, no
    rdflib ``Graph``), and the inference runs on the plain set (:func:`inferred_triples`)."""
    import pyoxigraph

    from meihao_kg.graph.infer import inferred_triples
    from meihao_kg.graph.triples import TripleSet, ntriples

    if not subjects:
        return 0
    change = 0
    remaining = TripleSet()
    for s in subjects:
        for q in list(store.quads_for_pattern(s, None, None, inferred)):
            store.remove(q)
            change -= 1
        for q in store.quads_for_pattern(s, None, None, asserted):
            remaining.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    if not len(remaining):
        return change
    wanted = {_rdflib(s) for s in subjects}
    keep = [t for t in inferred_triples(remaining) if t[0] in wanted]  # a set: distinct, and
    if keep:  # none is in the inferred graph any more (every one about these subjects went)
        store.bulk_load(ntriples(keep), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=inferred)
    return change + len(keep)


def _rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term the builder makes."""
    import pyoxigraph
    from rdflib import XSD, BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))
