"""Project the RDF knowledge graph onto plain networkx graphs (the only networkx import).

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
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import networkx as nx
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.term import Node

from meihao_kg.errors import QueryError
from meihao_kg.graph.namespaces import (
    DCTERMS,
    MH,
    OA,
    ORG,
    PREFIXES,
    PROV,
    QUDT,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
)
from meihao_kg.text.normalise import name_key

__all__ = [
    "CLASSES",
    "NodeNotFoundError",
    "fast_layout",
    "find_node",
    "neighbourhood",
    "project_graph",
    "result_to_graph",
    "rows_to_graph",
    "similarity_graph",
]

LOGGER = logging.getLogger(__name__)


class NodeNotFoundError(QueryError):
    """No node of the graph matches the given name or IRI."""


# (class local name, key, zh, en); subclasses before their superclasses: the first match wins.
_CLASS_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("ShowcaseProject", "project", "示范项目", "Showcase project"),
    ("ResidentialCompound", "compound", "小区", "Residential compound"),
    ("Campaign", "campaign", "活动", "Campaign"),
    ("AdministrativeDivision", "division", "行政区划", "Administrative division"),
    ("FunctionalZone", "zone", "功能区", "Functional zone"),
    ("PartyBranch", "party_branch", "党支部", "Party branch"),
    ("GeneralPartyBranch", "general_party_branch", "党总支", "General Party branch"),
    ("PartyWorkingCommittee", "party_working_committee", "党工委", "Party working committee"),
    ("CommunityPartyCommittee", "community_party_committee", "社区党委", "Community Party committee"),
    ("PartyOrganization", "party_organization", "党组织", "Party organisation"),
    ("OwnersCommittee", "owners_committee", "业主委员会", "Owners' committee"),
    ("PropertyServiceUnit", "property_unit", "物业服务中心", "Property service unit"),
    (
        "PropertyServiceEnterprise",
        "property_enterprise",
        "物业服务企业",
        "Property service enterprise",
    ),
    ("ResidentsCommittee", "residents_committee", "居民委员会", "Residents' committee"),
    ("SubdistrictOffice", "subdistrict_office", "街道办事处", "Subdistrict office"),
    ("PoliceStation", "police_station", "派出所", "Police station"),
    ("FireBrigade", "fire_brigade", "消防队", "Fire brigade"),
    ("GovernmentAgency", "government_agency", "政府部门", "Government agency"),
    ("IndustryAssociation", "industry_association", "行业协会", "Industry association"),
    ("CoordinationBody", "coordination_body", "协调议事机构", "Coordination body"),
    ("MediaOutlet", "media_outlet", "媒体", "Media outlet"),
    ("OwnersAssembly", "owners_assembly", "业主大会", "Owners' assembly"),
    ("PropertyManagementCommittee", "property_management_committee", "物业管理委员会", "Property management committee"),
    ("OwnersSelfManagementCommittee", "owners_self_management_committee", "业主自管会", "Owners' self-management committee"),
    ("VolunteerTeam", "volunteer_team", "志愿服务队", "Volunteer team"),
    ("PartnerOrganisation", "partner_organisation", "共建单位", "Partner organisation"),
    ("GovernanceMechanism", "governance_mechanism", "治理机制", "Governance mechanism"),
    ("Initiative", "initiative", "举措", "Initiative"),
    ("Recognition", "recognition", "荣誉", "Recognition"),
    ("MediaCoverage", "media_coverage", "媒体报道", "Media coverage"),
    ("IndicatorObservation", "observation", "指标观测", "Indicator observation"),
    ("DatedEvent", "event", "事件", "Dated event"),
    ("SourceDocument", "source", "来源文献", "Source document"),
    ("EvidenceSpan", "evidence", "证据片段", "Evidence span"),
    ("Assertion", "assertion", "断言", "Assertion"),
)

#: Class key → (zh, en) type label, in display order.  ``initiative_type`` marks the SKOS concepts
#: used as ``mh:initiativeType``; ``value`` marks literal cells of SELECT results; ``other`` the
#: rest.
CLASSES: dict[str, tuple[str, str]] = {key: (zh, en) for _, key, zh, en in _CLASS_TABLE}
CLASSES["initiative_type"] = ("举措类型", "Initiative type")
CLASSES["value"] = ("值", "Value")
CLASSES["other"] = ("其他", "Other")

_CLASS_BY_IRI: dict[URIRef, str] = {MH[local]: key for local, key, _, _ in _CLASS_TABLE}
_CLASS_RANK: dict[str, int] = {key: i for i, key in enumerate(CLASSES)}
_EVIDENCE_KEYS = frozenset({"evidence", "source", "assertion"})
_FOLDED_KEYS = frozenset({"observation", "event"})
# An initiative instance is drawn as an edge compound → initiative type ("实施"), its quote in
# the edge's tooltip: which compounds share a mechanism is then visible at a glance.
_EDGE_KEYS = frozenset({"initiative", "governance_mechanism"})

# Fallback labels of properties when the ontology graph does not give one.
_PREDICATE_LABELS: dict[URIRef, tuple[str, str]] = {
    MH.compound: ("小区", "compound"),
    MH.campaign: ("所属活动", "campaign"),
    MH.showcaseNumber: ("示范编号", "showcase number"),
    MH.locatedIn: ("位于", "located in"),
    MH.divisionCode: ("区划代码", "division code"),
    MH.adminLevel: ("行政级别", "administrative level"),
    MH.servesCompound: ("服务小区", "serves compound"),
    MH.guidedBy: ("指导", "guided by"),
    MH.approvedBy: ("批准成立", "approved by"),
    MH.formulaRole: ("联动角色", "formula role"),
    MH.initiativeType: ("举措类型", "initiative type"),
    MH.implementedAt: ("实施于", "implemented at"),
    MH.implementedBy: ("实施者", "implemented by"),
    MH.partner: ("合作方", "partner"),
    MH.discovered: ("发现", "discovered"),
    MH.eventType: ("事件类型", "event type"),
    MH.eventDate: ("日期", "date"),
    MH.recipient: ("获得者", "recipient"),
    MH.conferredBy: ("授予单位", "conferred by"),
    MH.level: ("级别", "level"),
    MH.reportedBy: ("报道者", "reported by"),
    MH.actorRole: ("角色", "role"),
    SCHEMA.containedInPlace: ("隶属", "contained in"),
    SCHEMA.slogan: ("口号", "slogan"),
    SCHEMA.foundingDate: ("成立日期", "founding date"),
    SCHEMA.award: ("荣誉", "award"),
    SCHEMA.address: ("地址", "address"),
    SCHEMA.about: ("关于", "about"),
    SCHEMA.position: ("排序", "position"),
    DCTERMS.source: ("来源", "source"),
    SKOS.broader: ("上位类型", "broader"),
    ORG.hasMember: ("成员", "member"),
    ORG.hasSite: ("所在地", "site"),
    ORG.unitOf: ("隶属企业", "unit of"),
    ORG.member: ("成员", "member"),
    ORG.organization: ("所属机构", "organisation"),
    SCHEMA.areaServed: ("辖区", "area served"),
    PROV.wasAssociatedWith: ("参与方", "associated with"),
}
_UNIT_LABELS = {
    "M2": "m²",
    "M3": "m³",
    "PERCENT": "%",
    "HR": "h",
    "MIN": "min",
    "YR": "年",
    "DAY": "天",
    "NUM": "",
    "CCY_CNY": "元",
}
_QUALIFIER_SIGNS = {
    "gt": ">",
    "ge": "≥",
    "gte": "≥",
    "lt": "<",
    "le": "≤",
    "lte": "≤",
    "approx": "≈",
}

# Properties that are labels, never tooltip lines or edges.
_LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, SCHEMA.name, SKOS.altLabel, SCHEMA.alternateName)
_SKIP_FACTS = frozenset(
    {RDF.type, MH.evidence, SCHEMA.text, MH.sha256, MH.lexicalKey, *_LABEL_PREDICATES}
)


# --------------------------------------------------------------------------- label helpers


def union_graph(g: Graph) -> Graph:
    """A plain Graph over all named graphs of a Dataset (the input stays untouched)."""
    if isinstance(g, ConjunctiveGraph):
        u = Graph()
        for s, p, o, _ in g.quads((None, None, None, None)):
            u.add((s, p, o))
        return u
    return g


def _tail(iri: Node) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text.rstrip(sep):
            text = text.rstrip(sep).rsplit(sep, 1)[1]
    return text or str(iri)


def _qname(iri: Node) -> str:
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return _tail(iri)


def _lang_rank_zh(lit: Literal) -> int | None:
    lang = (lit.language or "").lower()
    if lang in ("zh", "zh-hans", "zh-cn"):
        return 0
    if lang.startswith("zh-hant") or lang == "zh-tw":
        return 2
    if lang.startswith("zh") and "latn" not in lang:
        return 1
    if not lang:
        return 3
    return None


class Labels:
    """Label, alias and type look-ups on one graph, cached."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self._cache: dict[Node, tuple[str, str, list[str]]] = {}

    def names(self, node: Node) -> tuple[str, str, list[str]]:
        """(label_zh, label_en, aliases) of ``node``."""
        hit = self._cache.get(node)
        if hit is not None:
            return hit
        zh: list[tuple[int, int, str]] = []
        en: list[tuple[int, int, str]] = []
        pinyin: list[str] = []
        others: list[str] = []
        for rank_p, pred in enumerate(_LABEL_PREDICATES):
            # sorted: the same bytes in every process
            for lit in sorted(self.g.objects(node, pred), key=lambda t: (str(t), t.n3())):
                if not isinstance(lit, Literal):
                    continue
                text = str(lit).strip()
                if not text:
                    continue
                lang = (lit.language or "").lower()
                rank = _lang_rank_zh(lit)
                if lang.startswith("en"):
                    en.append((rank_p, 0, text))
                elif "latn" in lang:
                    pinyin.append(text)
                elif rank is not None and pred not in (SKOS.altLabel, SCHEMA.alternateName):
                    zh.append((rank, rank_p, text))
                else:
                    others.append(text)
        zh.sort()
        en.sort()
        label_zh = zh[0][2] if zh else (others[0] if others else _tail(node))
        label_en = en[0][2] if en else (pinyin[0] if pinyin else label_zh)
        aliases: list[str] = []
        for text in [t for _, _, t in zh] + others + pinyin + [t for _, _, t in en]:
            if text not in (label_zh, label_en) and text not in aliases:
                aliases.append(text)
        result = (label_zh, label_en, aliases)
        self._cache[node] = result
        return result

    def predicate(self, pred: Node) -> tuple[str, str]:
        zh, en, _ = self.names(pred)
        fallback = _PREDICATE_LABELS.get(pred)  # type: ignore[call-overload]
        if zh == _tail(pred):
            zh = fallback[0] if fallback else _qname(pred)
        if en == _tail(pred) or en == zh:
            en = fallback[1] if fallback else _tail(pred)
        return zh, en


