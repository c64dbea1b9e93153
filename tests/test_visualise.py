"""Tests of meihao_kg.view.render: one offline, UTF-8, injection-safe HTML file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal

from meihao_kg.graph.namespaces import ID, MH, RDF, RDFS
from meihao_kg.view.projection import project_graph, similarity_graph
from meihao_kg.view.render import render_html, wrap_label, write_html

DATA = Path(__file__).parent / "data"
INJECTIONS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")

# A resource reference to the network: src/href/action/poster/data attributes, CSS url() or
# @import, or srcset, pointing at http(s) or a protocol-relative URL.
RESOURCE_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data|srcset)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:url\()?\s*["']?(?:https?:)?//)""",
    re.IGNORECASE,
)


def injection_graph() -> Graph:
    """Two projects whose names are markup, with a markup evidence quote."""
    g = Graph()
    for i, name in enumerate(INJECTIONS):
        proj = ID[f"project/test/inject-{i}"]
        span = ID[f"source/test/char/{i}"]
        g.add((proj, RDF.type, MH.ShowcaseProject))
        g.add((proj, RDFS.label, Literal(name, lang="zh")))
        g.add((proj, MH.evidence, span))
        g.add((span, RDF.type, MH.EvidenceSpan))
        g.add((span, MH.normalizedQuote, Literal(f"引文{name}\u2028</script><!--", lang="zh")))
    g.add((ID["project/test/inject-0"], MH.compound, ID["project/test/inject-1"]))
    return g


@pytest.fixture(scope="module")
def sample_html() -> str:
    ds = Dataset()
    ds.parse(DATA / "sample-project.trig", format="trig")
    return render_html(project_graph(ds), title="示例 sample")


def _script_json(html: str, name: str) -> object:
    """One of the data objects the page hands its script (``window.MEIHAO_VIEW``)."""
    match = re.search(rf"^  {name.lower()}: (.*?),?$", html, re.M)
    assert match, name
    return json.loads(match.group(1))


def test_no_network_resource_references(sample_html: str) -> None:
    assert not RESOURCE_REF.findall(sample_html)
    assert "cdnjs" not in sample_html and "jsdelivr" not in sample_html  # no CDN host at all
    assert "bootstrap" not in sample_html.lower()
    assert "node_modules" not in sample_html
    assert "<link" not in sample_html.lower()
    assert not re.search(r"<script[^>]*\bsrc\s*=", sample_html, re.IGNORECASE)
    # the pattern does catch what pyvis itself emits
    assert RESOURCE_REF.search('<link href="https://cdn.jsdelivr.net/x.css">')
    assert RESOURCE_REF.search("background: url('//example.org/a.png')")


def test_vis_network_inlined_with_licence(sample_html: str) -> None:
    assert "vis-network" in sample_html and "@version 9.1.2" in sample_html
    assert "vis.js is dual licensed under both" in sample_html
    assert "The Apache 2.0 License" in sample_html and "The MIT License" in sample_html
    assert len(sample_html) > 400_000  # the library itself is in the file


def test_page_structure(sample_html: str) -> None:
    assert sample_html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in sample_html
    for element in ('id="mh-search"', 'id="mh-legend"', 'id="mh-lang"', 'id="mynetwork"'):
        assert element in sample_html
    assert "Microsoft YaHei" in sample_html and "Noto Sans CJK SC" in sample_html
    meta = _script_json(sample_html, "META")
    assert [c["key"] for c in meta["legend"]] == [
        "project",
        "compound",
        "division",
        "party_branch",
        "initiative_type",
    ]
    assert meta["legend"][0]["zh"] == "示范项目"
    edges = _script_json(sample_html, "EDGES")
    carried = [e for e in edges if e.get("lz") == "实施"]
    assert len(carried) == 1 and "「沿海鉴筑（原文：沿海鑒筑）」" in carried[0]["title"]
    nodes = _script_json(sample_html, "NODES")
    project = next(n for n in nodes if n["lz"] == "沿海鉴筑")
    assert "yanhaijianzhu" in project["s"] and "yhjz" in project["s"]  # pinyin search keys
    assert "沿海鑒筑" in project["s"]
    assert "【示范项目 · Showcase project】" in project["title"]
    assert "「沿海鉴筑（原文：沿海鑒筑）」" in project["title"]
    branch = next(n for n in nodes if n["lz"].replace("\n", "") == "沿海鉴筑小区党支部")
    assert branch["lz"] == "沿海鉴筑小\n区党支部"  # CJK label wrapped in Python


def test_physics_small_and_positions_above_threshold() -> None:
    ds = Dataset()
    ds.parse(DATA / "sample-project.trig", format="trig")
    view = project_graph(ds)
    small = render_html(view, title="t")
    assert _script_json(small, "META")["physics"] is True
    big = render_html(view, title="t", physics_threshold=3)
    options = _script_json(big, "OPTIONS")
    assert options["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in _script_json(big, "NODES"))


def test_injection_is_escaped(sample_html: str) -> None:
    html = render_html(project_graph(injection_graph()), title="<script>alert(2)</script>")
    # no markup from the data reaches the HTML as markup
    for needle in ("<script>alert", "<img src=x", "</script><!--", "onerror=alert(1)>"):
        assert needle not in html, needle
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # the title as text
    assert "\u2028" not in html
    nodes = _script_json(html, "NODES")
    names = {n["title"].split("\n")[1] for n in nodes}
    assert set(INJECTIONS) <= names  # the data itself round-trips unchanged

    # no script element beyond those of a page with harmless data
    def count(h: str) -> int:
        return len(re.findall(r"<script\b", h, re.IGNORECASE))

    assert count(html) == count(sample_html)


def test_similarity_view_renders_weights() -> None:
    ds = Dataset()
    ds.parse(DATA / "sample-project.trig", format="trig")
    html = render_html(similarity_graph(ds), title="相似")
    assert _script_json(html, "META")["nodeCount"] == 1


def test_write_html_is_utf8(
    tmp_path: Path, sample_html: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # even where the locale would pick GBK (Chinese Windows), the file is UTF-8
    monkeypatch.setattr("locale.getpreferredencoding", lambda *_: "gbk")
    path = write_html(sample_html + "\u00a0𠀀", tmp_path / "out" / "view.html")
    raw = path.read_bytes()
    assert raw.decode("utf-8").endswith("\u00a0𠀀")
    assert "沿海鉴筑".encode() in raw


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("沿海鉴筑", 8, "沿海鉴筑"),
        ("沿海鉴筑小区党支部", 8, "沿海鉴筑小\n区党支部"),
        ("大连市甘井子区沿海鉴筑小区业主委员会", 8, "大连市甘井子\n区沿海鉴筑小\n区业主委员会"),
        ("Yan Hai residential compound", 8, "Yan Hai\nresidential\ncompound"),
    ],
)
def test_wrap_label(text: str, width: int, expected: str) -> None:
    assert wrap_label(text, width) == expected


def test_wrap_label_caps_lines() -> None:
    wrapped = wrap_label("甲" * 100, 8, max_lines=3)
    assert wrapped.count("\n") == 2 and wrapped.endswith("…")
