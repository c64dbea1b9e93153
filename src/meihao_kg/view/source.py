"""What the views read of a store, streamed out of it by SPARQL ``SELECT`` into plain
dictionaries: never the whole store copied into an rdflib graph.

:func:`read_view_source` reads, graph by graph, the triples the projections look at: of an
Oxigraph store the asserted graph (each fact and each piece of evidence once, however many
sources repeat it) and the ontology, and on request the inferences; of a store without an
asserted graph, the union of its source graphs.  Left out are the triples no view reads: the
text, checksum and build details of source documents, the context of evidence spans (their
sentence and its position, the selectors' prefix and suffix and classes), the original wording
of observations and the reified statements' predicate and object.

The :class:`ViewSource` it returns answers the few rdflib ``Graph`` look-ups the projections
make (``objects``, ``subjects``, ``value``, ``predicate_objects``) with the same rdflib terms
and in the order the store gives them, so that ``projection`` and ``viewdata`` produce the same
pages from it as from an rdflib graph of the same triples, at a fraction of the memory
(a subject → predicate → objects dictionary; subjects of ``rdf:type``, ``mh:initiativeType``
and ``mh:implementedAt`` indexed by object too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from meihao_kg.graph.namespaces import (
    GRAPH_ASSERTED,
    GRAPH_INDEX,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    MH,
    RDF,
    SOURCE_GRAPH_PREFIX,
    sparql,
)

__all__ = ["ViewSource", "read_view_source"]

# subjects looked up by object: classes, initiative types, the places initiatives are carried out at
_REVERSED = frozenset({RDF.type, MH.initiativeType, MH.implementedAt})
# a subject's objects of one predicate are kept in a list; from this many on, with a set beside it
_SET_FROM = 16

# What the projections read of the store: every triple except the ones below (see the module doc).
_TRIPLES = sparql("""
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER (?p NOT IN (schema:text, mh:sha256, mh:builtWith, mh:sourcePath, dcat:byteSize,
                     mh:sentence, mh:sentenceIndex, oa:prefix, oa:suffix,
                     mh:originalExpression, rdf:predicate, rdf:object))
  FILTER (?p != rdf:type || ?o NOT IN (oa:TextQuoteSelector, oa:TextPositionSelector))
}""")


class ViewSource:
    """The triples a view reads, held as subject → predicate → objects (no rdflib store).

    Read-only for its users; filled by :func:`read_view_source` (or :meth:`add`).  Objects of
    one subject and predicate keep the order they were added in, without repeats.  A single
    object is held as it is, more in a list (most subjects have one object per predicate).
    """

    def __init__(self) -> None:
        self._out: dict[Node, dict[Node, Node | list[Node]]] = {}
        self._in: dict[Node, dict[Node, list[Node]]] = {p: {} for p in _REVERSED}
        self._sets: dict[tuple[Node, Node], set[Node]] = {}
        self._len = 0

    def add(self, s: Node, p: Node, o: Node) -> bool:
        """Add a triple; False when it is there already."""
        by_pred = self._out.get(s)
        if by_pred is None:
            by_pred = self._out[s] = {}
        objs = by_pred.get(p)
        if objs is None:
            by_pred[p] = o
        elif not isinstance(objs, list):
            if objs == o:
                return False
            by_pred[p] = [objs, o]
        else:
            if len(objs) < _SET_FROM:
                if o in objs:
                    return False
            else:
                seen = self._sets.get((s, p))
                if seen is None:
                    seen = self._sets[(s, p)] = set(objs)
                if o in seen:
                    return False
                seen.add(o)
            objs.append(o)
        rev = self._in.get(p)
        if rev is not None:
            subs = rev.get(o)
            if subs is None:
                rev[o] = [s]
            else:
                subs.append(s)
        self._len += 1
        return True

    def done(self) -> None:
        """Drop the sets kept to find repeats among many objects (no more :meth:`add`)."""
        self._sets.clear()

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        for s, by_pred in self._out.items():
            for p, objs in by_pred.items():
                for o in _many(objs):
                    yield s, p, o

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        return o in _many(self._out.get(s, {}).get(p))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        """Objects of ``subject`` and ``predicate`` (either may be ``None``: any)."""
        if subject is not None:
            by_pred = self._out.get(subject)
            if not by_pred:
                return
            if predicate is not None:
                yield from _many(by_pred.get(predicate))
            else:
                for objs in by_pred.values():
                    yield from _many(objs)
            return
        rev = self._in.get(predicate) if predicate is not None else None
        if rev is not None:
            for o, subs in rev.items():
                for _ in subs:
                    yield o
            return
        for _, p, o in self:
            if predicate is None or p == predicate:
                yield o

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterator[Node]:
        """Subjects of ``predicate`` and ``obj`` (either may be ``None``: any)."""
        rev = self._in.get(predicate) if predicate is not None else None
        if rev is not None:
            if obj is not None:
                yield from rev.get(obj, ())
            else:
                for subs in rev.values():
                    yield from subs
            return
        for s, p, o in self:
            if (predicate is None or p == predicate) and (obj is None or o == obj):
                yield s

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for p, objs in self._out.get(subject, {}).items():
            for o in _many(objs):
                yield p, o

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """The first object of ``subject`` and ``predicate``, or ``None``."""
        objs = self._out.get(subject, {}).get(predicate)
        if isinstance(objs, list):
            return objs[0]
        return objs


def _many(objs: Node | list[Node] | None) -> list[Node] | tuple[Node, ...]:
    if objs is None:
        return ()
    return objs if isinstance(objs, list) else (objs,)


def read_view_source(store: Any, *, inferred: bool = False, ontology: bool = True) -> ViewSource:
    """Stream what the views read out of ``store`` (see the module doc).

    ``store`` is an :class:`~meihao_kg.store.local.OxigraphStore` or anything with a ``raw``
    ``pyoxigraph.Store``; a SPARQL endpoint's quads are loaded into an in-memory Oxigraph store
    first (``export.writers`` does the same for its exports).
    """
    import pyoxigraph

    raw = getattr(store, "raw", None)
    if raw is None:
        raw = pyoxigraph.Store()
        data = store.dump_nquads()
        if data:
            raw.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS)
    names = list(raw.named_graphs())
    asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
    skipped = {str(iri) for skip, iri in ((True, GRAPH_INDEX), (not inferred, GRAPH_INFERRED),
                                          (not ontology, GRAPH_ONTOLOGY)) if skip}
    if asserted in names:
        names = [g for g in names if not g.value.startswith(SOURCE_GRAPH_PREFIX)]
    wanted = [g for g in [pyoxigraph.DefaultGraph(), *names]
              if not (isinstance(g, pyoxigraph.NamedNode) and g.value in skipped)]

    xsd_string = str(XSD.string)
    # one object per IRI (the index holds each node many times) and per typed value
    iris: dict[str, URIRef] = {}
    typed: dict[Any, Literal] = {}

    def term(t: Any) -> Node:
        if isinstance(t, pyoxigraph.NamedNode):
            iri = URIRef(t.value)
            return iris.setdefault(iri, iri)
        if isinstance(t, pyoxigraph.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == xsd_string:
            return Literal(t.value)
        found = typed.get(t)
        if found is None:
            found = typed[t] = Literal(t.value, datatype=URIRef(dt))
        return found

    out = ViewSource()
    add = out.add
    preds: dict[Any, Node] = {}  # a few dozen predicates
    for name in wanted:
        rows: Any = raw.query(_TRIPLES, default_graph=name)
        last: Any = None
        subject: Node = URIRef("")
        for s, p, o in rows:
            if s != last:  # a subject's triples come together
                last, subject = s, term(s)
            pred = preds.get(p)
            if pred is None:
                pred = preds[p] = term(p)
            add(subject, pred, term(o))
    out.done()
    return out
