"""Finding nodes of a projected graph by name or IRI, and the neighbourhood around one."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import networkx as nx

from meihao_kg.errors import QueryError
from meihao_kg.text.normalise import name_key
from meihao_kg.view.labels import CLASS_RANK

__all__ = ["NodeNotFoundError", "find_node", "neighbourhood"]

LOGGER = logging.getLogger(__name__)


class NodeNotFoundError(QueryError):
    """No node of the graph matches the given name or IRI."""


# --------------------------------------------------------------------------- look-ups


@lru_cache(maxsize=1)
def _norm(text: str) -> str:
    return name_key(text)


def find_node(graph: nx.Graph, node_or_name: str) -> str:
    """Return the id of the node named ``node_or_name``.

    Matches, in order: a node id/IRI; an exact zh/en label or alias (NFKC, case-folded,
    Traditional converted to Simplified); a label or alias containing the name.  Ties go to the
    more prominent class (project, compound, place, …) and then the shorter label.

    Raises:
        NodeNotFoundError: nothing matches.
    """
    if node_or_name in graph:
        return node_or_name
    want = _norm(node_or_name)
    exact: list[str] = []
    partial: list[str] = []
    for nid, data in graph.nodes(data=True):
        names = [data.get("label_zh", ""), data.get("label_en", ""), *data.get("aliases", [])]
        normed = [_norm(n) for n in names if n]
        if want in normed or _norm(str(nid)) == want:
            exact.append(nid)
        elif any(want in n for n in normed):
            partial.append(nid)
    found = exact or partial
    if not found:
        raise NodeNotFoundError(
            f"no node named {node_or_name!r}",
            hint="give a zh or en label, an alias or a full IRI",
        )

    def rank(nid: str) -> tuple[int, int, str]:
        data = graph.nodes[nid]
        return (CLASS_RANK.get(data.get("cls", "other"), 99), len(data.get("label_zh", "")), nid)

    found.sort(key=rank)
    if len(found) > 1:
        LOGGER.info("%r matches %d nodes; using %s", node_or_name, len(found), found[0])
    return found[0]


def neighbourhood(graph: nx.Graph, node_or_name: str, depth: int = 1) -> nx.Graph:
    """The sub-graph within ``depth`` hops of a node, ignoring edge direction.

    Args:
        graph: a projection (``project_graph`` / ``similarity_graph`` output).
        node_or_name: node id, IRI, or a name understood by ``find_node``.
        depth: number of hops (0 = the node alone).

    Returns:
        A copy of the induced sub-graph, of the same graph class as ``graph``; the centre node gets
        the attribute ``focus=True``.

    Raises:
        NodeNotFoundError: the name matches no node.
        ValueError: ``depth`` is negative.
    """
    if depth < 0:
        raise ValueError("depth must be >= 0")
    centre = find_node(graph, node_or_name)
    # a showcase project and its compound are one thing to a reader: the compound's
    # organisations, initiatives and places belong to the project's neighbourhood
    centres = {centre}
    for _, other, data in graph.edges(centre, data=True):
        if str(data.get("predicate", "")).endswith("#compound"):
            centres.add(other)
    keep: set[Any] = set()
    for c in centres:
        keep |= set(nx.ego_graph(graph, c, radius=depth, undirected=True).nodes)
    # nodes and edges in the graph's own order (a sub-graph view would follow the set's order,
    # which changes from process to process)
    out = graph.__class__()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
    if graph.is_multigraph():
        out.add_edges_from((u, v, k, dict(d)) for u, v, k, d in graph.edges(keys=True, data=True)
                           if u in keep and v in keep)
    else:
        out.add_edges_from((u, v, dict(d)) for u, v, d in graph.edges(data=True) if u in keep and v in keep)
    out.nodes[centre]["focus"] = True
    return out
