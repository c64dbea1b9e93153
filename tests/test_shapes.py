# ruff: noqa: E501
# (the CASES table keeps one SPARQL Update per line, for reading)
"""Tests of ontology/shapes.ttl and meihao_kg.graph.validate: a conforming and a violating example per shape.

Fixtures are the hand-written sample (tests/data/sample-project.trig), an extension with the classes
the sample lacks (EXTENSION below), and small SPARQL Update mutations that break one constraint.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from meihao_kg.errors import ShapeLoadError
from meihao_kg.graph.infer import inferred_graph
from meihao_kg.graph.namespaces import CONCEPT, DCTERMS, ID, MH, OA, ORG, PREFIXES, PROV
from meihao_kg.graph.validate import validate_graph
from meihao_kg.graph.violations import ValidationReport, report_json, report_text, report_turtle

SAMPLE = Path(__file__).parent / "data" / "sample-project.trig"
HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

PROJECT = ID["project/210211/yan-hai-jian-zhu"]
COMPOUND = ID["compound/210211/yan-hai-jian-zhu"]
BRANCH = ID["org/compound/210211/yan-hai-jian-zhu/party-branch"]
WHISTLE = ID["initiative/210211/yan-hai-jian-zhu/whistle-and-report"]
OBS = ID["obs/210211/yan-hai-jian-zhu/building-area/sample-6"]

# Classes the sample does not show, in the same style: a functional zone, a recognition, an
# assertion, a media coverage item, an organisation with a founding date, a mechanism with actors.
EXTENSION = """
id:place\\/cn\\/210200\\/gao-xin-yuan-qu a mh:FunctionalZone ;
    rdfs:label "高新园区"@zh ; schema:containedInPlace id:place\\/cn\\/210200 .
id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/owners-committee a mh:OwnersCommittee ;
    rdfs:label "沿海鉴筑业主委员会"@zh ;
    schema:foundingDate "2019"^^xsd:gYear ;
    mh:servesCompound id:compound\\/210211\\/yan-hai-jian-zhu ;
    mh:guidedBy id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch ;
    mh:evidence id:source\\/sample\\/char\\/0-4 .
id:initiative\\/210211\\/yan-hai-jian-zhu\\/whistle-and-report
    mh:implementedBy id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch ;
    mh:partner id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/owners-committee .
id:recognition\\/210211\\/yan-hai-jian-zhu\\/red-property-base a mh:Recognition ;
    rdfs:label "区红色物业示范基地"@zh ;
    mh:recipient id:project\\/210211\\/yan-hai-jian-zhu ;
    mh:conferredBy id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch ;
    mh:level mhc:admin-level\\/county ;
    mh:evidence id:source\\/sample\\/char\\/0-4 .
id:assertion\\/0123456789abcdef a mh:Assertion ;
    rdf:subject id:compound\\/210211\\/yan-hai-jian-zhu ;
    rdf:predicate mh:locatedIn ;
    rdf:object id:place\\/cn\\/210211 ;
    mh:evidence id:source\\/sample\\/char\\/0-4 .
id:coverage\\/210211\\/yan-hai-jian-zhu\\/1 a mh:MediaCoverage ;
    schema:about id:project\\/210211\\/yan-hai-jian-zhu ;
    mh:reportedBy id:org\\/cn\\/lswb ;
    mh:evidence id:source\\/sample\\/char\\/0-4 .
id:org\\/cn\\/lswb a mh:MediaOutlet ; rdfs:label "辽沈晚报"@zh ; mh:evidence id:source\\/sample\\/char\\/0-4 .
id:source\\/sample\\/char\\/0-4 mh:textQuality mhc:quality\\/ok ; mh:sentenceIndex 0 .
"""


def _sample() -> Graph:
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="module")
def base() -> Graph:
    graph = _sample()
    graph.parse(data=HEADER + EXTENSION, format="turtle")
    return graph


_ESCAPED_NAME = re.compile(r"\b(id|mhc):((?:[\w.-]|\\/)+)")


def _sparql(text: str) -> str:
    """Expand ``id:a\\/b`` names to full IRIs: rdflib's SPARQL parser rejects the ``\\/`` escape."""
    return _ESCAPED_NAME.sub(
        lambda m: f"<{PREFIXES[m.group(1)]}{m.group(2).replace(chr(92) + '/', '/')}>", text
    )


def _mutated(base: Graph, update: str) -> Graph:
    graph = Graph()
    graph += base
    graph.update(HEADER + _sparql(update))
    return graph


def _shapes_of(report: ValidationReport) -> set[str]:
    return {r.shape or "" for r in report.violations}


# --------------------------------------------------------------------------- conforming


def test_sample_dataset_conforms() -> None:
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    report = validate_graph(dataset)
    assert report.conforms, report_text(report)
    assert report.results == ()


def test_extended_sample_conforms(base: Graph) -> None:
    report = validate_graph(base)
    assert report.conforms, report_text(report)


def test_caller_graph_is_not_modified(base: Graph) -> None:
    before = len(base)
    validate_graph(base)
    assert len(base) == before


# --------------------------------------------------------------------------- one violation per case

NEW_CONCEPT = (
    'mhc:initiative\\/new a skos:Concept ; skos:inScheme mhc:initiative ; skos:notation "CC.NEW" ;'
    " skos:broader mhc:initiative\\/community-culture ;"
)

