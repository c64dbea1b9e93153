"""What the view needs beyond the projection: facts with their evidence for the side panel,
initiative facets for the facet filter, similar projects, and the anchored default layout.

``enrich(g, graph)`` adds to the nodes of a ``projection.project_graph`` (or ``neighbourhood``)
output, in place:

==============  =====================================================================
``facts``       list of ``{"kind", "kind_en", "text", "quote", "source", "start", "end"}``
                (kind: 指标 indicator, 时间 date, 举措 initiative, 提及 mention, 荣誉
                recognition, 来源 source: the kind of the project's source), a project
                also gets its compound's facts
``facet``       for initiative types: the zh label of the top concept (``facet_en``, ``facet_iri``)
``shared_by``   for initiative types (set by ``anchor_layout``): how many projects carry it out
``similar``     for projects: ``[{"iri", "label_zh", "weight", "jaccard", "shared"}]`` from
                ``projection.similarity_graph`` (initiative types shared, asserted types only)
==============  =====================================================================

``anchor_layout(graph)`` places projects on a circle as anchors, their own nodes outside them,
places and bodies shared by several projects on an outer ring, and initiative types inside,
between the projects that carry them out, grouped by facet.  It is deterministic.
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.term import Node

from meihao_kg.graph.namespaces import DCTERMS, MH, OA, RDF, RDFS, SCHEMA, SKOS
from meihao_kg.view.labels import GraphLike, Labels, event_line, observation_line, union_graph

__all__ = ["anchor_layout", "attach_similar", "enrich", "evidence", "similar_projects"]

_KINDS = {
    "indicator": ("指标", "indicator"),
    "date": ("时间", "date"),
    "initiative": ("举措", "initiative"),
    "mention": ("提及", "mention"),
    "carried": ("实施项目", "carried out at"),
    "recognition": ("荣誉", "recognition"),
    "source": ("来源", "source"),
}
_SOURCE_KINDS = {"instalment": ("系列项目展示", "series instalment"), "report": ("新闻报道", "news report"),
                 "list": ("名单", "list"), "other": ("非小区文本", "not about compounds")}
_MAX_FACTS = 60


def evidence(g: GraphLike, node: Node) -> list[dict[str, Any]]:
    """The evidence spans of ``node``: raw quote, source document id and character span."""
    out: list[dict[str, Any]] = []
    for span in sorted(g.objects(node, MH.evidence), key=str):
        quote = start = end = None
        for sel in g.objects(span, OA.hasSelector):
            quote = quote or g.value(sel, OA.exact)
            start = start if start is not None else g.value(sel, OA.start)
            end = end if end is not None else g.value(sel, OA.end)
        if quote is None:
            quote = g.value(span, MH.normalizedQuote)
        src = g.value(span, OA.hasSource)
        doc = g.value(src, DCTERMS.identifier) if src is not None else None
        if doc is None and src is not None:
            doc = Literal(str(src).rstrip("/").rsplit("/", 1)[-1])
        out.append({
            "quote": str(quote or ""),
            "source": str(doc or ""),
            "start": int(str(start)) if start is not None else None,
            "end": int(str(end)) if end is not None else None,
        })
    return out


def _fact(kind: str, text: str, ev: dict[str, Any] | None) -> dict[str, Any]:
    zh, en = _KINDS[kind]
    base = {"kind": zh, "kind_en": en, "text": text}
    base.update(ev or {"quote": "", "source": "", "start": None, "end": None})
    return base


# a node's facts without repeats, in order; keyed by their values (every fact has the same keys
# in the same order: ``_fact``)
_Facts = dict[tuple[Any, ...], dict[str, Any]]


def _add(facts: _Facts, kind: str, text: str, evs: list[dict[str, Any]]) -> None:
    for ev in evs or [None]:  # type: ignore[list-item]
        f = _fact(kind, text, ev)
        facts.setdefault(tuple(f.values()), f)


def _facet(g: GraphLike, concept: Node) -> Node:
    seen = {concept}
    cur = concept
    while True:
        up = sorted(g.objects(cur, SKOS.broader), key=str)
        if not up or up[0] in seen:
            return cur
        cur = up[0]
        seen.add(cur)


def enrich(g: GraphLike, graph: nx.Graph, *, similar: bool = True) -> nx.Graph:
    """Add ``facts``, ``facet`` and ``similar`` to the nodes of ``graph`` (see the module doc)."""
    g = union_graph(g)
    labels = Labels(g)
    facts: dict[str, _Facts] = defaultdict(dict)
    for node in graph.nodes:
        iri = URIRef(str(node))
        _add(facts[node], "mention", graph.nodes[node].get("label_zh", str(node)), evidence(g, iri))
    for obs in sorted(g.subjects(RDF.type, MH.IndicatorObservation), key=str):
        line = observation_line(g, labels, obs)
        evs = evidence(g, obs)
        for target in g.objects(obs, SCHEMA.observationAbout):
            if str(target) in graph:
                _add(facts[str(target)], "indicator", line, evs)
    for ev_node in sorted(g.subjects(RDF.type, MH.DatedEvent), key=str):
        line = event_line(g, labels, ev_node)
        evs = evidence(g, ev_node)
        for target in [*g.objects(ev_node, SCHEMA.about), *g.objects(ev_node, MH.compound)]:
            if str(target) in graph:
                _add(facts[str(target)], "date", line, evs)
    for act in sorted(set(g.subjects(MH.initiativeType, None)), key=str):
        evs = evidence(g, act)
        for kind in g.objects(act, MH.initiativeType):
            type_label = labels.names(kind)[0]
            for where in g.objects(act, MH.implementedAt):
                if str(where) in graph:
                    _add(facts[str(where)], "initiative", type_label, evs)
                if str(kind) in graph:
                    _add(facts[str(kind)], "carried", labels.names(where)[0], evs)
    for rec in sorted(g.subjects(RDF.type, MH.Recognition), key=str):
        parts = [str(next(iter(g.objects(rec, RDFS.label)), ""))]
        for prop in (MH.recognitionLevel, MH.level):
            lv = next(iter(g.objects(rec, prop)), None)
            if lv is not None:
                parts.append(str(lv).rsplit("/", 1)[-1])
                break
        year = next(iter(g.objects(rec, MH.recognitionYear)), None)
        if year is not None:
            parts.append(str(year))
        bodies = sorted(str(b) for b in g.objects(rec, MH.conferringBody))
        if bodies:
            parts.append("、".join(bodies))
        evs = evidence(g, rec)
        for target in g.objects(rec, MH.recipient):
            if str(target) in graph:
                _add(facts[str(target)], "recognition", " · ".join(p for p in parts if p), evs)
    # a project shows the kind of the source it comes from
    for node, data in graph.nodes(data=True):
        if data.get("cls") != "project":
            continue
        for src in g.objects(URIRef(str(node)), DCTERMS.source):
            source_kind = next(iter(g.objects(src, MH.sourceKind)), None)
            if source_kind is None:
                continue
            zh, en = _SOURCE_KINDS.get(str(source_kind).rsplit("/", 1)[-1], ("", ""))
            doc = next(iter(g.objects(src, DCTERMS.identifier)), "")
            why = next(iter(g.objects(src, MH.sourceKindReason)), "")
            _add(facts[node], "source", f"{zh} {en}: {doc}" + (f" ({why})" if why else ""), [])
    # a project shows its compound's facts too
    for node, data in graph.nodes(data=True):
        if data.get("cls") != "project":
            continue
        for comp in g.objects(URIRef(str(node)), MH.compound):
            for key, f in facts.get(str(comp), {}).items():
                facts[node].setdefault(key, f)
    order = {k[0]: i for i, k in enumerate(_KINDS.values())}
    for node in graph.nodes:
        items = sorted(facts.get(node, {}).values(), key=lambda f: (order.get(f["kind"], 9), f["start"] or 0))
        # the mention of the node's own name is only worth showing when nothing else is
        if len(items) > 1:
            items = [f for f in items if f["kind"] != _KINDS["mention"][0]] or items
        graph.nodes[node]["facts"] = items[:_MAX_FACTS]
        if graph.nodes[node].get("cls") == "initiative_type":
            top = _facet(g, URIRef(str(node)))
            zh, en, _ = labels.names(top)
            graph.nodes[node].update(facet=zh, facet_en=en, facet_iri=str(top))
    if similar:
        rows = similar_projects(g)
        for node in graph.nodes:
            if node in rows:
                graph.nodes[node]["similar"] = rows[node]
    return graph


_Similar = tuple[str, str, Node, float, int, frozenset[Node]]  # label, IRI, project, jaccard, weight, shared


def _members(members: list[Node], name: dict[Node, str], level: tuple[float, int],
             shared: frozenset[Node]) -> Iterator[_Similar]:
    return ((name[q], str(q), q, -level[0], -level[1], shared) for q in members)


def similar_projects(g: GraphLike, limit: int = 8) -> dict[str, list[dict[str, Any]]]:
    """Each project's most similar projects: the ``similar`` rows ``attach_similar`` takes from
    ``projection.similarity_graph``, found without building that graph (whose edges grow with
    the square of the projects).

    Projects with the same set of initiative types are grouped and each pair of groups sharing a
    type is scored once; a group's best rows are read level by level of (jaccard, shared
    types), each level's projects merged in label order, so that only the rows kept are made.
    Rows are ordered as ``attach_similar`` orders them: by jaccard and shared types descending,
    then label, then IRI.
    """
    g = union_graph(g)
    labels = Labels(g)
    projects = sorted(set(g.subjects(RDF.type, MH.ShowcaseProject)), key=str)
    groups: dict[frozenset[Node], list[Node]] = defaultdict(list)
    for proj in projects:
        found: set[Node] = set()
        for place in {proj, *g.objects(proj, MH.compound)}:
            for ini in g.subjects(MH.implementedAt, place):
                found.update(g.objects(ini, MH.initiativeType))
        groups[frozenset(found)].append(proj)
    name = {p: labels.names(p)[0] for p in projects}
    for members in groups.values():
        members.sort(key=lambda p: (name[p], str(p)))
    by_type: dict[Node, list[frozenset[Node]]] = defaultdict(list)
    for kinds in groups:
        for kind in kinds:
            by_type[kind].append(kinds)
    type_name: dict[Node, str] = {}

    def shared_text(shared: frozenset[Node]) -> str:
        for t in shared:
            if t not in type_name:
                type_name[t] = labels.names(t)[0]
        return "、".join(sorted(type_name[t] for t in shared))

    out: dict[str, list[dict[str, Any]]] = {}
    for kinds, members in groups.items():
        candidates: set[frozenset[Node]] = set()
        for kind in kinds:
            candidates.update(by_type[kind])
        scored: dict[tuple[float, int], list[frozenset[Node]]] = defaultdict(list)
        for other in candidates:
            weight = len(kinds & other)
            scored[(-round(weight / len(kinds | other), 4), -weight)].append(other)
        best: list[_Similar] = []
        for level in sorted(scored):
            streams = [_members(groups[other], name, level, kinds & other) for other in scored[level]]
            for item in heapq.merge(*streams, key=lambda t: (t[0], t[1])):
                best.append(item)
                if len(best) > limit:
                    break
            if len(best) > limit:
                break
        texts: dict[frozenset[Node], str] = {}
        for proj in members:
            rows = []
            for label, iri, other_proj, jaccard, weight, shared in best:
                if other_proj == proj:
                    continue
                if shared not in texts:
                    texts[shared] = shared_text(shared)
                rows.append({"iri": iri, "label_zh": label, "weight": weight, "jaccard": float(jaccard),
                             "shared": texts[shared]})
            out[str(proj)] = rows[:limit]
    return out


def attach_similar(graph: nx.Graph, sim: nx.Graph, limit: int = 8) -> None:
    """Give each project of ``graph`` its most similar projects from a similarity projection."""
    for node in graph.nodes:
        if node not in sim:
            continue
        rows = []
        for other, d in sim[node].items():
            rows.append({
                "iri": str(other),
                "label_zh": sim.nodes[other].get("label_zh", str(other)),
                "weight": int(d.get("weight", 0)),
                "jaccard": float(d.get("jaccard", 0.0)),
                "shared": str(d.get("shared_types", "")),
            })
        rows.sort(key=lambda r: (-r["jaccard"], -r["weight"], r["label_zh"]))
        graph.nodes[node]["similar"] = rows[:limit]


# --------------------------------------------------------------------------- layout


def anchor_layout(graph: nx.Graph, *, radius: float | None = None) -> dict[Any, tuple[float, float]] | None:
    """Projects as anchors on a circle; ``None`` when the graph has fewer than two projects."""
    data = graph.nodes
    projects = sorted((n for n in graph.nodes if data[n].get("cls") == "project"),
                      key=lambda n: (data[n].get("label_zh", ""), str(n)))
    if len(projects) < 2:
        return None
    und = nx.Graph()
    und.add_nodes_from(graph.nodes)
    und.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    n = len(projects)
    R = radius or max(320.0, 100.0 * n)
    angle = {p: 2 * math.pi * i / n - math.pi / 2 for i, p in enumerate(projects)}
    unit = {p: (math.cos(a), math.sin(a)) for p, a in angle.items()}
    pos: dict[Any, tuple[float, float]] = {p: (R * unit[p][0], R * unit[p][1]) for p in projects}

    # which projects each node belongs to: nearest by hops, not through initiative types,
    # the campaign or places/bodies reached from several projects
    owner: dict[Any, set[Any]] = {p: {p} for p in projects}
    dist: dict[Any, int] = {p: 0 for p in projects}
    frontier = list(projects)
    blocked = {"initiative_type", "campaign"}
    while frontier:
        nxt: list[Any] = []
        for u in frontier:
            for v in sorted(und[u], key=str):
                if data[v].get("cls") in blocked or v in projects:
                    continue
                if v not in dist:
                    dist[v] = dist[u] + 1
                    owner[v] = set(owner[u])
                    nxt.append(v)
                elif dist[v] == dist[u] + 1:
                    owner[v] |= owner[u]
        frontier = [v for v in nxt if len(owner[v]) == 1]  # shared nodes do not pass ownership on

    # own nodes: a fan outside their project, nearest first
    own: dict[Any, list[Any]] = defaultdict(list)
    shared: list[Any] = []
    for v, ps in owner.items():
        if v in projects:
            continue
        if len(ps) == 1:
            own[next(iter(ps))].append(v)
        else:
            shared.append(v)
    sector = 2 * math.pi / n
    for p in projects:
        items = sorted(own[p], key=lambda v: (dist[v], data[v].get("cls", ""), data[v].get("label_zh", "")))
        compounds = [v for v in items if data[v].get("cls") == "compound"]
        for c in compounds:  # the compound sits just inside its project
            pos[c] = ((R - 95) * unit[p][0], (R - 95) * unit[p][1])
        rest = [v for v in items if v not in compounds]
        per_ring = max(4, int(sector * 0.8 * (R + 90) / 70))
        for i, v in enumerate(rest):
            ring, k = divmod(i, per_ring)
            in_ring = min(per_ring, len(rest) - ring * per_ring)
            spread = sector * 0.8
            a = angle[p] + (spread * ((k + 0.5) / in_ring - 0.5) if in_ring > 1 else 0.0)
            r = R + 90 + 70 * ring
            pos[v] = (r * math.cos(a), r * math.sin(a))
    outer = R + 90 + 70 * (1 + max((len(own[p]) // max(4, int(sector * 0.8 * (R + 90) / 70)) for p in projects),
                                    default=0)) + 60

    def bary(ps: set[Any]) -> tuple[float, float, float]:
        x = sum(unit[p][0] for p in ps) / len(ps)
        y = sum(unit[p][1] for p in ps) / len(ps)
        return x, y, math.atan2(y, x) if (x or y) else 0.0

    for v in sorted(shared, key=lambda v: (data[v].get("cls", ""), str(v))):
        _, _, a = bary(owner[v])
        pos[v] = (outer * math.cos(a), outer * math.sin(a))

    # initiative types: between the projects that carry them out, pulled towards their facet
    users: dict[Any, set[Any]] = defaultdict(set)
    for v in graph.nodes:
        if data[v].get("cls") != "initiative_type":
            continue
        for u in und[v]:
            for p in owner.get(u, ()):  # the compound or project carrying it out
                if data[u].get("cls") in ("compound", "project"):
                    users[v].add(p)
    facets = sorted({data[v].get("facet", "") for v in graph.nodes if data[v].get("cls") == "initiative_type"})
    facet_angle = {f: 2 * math.pi * i / max(1, len(facets)) for i, f in enumerate(facets)}
    inner: list[Any] = []
    for v in sorted((v for v in graph.nodes if data[v].get("cls") == "initiative_type"), key=str):
        data[v]["shared_by"] = len(users.get(v, ()))
        ps = users.get(v) or set(projects)
        x, y, _ = bary(ps)
        share = len(ps) / n
        r_in = R * (0.72 - 0.45 * share)
        fa = facet_angle.get(data[v].get("facet", ""), 0.0)
        norm = math.hypot(x, y) or 1.0
        bx, by = (x / norm, y / norm) if len(ps) < n else (0.0, 0.0)
        pos[v] = (r_in * bx + 0.1 * R * math.cos(fa), r_in * by + 0.1 * R * math.sin(fa))
        inner.append(v)
    for v in graph.nodes:  # anything left (unreachable): outer ring
        if v not in pos:
            a = (zlib.crc32(str(v).encode()) % 360) * math.pi / 180
            pos[v] = (outer * math.cos(a), outer * math.sin(a))
    # types shown with a label at the first zoom level (three or more projects) need more room
    labelled = [v for v in inner if data[v].get("shared_by", 0) >= 3]
    _spread(pos, labelled, min_dist=120.0)
    _spread(pos, inner, min_dist=50.0, fixed=set(labelled))
    _spread(pos, [v for v in graph.nodes if v not in inner and v not in projects], min_dist=42.0, fixed=set(projects))
    return {v: (round(x, 1), round(y, 1)) for v, (x, y) in pos.items()}


def _spread(pos: dict[Any, tuple[float, float]], nodes: list[Any], *, min_dist: float,
            fixed: set[Any] | None = None, rounds: int = 60) -> None:
    """Push apart nodes closer than ``min_dist`` (deterministic; a few rounds).

    Pairs are found through a grid of ``min_dist`` cells, so a round costs O(n) for spread-out
    points rather than O(n²).
    """
    fixed = fixed or set()
    pts = {v: [pos[v][0], pos[v][1]] for v in nodes}
    order = {v: i for i, v in enumerate(nodes)}
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for v in nodes:
            grid[(math.floor(pts[v][0] / min_dist), math.floor(pts[v][1] / min_dist))].append(v)
        moved = False
        for a in nodes:
            cx, cy = math.floor(pts[a][0] / min_dist), math.floor(pts[a][1] / min_dist)
            for gx in (cx - 1, cx, cx + 1):
                for gy in (cy - 1, cy, cy + 1):
                    for b in grid.get((gx, gy), ()):
                        if order[b] <= order[a]:
                            continue
                        dx = pts[b][0] - pts[a][0]
                        dy = pts[b][1] - pts[a][1]
                        d = math.hypot(dx, dy)
                        if d >= min_dist:
                            continue
                        if d < 1e-6:
                            dx, dy, d = 1.0, 0.5, math.hypot(1.0, 0.5)
                        push = (min_dist - d) / 2
                        ux, uy = dx / d * push, dy / d * push
                        if a not in fixed:
                            pts[a][0] -= ux
                            pts[a][1] -= uy
                        if b not in fixed:
                            pts[b][0] += ux
                            pts[b][1] += uy
                        moved = True
        if not moved:
            break
    for v in nodes:
        pos[v] = (pts[v][0], pts[v][1])
