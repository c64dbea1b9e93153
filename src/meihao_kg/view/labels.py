"""What the projections show of RDF terms: the node kinds of the view (``CLASSES``), labels in
Chinese and English, predicate labels, the key-figure lines folded into nodes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.term import Node

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
from meihao_kg.view.source import ViewSource

__all__ = [
    "CLASSES",
    "CLASS_RANK",
    "GraphLike",
    "EDGE_KEYS",
    "EVIDENCE_KEYS",
    "FOLDED_KEYS",
    "LABEL_PREDICATES",
    "Labels",
    "SKIP_FACTS",
    "class_key",
    "event_line",
    "evidence_quotes",
    "fmt_value",
    "node_fields",
    "observation_line",
    "tail",
    "union_graph",
]


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
CLASS_RANK: dict[str, int] = {key: i for i, key in enumerate(CLASSES)}
EVIDENCE_KEYS = frozenset({"evidence", "source", "assertion"})
FOLDED_KEYS = frozenset({"observation", "event"})
# An initiative instance is drawn as an edge compound → initiative type ("实施"), its quote in
# the edge's tooltip: which compounds share a mechanism is then visible at a glance.
EDGE_KEYS = frozenset({"initiative", "governance_mechanism"})

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
LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, SCHEMA.name, SKOS.altLabel, SCHEMA.alternateName)
SKIP_FACTS = frozenset(
    {RDF.type, MH.evidence, SCHEMA.text, MH.sha256, MH.lexicalKey, *LABEL_PREDICATES}
)


# --------------------------------------------------------------------------- label helpers

#: what the projections read: an rdflib graph, or the triples a view reads of a store
#: (:func:`meihao_kg.view.source.read_view_source`)
GraphLike = Graph | ViewSource


def union_graph(g: GraphLike) -> GraphLike:
    """A plain Graph over all named graphs of a Dataset (the input stays untouched); any other
    graph (or a :class:`ViewSource`) as it is."""
    if isinstance(g, ConjunctiveGraph):
        u = Graph()
        for s, p, o, _ in g.quads((None, None, None, None)):
            u.add((s, p, o))
        return u
    return g


def tail(iri: Node) -> str:
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
    return tail(iri)


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

    def __init__(self, g: GraphLike) -> None:
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
        for rank_p, pred in enumerate(LABEL_PREDICATES):
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
        label_zh = zh[0][2] if zh else (others[0] if others else tail(node))
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
        if zh == tail(pred):
            zh = fallback[0] if fallback else _qname(pred)
        if en == tail(pred) or en == zh:
            en = fallback[1] if fallback else tail(pred)
        return zh, en


def class_key(g: GraphLike, node: Node, initiative_types: set[Node]) -> str | None:
    best: str | None = None
    for t in g.objects(node, RDF.type):
        key = _CLASS_BY_IRI.get(t)  # type: ignore[call-overload]
        if key is not None and (best is None or CLASS_RANK[key] < CLASS_RANK[best]):
            best = key
    if best is None and node in initiative_types:
        return "initiative_type"
    return best


def fmt_value(lit: Node) -> str:
    if isinstance(lit, Literal):
        value = lit.toPython()
        if isinstance(value, (float, Decimal)):
            f = float(value)
            if f.is_integer() and abs(f) < 1e15:
                return str(int(f))
            return f"{f:.12g}"
        return str(lit)
    return tail(lit)


def evidence_quotes(g: GraphLike, node: Node) -> list[str]:
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


def node_fields(g: GraphLike, labels: Labels, node: Node, key: str) -> dict[str, Any]:
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
        "quotes": evidence_quotes(g, node),
    }


def observation_line(g: GraphLike, labels: Labels, obs: Node) -> str:
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
        sign = _QUALIFIER_SIGNS.get(tail(qual), sign)
    unit_label = g.value(obs, MH.unitLabel)
    unit = g.value(obs, QUDT.unit)
    if unit_label is not None:
        unit_text = str(unit_label)
    elif unit is not None:
        unit_text = _UNIT_LABELS.get(tail(unit), tail(unit).lower())
    else:
        unit_text = ""
    text = f"{name} {sign}{fmt_value(value) if value is not None else '?'}"
    if unit_text:
        text += unit_text if unit_text == "%" else f" {unit_text}"
    return text.strip()


def event_line(g: GraphLike, labels: Labels, event: Node) -> str:
    etype = g.value(event, MH.eventType)
    name = labels.names(etype)[0] if etype is not None else labels.names(event)[0]
    date = g.value(event, MH.eventDate) or g.value(event, SCHEMA.startDate)
    return f"{name} {date}" if date is not None else name