def _class_key(g: Graph, node: Node, initiative_types: set[Node]) -> str | None:
    best: str | None = None
    for t in g.objects(node, RDF.type):
        key = _CLASS_BY_IRI.get(t)  # type: ignore[call-overload]
        if key is not None and (best is None or _CLASS_RANK[key] < _CLASS_RANK[best]):
            best = key
    if best is None and node in initiative_types:
        return "initiative_type"
    return best


def _fmt_value(lit: Node) -> str:
    if isinstance(lit, Literal):
        value = lit.toPython()
        if isinstance(value, (float, Decimal)):
            f = float(value)
            if f.is_integer() and abs(f) < 1e15:
                return str(int(f))
            return f"{f:.12g}"
        return str(lit)
    return _tail(lit)


def _quotes(g: Graph, node: Node) -> list[str]:
    out: list[str] = []
    for span in sorted(g.objects(node, MH.evidence), key=str):
        norm = [str(q) for q in g.objects(span, MH.normalizedQuote)]
        exact = [
            str(q) for sel in g.objects(span, OA.hasSelector) for q in g.objects(sel, OA.exact)
        ]
        exact += [str(q) for q in g.objects(span, OA.exact)]
        text = norm[0] if norm else (exact[0] if exact else "")
        if not text:
            continue
        if exact and norm and exact[0] != norm[0]:
            text = f"{text}（原文：{exact[0]}）"
        if text not in out:
            out.append(text)
    return out


