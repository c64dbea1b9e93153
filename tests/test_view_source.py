"""What a view reads of the store (``view.source``): the projections and the view's data made
from it are the ones made from an rdflib copy of the store, without the triples no view reads."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import pytest
from rdflib import Literal, URIRef

from meihao_kg.export.network import gexf_bytes, graphml_bytes
from meihao_kg.export.writers import store_dataset, view_graph
from meihao_kg.graph.namespaces import MH, OA, RDF, SCHEMA
from meihao_kg.view.projection import project_graph, similarity_graph
from meihao_kg.view.source import ViewSource, read_view_source
from meihao_kg.view.viewdata import attach_similar, enrich, similar_projects


def _dump(G: nx.Graph) -> tuple[list[Any], list[Any]]:
    """Nodes and edges with their data, in the graph's own order (the page follows it)."""
    if G.is_multigraph():
        edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
    else:
        edges = [(u, v, d) for u, v, d in G.edges(data=True)]
    return list(G.nodes(data=True)), edges


@pytest.fixture(scope="module")
def source(seed_store) -> ViewSource:
    return read_view_source(seed_store)


def test_projection_and_view_data_as_from_an_rdflib_copy(seed_store, source: ViewSource) -> None:
    reference = view_graph(seed_store)
    expected = project_graph(reference)
    got = project_graph(source)
    assert _dump(got) == _dump(expected)
    assert expected.number_of_nodes() > 50
    assert _dump(enrich(source, got)) == _dump(enrich(reference, expected))
    assert _dump(similarity_graph(source)) == _dump(similarity_graph(reference))


def test_network_export_projection_reads_the_inferences(seed_store) -> None:
    got = project_graph(read_view_source(seed_store, inferred=True))
    expected = project_graph(store_dataset(seed_store))
    # the exports write nodes and edges sorted: the same file
    assert graphml_bytes(got) == graphml_bytes(expected)
    assert gexf_bytes(got) == gexf_bytes(expected)
    assert got.number_of_edges() > project_graph(read_view_source(seed_store)).number_of_edges()


def test_unread_triples_are_left_out(seed_store, source: ViewSource) -> None:
    full = view_graph(seed_store)
    assert len(source) < len(full)
    assert set(source) <= set(full)
    assert any(full.objects(None, SCHEMA.text)) and not any(source.objects(None, SCHEMA.text))
    assert any(full.objects(None, OA.prefix)) and not any(source.objects(None, OA.prefix))
    assert not any(source.subjects(RDF.type, OA.TextQuoteSelector))
    # what the panels show is there: quotes, spans and the classes of entities
    assert any(source.objects(None, OA.exact)) and any(source.objects(None, OA.start))
    assert set(source.subjects(RDF.type, MH.ShowcaseProject)) == set(full.subjects(RDF.type, MH.ShowcaseProject))


def test_similar_rows_match_the_similarity_graph(source: ViewSource) -> None:
    G = project_graph(source)
    attach_similar(G, similarity_graph(source))
    rows = similar_projects(source)
    projects = [n for n, d in G.nodes(data=True) if d["cls"] == "project"]
    assert projects and all(G.nodes[n]["similar"] == rows[n] for n in projects)
    assert any(rows[n] for n in projects)


def test_similar_rows_order_ties_by_label_then_iri() -> None:
    g = ViewSource()
    kinds = [URIRef(f"urn:x:type{i}") for i in range(4)]
    sets = {"a": [0, 1], "b": [0, 1], "c": [0, 1], "d": [0, 2], "e": [3], "f": []}
    names = {"a": "乙", "b": "甲", "c": "甲", "d": "丙", "e": "丁", "f": "戊"}
    for key, idx in sets.items():
        proj = URIRef(f"urn:x:{key}")
        g.add(proj, RDF.type, MH.ShowcaseProject)
        g.add(proj, SCHEMA.name, Literal(names[key], lang="zh"))
        for i in idx:
            ini = URIRef(f"urn:x:{key}-ini{i}")
            g.add(ini, MH.implementedAt, proj)
            g.add(ini, MH.initiativeType, kinds[i])
    reference = project_graph(g)
    attach_similar(reference, similarity_graph(g), limit=2)
    rows = similar_projects(g, limit=2)
    projects = [n for n, d in reference.nodes(data=True) if d["cls"] == "project"]
    assert len(projects) == 6
    for node in projects:
        assert reference.nodes[node]["similar"] == rows[node], node
    assert [r["iri"] for r in rows["urn:x:a"]] == ["urn:x:b", "urn:x:c"]  # 甲 twice: by IRI
    assert rows["urn:x:f"] == [] and [r["iri"] for r in rows["urn:x:e"]] == []


def test_look_ups_answer_as_rdflib_does() -> None:
    g = ViewSource()
    s, p = URIRef("urn:x:s"), URIRef("urn:x:p")
    objs = [Literal(i) for i in range(40)]
    for o in objs + objs:  # repeats are dropped, also past the size where a set is kept
        g.add(s, p, o)
    assert list(g.objects(s, p)) == objs and len(g) == 40
    assert g.value(s, p) == objs[0] and g.value(s, RDF.type) is None
    assert set(g.subjects(p, objs[3])) == {s} and (s, p, objs[39]) in g
    assert list(g.predicate_objects(s)) == [(p, o) for o in objs]


def test_neighbourhood_keeps_the_graph_order(source: ViewSource) -> None:
    from meihao_kg.view.lookup import neighbourhood

    G = project_graph(source)
    sub = neighbourhood(G, "沿海鉴筑", 1)
    assert 1 < sub.number_of_nodes() < G.number_of_nodes() / 2
    assert list(sub) == [n for n in G if n in sub]  # not a set's order, which changes by process
    assert [e for e in G.edges(keys=True) if e[0] in sub and e[1] in sub] == list(sub.edges(keys=True))


def test_trig_and_jsonld_hold_the_store_graphs(seed_store) -> None:
    """TriG and JSON-LD are written a graph (or a subject) at a time: the same quads and triples
    as the store's graphs read through rdflib."""
    from rdflib import Dataset, Graph

    from meihao_kg.export.writers import export_rdf, union_graph

    reference = store_dataset(seed_store)
    trig = export_rdf(seed_store, "trig")
    jsonld = export_rdf(seed_store, "jsonld")
    got = Dataset().parse(data=trig.decode("utf-8"), format="trig")
    assert set(got.quads()) == set(reference.quads())  # lexical forms kept: "5.0"^^xsd:decimal stays
    assert trig.count(b"> {\n") == len(set(reference.contexts())) - 1  # one block per named graph
    assert set(Graph().parse(data=jsonld.decode("utf-8"), format="json-ld")) == set(union_graph(reference))
    assert export_rdf(seed_store, "trig") == trig  # deterministic

    # JSON-LD node objects are rdflib's (written a subject at a time here)
    def canonical(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: canonical(x) for k, x in v.items()}
        if isinstance(v, list):
            return sorted((canonical(x) for x in v), key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
        return v

    whole = union_graph(reference).serialize(format="json-ld", sort_keys=True, indent=1)
    expected = json.dumps(canonical(json.loads(whole)), sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    assert jsonld.decode("utf-8") == expected