CASES = [
    # (id, SPARQL Update, expected source shape, expected words in the en message)
    ("evidence-missing", "DELETE WHERE { id:obs\\/210211\\/yan-hai-jian-zhu\\/building-area\\/sample-6 mh:evidence ?e }",
     "mhs:EvidencedShape-evidence", "without evidence"),
    ("evidence-missing-on-subclass", "DELETE WHERE { id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch mh:evidence ?e }",
     "mhs:EvidencedShape-evidence", "without evidence"),
    ("project-not-placed", "DELETE WHERE { id:compound\\/210211\\/yan-hai-jian-zhu mh:locatedIn ?p }",
     "mhs:ShowcaseProjectShape", "not placed"),
    ("project-name", "DELETE WHERE { id:project\\/210211\\/yan-hai-jian-zhu schema:name ?n }",
     "mhs:ShowcaseProjectShape-name", "Chinese name"),
    ("project-compound", "DELETE WHERE { id:project\\/210211\\/yan-hai-jian-zhu mh:compound ?c }",
     "mhs:ShowcaseProjectShape-compound", "exactly one compound"),
    ("project-source", "DELETE WHERE { id:project\\/210211\\/yan-hai-jian-zhu dcterms:source ?s }",
     "mhs:ShowcaseProjectShape-source", "needs a source"),
    ("project-number", "DELETE { ?p mh:showcaseNumber ?n } INSERT { ?p mh:showcaseNumber 0 } WHERE { ?p mh:showcaseNumber ?n }",
     "mhs:ShowcaseProjectShape-number", "positive integer"),
    ("project-campaign", 'INSERT DATA { id:project\\/210211\\/yan-hai-jian-zhu mh:campaign "美好家园" }',
     "mhs:ShowcaseProjectShape-campaign", "must be an IRI"),
    ("compound-label", "DELETE WHERE { id:compound\\/210211\\/yan-hai-jian-zhu rdfs:label ?l }",
     "mhs:CompoundShape-label", "Chinese rdfs:label"),
    ("compound-located-in", "INSERT DATA { id:compound\\/210211\\/yan-hai-jian-zhu mh:locatedIn id:source\\/sample }",
     "mhs:CompoundShape-locatedIn", "administrative division or functional zone"),
    ("division-code", 'DELETE { ?d mh:divisionCode "210211" } INSERT { ?d mh:divisionCode "21021" } WHERE { ?d mh:divisionCode "210211" }',
     "mhs:AdministrativeDivisionShape-code", "6, 9 or 12 digits"),
    ("division-level", "DELETE { ?d mh:adminLevel ?l } INSERT { ?d mh:adminLevel mhc:quality\\/ok } WHERE { ?d mh:divisionCode \"210211\" ; mh:adminLevel ?l }",
     "mhs:AdministrativeDivisionShape-level", "mhc:admin-level"),
    ("division-parent", "INSERT DATA { id:place\\/cn\\/210211 schema:containedInPlace id:place\\/cn\\/210000 }",
     "mhs:AdministrativeDivisionShape-parent", "at most one parent"),
    ("place-label", "DELETE WHERE { id:place\\/cn\\/210000 rdfs:label ?l }",
     "mhs:PlaceLabelShape", "place needs a Chinese"),
    ("zone-parent", "DELETE WHERE { id:place\\/cn\\/210200\\/gao-xin-yuan-qu schema:containedInPlace ?p }",
     "mhs:FunctionalZoneShape-parent", "functional zone must lie"),
    ("org-label", "DELETE WHERE { id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch rdfs:label ?l }",
     "mhs:OrganizationShape-label", "organisation needs a Chinese"),
    ("org-serves", "INSERT DATA { id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch mh:servesCompound id:place\\/cn\\/210211 }",
     "mhs:OrganizationShape-serves", "mh:servesCompound must point"),
    ("org-linked", "INSERT DATA { id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch mh:guidedBy id:compound\\/210211\\/yan-hai-jian-zhu }",
     "mhs:OrganizationShape-linked", "must point to an organisation"),
    ("org-founding", 'INSERT DATA { id:org\\/compound\\/210211\\/yan-hai-jian-zhu\\/party-branch schema:foundingDate "2015年" }',
     "mhs:OrganizationShape-founding", "founding date"),
    ("initiative-type", "DELETE { ?i mh:initiativeType ?t } INSERT { ?i mh:initiativeType mhc:indicator\\/households } WHERE { ?i mh:initiativeType ?t }",
     "mhs:InitiativeShape-type", "mhc:initiative scheme"),
    ("initiative-at", "DELETE WHERE { ?i mh:implementedAt ?c }",
     "mhs:InitiativeShape-at", "implemented"),
    ("initiative-by", "INSERT DATA { id:initiative\\/210211\\/yan-hai-jian-zhu\\/whistle-and-report mh:implementedBy id:compound\\/210211\\/yan-hai-jian-zhu }",
     "mhs:InitiativeShape-by", "must point to an organisation"),
    ("observation-value", "DELETE WHERE { ?o schema:value ?v }",
     "mhs:IndicatorObservationShape", "needs a value"),
    ("observation-about", "INSERT DATA { id:obs\\/210211\\/yan-hai-jian-zhu\\/building-area\\/sample-6 schema:observationAbout id:place\\/cn\\/210211 }",
     "mhs:IndicatorObservationShape-about", "exactly one schema:observationAbout"),
    ("observation-indicator", "DELETE { ?o mh:indicator ?i } INSERT { ?o mh:indicator mhc:event\\/completion } WHERE { ?o mh:indicator ?i }",
     "mhs:IndicatorObservationShape-indicator", "mhc:indicator scheme"),
    ("observation-unit", "DELETE { ?o qudt:unit ?u } INSERT { ?o qudt:unit unit:KiloGM } WHERE { ?o qudt:unit ?u }",
     "mhs:IndicatorObservationShape-unit", "exactly one unit"),
    ("observation-qualifier", "DELETE WHERE { ?o mh:valueQualifier ?q }",
     "mhs:IndicatorObservationShape-qualifier", "value qualifier"),
    ("observation-expression", "DELETE WHERE { ?o mh:originalExpression ?x }",
     "mhs:IndicatorObservationShape-expression", "original wording"),
    ("observation-value-type", 'DELETE { ?o schema:value ?v } INSERT { ?o schema:value "17万" } WHERE { ?o schema:value ?v }',
     "mhs:IndicatorObservationShape-value", "xsd:decimal"),
    ("observation-min-value-type", 'INSERT DATA { id:obs\\/210211\\/yan-hai-jian-zhu\\/building-area\\/sample-6 schema:minValue "many" }',
     "mhs:IndicatorObservationShape-minValue", "schema:minValue"),
    ("observation-max-value-type", 'INSERT DATA { id:obs\\/210211\\/yan-hai-jian-zhu\\/building-area\\/sample-6 schema:maxValue "many" }',
     "mhs:IndicatorObservationShape-maxValue", "schema:maxValue"),
    ("percent-range", "DELETE { ?o mh:indicator ?i ; qudt:unit ?u ; schema:value ?v } "
     "INSERT { ?o mh:indicator mhc:indicator\\/fee-collection-rate ; qudt:unit unit:PERCENT ; schema:value 963 } "
     "WHERE { ?o mh:indicator ?i ; qudt:unit ?u ; schema:value ?v }",
     "mhs:PercentRangeShape", "percent value 963 is outside 0–100"),
    ("unit-matches-indicator", "DELETE { ?o qudt:unit ?u } INSERT { ?o qudt:unit unit:NUM } WHERE { ?o qudt:unit ?u }",
     "mhs:UnitMatchesIndicatorShape", "unit unit:NUM differs from the indicator's canonical unit unit:M2"),
    ("event-type", "DELETE { ?e mh:eventType ?t } INSERT { ?e mh:eventType mhc:initiative\\/safety } WHERE { ?e mh:eventType ?t }",
     "mhs:DatedEventShape-type", "mhc:event scheme"),
    ("event-about", "DELETE { ?e schema:about ?a } WHERE { ?e mh:eventType ?t ; schema:about ?a }",
     "mhs:DatedEventShape-about", "schema:about"),
    ("event-date", 'DELETE { ?e mh:eventDate ?d } INSERT { ?e mh:eventDate "2011年10月" } WHERE { ?e mh:eventDate ?d }',
     "mhs:DatedEventShape-date", "exactly one date"),
    ("recognition-label", "DELETE { ?r rdfs:label ?l } WHERE { ?r a mh:Recognition ; rdfs:label ?l }",
     "mhs:RecognitionShape-label", "recognition needs a Chinese"),
    ("recognition-recipient", "DELETE { ?r mh:recipient ?x } WHERE { ?r a mh:Recognition ; mh:recipient ?x }",
     "mhs:RecognitionShape-recipient", "recipient"),
    ("recognition-by", "DELETE { ?r mh:conferredBy ?o } INSERT { ?r mh:conferredBy id:place\\/cn\\/210211 } WHERE { ?r mh:conferredBy ?o }",
     "mhs:RecognitionShape-by", "conferredBy must point"),
    ("recognition-level", "DELETE { ?r mh:level ?l } INSERT { ?r mh:level mhc:quality\\/ok } WHERE { ?r mh:level ?l }",
     "mhs:RecognitionShape-level", "level"),
    ("recognition-scheme", "INSERT { ?r mh:recognitionScheme mhc:quality\\/ok } WHERE { ?r a mh:Recognition }",
     "mhs:SelectionShape-scheme", "recognition scheme"),
    ("recognition-selection-level", "INSERT { ?r mh:recognitionLevel mhc:quality\\/ok } WHERE { ?r a mh:Recognition }",
     "mhs:SelectionShape-level", "selection level"),
    ("recognition-year", 'INSERT { ?r mh:recognitionYear "2023" } WHERE { ?r a mh:Recognition }',
     "mhs:SelectionShape-year", "selection year"),
    ("recognition-body", 'INSERT { ?r mh:conferringBody "省住建厅" } WHERE { ?r a mh:Recognition }',
     "mhs:SelectionShape-body", "conferring body"),
    ("recognition-document", "INSERT { ?r mh:documentNumber 3 } WHERE { ?r a mh:Recognition }",
     "mhs:RecognitionShape-document", "document number"),
    ("source-kind", "INSERT DATA { id:source\\/sample mh:sourceKind mhc:quality\\/ok }",
     "mhs:SourceDocumentShape-kind", "source kind"),
    ("source-kind-reason", 'INSERT DATA { id:source\\/sample mh:sourceKindReason "one" , "two" }',
     "mhs:SourceDocumentShape-reason", "source kind reason"),
    ("tally-place", "INSERT DATA { id:tally\\/t a mh:SelectionTally ; mh:selectedCount 3 ; "
     "schema:observationAbout id:source\\/sample }", "mhs:SelectionTallyShape-place", "exactly one place"),
    ("tally-count", "INSERT DATA { id:place\\/cn a schema:Country . id:tally\\/t a mh:SelectionTally ; "
     "schema:observationAbout id:place\\/cn ; mh:selectedCount 0 }", "mhs:SelectionTallyShape-count", "selected count"),
    ("tally-candidates", "INSERT DATA { id:place\\/cn a schema:Country . id:tally\\/t a mh:SelectionTally ; "
     "schema:observationAbout id:place\\/cn ; mh:selectedCount 3 ; mh:candidateCount 0 }",
     "mhs:SelectionTallyShape-candidates", "candidate count"),
    ("assertion-subject", "DELETE { ?a rdf:subject ?s } WHERE { ?a a mh:Assertion ; rdf:subject ?s }",
     "mhs:AssertionShape-subject", "rdf:subject"),
    ("assertion-predicate", 'DELETE { ?a rdf:predicate ?p } INSERT { ?a rdf:predicate "locatedIn" } WHERE { ?a rdf:predicate ?p }',
     "mhs:AssertionShape-predicate", "rdf:predicate"),
    ("assertion-object", "DELETE { ?a rdf:object ?o } WHERE { ?a a mh:Assertion ; rdf:object ?o }",
     "mhs:AssertionShape-object", "rdf:object"),
    ("source-identifier", "DELETE WHERE { id:source\\/sample dcterms:identifier ?i }",
     "mhs:SourceDocumentShape-id", "dcterms:identifier"),
    ("source-language", "DELETE WHERE { id:source\\/sample dcterms:language ?l }",
     "mhs:SourceDocumentShape-language", "language"),
    ("source-sha256", 'DELETE { ?s mh:sha256 ?h } INSERT { ?s mh:sha256 "ABC" } WHERE { ?s mh:sha256 ?h }',
     "mhs:SourceDocumentShape-sha256", "hex"),
    ("source-text", 'INSERT DATA { id:source\\/sample schema:text "另一个文本" }',
     "mhs:SourceDocumentShape-text", "at most one raw text"),
    ("span-source", "DELETE WHERE { id:source\\/sample\\/char\\/6-16 oa:hasSource ?s }",
     "mhs:EvidenceSpanShape-source", "exactly one source"),
    ("span-position", "DELETE { id:source\\/sample\\/char\\/6-16 oa:hasSelector ?s } WHERE { id:source\\/sample\\/char\\/6-16 oa:hasSelector ?s . ?s a oa:TextPositionSelector }",
     "mhs:EvidenceSpanShape-position", "oa:TextPositionSelector"),
    ("span-quote", "DELETE { id:source\\/sample\\/char\\/6-16 oa:hasSelector ?s } WHERE { id:source\\/sample\\/char\\/6-16 oa:hasSelector ?s . ?s a oa:TextQuoteSelector }",
     "mhs:EvidenceSpanShape-quote", "oa:TextQuoteSelector"),
    ("span-quality", "INSERT DATA { id:source\\/sample\\/char\\/6-16 mh:textQuality mhc:quality\\/unknown }",
     "mhs:EvidenceSpanShape-quality", "text quality"),
    ("quote-matches-text", 'DELETE { ?q oa:exact ?x } INSERT { ?q oa:exact "沿海鉴筑" } WHERE { ?q oa:exact "沿海鑒筑" }',
     "mhs:QuoteMatchesTextShape", 'quote "沿海鉴筑" does not match the raw text "沿海鑒筑" at offsets 0–4'),
    ("selector-start", "DELETE { ?p oa:start 6 } INSERT { ?p oa:start 16 } WHERE { ?p oa:start 6 }",
     "mhs:TextPositionSelectorShape-start", "less than oa:end"),
    ("selector-end", "DELETE { ?p oa:end ?e } WHERE { ?p oa:start 6 ; oa:end ?e }",
     "mhs:TextPositionSelectorShape-end", "oa:end"),
    ("selector-exact", 'DELETE WHERE { ?q oa:exact "沿海鑒筑" }',
     "mhs:TextQuoteSelectorShape-exact", "oa:exact"),
    # the ontology is merged in afresh on every validation, so concept faults are new data concepts
    ("concept-zh", f'INSERT DATA {{ {NEW_CONCEPT} skos:prefLabel "New"@en . }}',
     "mhs:ConceptShape-zh", "one Chinese skos:prefLabel"),
    ("concept-en", f'INSERT DATA {{ {NEW_CONCEPT} skos:prefLabel "新"@zh , "New"@en , "Newer"@en . }}',
     "mhs:ConceptShape-en", "one English skos:prefLabel"),
    ("concept-notation", f'INSERT DATA {{ {NEW_CONCEPT} skos:prefLabel "新"@zh , "New"@en ; skos:notation "CC.NEW2" . }}',
     "mhs:ConceptShape-notation", "skos:notation"),
    ("concept-scheme", 'INSERT DATA { mhc:initiative\\/new a skos:Concept ; skos:notation "CC.NEW" ;'
     ' skos:prefLabel "新"@zh , "New"@en . }',
     "mhs:ConceptShape-scheme", "skos:inScheme"),
    ("concept-broader", f'INSERT DATA {{ {NEW_CONCEPT} skos:prefLabel "新"@zh , "New"@en ;'
     " skos:broader mhc:initiative\\/service-quality . }",
     "mhs:ConceptShape-broader", "at most one skos:broader"),
]