def _node_fields(g: Graph, labels: Labels, node: Node, key: str) -> dict[str, Any]:
    zh, en, aliases = labels.names(node)
    type_zh, type_en = CLASSES.get(key, CLASSES["other"])
    return {
        "iri": str(node),
        "label_zh": zh,
        "label_en": en,
        "aliases": aliases,
        "cls": key,
        "type_zh": type_zh,
        "type_en": type_en,
        "figures": [],
        "quotes": _quotes(g, node),
    }


def observation_line(g: Graph, labels: Labels, obs: Node) -> str:
    ind = g.value(obs, MH.indicator)
    name = labels.names(ind)[0] if ind is not None else "指标"
    value = g.value(obs, SCHEMA.value)
    sign = ""
    if value is None:
        value = g.value(obs, SCHEMA.minValue)
        sign = "≥" if value is not None else ""
    if value is None:
        value = g.value(obs, SCHEMA.maxValue)
        sign = "≤" if value is not None else ""
    qual = g.value(obs, MH.valueQualifier)
    if qual is not None:
        sign = _QUALIFIER_SIGNS.get(_tail(qual), sign)
    unit_label = g.value(obs, MH.unitLabel)
    unit = g.value(obs, QUDT.unit)
    if unit_label is not None:
        unit_text = str(unit_label)
    elif unit is not None:
        unit_text = _UNIT_LABELS.get(_tail(unit), _tail(unit).lower())
    else:
        unit_text = ""
    text = f"{name} {sign}{_fmt_value(value) if value is not None else '?'}"
    if unit_text:
        text += unit_text if unit_text == "%" else f" {unit_text}"
    return text.strip()


