"""Project the RDF knowledge graph onto plain networkx graphs: entities, similarity, query rows.

Input: an rdflib ``Graph`` (or ``Dataset``/``ConjunctiveGraph``: all named graphs are read as
one union) holding the KG *and* the ontology graph, so that concept labels
(``skos:prefLabel``) and property labels can be found.

Output: networkx graphs whose nodes are keyed by IRI string and carry only plain data:

=============  ==============================================================
``iri``        the node's IRI (str)
``label_zh``   Chinese label (Simplified), falling back to any label, then the IRI's tail
``label_en``   English label, falling back to the pinyin label, then ``label_zh``
``aliases``    list of other names (``skos:altLabel``, ``schema:alternateName`` …)
``cls``        short class key, e.g. ``project``, ``compound``, ``party_branch`` (see ``CLASSES``)
``type_zh``    / ``type_en``: readable class name
``figures``    list of "key figure" lines, e.g. ``建筑面积 170000 m²`` (observations,
               events and literal facts folded into the node)
``quotes``     list of evidence quotes (``mh:normalizedQuote``; raw ``oa:exact`` when it differs)
=============  ==============================================================

Edges carry ``predicate`` (IRI), ``label_zh``, ``label_en``; a ``MultiDiGraph`` keys them by the
predicate IRI.  Evidence spans, source documents, assertions, observations and events are not
nodes by default: their content is folded into the tooltip fields of the nodes they describe.

Invariants: the functions are pure (the input graph is never modified) and deterministic (nodes
and edges are added in sorted order, layouts use no randomness).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from meihao_kg.graph.namespaces import (
    MH,
    RDF,
    SCHEMA,
)
from meihao_kg.view.labels import (
    CLASSES,
    EDGE_KEYS,
    EVIDENCE_KEYS,
    FOLDED_KEYS,
    LABEL_PREDICATES,
    SKIP_FACTS,
    GraphLike,
    Labels,
    class_key,
    event_line,
    evidence_quotes,
    fmt_value,
    node_fields,
    observation_line,
    tail,
    union_graph,
)

__all__ = [
    "project_graph",
    "result_to_graph",
    "rows_to_graph",
    "similarity_graph",
]

LOGGER = logging.getLogger(__name__)


# --------------------------------------------------------------------------- projections


def project_graph(g: GraphLike, *, include_evidence: bool = False) -> nx.MultiDiGraph:
    """Project the KG onto a directed multigraph of its domain entities.

    Args:
        g: the KG together with the ontology graph (a Dataset is read as the union of its graphs).
        include_evidence: also keep evidence spans, source documents and assertions as nodes.

    Returns:
        A ``MultiDiGraph`` keyed by IRI with the node and edge attributes described in the module
        docstring.  Observations and dated events become ``figures`` lines of the node they are
        about; literal facts (``示范编号 18``) and links to non-node concepts (``行政级别 county``)
        become figure lines too.
    """
    g = union_graph(g)
    labels = Labels(g)
    initiative_types = set(g.objects(None, MH.initiativeType))
    keys: dict[Node, str] = {}
    for node in set(g.subjects(RDF.type, None)) | initiative_types:
        if isinstance(node, Literal):
            continue
        key = class_key(g, node, initiative_types)
        if key is None:
            continue
        keys[node] = key

    shown = {
        n: k
        for n, k in keys.items()
        if k not in FOLDED_KEYS | EDGE_KEYS and (include_evidence or k not in EVIDENCE_KEYS)
    }
    graph = nx.MultiDiGraph()
    for node in sorted(shown, key=str):
        graph.add_node(str(node), **node_fields(g, labels, node, shown[node]))

    # Fold observations and events into the node they are about.
    for node, key in sorted(keys.items(), key=lambda kv: str(kv[0])):
        if key == "observation":
            targets = list(g.objects(node, SCHEMA.observationAbout))
            line = observation_line(g, labels, node)
        elif key == "event":
            targets = list(g.objects(node, SCHEMA.about)) + list(g.objects(node, MH.compound))
            line = event_line(g, labels, node)
        elif key == "assertion":
            targets = list(g.objects(node, RDF.subject))
            line = ""
        else:
            continue
        quotes = evidence_quotes(g, node)
        for target in targets:
            if str(target) not in graph:
                continue
            data = graph.nodes[str(target)]
            if line and line not in data["figures"]:
                data["figures"].append(line)
            for q in quotes:
                if q not in data["quotes"]:
                    data["quotes"].append(q)

    # Initiatives become edges from where they are carried out to their type.
    for node, key in sorted(keys.items(), key=lambda kv: str(kv[0])):
        if key not in EDGE_KEYS:
            continue
        quotes = evidence_quotes(g, node)
        for where in g.objects(node, MH.implementedAt):
            for kind in g.objects(node, MH.initiativeType):
                if str(where) in graph and str(kind) in graph:
                    graph.add_edge(str(where), str(kind), key=str(node), predicate=str(MH.initiativeType),
                                   label_zh="实施", label_en="carries out", quotes=quotes)

    # A project shows the figures of its compound too.
    for node, key in shown.items():
        if key != "project":
            continue
        data = graph.nodes[str(node)]
        for comp in g.objects(node, MH.compound):
            if str(comp) in graph:
                for line in graph.nodes[str(comp)]["figures"]:
                    if line not in data["figures"]:
                        data["figures"].append(line)

    # Edges between shown nodes; other facts become figure lines.
    for s in sorted(shown, key=str):
        facts: list[str] = []
        for p, o in sorted(g.predicate_objects(s), key=lambda po: (str(po[0]), str(po[1]))):
            if p in SKIP_FACTS:
                continue
            if o in shown:
                zh, en = labels.predicate(p)
                graph.add_edge(
                    str(s), str(o), key=str(p), predicate=str(p), label_zh=zh, label_en=en
                )
            elif isinstance(o, BNode) or keys.get(o) in EVIDENCE_KEYS | FOLDED_KEYS | EDGE_KEYS:
                continue
            else:
                zh, _ = labels.predicate(p)
                value = fmt_value(o) if isinstance(o, Literal) else labels.names(o)[0]
                facts.append(f"{zh}：{value}")
        figures = graph.nodes[str(s)]["figures"]
        graph.nodes[str(s)]["figures"] = facts + [f for f in figures if f not in facts]
    return graph


def similarity_graph(g: GraphLike) -> nx.Graph:
    """Projects linked by the initiative types they share ("which compounds govern alike?").

    An initiative counts for a project when it is ``mh:implementedAt`` the project or its
    compound.  Every project is a node (with the ``project_graph`` node attributes plus
    ``initiative_count``), also when it shares nothing.

    Returns:
        An undirected ``nx.Graph``; edge ``weight`` = number of shared initiative types,
        ``shared_types`` = their zh labels joined by "、", ``jaccard`` = weight / size of the union,
        ``label_zh``/``label_en`` = a short edge caption.
    """
    g = union_graph(g)
    labels = Labels(g)
    projects = sorted(set(g.subjects(RDF.type, MH.ShowcaseProject)), key=str)
    types_of: dict[Node, set[Node]] = {}
    for proj in projects:
        places = {proj, *g.objects(proj, MH.compound)}
        kinds: set[Node] = set()
        for place in places:
            for ini in g.subjects(MH.implementedAt, place):
                kinds.update(g.objects(ini, MH.initiativeType))
        types_of[proj] = kinds
    graph = nx.Graph()
    for proj in projects:
        fields = node_fields(g, labels, proj, "project")
        fields["figures"] = [labels.names(t)[0] for t in sorted(types_of[proj], key=str)]
        fields["initiative_count"] = len(types_of[proj])
        graph.add_node(str(proj), **fields)
    for i, a in enumerate(projects):
        for b in projects[i + 1 :]:
            shared = types_of[a] & types_of[b]
            if not shared:
                continue
            names = sorted(labels.names(t)[0] for t in shared)
            union = len(types_of[a] | types_of[b])
            graph.add_edge(
                str(a),
                str(b),
                weight=len(shared),
                shared_types="、".join(names),
                jaccard=round(len(shared) / union, 4),
                label_zh=f"共享{len(shared)}项",
                label_en=f"{len(shared)} shared",
            )
    return graph


def rows_to_graph(
    rows: Iterable[Any], variables: Sequence[Any], *, g: GraphLike | None = None
) -> nx.MultiDiGraph:
    """Turn SELECT rows into a graph: the first bound column of each row links to the others.

    Each distinct IRI becomes a node (attributes looked up in ``g`` when given); each distinct
    literal becomes a ``value`` node, so rows sharing a value (a city, a type) meet there.  A
    column ``?xLabel`` (or ``?x_label``) labels column ``?x`` instead of becoming a node.  Edges
    carry the column name as label.

    Args:
        rows: ``ResultRow`` objects, mappings from variable to term, or tuples in column order.
        variables: the SELECT variables (``rdflib.Variable`` or str, without ``?``).
        g: optional KG (with ontology) used to label and type IRI nodes.
    """
    names = [str(v).lstrip("?") for v in variables]
    label_cols = {}
    for name in names:
        for suffix in ("Label", "_label", "label"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and base in names:
                label_cols[base] = name
                break
    hidden = set(label_cols.values())
    union: GraphLike = union_graph(g) if g is not None else Graph()
    labels = Labels(union)
    initiative_types = set(union.objects(None, MH.initiativeType)) if g is not None else set()
    graph = nx.MultiDiGraph()

    def node_for(term: Node, label: str | None) -> str:
        if isinstance(term, Literal):
            nid = f"value:{term}"
            if nid not in graph:
                text = fmt_value(term)
                graph.add_node(
                    nid,
                    iri="",
                    label_zh=text,
                    label_en=text,
                    aliases=[],
                    cls="value",
                    type_zh=CLASSES["value"][0],
                    type_en=CLASSES["value"][1],
                    figures=[],
                    quotes=[],
                )
            return nid
        nid = str(term)
        if nid not in graph:
            key = class_key(union, term, initiative_types) or "other"
            fields = node_fields(union, labels, term, key)
            if label and fields["label_zh"] == tail(term):
                fields["label_zh"] = fields["label_en"] = label
            graph.add_node(nid, **fields)
        return nid

    for row in rows:
        if isinstance(row, Mapping):
            values = [row.get(n, row.get(v)) for n, v in zip(names, variables, strict=True)]
        elif hasattr(row, "asdict"):
            d = row.asdict()
            values = [d.get(n) for n in names]
        else:
            values = list(row)
        cells = dict(zip(names, values, strict=False))
        head: str | None = None
        for name in names:
            term = cells.get(name)
            if name in hidden or term is None:
                continue
            label = cells.get(label_cols.get(name, ""))
            nid = node_for(term, str(label) if label is not None else None)
            if head is None:
                head = nid
            elif nid != head and not graph.has_edge(head, nid, key=name):
                graph.add_edge(head, nid, key=name, predicate=name, label_zh=name, label_en=name)
    return graph


def result_to_graph(result: Any, g: Graph | None = None) -> nx.MultiDiGraph:
    """Graph of a SPARQL result: CONSTRUCT/DESCRIBE projected, SELECT via ``rows_to_graph``.

    For CONSTRUCT the result triples are projected; node types and labels missing from the
    result are taken from ``g``.  IRIs without a known class become ``other`` nodes.
    """
    kind = getattr(result, "type", None)
    if kind in ("CONSTRUCT", "DESCRIBE") or isinstance(result, Graph):
        built = result.graph if kind else result
        union = union_graph(g) if g is not None else Graph()
        labels = Labels(union + built if g is not None else built)
        initiative_types = set(union.objects(None, MH.initiativeType))
        lookup = labels.g
        graph = nx.MultiDiGraph()
        # Classes (objects of rdf:type only) are not nodes.
        terms = {t for s, p, o in built for t in ((s, o) if p != RDF.type else (s,))}
        for term in sorted((t for t in terms if isinstance(t, URIRef)), key=str):
            key = class_key(lookup, term, initiative_types) or "other"
            if key in EVIDENCE_KEYS:
                continue
            graph.add_node(str(term), **node_fields(lookup, labels, term, key))
        for s, p, o in sorted(built, key=lambda t: tuple(map(str, t))):
            if p == RDF.type or str(s) not in graph:
                continue
            if str(o) in graph:
                zh, en = labels.predicate(p)
                graph.add_edge(
                    str(s), str(o), key=str(p), predicate=str(p), label_zh=zh, label_en=en
                )
            elif isinstance(o, Literal) and p not in LABEL_PREDICATES:
                zh, _ = labels.predicate(p)
                graph.nodes[str(s)]["figures"].append(f"{zh}：{fmt_value(o)}")
        return graph
    return rows_to_graph(result, list(getattr(result, "vars", None) or []), g=g)
