"""``push``: write the store to a SPARQL server through the SPARQL 1.1 Graph Store HTTP
Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/).

One ``PUT {graph-store}?graph={iri}`` per named graph (each source graph, the ontology, the
inferred graph) with the graph's triples as N-Triples: the server replaces that graph and
only that graph, so pushing a rebuilt source replaces exactly its facts.  Afterwards every
pushed graph is counted on the server through the query endpoint; a count that differs is
an error.  Credentials and retries: :func:`meihao_kg.store.remote.auth_for`, :func:`~meihao_kg.store.remote.send`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from meihao_kg.errors import StoreError
from meihao_kg.graph import iri as mint
from meihao_kg.store.local import KGStore
from meihao_kg.store.remote import EndpointStore, RemoteError, http_client, send

__all__ = ["PushReport", "PushedGraph", "graph_store_url", "push_store"]



@dataclass(frozen=True)
class PushedGraph:
    iri: str
    triples: int  # sent
    on_server: int  # counted on the server afterwards


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graph_store: str
    graphs: tuple[PushedGraph, ...]
    seconds: float

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def graph_store_url(endpoint: str, graph_store: str | None = None) -> str:
    """The Graph Store Protocol URL: the one given, or the usual one next to the query
    endpoint: Oxigraph ``…/query`` → ``…/store``; Fuseki ``…/sparql`` or ``…/query`` of a
    dataset → ``…/data``; GraphDB ``…/repositories/ID`` → ``…/repositories/ID/rdf-graphs/service``."""
    if graph_store:
        return graph_store
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if "/repositories/" in f"{path}/" and head.endswith("/repositories"):
        new = f"{path}/rdf-graphs/service"
    elif last == "query" and not head:
        new = "/store"  # Oxigraph server: /query, /update, /store
    elif last in ("sparql", "query"):
        new = f"{head}/data"  # Fuseki: /DATASET/sparql, /DATASET/data
    else:
        raise StoreError(f"cannot tell the Graph Store Protocol URL of {endpoint}",
                         hint="give it with --graph-store URL")
    return urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def _select_graphs(store: KGStore, graphs: Iterable[str], sources: Iterable[str]) -> list[str]:
    have = store.graphs()
    wanted = list(graphs) + [str(mint.source_graph(s)) for s in sources]
    if not wanted:
        return have
    missing = [g for g in wanted if g not in have]
    if missing:
        raise StoreError(f"the store has no graph {missing[0]}",
                         hint="graphs: " + ", ".join(have))
    return list(dict.fromkeys(wanted))


def push_store(store: KGStore, endpoint: str, *, graph_store: str | None = None,
               graphs: Iterable[str] = (), sources: Iterable[str] = (), timeout: float = 300.0,
               retries: int = 3) -> PushReport:
    """PUT the store's named graphs (all, or only ``graphs``/``sources``) to the server and
    count them there.  Raises :class:`RemoteError` if the server refuses or a count differs."""
    import pyoxigraph

    gsp = graph_store_url(endpoint, graph_store)
    todo = _select_graphs(store, graphs, sources)
    t0 = time.perf_counter()
    sent: list[tuple[str, int]] = []
    with http_client(timeout) as client:
        for iri in todo:
            triples = list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"))
            body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
            send(client, "PUT", gsp, params={"graph": iri}, content=body, retries=retries,
                 headers={"Content-Type": "application/n-triples"})
            sent.append((iri, len(triples)))
    remote = EndpointStore(endpoint, timeout=timeout)
    try:
        pushed = tuple(PushedGraph(iri, n, remote.count(iri)) for iri, n in sent)
    finally:
        remote.close()
    bad = [g for g in pushed if g.on_server != g.triples]
    if bad:
        raise RemoteError(f"{endpoint}: graph {bad[0].iri} has {bad[0].on_server} triples on the server, "
                          f"{bad[0].triples} were sent")
    return PushReport(endpoint, gsp, pushed, time.perf_counter() - t0)