def event_line(g: Graph, labels: Labels, event: Node) -> str:
    etype = g.value(event, MH.eventType)
    name = labels.names(etype)[0] if etype is not None else labels.names(event)[0]
    date = g.value(event, MH.eventDate) or g.value(event, SCHEMA.startDate)
    return f"{name} {date}" if date is not None else name


# --------------------------------------------------------------------------- projections


def project_graph(g: Graph, *, include_evidence: bool = False) -> nx.MultiDiGraph:
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
        key = _class_key(g, node, initiative_types)
        if key is None:
            continue
        keys[node] = key

    shown = {
        n: k
        for n, k in keys.items()
        if k not in _FOLDED_KEYS | _EDGE_KEYS and (include_evidence or k not in _EVIDENCE_KEYS)
    }
    graph = nx.MultiDiGraph()
    for node in sorted(shown, key=str):
        graph.add_node(str(node), **_node_fields(g, labels, node, shown[node]))

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
        quotes = _quotes(g, node)
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
        if key not in _EDGE_KEYS:
            continue
        quotes = _quotes(g, node)
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
            if p in _SKIP_FACTS:
                continue
            if o in shown:
                zh, en = labels.predicate(p)
                graph.add_edge(
                    str(s), str(o), key=str(p), predicate=str(p), label_zh=zh, label_en=en
                )
            elif isinstance(o, BNode) or keys.get(o) in _EVIDENCE_KEYS | _FOLDED_KEYS | _EDGE_KEYS:
                continue
            else:
                zh, _ = labels.predicate(p)
                value = _fmt_value(o) if isinstance(o, Literal) else labels.names(o)[0]
                facts.append(f"{zh}：{value}")
        figures = graph.nodes[str(s)]["figures"]
        graph.nodes[str(s)]["figures"] = facts + [f for f in figures if f not in facts]
    return graph


def similarity_graph(g: Graph) -> nx.Graph:
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
        fields = _node_fields(g, labels, proj, "project")
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
    rows: Iterable[Any], variables: Sequence[Any], *, g: Graph | None = None
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
    union = union_graph(g) if g is not None else Graph()
    labels = Labels(union)
    initiative_types = set(union.objects(None, MH.initiativeType)) if g is not None else set()
    graph = nx.MultiDiGraph()

    def node_for(term: Node, label: str | None) -> str:
        if isinstance(term, Literal):
            nid = f"value:{term}"
            if nid not in graph:
                text = _fmt_value(term)
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
            key = _class_key(union, term, initiative_types) or "other"
            fields = _node_fields(union, labels, term, key)
            if label and fields["label_zh"] == _tail(term):
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
            key = _class_key(lookup, term, initiative_types) or "other"
            if key in _EVIDENCE_KEYS:
                continue
            graph.add_node(str(term), **_node_fields(lookup, labels, term, key))
        for s, p, o in sorted(built, key=lambda t: tuple(map(str, t))):
            if p == RDF.type or str(s) not in graph:
                continue
            if str(o) in graph:
                zh, en = labels.predicate(p)
                graph.add_edge(
                    str(s), str(o), key=str(p), predicate=str(p), label_zh=zh, label_en=en
                )
            elif isinstance(o, Literal) and p not in _LABEL_PREDICATES:
                zh, _ = labels.predicate(p)
                graph.nodes[str(s)]["figures"].append(f"{zh}：{_fmt_value(o)}")
        return graph
    return rows_to_graph(result, list(getattr(result, "vars", None) or []), g=g)


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
        return (_CLASS_RANK.get(data.get("cls", "other"), 99), len(data.get("label_zh", "")), nid)

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
    out = graph.subgraph(keep).copy()
    out.nodes[centre]["focus"] = True
    return out


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
