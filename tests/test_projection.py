"""Tests of meihao_kg.view.projection: RDF → networkx projections, look-ups, layout and exports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from meihao_kg.export.network import gexf_bytes, graphml_bytes
from meihao_kg.graph.namespaces import CONCEPT, ID, MH, PREFIXES, RDF, RDFS, SKOS
from meihao_kg.view.layout import fast_layout
from meihao_kg.view.lookup import NodeNotFoundError, find_node, neighbourhood
from meihao_kg.view.projection import (
    project_graph,
    result_to_graph,
    rows_to_graph,
    similarity_graph,
)

DATA = Path(__file__).parent / "data"
PROJECT = str(ID["project/210211/yan-hai-jian-zhu"])
COMPOUND = str(ID["compound/210211/yan-hai-jian-zhu"])
BRANCH = str(ID["org/compound/210211/yan-hai-jian-zhu/party-branch"])
WHISTLE = str(CONCEPT["initiative/whistle-and-report"])

# The concept labels live in the ontology graph, not in the sample: add the few the tests use.
ONTOLOGY_LABELS = """
@prefix mhc: <https://w3id.org/meihao-kg/concept/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
mhc:initiative\\/whistle-and-report a skos:Concept ;
    skos:prefLabel "吹哨报到"@zh , "Whistle-and-report"@en .