@pytest.mark.parametrize(("update", "shape", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_violation_is_reported(base: Graph, update: str, shape: str, words: str) -> None:
    report = validate_graph(_mutated(base, update))
    assert not report.conforms
    hits = [r for r in report.violations if r.shape == shape]
    assert hits, f"{shape} not reported; got:\n{report_text(report)}"
    assert any(words in r.message_en for r in hits), [r.message_en for r in hits]
    assert all(r.message_zh and r.message_en for r in report.results)


def test_every_shape_with_a_message_has_a_case() -> None:
    from meihao_kg.graph.ontology import curie, shapes_graph

    shapes = shapes_graph()
    from rdflib.namespace import SH

    with_message = {
        curie(s) for s in shapes.subjects(SH.message, None) if isinstance(s, URIRef)
    } - {"mhs:PercentRangeConstraint", "mhs:UnitMatchesIndicatorConstraint", "mhs:QuoteMatchesTextConstraint"}
    with_message |= {"mhs:PercentRangeShape", "mhs:UnitMatchesIndicatorShape", "mhs:QuoteMatchesTextShape"}
    assert with_message == {c[2] for c in CASES}


def test_every_message_is_bilingual() -> None:
    from rdflib.namespace import SH

    from meihao_kg.graph.ontology import shapes_graph

    shapes = shapes_graph()
    for node in set(shapes.subjects(SH.message, None)):
        langs = sorted(m.language for m in shapes.objects(node, SH.message))
        assert langs == ["en", "zh"], node


# --------------------------------------------------------------------------- four faults at once


def test_four_planted_faults_give_four_named_violations(base: Graph) -> None:
    graph = _mutated(
        base,
        """
        INSERT DATA {
          id:obs\\/x\\/pct a mh:IndicatorObservation ;
              schema:observationAbout id:compound\\/210211\\/yan-hai-jian-zhu ;
              mh:indicator mhc:indicator\\/fee-collection-rate ;
              schema:value 963 ; qudt:unit unit:PERCENT ; mh:valueQualifier mhc:qualifier\\/eq ;
              mh:originalExpression "物业费收缴率达到963%"@zh ;
              mh:evidence id:source\\/sample\\/char\\/6-16 .
        } ;
        DELETE WHERE { id:obs\\/210211\\/yan-hai-jian-zhu\\/building-area\\/sample-6 mh:evidence ?e } ;
        DELETE { ?q oa:exact ?x } INSERT { ?q oa:exact "沿海鉴筑" } WHERE { ?q oa:exact "沿海鑒筑" ; oa:exact ?x } ;
        DELETE { ?o qudt:unit ?u } INSERT { ?o qudt:unit unit:NUM }
          WHERE { ?o mh:indicator mhc:indicator\\/building-area ; qudt:unit ?u }
        """,
    )
    report = validate_graph(graph)
    assert not report.conforms
    by_shape = {r.shape: r for r in report.violations}
    assert len(report.violations) == 4, report_text(report)
    assert set(by_shape) == {
        "mhs:PercentRangeShape",
        "mhs:EvidencedShape-evidence",
        "mhs:QuoteMatchesTextShape",
        "mhs:UnitMatchesIndicatorShape",
    }
    assert by_shape["mhs:PercentRangeShape"].value == "963"
    assert "963" in by_shape["mhs:PercentRangeShape"].message_zh
    assert by_shape["mhs:EvidencedShape-evidence"].focus == str(OBS)
    assert by_shape["mhs:QuoteMatchesTextShape"].value == "沿海鉴筑"
    assert "沿海鑒筑" in by_shape["mhs:QuoteMatchesTextShape"].message_zh
    assert by_shape["mhs:UnitMatchesIndicatorShape"].value == "unit:NUM"
    assert "unit:M2" in by_shape["mhs:UnitMatchesIndicatorShape"].message_en
    text = report_text(report)
    for r in report.violations:
        assert r.focus_label in text and r.message_zh in text and r.message_en in text
    assert "原文 / quote: “建筑面积17万平方米”" in text  # evidence quote of the 963 observation


# --------------------------------------------------------------------------- API behaviour


def test_dataset_and_graph_give_the_same_results(base: Graph) -> None:
    broken = _mutated(base, "DELETE WHERE { ?i mh:implementedAt ?c }")
    dataset = Dataset()
    dataset.graph(ID["graph/one"]).parse(data=broken.serialize(format="turtle"), format="turtle")
    assert validate_graph(dataset).results == validate_graph(broken).results


def test_renderers(base: Graph) -> None:
    report = validate_graph(_mutated(base, "DELETE WHERE { ?i mh:implementedAt ?c }"))
    payload = json.loads(report_json(report))
    assert payload["conforms"] is False and payload["violations"] == 1
    result = payload["results"][0]
    assert result["focus_label"] == "吹哨报到"
    assert result["path"] == "mh:implementedAt"
    assert result["quote"] == "沿海鉴筑"
    assert len(Graph().parse(data=report_turtle(report), format="turtle")) > 5
    assert "吹哨报到" in report_text(report, lang="zh")
    assert "needs a place" not in report_text(report, lang="zh")
    with pytest.raises(ValueError):
        report_text(report, lang="fr")
    assert validate_graph(base).conforms


def test_bad_shapes_raise_shape_load_error(tmp_path: Path, base: Graph) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(ShapeLoadError):
        validate_graph(base, shapes=bad)
    with pytest.raises(ShapeLoadError):
        validate_graph(base, shapes=tmp_path / "missing.ttl")


def test_custom_shapes_graph(base: Graph) -> None:
    shapes = Graph().parse(
        data=HEADER + "mhs:S a sh:NodeShape ; sh:targetClass mh:ResidentialCompound ;"
        ' sh:property [ sh:path mh:divisionCode ; sh:minCount 1 ; sh:message "缺代码"@zh , "no code"@en ] .',
        format="turtle",
    )
    report = validate_graph(base, shapes=shapes)
    assert [(r.focus, r.message_en) for r in report.results] == [(str(COMPOUND), "no code")]


def test_fifty_sources_validate_together() -> None:
    """Fifty copies of the sample, each in its own graph, conform together (the time this
    takes is measured in bench/, not asserted here)."""
    text = SAMPLE.read_text(encoding="utf-8")
    head, body = text.split("id:graph\\/source\\/sample {", 1)
    parts = [head]
    for i in range(50):
        copy = (
            body.replace("source\\/sample", f"source\\/sample{i}")
            .replace('"sample"', f'"sample{i}"')
            .replace("yan-hai-jian-zhu", f"yan-hai-jian-zhu-{i}")
        )
        parts.append(f"id:graph\\/source\\/sample{i} {{" + copy)
    dataset = Dataset()
    dataset.parse(data="\n".join(parts), format="trig")
    report = validate_graph(dataset)
    assert report.conforms
    assert len(report.results) == 0


# --------------------------------------------------------------------------- inference


def test_inferred_graph(base: Graph) -> None:
    inferred = inferred_graph(base)
    assert (BRANCH, RDF.type, ORG.Organization) in inferred
    assert (BRANCH, RDF.type, MH.PartyOrganization) in inferred
    assert (WHISTLE, RDF.type, MH.Initiative) in inferred
    assert (WHISTLE, RDF.type, PROV.Activity) in inferred
    facet = CONCEPT["initiative/co-governance"]
    assert (WHISTLE, MH.initiativeType, facet) in inferred
    assert (WHISTLE, DCTERMS.type, facet) in inferred
    assert (OBS, PROV.wasDerivedFrom, ID["source/sample/char/6-16"]) in inferred
    red = CONCEPT["initiative/red-property-management"]
    assert (red, SKOS.broaderTransitive, CONCEPT["initiative/party-building-leadership"]) in inferred
    # only new triples
    assert not any(t in base for t in inferred)
    # the caller's graph is untouched
    assert (BRANCH, RDF.type, ORG.Organization) not in base


def test_inferred_graph_red_property_found_under_party_building(base: Graph) -> None:
    graph = _mutated(
        base,
        "INSERT DATA { id:initiative\\/x\\/red a mh:Initiative ;"
        " mh:initiativeType mhc:initiative\\/red-property-management . }",
    )
    inferred = inferred_graph(graph)
    both = graph + inferred
    hits = set(
        both.subjects(MH.initiativeType, CONCEPT["initiative/party-building-leadership"])
    )
    assert ID["initiative/x/red"] in hits


def test_inferred_graph_reads_datasets() -> None:
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    assert (BRANCH, RDF.type, ORG.Organization) in inferred_graph(dataset)


def test_project_and_compound_are_distinct(base: Graph) -> None:
    inferred = inferred_graph(base)
    assert (COMPOUND, RDF.type, URIRef("https://schema.org/Project")) not in inferred
    assert (PROJECT, RDF.type, URIRef("https://schema.org/Project")) in inferred


# --------------------------------------------------------------------------- checks in two stages


def _asserted_store(*graphs: Graph):  # type: ignore[no-untyped-def]
    """A pyoxigraph store whose asserted graph is the union of ``graphs`` (as a build makes it)."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import GRAPH_ASSERTED

    store = pyoxigraph.Store()
    for g in graphs:
        store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES,
                        to_graph=pyoxigraph.NamedNode(str(GRAPH_ASSERTED)))
    return store


def _in_two_stages(*sources: Graph) -> ValidationReport:
    """What a build does: each source checked alone, then its suspects and the nodes several
    sources describe checked in the union."""
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED
    from meihao_kg.graph.validate import suspects, validate_focus

    found: set[str] = set()
    described: dict[str, int] = {}
    for g in sources:
        found |= suspects([g.serialize(format="nt", encoding="utf-8")])[0]
        for s in {str(s) for s in g.subjects() if isinstance(s, URIRef)}:
            described[s] = described.get(s, 0) + 1
    shared = {s for s, n in described.items() if n > 1}
    return validate_focus(_asserted_store(*sources), found | shared, str(GRAPH_ASSERTED))


@pytest.mark.parametrize(("update", "shape", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_two_stage_check_reports_what_a_whole_check_reports(base: Graph, update: str, shape: str, words: str) -> None:
    """Each fault of the table: the focused check of the union gives the same results (focus
    node, shape, message, quote) as validating everything at once."""
    broken = _mutated(base, update)
    whole = validate_graph(broken)
    staged = _in_two_stages(broken)
    key = lambda r: (r.focus, r.shape, r.path, r.message_en, r.value, r.quote)  # noqa: E731
    assert sorted(map(key, staged.results)) == sorted(map(key, whole.results))
    assert not staged.conforms


def test_a_fault_only_the_union_has_is_found(base: Graph) -> None:
    """Two sources, each conforming alone, that give one project two showcase numbers:
    only the union breaks the shapes, on a node both describe."""
    other = Graph()
    for s, p, o in base:
        if p == MH.showcaseNumber:
            o = Literal(int(o) + 1)
        other.add((s, p, o))
    assert validate_graph(base).conforms and validate_graph(other).conforms
    whole = validate_graph(base + other)
    staged = _in_two_stages(base, other)
    assert not whole.conforms and not staged.conforms
    key = lambda r: (r.focus, r.shape, r.message_en, r.quote)  # noqa: E731
    assert sorted(map(key, staged.results)) == sorted(map(key, whole.results))
    assert (str(PROJECT), "mhs:ShowcaseProjectShape-number") in {(r.focus, r.shape) for r in staged.violations}


# --------------------------------------------------------------------------- evidence spans as text


def _extraction(path: Path):  # type: ignore[no-untyped-def]
    from meihao_kg.extract.lexicon import load_lexicon
    from meihao_kg.extract.source import extract_any
    from meihao_kg.text.normalise import normalise, read_source
    from meihao_kg.text.segment import segment

    src = read_source(path)
    norm = normalise(src)
    return extract_any(src, norm, segment(norm), load_lexicon(), None)


@pytest.mark.parametrize("name", ["data/raw/000_c1cc9ca213bfcef2.txt",
                                  "tests/corpus/hubei-heavy-annotation/input.txt"])
def test_spans_written_as_text_are_what_the_terms_give(name: str) -> None:
    """A source's evidence spans are written straight as N-Triples: parsed back, they are the
    triples the same spans give as rdflib terms (offsets as integers, quotes escaped, the
    damaged flag), and the text rules infer from them exactly what the term rules infer."""
    from meihao_kg.graph.build import build_source
    from meihao_kg.graph.infer import inferred_ntriples, inferred_triples
    from meihao_kg.graph.iri import concept, source, span_iri
    from meihao_kg.graph.triples import TripleSet

    ex = _extraction(Path(name))
    built = build_source(ex)
    as_text = Graph().parse(data=built.spans, format="nt")
    assert len(as_text) == built.spans.count(b"\n") > 100
    used = set(as_text.subjects(RDF.type, MH.EvidenceSpan))
    expected: set[tuple[object, object, object]] = set()  # the same spans as rdflib terms, made here
    for ev in _evidences(ex):
        span = span_iri(ev.doc_id, ev.start, ev.end)
        if span not in used:
            continue
        pos, quote = URIRef(f"{span}#position"), URIRef(f"{span}#quote")
        expected |= {
            (span, RDF.type, MH.EvidenceSpan), (span, OA.hasSource, source(ex.doc_id)),
            (span, OA.hasSelector, pos), (span, OA.hasSelector, quote),
            (span, MH.normalizedQuote, Literal(ev.normalized, lang="zh")),
            (span, MH.sentence, Literal(ev.sentence, lang="zh")), (span, MH.sentenceIndex, Literal(ev.sentence_index)),
            (pos, RDF.type, OA.TextPositionSelector), (pos, OA.start, Literal(ev.start)), (pos, OA.end, Literal(ev.end)),
            (quote, RDF.type, OA.TextQuoteSelector), (quote, OA.exact, Literal(ev.quote)),
            (quote, OA.prefix, Literal(ex.raw[max(0, ev.start - 16): ev.start])),
            (quote, OA.suffix, Literal(ex.raw[ev.end: ev.end + 16])),
        }
        if ev.damaged:
            expected.add((span, MH.textQuality, concept("quality", "damaged")))
    assert set(as_text) == expected
    assert ("000_" not in name) or (None, MH.textQuality, None) in as_text  # the seed has a damaged span
    by_terms = inferred_triples(TripleSet(as_text)) - inferred_triples(TripleSet())
    by_text = Graph().parse(data=inferred_ntriples(built.spans), format="nt")
    assert set(by_text) == by_terms and len(by_terms) > 100


def _evidences(ex):  # type: ignore[no-untyped-def]
    """Every Evidence an extraction holds, however deep."""
    from dataclasses import fields, is_dataclass

    from meihao_kg.models import Evidence

    todo, seen, out = [ex], set(), []
    while todo:
        x = todo.pop()
        if isinstance(x, Evidence):
            out.append(x)
        elif is_dataclass(x) and id(x) not in seen:
            seen.add(id(x))
            todo.extend(getattr(x, f.name) for f in fields(x))
        elif isinstance(x, list | tuple | frozenset | set):
            todo.extend(x)
        elif isinstance(x, dict):
            todo.extend(x.values())
    return out


def test_text_rules_refuse_a_hierarchy_of_their_own() -> None:
    from meihao_kg.graph.infer import inferred_ntriples

    with pytest.raises(ValueError, match="plain statement"):
        inferred_ntriples(b"<https://e.org/A> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://e.org/B> .\n")
    broader = inferred_ntriples(b"<https://e.org/i> <https://w3id.org/meihao-kg/ontology#initiativeType> "
                                b"<https://w3id.org/meihao-kg/concept/initiative-type/garbage-sorting> .\n")
    from meihao_kg.graph.infer import inferred_triples
    from meihao_kg.graph.triples import TripleSet

    t = (URIRef("https://e.org/i"), MH.initiativeType,
         URIRef("https://w3id.org/meihao-kg/concept/initiative-type/garbage-sorting"))
    expected = inferred_triples(TripleSet([t])) - inferred_triples(TripleSet())
    assert set(Graph().parse(data=broader, format="nt")) == expected


@pytest.mark.parametrize("text", ['他说"好"', "a\\b", "一\r\n二", "\t\x0b\u2028", "", "😀 é"])
def test_span_strings_escaped_as_rdflib_writes_them(text: str) -> None:
    """The strings of spans written as text parse back to themselves, in rdflib's bytes."""
    from rdflib.plugins.serializers.nt import _quote_encode

    from meihao_kg.graph.build import _nt_string

    assert _nt_string(text) == _quote_encode(text)
    line = f"<https://e.org/s> <https://e.org/p> {_nt_string(text)} .\n"
    assert str(next(iter(Graph().parse(data=line, format="nt")))[2]) == text


# --------------------------------------------------------------------------- the batch check of a build


def test_span_shapes_are_the_shapes_of_spans() -> None:
    """The shapes a build's batches leave to the builder's own check of spans
    (``SPAN_SHAPES``) are exactly those aimed at spans and their quote selectors: a shape
    added for spans later must be listed, or the batches would miss what it finds."""
    from rdflib.namespace import SH

    from meihao_kg.graph.ontology import shapes_graph
    from meihao_kg.graph.validate import SPAN_SHAPES

    shapes = shapes_graph()
    span_classes = {MH.EvidenceSpan, OA.TextQuoteSelector}
    aimed = set()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        classes = set(shapes.objects(shape, SH.targetClass))
        selects = " ".join(str(q) for t in shapes.objects(shape, SH.target) for q in shapes.objects(t, SH.select))
        if classes & span_classes or "mh:EvidenceSpan" in selects:
            assert not classes - span_classes, shape  # nothing but spans
            aimed.add(shape)
    assert aimed == set(SPAN_SHAPES)


def _swap_evidence(x, old, new):  # type: ignore[no-untyped-def]
    """``x`` (an extraction or a part of it) with every Evidence equal to ``old`` made ``new``."""
    from dataclasses import fields, is_dataclass, replace

    from meihao_kg.models import Evidence

    if isinstance(x, Evidence):
        return new if x == old else x
    if is_dataclass(x) and not isinstance(x, type):
        changed = {f.name: _swap_evidence(getattr(x, f.name), old, new) for f in fields(x) if f.init}
        return replace(x, **changed)
    if isinstance(x, tuple):
        return tuple(_swap_evidence(i, old, new) for i in x)
    return x


def _broken(ex, how: str):  # type: ignore[no-untyped-def]
    """The seed's extraction with one span's quote or offsets made wrong, or its text changed."""
    from dataclasses import replace

    ev = next(e for e in _evidences(ex) if len(e.quote) > 3 and e.start > 20)
    if how == "text-changed":  # a character that a quote holds
        at = ev.start + 1
        return replace(ex, raw=ex.raw[:at] + "〇" + ex.raw[at + 1:])
    new = {"quote-changed": replace(ev, quote=ev.quote[:-1] + "〇"),
           "offsets-reversed": replace(ev, start=ev.end, end=ev.start),
           "empty": replace(ev, end=ev.start, quote=""),
           "negative-start": replace(ev, start=-1)}[how]
    return _swap_evidence(ex, ev, new)


@pytest.mark.parametrize("how", ["text-changed", "quote-changed", "offsets-reversed", "empty", "negative-start"])
def test_a_batch_finds_wrong_spans_without_reading_them(how: str) -> None:
    """A build checks its batches with the facts' shapes and only the spans' types, and
    checks the spans' offsets and quotes against the text itself.  On sources whose spans
    are wrong, that finds at least the nodes the whole shapes find on everything, and
    checking the nodes it finds in the union gives the same report."""
    import pyoxigraph

    from meihao_kg import pipeline
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_EVIDENCE
    from meihao_kg.graph.validate import suspects, validate_focus

    path = Path("data/raw/000_c1cc9ca213bfcef2.txt")
    ex = _broken(_extraction(path), how)
    key = -1  # a build of its own: the batch job reads its sources by key and index
    pipeline._INHERITED[key] = [[(path, ex, None, "test")]]
    try:
        built, fast, _ = pipeline._graph_batch_job((key, 0, True))
    finally:
        del pipeline._INHERITED[key]
    (made,) = built
    assert made.span_types is not None and made.faulty_spans  # the build's path
    whole, _ = suspects([made.said, made.spans])
    assert whole and whole <= fast

    store = pyoxigraph.Store()
    for data, graph in ((made.said, GRAPH_ASSERTED), (made.spans, GRAPH_EVIDENCE)):
        store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(graph)))
    key_of = lambda r: (r.focus, r.shape, r.path, r.message_en, r.value, r.quote)  # noqa: E731
    by_fast = validate_focus(store, fast, str(GRAPH_ASSERTED))
    by_whole = validate_focus(store, whole, str(GRAPH_ASSERTED))
    assert not by_fast.conforms
    assert sorted(map(key_of, by_fast.results)) == sorted(map(key_of, by_whole.results))
    expected = {"text-changed": "mhs:QuoteMatchesTextShape", "quote-changed": "mhs:QuoteMatchesTextShape",
                "offsets-reversed": "mhs:TextPositionSelectorShape-start",
                "empty": "mhs:TextPositionSelectorShape-start",
                "negative-start": "mhs:TextPositionSelectorShape-start"}[how]
    assert expected in _shapes_of(by_fast)


def test_a_batch_of_right_sources_finds_nothing_either_way() -> None:
    """On sources as they are, the batch check finds what the whole shapes find on
    everything (nothing on the seed and a corpus article)."""
    from meihao_kg import pipeline
    from meihao_kg.graph.validate import suspects

    paths = [Path("data/raw/000_c1cc9ca213bfcef2.txt"), Path("tests/corpus/hubei-heavy-annotation/input.txt")]
    key = -2
    pipeline._INHERITED[key] = [[(p, _extraction(p), None, "test") for p in paths]]
    try:
        built, fast, _ = pipeline._graph_batch_job((key, 0, True))
    finally:
        del pipeline._INHERITED[key]
    whole, _ = suspects([nt for b in built for nt in (b.said, b.spans)])
    assert fast == whole == frozenset()
    assert all(b.span_types and b.span_types.count(b"\n") == b.spans.count(MH.EvidenceSpan.n3().encode())
               for b in built)
