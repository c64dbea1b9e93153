"""The ontology graph a store was built with (``id:graph/ontology``), as an rdflib Graph."""

from __future__ import annotations

from rdflib import Graph

from meihao_kg.errors import StoreError
from meihao_kg.graph.namespaces import GRAPH_ONTOLOGY
from meihao_kg.store.local import KGStore

__all__ = ["stored_ontology"]


def stored_ontology(store: KGStore) -> Graph:
    """The store's ontology graph.  Raises :class:`StoreError` if the store has none."""
    import pyoxigraph

    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?s ?p ?o }} }}")
    data = result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    g = Graph()
    g.parse(data=data, format="nt")
    if len(g) == 0:
        raise StoreError("the store holds no ontology graph", hint="rebuild it with `meihao-kg build`")
    return g
