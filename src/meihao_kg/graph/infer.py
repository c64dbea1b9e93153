"""Materialised inferences: the RDFS/SKOS closure the query layer relies on (subclasses,
broader concepts of an initiative's type), computed for one source's new triples only."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from meihao_kg.graph.namespaces import MH, bind_prefixes
from meihao_kg.graph.ontology import shared_ontology

__all__ = ["INFERRED_FROM_BROADER", "inferred_graph", "inferred_ntriples", "inferred_triples", "union_triples"]

LOGGER = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]


def union_triples(data: Any) -> Iterator[Triple]:
    """All triples of a Graph, or of every graph in a Dataset (union)."""
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from data.triples((None, None, None))


# --------------------------------------------------------------------------- inference

INFERRED_FROM_BROADER: tuple[URIRef, ...] = (MH.initiativeType,)
"""Properties whose concept values are propagated to every broader concept."""


def _closure(edges: dict[Node, set[Node]]) -> dict[Node, set[Node]]:
    """Transitive closure (strict ancestors) of a parent map; safe on cycles."""
    memo: dict[Node, set[Node]] = {}

    def up(node: Node) -> set[Node]:
        if node in memo:
            return memo[node]
        seen: set[Node] = set()
        stack = list(edges.get(node, ()))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in memo:
                seen |= memo[current]
            else:
                stack.extend(edges.get(current, ()))
        seen.discard(node)
        memo[node] = seen
        return seen

    return {node: up(node) for node in edges}


def _edges(triples: Iterable[Triple], predicate: URIRef) -> dict[Node, set[Node]]:
    out: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in triples:
        if p == predicate and s != o:
            out[s].add(o)
    return out


def _broader_transitive(broader: dict[Node, set[Node]]) -> set[Triple]:
    return {(concept, SKOS.broaderTransitive, ancestor)
            for concept, ancestors in broader.items() for ancestor in ancestors}


_SHARED: list[Any] = []


def _shared_closures() -> tuple[set[Triple], dict[Node, set[Node]], dict[Node, set[Node]],
                                dict[Node, set[Node]], set[Triple]]:
    """The shared ontology's triples, its class / property / broader closures and its
    ``skos:broaderTransitive`` triples, computed once per process."""
    if not _SHARED:
        schema_triples = set(shared_ontology().triples((None, None, None)))
        broader = _closure(_edges(schema_triples, SKOS.broader))
        _SHARED.extend([schema_triples, _closure(_edges(schema_triples, RDFS.subClassOf)),
                        _closure(_edges(schema_triples, RDFS.subPropertyOf)), broader,
                        _broader_transitive(broader)])
    return _SHARED[0], _SHARED[1], _SHARED[2], _SHARED[3], _SHARED[4]


def inferred_graph(data: Graph | Dataset, *, ontology: Graph | None = None) -> Graph:
    """Materialise the inferences queries rely on, returning *only* the new triples.

    Rules (plain Python over the triples, no OWL reasoner):
        1. ``skos:broaderTransitive``: the transitive closure of ``skos:broader`` over all concepts.
        2. For ``mh:initiativeType`` (see ``INFERRED_FROM_BROADER``): an initiative typed with a
           concept is also typed with every broader concept, so a 红色物业 initiative is found
           under the party-building facet.
        3. ``rdfs:subPropertyOf`` closure: ``s p o`` and ``p ⊑ q`` give ``s q o``.
        4. ``rdfs:subClassOf`` closure of ``rdf:type``.

    Rules 2-4 apply to the data (not to the ontology); rule 1 to data and ontology.  A triple
    already asserted in ``data`` or ``ontology`` is not returned.

    Args:
        data: a Graph, or a Dataset (all its graphs).
        ontology: the schema to reason with; the meihao-kg ontology by default.
    """
    out = bind_prefixes(Graph())
    for triple in inferred_triples(data, ontology=ontology):
        out.add(triple)
    LOGGER.debug("inferred %d triples", len(out))
    return out


def inferred_triples(data: Any, *, ontology: Graph | None = None) -> set[Triple]:
    """The triples of :func:`inferred_graph` as a set; ``data`` may be anything with
    ``triples((None, None, None))`` (a Graph, a Dataset, a :class:`~meihao_kg.graph.triples.TripleSet`)."""
    data_triples = set(union_triples(data))
    schema_edges = frozenset((RDFS.subClassOf, RDFS.subPropertyOf, SKOS.broader))
    if ontology is None and not any(p in schema_edges for _, p, _ in data_triples):
        # the usual case (a source adds no schema edges): the ontology's closures, cached
        schema_triples, super_classes, super_props, broader, new = _shared_closures()
        new = set(new)
        every = data_triples | schema_triples
    else:
        schema = ontology if ontology is not None else shared_ontology()
        schema_triples = set(schema.triples((None, None, None)))
        every = data_triples | schema_triples
        super_classes = _closure(_edges(every, RDFS.subClassOf))
        super_props = _closure(_edges(every, RDFS.subPropertyOf))
        broader = _closure(_edges(every, SKOS.broader))
        new = _broader_transitive(broader)

    # Only the triples the rules add are gathered (not a copy of the data to subtract again):
    # comparing rdflib terms runs Python code, and a source has ~1,500 triples.
    rdf_type = RDF.type
    from_broader = frozenset(INFERRED_FROM_BROADER)
    added: set[Triple] = set()
    for s, p, o in data_triples:
        if p in from_broader:
            for ancestor in broader.get(o, ()):
                added.add((s, p, ancestor))
    for s, p, o in [*data_triples, *added]:
        for q in super_props.get(p, ()):
            added.add((s, q, o))
    for s, p, o in [*data_triples, *added]:
        if p == rdf_type:
            for cls in super_classes.get(o, ()):
                added.add((s, rdf_type, cls))

    new |= added
    new -= every
    return {t for t in new if not isinstance(t[0], Literal)}


_TEXT_RULES: list[tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]] = []


def _text_rules() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """The shared ontology's closures in N-Triples forms: a class's super-classes, a
    property's super-properties, a concept's broader concepts (``<iri>`` → ``[<iri>, …]``)."""
    if not _TEXT_RULES:
        _, super_classes, super_props, broader, _ = _shared_closures()

        def forms(closure: dict[Node, set[Node]]) -> dict[str, list[str]]:
            return {k.n3(): sorted(v.n3() for v in vs if isinstance(v, URIRef))
                    for k, vs in closure.items() if isinstance(k, URIRef) and vs}

        _TEXT_RULES.append((forms(super_classes), forms(super_props), forms(broader)))
    return _TEXT_RULES[0]


def inferred_ntriples(text: bytes) -> bytes:
    """Rules 2-4 of :func:`inferred_graph` on N-Triples ``text`` (one statement a line, its
    subject and predicate IRIs, as the build writes evidence spans) with the shared
    ontology: the lines the rules add, those already in ``text`` left out.  The same
    triples :func:`inferred_triples` adds for them, without making an rdflib term of each.

    Raises:
        ValueError: ``text`` states a class, property or concept hierarchy of its own (those
            need :func:`inferred_triples`), or a line is not a plain statement.
    """
    super_classes, super_props, broader = _text_rules()
    rdf_type = RDF.type.n3()
    schema = {RDFS.subClassOf.n3(), RDFS.subPropertyOf.n3(), SKOS.broader.n3()}
    from_broader = {p.n3() for p in INFERRED_FROM_BROADER}
    lines = text.decode("utf-8").split("\n")  # (literals escape their line breaks; not other breaks)
    given = set(lines)
    added: dict[str, None] = {}
    statements: list[tuple[str, str, str]] = []
    for line in lines:
        if not line:
            continue
        s, p, rest = line.split(" ", 2)
        if not rest.endswith(" .") or p in schema:
            raise ValueError(f"not a plain statement for the text rules: {line[:200]}")
        o = rest[:-2]
        statements.append((s, p, o))
        if p in from_broader:
            for ancestor in broader.get(o, ()):
                statements.append((s, p, ancestor))
                added[f"{s} {p} {ancestor} ."] = None
    derived: list[tuple[str, str, str]] = []
    for s, p, o in statements:
        for q in super_props.get(p, ()):
            derived.append((s, q, o))
            added[f"{s} {q} {o} ."] = None
    for s, p, o in statements + derived:
        if p == rdf_type:
            for cls in super_classes.get(o, ()):
                added[f"{s} {rdf_type} {cls} ."] = None
    return "".join(line + "\n" for line in added if line not in given).encode("utf-8")
