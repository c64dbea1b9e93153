"""A fast, deterministic layout of a projected graph (no randomness; seeds the view's physics)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

__all__ = ["fast_layout"]


# --------------------------------------------------------------------------- layout


def fast_layout(graph: nx.Graph, *, spacing: float = 60.0) -> dict[Any, tuple[float, float]]:
    """Deterministic O(n + m) layout for large graphs: radial trees packed in a grid.

    Each connected component is laid out as a radial BFS tree from its highest-degree node
    (angular room proportional to subtree size, rings ``spacing`` apart); components are packed
    row by row, largest first.  Far cheaper than force layouts (10k nodes in well under a second)
    and readable for hub-and-spoke graphs such as this KG.
    """
    adj: dict[Any, list[Any]] = defaultdict(list)
    for u, v in graph.edges():
        if u != v:
            adj[u].append(v)
            adj[v].append(u)
    order = {n: i for i, n in enumerate(graph.nodes())}
    degree = {n: len(set(adj[n])) for n in graph.nodes()}
    seen: set[Any] = set()
    components: list[tuple[dict[Any, tuple[float, float]], float]] = []
    for start in sorted(graph.nodes(), key=lambda n: (-degree[n], order[n])):
        if start in seen:
            continue
        seen.add(start)
        parent_children: dict[Any, list[Any]] = {start: []}
        bfs = [start]
        depth = {start: 0}
        for node in bfs:
            for nb in sorted(set(adj[node]), key=lambda n: (-degree[n], order[n])):
                if nb not in seen:
                    seen.add(nb)
                    depth[nb] = depth[node] + 1
                    parent_children[node].append(nb)
                    parent_children[nb] = []
                    bfs.append(nb)
        size: dict[Any, int] = {}
        for node in reversed(bfs):
            size[node] = 1 + sum(size[c] for c in parent_children[node])
        pos: dict[Any, tuple[float, float]] = {start: (0.0, 0.0)}
        span: dict[Any, tuple[float, float]] = {start: (0.0, 2 * math.pi)}
        for node in bfs:
            lo, hi = span[node]
            children = parent_children[node]
            total = sum(size[c] for c in children) or 1
            cursor = lo
            for child in children:
                width = (hi - lo) * size[child] / total
                span[child] = (cursor, cursor + width)
                angle = cursor + width / 2
                r = depth[child] * spacing * (1.0 + 0.15 * math.log1p(len(children)))
                pos[child] = (r * math.cos(angle), r * math.sin(angle))
                cursor += width
        radius = max((math.hypot(x, y) for x, y in pos.values()), default=0.0) + spacing
        components.append((pos, radius))

    layout: dict[Any, tuple[float, float]] = {}
    row_width = max(spacing * 10, math.sqrt(sum((2 * r) ** 2 for _, r in components)) * 1.2)
    x = y = row_height = 0.0
    for pos, radius in components:
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + radius, y + radius
        for node, (px, py) in pos.items():
            layout[node] = (round(cx + px, 1), round(cy + py, 1))
        x += 2 * radius
        row_height = max(row_height, 2 * radius)
    return layout
