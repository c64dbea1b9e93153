"""RDF namespaces of meihao-kg.

``MH`` is a *closed* namespace: every class and property of the meihao vocabulary is
declared here and in ``ontology/vocabulary.ttl``; a typo (``MH.ShowcaseProjet``) raises
``AttributeError`` instead of minting a new IRI.  A test keeps the two lists identical.
"""

from __future__ import annotations

from inspect import get_annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

__all__ = [
    "BASE",
    "BUILT_GRAPHS",
    "CONCEPT",
    "DCAT",
    "DCTERMS",
    "GRAPH_ASSERTED",
    "GRAPH_EVIDENCE",
    "GRAPH_INDEX",
    "GRAPH_INFERRED",
    "IDX",
    "GRAPH_ONTOLOGY",
    "QUERY_GRAPHS",
    "SOURCE_GRAPH_PREFIX",
    "bind_prefixes",
    "sparql",
    "ID",
    "JIONLP_PAGE",
    "MH",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUDT",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "UNIT",
    "WD",
    "XSD",
]

BASE = "https://w3id.org/meihao-kg/"

#: where the gazetteer the divisions come from is published
JIONLP_PAGE = URIRef("https://pypi.org/project/jionlp/")


class MH(DefinedNamespace):
    """The meihao-kg vocabulary (``mh:``)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # --- classes: projects and places
    ShowcaseProject: URIRef  # a compound's selection as a 美好家园 showcase project
    ResidentialCompound: URIRef  # the physical compound (小区)
    Campaign: URIRef  # the national campaign
    AdministrativeDivision: URIRef  # 行政区划
    FunctionalZone: URIRef  # 功能区 with no division code (高新园区, 于洪新城)
    # --- classes: organisations
    PartyOrganization: URIRef
    PartyBranch: URIRef
    GeneralPartyBranch: URIRef
    PartyWorkingCommittee: URIRef
    OwnersCommittee: URIRef
    PropertyServiceEnterprise: URIRef
    PropertyServiceUnit: URIRef
    ResidentsCommittee: URIRef
    GovernmentAgency: URIRef
    SubdistrictOffice: URIRef
    PoliceStation: URIRef
    FireBrigade: URIRef
    IndustryAssociation: URIRef
    CoordinationBody: URIRef
    MediaOutlet: URIRef
    CommunityPartyCommittee: URIRef
    OwnersAssembly: URIRef
    PropertyManagementCommittee: URIRef
    OwnersSelfManagementCommittee: URIRef
    VolunteerTeam: URIRef
    PartnerOrganisation: URIRef
    # --- classes: what projects do and report
    Initiative: URIRef
    GovernanceMechanism: URIRef
    IndicatorObservation: URIRef
    DatedEvent: URIRef
    Recognition: URIRef
    MediaCoverage: URIRef
    SelectionTally: URIRef  # a count of compounds selected in a place, without their names
    # --- classes: provenance
    SourceDocument: URIRef
    EvidenceSpan: URIRef
    Assertion: URIRef

    # --- properties
    compound: URIRef
    campaign: URIRef
    showcaseNumber: URIRef
    locatedIn: URIRef
    divisionCode: URIRef
    adminLevel: URIRef
    typeCode: URIRef
    servesCompound: URIRef
    guidedBy: URIRef
    approvedBy: URIRef
    formulaRole: URIRef
    initiativeType: URIRef
    implementedAt: URIRef
    implementedBy: URIRef
    partner: URIRef
    discovered: URIRef
    indicator: URIRef
    canonicalUnit: URIRef
    unitLabel: URIRef
    valueQualifier: URIRef
    baselineValue: URIRef
    originalExpression: URIRef
    eventType: URIRef
    eventDate: URIRef
    recipient: URIRef
    conferredBy: URIRef
    level: URIRef
    reportedBy: URIRef
    actorRole: URIRef
    evidence: URIRef
    normalizedQuote: URIRef
    sentence: URIRef
    sentenceIndex: URIRef
    textQuality: URIRef
    damagedRange: URIRef
    sha256: URIRef
    sourcePath: URIRef
    builtWith: URIRef
    curated: URIRef
    lexicalKey: URIRef
    mergeReason: URIRef
    identityConflict: URIRef
    sourceKind: URIRef
    sourceKindReason: URIRef
    recognitionScheme: URIRef
    recognitionLevel: URIRef
    recognitionYear: URIRef
    conferringBody: URIRef
    documentNumber: URIRef
    selectedCount: URIRef
    candidateCount: URIRef


for _closed in (MH, DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD):
    # Each term made once, as a plain class attribute: a build reads them millions of times,
    # and a closed namespace's ``__getattr__`` makes and checks a new URIRef at every read.
    # (The same terms as before, so rdflib's own namespaces are unchanged in what they give.)
    for _name in get_annotations(_closed):
        if _name not in vars(_closed):
            type.__setattr__(_closed, _name, _closed[_name])


class _Terms(Namespace):
    """An rdflib ``Namespace`` whose attribute terms (``OA.exact``) are made once each and
    then found like any attribute (rdflib makes and checks a new ``URIRef`` every time)."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