mhc:indicator\\/building-area a skos:Concept ; skos:prefLabel "建筑面积"@zh , "building area"@en .
mhc:event\\/completion a skos:Concept ; skos:prefLabel "竣工"@zh .
"""


@pytest.fixture(scope="module")
def kg() -> Dataset:
    ds = Dataset()
    ds.parse(DATA / "sample-project.trig", format="trig")
    ds.graph(URIRef(PREFIXES["id"] + "graph/ontology")).parse(data=ONTOLOGY_LABELS, format="turtle")
    return ds


@pytest.fixture(scope="module")
def view(kg: Dataset):
    return project_graph(kg)


def _similarity_kg() -> Graph:
    """Projects A {t1,t2}, B {t1,t2,t3}, C {t3}, D {}; initiatives at the compound or project."""
    g = Graph()
    for name, kinds in {"a": ["t1", "t2"], "b": ["t1", "t2", "t3"], "c": ["t3"], "d": []}.items():
        proj, comp = ID[f"project/x/{name}"], ID[f"compound/x/{name}"]
        g.add((proj, RDF.type, MH.ShowcaseProject))
        g.add((proj, RDFS.label, Literal(f"项目{name}", lang="zh")))
        g.add((proj, MH.compound, comp))
        g.add((comp, RDF.type, MH.ResidentialCompound))
        for i, kind in enumerate(kinds):
            ini = ID[f"initiative/x/{name}/{kind}"]
            g.add((ini, RDF.type, MH.Initiative))
            g.add((ini, MH.initiativeType, CONCEPT[f"initiative/{kind}"]))
            g.add((ini, MH.implementedAt, proj if i % 2 else comp))
            g.add(
                (CONCEPT[f"initiative/{kind}"], SKOS.prefLabel, Literal(f"举措{kind}", lang="zh"))
            )
    return g


def test_nodes_classes_and_labels(view) -> None:
    classes = {d["cls"] for _, d in view.nodes(data=True)}
    assert classes == {
        "project",
        "compound",
        "division",
        "party_branch",
        "initiative_type",
    }  # initiatives are edges compound → type, not nodes
    project = view.nodes[PROJECT]
    assert project["label_zh"] == "沿海鉴筑"
    assert project["aliases"] == ["沿海鑒筑"]
    assert project["type_zh"] == "示范项目"
    assert view.nodes[WHISTLE]["label_zh"] == "吹哨报到"
    assert view.nodes[WHISTLE]["label_en"] == "Whistle-and-report"


def test_initiatives_are_edges_with_their_quote(view) -> None:
    edges = view.get_edge_data(COMPOUND, WHISTLE)
    assert edges is not None and len(edges) == 1
    data = next(iter(edges.values()))
    assert data["label_zh"] == "实施" and data["label_en"] == "carries out"
    assert data["quotes"] == ["沿海鉴筑（原文：沿海鑒筑）"]


def test_evidence_observations_and_events_are_folded(view, kg) -> None:
    kinds = {d["cls"] for _, d in view.nodes(data=True)}
    assert not kinds & {"evidence", "source", "observation", "event"}
    compound = view.nodes[COMPOUND]
    assert "建筑面积 170000 m²" in compound["figures"]
    assert "竣工 2011-10" in compound["figures"]
    assert "建筑面积17万平方米（原文：建筑面積17萬平方米）" in compound["quotes"]
    project = view.nodes[PROJECT]
    assert "建筑面积 170000 m²" in project["figures"]  # the compound's figures show on the project
    assert "示范编号：18" in project["figures"]
    assert project["quotes"] == ["沿海鉴筑（原文：沿海鑒筑）"]
    with_evidence = project_graph(kg, include_evidence=True)
    assert {"evidence", "source"} <= {d["cls"] for _, d in with_evidence.nodes(data=True)}


def test_edges_carry_predicate_labels(view) -> None:
    edge = view.get_edge_data(PROJECT, COMPOUND)[str(MH.compound)]
    assert edge["predicate"] == str(MH.compound)
    assert edge["label_zh"] == "小区"
    assert view.has_edge(BRANCH, COMPOUND)
    assert not any(d["predicate"] == str(RDF.type) for *_, d in view.edges(data=True))


def test_projection_does_not_modify_input(kg) -> None:
    before = len(kg)
    project_graph(kg)
    similarity_graph(kg)
    assert len(kg) == before


@pytest.mark.parametrize(
    "name, expected",
    [
        (PROJECT, PROJECT),
        ("沿海鉴筑", PROJECT),
        ("沿海鑒筑", PROJECT),  # Traditional alias, and OpenCC t2s
        ("沿海鑒筑小區", COMPOUND),  # Traditional form of a Simplified label
        ("吹哨报到", WHISTLE),
        ("whistle-and-report", WHISTLE),  # en label (case-folded)
        ("甘井子", str(ID["place/cn/210211"])),  # partial
    ],
)
def test_find_node(view, name: str, expected: str) -> None:
    assert find_node(view, name) == expected


def test_find_node_unknown_raises_domain_error(view) -> None:
    with pytest.raises(NodeNotFoundError, match="no node named"):
        find_node(view, "不存在的小区")


def test_neighbourhood(view) -> None:
    one = neighbourhood(view, "沿海鉴筑小区", 1)
    assert set(one) == {
        COMPOUND,
        PROJECT,
        BRANCH,
        str(ID["place/cn/210211"]),
        WHISTLE,
    }
    assert one.nodes[COMPOUND]["focus"] is True
    assert "focus" not in view.nodes[COMPOUND]  # the input is not touched
    assert set(neighbourhood(view, "大连市", 0)) == {str(ID["place/cn/210200"])}
    assert str(ID["place/cn/210000"]) in neighbourhood(view, "沿海鉴筑", 4)
    with pytest.raises(ValueError):
        neighbourhood(view, "沿海鉴筑", -1)


def test_similarity_graph_weights_and_shared_types() -> None:
    sim = similarity_graph(_similarity_kg())
    a, b, c, d = (str(ID[f"project/x/{x}"]) for x in "abcd")
    assert set(sim) == {a, b, c, d}  # projects sharing nothing stay as isolated nodes
    assert sim.edges[a, b]["weight"] == 2
    assert sim.edges[a, b]["shared_types"] == "举措t1、举措t2"
    assert sim.edges[a, b]["jaccard"] == pytest.approx(2 / 3, abs=1e-3)
    assert sim.edges[b, c]["weight"] == 1
    assert not sim.has_edge(a, c) and sim.degree(d) == 0
    assert sim.nodes[b]["initiative_count"] == 3


def test_similarity_graph_on_sample(kg) -> None:
    sim = similarity_graph(kg)
    assert list(sim) == [PROJECT]
    assert sim.nodes[PROJECT]["figures"] == ["吹哨报到"]


def test_rows_to_graph_links_first_column_and_merges_values() -> None:
    p1, p2 = URIRef("https://example.org/p1"), URIRef("https://example.org/p2")
    rows = [
        {"project": p1, "projectLabel": Literal("甲"), "city": Literal("大连市")},
        {"project": p2, "projectLabel": Literal("乙"), "city": Literal("大连市")},
    ]
    rows_graph = rows_to_graph(rows, ["project", "projectLabel", "city"])
    assert rows_graph.number_of_nodes() == 3  # two projects and one shared value node
    assert rows_graph.nodes[str(p1)]["label_zh"] == "甲"
    assert rows_graph.nodes["value:大连市"]["cls"] == "value"
    assert {(u, v) for u, v in rows_graph.edges()} == {
        (str(p1), "value:大连市"),
        (str(p2), "value:大连市"),
    }
    tuples = rows_to_graph([(p1, Literal("x"))], ["a", "b"])
    assert tuples.number_of_edges() == 1


def test_result_to_graph_select_and_construct(kg) -> None:
    union = Graph()
    for s, p, o, _ in kg.quads((None, None, None, None)):
        union.add((s, p, o))
    select = union.query(
        prepareQuery(
            "SELECT ?project ?compound WHERE { ?project mh:compound ?compound }",
            initNs={"mh": str(MH._NS)},
        )
    )
    rows_graph = result_to_graph(select, kg)
    assert rows_graph.has_edge(PROJECT, COMPOUND)
    assert rows_graph.nodes[PROJECT]["label_zh"] == "沿海鉴筑"  # labelled from the KG
    construct = union.query(
        "CONSTRUCT { ?c mh:locatedIn ?p } WHERE { ?c mh:locatedIn ?p }", initNs={"mh": str(MH._NS)}
    )
    built = result_to_graph(construct, kg)
    assert set(built) == {COMPOUND, str(ID["place/cn/210211"])}
    assert built.nodes[COMPOUND]["cls"] == "compound"


def test_fast_layout_is_deterministic_and_complete(view) -> None:
    pos = fast_layout(view)
    assert set(pos) == set(view)
    assert pos == fast_layout(view)
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot


def test_write_graphml_and_gexf(view, tmp_path: Path) -> None:
    graphml = tmp_path / "kg.graphml"
    Path(graphml).write_bytes(graphml_bytes(view))
    text = graphml.read_text(encoding="utf-8")
    assert "沿海鉴筑" in text
    root = ET.parse(graphml).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("attr.name") for k in root.findall("g:key", ns)}
    assert {"label", "label_zh", "cls", "figures", "quotes", "predicate"} <= keys
    assert len(root.findall(".//g:node", ns)) == view.number_of_nodes()
    assert len(root.findall(".//g:edge", ns)) == view.number_of_edges()

    gexf = tmp_path / "kg.gexf"
    Path(gexf).write_bytes(gexf_bytes(view))
    groot = ET.parse(gexf).getroot()
    labels = {n.get("label") for n in groot.iter() if n.tag.endswith("}node")}
    assert "沿海鉴筑" in labels
    Path(tmp_path / "sim.graphml").write_bytes(graphml_bytes(similarity_graph(_similarity_kg())))
    assert "举措t1、举措t2" in (tmp_path / "sim.graphml").read_text(encoding="utf-8")
