"""Network exports: the projected graph (see :mod:`meihao_kg.view.projection`) as GraphML or
GEXF for Gephi, Cytoscape and yEd.  Deterministic: nodes, edges and attributes are written in
sorted order."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["gexf_bytes", "graphml_bytes"]

# node attributes for the view's side panel (lists of records), not for Gephi/Cytoscape
_VIEW_ONLY = frozenset({"facts", "similar"})


def _export_safe(graph: nx.Graph) -> nx.Graph:
    """Copy with list attributes joined and None dropped, plus ``label`` for Gephi/Cytoscape."""
    out = graph.__class__()

    def clean(data: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in sorted(data.items()):
            if v is None or k in _VIEW_ONLY:
                continue
            if isinstance(v, (list, tuple, set)):
                v = " | ".join(str(x) for x in v)
            elif isinstance(v, bool):
                v = str(v).lower()
            elif not isinstance(v, (int, float, str)):
                v = str(v)
            out[k] = v
        return out

    # nodes, edges and attributes in sorted order: the same file in every process
    for n, data in sorted(graph.nodes(data=True), key=lambda nd: str(nd[0])):
        attrs = clean(data)
        attrs.setdefault("label", data.get("label_zh", str(n)))
        out.add_node(n, **attrs)
    if graph.is_multigraph():
        edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
        for u, v, k, data in edges:
            attrs = clean(data)
            attrs.setdefault("label", data.get("label_zh", ""))
            out.add_edge(u, v, key=k, **attrs)
    else:
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
            attrs = clean(data)
            attrs.setdefault("label", data.get("label_zh", ""))
            out.add_edge(u, v, **attrs)
    return out


def graphml_bytes(graph: nx.Graph) -> bytes:
    """``graph`` as GraphML (UTF-8) for Gephi, Cytoscape or yEd.

    List attributes become "a | b" strings, ``None`` is dropped, and every node and edge gets a
    ``label`` (the zh label) for the tools that look for one.
    """
    buf = io.BytesIO()
    nx.write_graphml(_export_safe(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf_bytes(graph: nx.Graph) -> bytes:
    """``graph`` as GEXF 1.2 (UTF-8) for Gephi; lists become "a | b" strings."""
    buf = io.BytesIO()
    nx.write_gexf(_export_safe(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()
