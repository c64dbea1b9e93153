"""Tests of the ontology files and of meihao_kg.graph.ontology."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from meihao_kg.graph.namespaces import CONCEPT, MH, ORG, UNIT
from meihao_kg.graph.ontology import (
    concept_schemes,
    ontology_dir,
    ontology_graph,
    reference_markdown,
    shapes_graph,
)

ONTOLOGY = ontology_dir()
TTL_FILES = sorted(ONTOLOGY.glob("*.ttl"))
MH_TERMS = {URIRef(str(MH._NS) + name) for name in MH.__annotations__}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(ONTOLOGY / "vocabulary.ttl")


def _labels(graph: Graph, node: URIRef, predicate: URIRef, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(node, predicate)
        if isinstance(o, Literal) and o.language == lang
    ]


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_every_ttl_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_ontology_dir_holds_the_four_files() -> None:
    assert {p.name for p in TTL_FILES} >= {
        "vocabulary.ttl",
        "concepts.ttl",
        "initiatives.ttl",
        "shapes.ttl",
    }


def test_graphs_are_fresh_copies() -> None:
    first = ontology_graph()
    first.remove((None, None, None))
    assert len(ontology_graph()) > 1000
    assert len(shapes_graph()) > 100


def test_vocabulary_declares_exactly_the_mh_namespace(vocabulary: Graph) -> None:
    declared = {
        s
        for t in (OWL.Class, RDFS.Class, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in vocabulary.subjects(RDF.type, t)
        if str(s).startswith(str(MH._NS))
    }
    assert declared == MH_TERMS, (
        f"only in vocabulary.ttl: {sorted(declared - MH_TERMS)}; "
        f"only in namespaces.MH: {sorted(MH_TERMS - declared)}"
    )


def test_no_mh_term_is_used_but_undeclared(onto: Graph) -> None:
    shapes = shapes_graph()
    used = {
        node
        for graph in (onto, shapes)
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(MH._NS))
    }
    assert used <= MH_TERMS


@pytest.mark.parametrize("term", sorted(MH_TERMS), ids=lambda t: t.split("#")[-1])
def test_every_mh_term_has_zh_en_label_and_comment(vocabulary: Graph, term: URIRef) -> None:
    assert len(_labels(vocabulary, term, RDFS.label, "zh")) == 1
    assert len(_labels(vocabulary, term, RDFS.label, "en")) == 1
    assert _labels(vocabulary, term, RDFS.comment, "en")


def test_no_equivalence_axioms(onto: Graph) -> None:
    assert not list(onto.triples((None, OWL.equivalentClass, None)))
    assert not list(onto.triples((None, OWL.equivalentProperty, None)))


def test_organisation_class_tree(vocabulary: Graph) -> None:
    def supers(cls: URIRef) -> set[URIRef]:
        return set(vocabulary.transitive_objects(cls, RDFS.subClassOf)) - {cls}

    for cls in (MH.PartyBranch, MH.GeneralPartyBranch, MH.PartyWorkingCommittee):
        assert {MH.PartyOrganization, ORG.Organization} <= supers(cls)
    for cls in (MH.SubdistrictOffice, MH.PoliceStation, MH.FireBrigade):
        assert {MH.GovernmentAgency, ORG.FormalOrganization, ORG.Organization} <= supers(cls)
    assert ORG.Organization in supers(MH.PropertyServiceUnit)
    assert ORG.OrganizationalCollaboration in supers(MH.CoordinationBody)
    assert MH.Initiative in supers(MH.GovernanceMechanism)


def test_organisation_type_codes(vocabulary: Graph) -> None:
    codes = {str(o) for s, o in vocabulary.subject_objects(MH.typeCode)}
    assert codes == {
        "party-organization",
        "party-branch",
        "general-party-branch",
        "party-working-committee",
        "community-party-committee",
        "owners-assembly",
        "property-management-committee",
        "owners-self-management-committee",
        "volunteer-team",
        "partner-organisation",
        "owners-committee",
        "property-service-enterprise",
        "property-service-unit",
        "residents-committee",
        "government-agency",
        "subdistrict-office",
        "police-station",
        "fire-brigade",
        "industry-association",
        "coordination-body",
        "media-outlet",
    }


def test_every_concept_has_one_zh_one_en_preflabel_and_one_notation(onto: Graph) -> None:
    concepts = set(onto.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 90
    for concept in concepts:
        assert len(_labels(onto, concept, SKOS.prefLabel, "zh")) == 1, concept
        assert len(_labels(onto, concept, SKOS.prefLabel, "en")) == 1, concept
        assert len(list(onto.objects(concept, SKOS.prefLabel))) == 2, concept
        assert len(list(onto.objects(concept, SKOS.notation))) == 1, concept
        assert len(list(onto.objects(concept, SKOS.inScheme))) == 1, concept


def test_concept_iris_follow_scheme_and_notation(onto: Graph) -> None:
    for scheme, concepts in concept_schemes(onto).items():
        name = str(scheme).rsplit("/", 1)[-1]
        for concept in concepts:
            local = str(concept)[len(str(scheme)) + 1 :]
            assert str(concept).startswith(str(scheme) + "/")
            if name != "initiative":  # initiatives use a slug; notations like CG.1-1-1
                assert local == str(onto.value(concept, SKOS.notation))


def test_indicators_have_canonical_units(onto: Graph) -> None:
    indicators = concept_schemes(onto)[CONCEPT.indicator]
    units = {UNIT.M2, UNIT.PERCENT, UNIT.NUM, UNIT.CCY_CNY, UNIT.MIN}
    # every indicator the extractor emits is in the scheme, with the unit the extractor uses
    from meihao_kg.extract import INDICATOR_RULES

    unit_of = {"M2": UNIT.M2, "PERCENT": UNIT.PERCENT, "NUM": UNIT.NUM, "CCY_CNY": UNIT.CCY_CNY,
               "MIN": UNIT.MIN}
    for rule in INDICATOR_RULES:
        concept = CONCEPT[f"indicator/{rule.notation}"]
        assert concept in indicators, rule.notation
        assert onto.value(concept, MH.canonicalUnit) == unit_of[rule.unit], rule.notation
    for indicator in indicators:
        assert onto.value(indicator, MH.canonicalUnit) in units
    assert onto.value(CONCEPT["indicator/fee-collection-rate"], MH.canonicalUnit) == UNIT.PERCENT
    assert onto.value(CONCEPT["indicator/investment"], MH.canonicalUnit) == UNIT.CCY_CNY
    labels = {u: str(onto.value(u, MH.unitLabel)) for u in units}
    assert labels == {
        UNIT.M2: "m2",
        UNIT.PERCENT: "percent",
        UNIT.NUM: "count",
        UNIT.CCY_CNY: "CNY",
        UNIT.MIN: "minute",
    }


def test_small_schemes(onto: Graph) -> None:
    def notations(scheme: str) -> set[str]:
        return {str(onto.value(c, SKOS.notation)) for c in concept_schemes(onto)[CONCEPT[scheme]]}

    assert notations("qualifier") == {"eq", "gt", "ge", "lt", "le", "approx"}
    assert notations("admin-level") == {"province", "prefecture", "county", "township", "community"}
    assert notations("quality") == {"damaged", "repaired", "ok"}
    assert {"first-occupancy", "final-occupancy", "completion", "recognition-received"} <= (
        notations("event")
    )


# --------------------------------------------------------------------------- initiative taxonomy

FACETS = {"PB", "CG", "SV", "FT", "MF", "SF", "WS", "EP", "CC", "PR"}


def _initiatives(onto: Graph) -> list[URIRef]:
    return concept_schemes(onto)[CONCEPT.initiative]


def test_initiative_tree(onto: Graph) -> None:
    top = {
        str(onto.value(c, SKOS.notation))
        for c in onto.objects(CONCEPT.initiative, SKOS.hasTopConcept)
    }
    assert top == FACETS
    for concept in _initiatives(onto):
        notation = str(onto.value(concept, SKOS.notation))
        broader = list(onto.objects(concept, SKOS.broader))
        if notation in FACETS:
            assert broader == []
        else:
            assert len(broader) == 1
            assert str(onto.value(broader[0], SKOS.notation)) == notation.split(".")[0]
        assert str(onto.value(concept, MH.typeCode)) in {"mechanism", "initiative"}
        assert onto.value(concept, SKOS.definition) is not None


def _zh_surface(onto: Graph) -> dict[str, set[URIRef]]:
    found: dict[str, set[URIRef]] = defaultdict(set)
    for concept in _initiatives(onto):
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in _labels(onto, concept, predicate, "zh"):
                found[label].add(concept)
    return found


def test_no_zh_label_belongs_to_two_initiative_concepts(onto: Graph) -> None:
    shared = {label: c for label, c in _zh_surface(onto).items() if len(c) > 1}
    assert not shared


def test_no_bare_generic_alt_labels(onto: Graph) -> None:
    surface = _zh_surface(onto)
    for generic in ("服务", "活动", "安全", "管理", "机制", "社区", "物业"):
        assert generic not in surface
    assert all(len(label) >= 2 for label in surface)


@pytest.mark.parametrize(
    ("surface", "slug"),
    [
        ("1+1+1", "one-one-one"),
        ("1+1+1联动", "one-one-one"),
        ("1+4+N", "one-four-n"),
        ("四位一体", "four-in-one"),
        ("联席会议", "joint-meeting-system"),
        ("联席会议制度", "joint-meeting-system"),
        ("吹哨报到", "whistle-and-report"),
        ("街乡吹哨、部门报到", "whistle-and-report"),
        ("网格化管理", "grid-management"),
        ("协商议事", "consultation-committee"),
        ("红色物业", "red-property-management"),
        ("党建引领", "party-building-leadership"),
        ("党员示范岗", "party-member-model-post"),
        ("最后一公里", "last-kilometre-service"),
        ("执法进小区", "enforcement-into-compound"),
        ("物业收费信息公开", "fee-transparency"),
        ("维修资金使用", "maintenance-fund"),
        ("垃圾分类", "waste-sorting"),
        ("充电桩", "ev-charging"),
        ("电动车充电", "ev-charging"),
        ("电动汽车充电", "ev-charging"),
        ("充电设施", "ev-charging"),
        ("车棚改造", "ev-charging"),
        ("智慧社区", "smart-community"),
        ("消防演练", "fire-safety"),
        ("消防安全", "fire-safety"),
        ("疫情防控", "epidemic-prevention"),
        ("义诊", "free-medical-consultation"),
        ("便民服务", "convenience-services"),
        ("关爱老人", "elderly-care"),
        ("社区文化活动", "community-culture"),
        ("为民办实事", "practical-things"),
    ],
)
def test_required_surface_forms(onto: Graph, surface: str, slug: str) -> None:
    assert _zh_surface(onto).get(surface) == {CONCEPT[f"initiative/{slug}"]}


@pytest.mark.parametrize(
    "slug",
    [
        "one-one-one",
        "one-four-n",
        "four-in-one",
        "joint-meeting-system",
        "whistle-and-report",
        "grid-management",
        "consultation-committee",
    ],
)
def test_mechanisms_are_marked(onto: Graph, slug: str) -> None:
    assert str(onto.value(CONCEPT[f"initiative/{slug}"], MH.typeCode)) == "mechanism"


def test_traditional_and_english_alt_labels(onto: Graph) -> None:
    waste = CONCEPT["initiative/waste-sorting"]
    assert {"waste sorting", "garbage classification"} <= set(
        _labels(onto, waste, SKOS.altLabel, "en")
    )
    assert "垃圾分類" in _labels(onto, waste, SKOS.altLabel, "zh-Hant")
    for concept in _initiatives(onto):
        assert _labels(onto, concept, SKOS.altLabel, "zh-Hant"), concept


# --------------------------------------------------------------------------- reference


def test_reference_markdown_mentions_every_term(onto: Graph) -> None:
    text = reference_markdown()
    for term in MH_TERMS:
        assert f"| mh:{term.split('#')[-1]} |" in text
    assert "| CG.1-1-1 | mhc:initiative/one-one-one |" in text
    assert reference_markdown() == text  # deterministic


def test_readme_reference_is_current() -> None:
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- reference:start -->\n", "<!-- reference:end -->"
    assert start in readme and end in readme
    begin = readme.index(start) + len(start)
    embedded = readme[begin : readme.index(end, begin)]
    assert embedded == reference_markdown(), (
        "ontology/README.md is stale: regenerate the reference (see the snippet in the README)"
    )