ORG = _Terms("http://www.w3.org/ns/org#")
SCHEMA = _Terms("https://schema.org/")
OA = _Terms("http://www.w3.org/ns/oa#")
QUDT = _Terms("http://qudt.org/schema/qudt/")
UNIT = _Terms("http://qudt.org/vocab/unit/")
WD = _Terms("http://www.wikidata.org/entity/")
ID = _Terms(BASE + "id/")
CONCEPT = _Terms(BASE + "concept/")
MHS = _Terms(BASE + "shapes#")
IDX = _Terms(BASE + "index#")
"""Shortcut properties of the query index graph (:data:`GRAPH_INDEX`): not part of the ontology."""

GRAPH_ONTOLOGY = URIRef(BASE + "id/graph/ontology")
"""Named graph holding the ontology, the concept schemes and the place reference data."""
GRAPH_ASSERTED = URIRef(BASE + "id/graph/asserted")
"""Every source's facts once: the de-duplicated union of the source graphs, kept at build time."""
GRAPH_EVIDENCE = URIRef(BASE + "id/graph/evidence")
"""Every source's evidence spans and their selectors (offsets, quote, sentence), described
once: the source graphs and the asserted graph hold the ``mh:evidence`` links to them.  A
span belongs to one source (its IRI names the source), so this graph repeats nothing."""
GRAPH_INFERRED = URIRef(BASE + "id/graph/inferred")
"""Materialised subclass / subproperty / broader closure of the asserted facts."""
GRAPH_INDEX = URIRef(BASE + "id/graph/index")
"""Shortcuts for the saved queries, derived at build time from the asserted, inferred and
ontology graphs (``graph.derived.index_compounds``): for each compound, every initiative type
carried out there and every place it lies in; and the listing order of projects and
organisations (``graph.derived.rank_listings``).  Not facts (no evidence, not validated, not
exported): an index the queries join instead of walking paths."""
SOURCE_GRAPH_PREFIX = BASE + "id/graph/source/"
"""Each source's own named graph is ``SOURCE_GRAPH_PREFIX + doc id``."""
BUILT_GRAPHS: tuple[URIRef, ...] = (GRAPH_ASSERTED, GRAPH_EVIDENCE, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_INDEX)
"""Every graph a build writes besides the source graphs."""
QUERY_GRAPHS: tuple[URIRef, ...] = (GRAPH_ASSERTED, GRAPH_EVIDENCE, GRAPH_ONTOLOGY, GRAPH_INFERRED)
"""The default graph of every query: facts once each, their evidence, the ontology, the inferences."""

PREFIXES: dict[str, str] = {
    "mh": str(MH._NS),
    "mhc": str(CONCEPT),
    "mhs": str(MHS),
    "id": str(ID),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "oa": str(OA),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "wd": str(WD),
}


#: prefixes for the library's own SPARQL: every prefix above, plus ``graph:`` for its named graphs
SPARQL_PREFIXES: dict[str, str] = {**PREFIXES, "graph": BASE + "id/graph/", "idx": str(IDX)}

_SPARQL_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in SPARQL_PREFIXES.items())


def sparql(body: str) -> str:
    """An internal query with every prefix of :data:`SPARQL_PREFIXES` declared: the library
    writes IRIs in SPARQL only as prefixed names (``graph:asserted``, ``rdf:subject``)."""
    return _SPARQL_HEADER + body


def bind_prefixes(graph: Graph, *, replace: bool = False) -> Graph:
    """Bind every prefix of :data:`PREFIXES` on ``graph`` (``replace`` also rebinds a namespace
    rdflib had under another prefix) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=replace)
    return graph
