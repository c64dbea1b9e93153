"""Data behind the view: facts with evidence, facets, similar projects and the anchored layout."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from meihao_kg.export.writers import store_dataset
from meihao_kg.view.projection import project_graph
from meihao_kg.view.viewdata import anchor_layout, enrich


@pytest.fixture(scope="module")
def seed_view_graph(seed_store):
    ds = store_dataset(seed_store, inferred=False)
    return enrich(ds, project_graph(ds))


def by_label(G, label: str) -> str:
    return next(n for n, d in G.nodes(data=True) if d["label_zh"] == label)


def test_project_facts_carry_quote_and_span(seed_view_graph, seed_raw: str) -> None:
    G = seed_view_graph
    facts = G.nodes[by_label(G, "沿海鉴筑")]["facts"]
    kinds = [f["kind"] for f in facts]
    assert kinds == sorted(kinds, key=["指标", "时间", "举措", "实施项目", "提及"].index)
    fee = next(f for f in facts if f["text"].startswith("物业费收缴率"))
    assert fee["quote"] == seed_raw[fee["start"]:fee["end"]] == "物業(yè)費收繳率達到96.3%"
    assert fee["source"] == "000_c1cc9ca213bfcef2"
    for f in facts:  # every quote is the raw text at its span
        if f["start"] is not None:
            assert seed_raw[f["start"]:f["end"]] == f["quote"], f
    area = next(f for f in G.nodes[by_label(G, "和平之门上和府")]["facts"] if f["text"].startswith("占地面积"))
    assert area["text"] == "占地面积 52391.15 m²"  # no rounding in the figure


def test_facets_and_similar(seed_view_graph) -> None:
    G = seed_view_graph
    assert G.nodes[by_label(G, "红色物业")]["facet"] == "党建引领"
    assert G.nodes[by_label(G, "党建引领")]["facet"] == "党建引领"
    types = [d for _, d in G.nodes(data=True) if d["cls"] == "initiative_type"]
    assert all(d.get("facet") for d in types)
    similar = G.nodes[by_label(G, "沿海鉴筑")]["similar"]
    assert len(similar) == 4
    assert [s["jaccard"] for s in similar] == sorted((s["jaccard"] for s in similar), reverse=True)
    assert all(s["weight"] >= 1 and s["shared"] for s in similar)


def test_anchor_layout(seed_view_graph) -> None:
    G = seed_view_graph
    pos = anchor_layout(G)
    assert pos is not None and set(pos) == set(G.nodes)
    assert anchor_layout(G) == pos  # deterministic
    projects = [n for n, d in G.nodes(data=True) if d["cls"] == "project"]
    radii = [math.hypot(*pos[p]) for p in projects]
    assert max(radii) - min(radii) < 0.1  # on a circle (positions rounded to 0.1)
    R = radii[0]
    types = [n for n, d in G.nodes(data=True) if d["cls"] == "initiative_type"]
    assert all(math.hypot(*pos[t]) < R for t in types)  # inside, between the anchors
    def mean_radius(ts: list[str]) -> float:
        return sum(math.hypot(*pos[t]) for t in ts) / len(ts)

    common = [t for t in types if G.nodes[t]["shared_by"] >= 3]
    single = [t for t in types if G.nodes[t]["shared_by"] == 1]
    assert common and single
    assert mean_radius(common) < mean_radius(single)  # the more projects share it, the nearer the centre
    # a project's own organisations lie outside it, nearer to it than to any other project
    branch = by_label(G, "沿海鉴筑党支部")
    yh = by_label(G, "沿海鉴筑")
    assert math.hypot(*pos[branch]) > R
    assert min(projects, key=lambda p: math.dist(pos[p], pos[branch])) == yh
    # nothing overlaps
    nodes = list(pos)
    close = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:] if math.dist(pos[a], pos[b]) < 20]
    assert close == []


def test_layout_needs_two_projects(seed_view_graph) -> None:
    from meihao_kg.view.lookup import neighbourhood

    G = neighbourhood(seed_view_graph, "红色物业", 0)
    assert anchor_layout(G) is None


def test_exports_skip_panel_data(seed_view_graph, tmp_path: Path) -> None:
    from meihao_kg.export.network import graphml_bytes

    out = tmp_path / "g.graphml"
    out.write_bytes(graphml_bytes(seed_view_graph))
    text = out.read_text(encoding="utf-8")
    assert "沿海鉴筑" in text and "党建引领" in text  # facets are exported
    assert "kind_en" not in text and "jaccard" not in text  # panel records are not
