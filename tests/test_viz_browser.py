"""The network view in a real headless Chromium with the network disabled.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and the python ``playwright`` package; the
tests skip, saying why, when either is missing.  Every request that is not ``file:``/``data:`` is
aborted and recorded, and Chromium's resolver maps every host to NOTFOUND as a second fence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph

from meihao_kg.view.projection import project_graph
from meihao_kg.view.render import render_html, write_html

CHROMIUM = Path("/usr/bin/chromium")
DATA = Path(__file__).parent / "data"
SAMPLE_CLASSES = ("示范项目", "小区", "行政区划", "党支部", "举措类型")

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found (apt-get install chromium chromium-driver)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")


def sample_graph() -> Graph:
    ds = Dataset()
    ds.parse(DATA / "sample-project.trig", format="trig")
    return ds


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--headless",
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ],
        )
        yield b
        b.close()


class Page:
    """A loaded view with the record of its network traffic, errors and dialogs."""

    def __init__(self, browser: Any, html: str, path: Path) -> None:
        write_html(html, path)
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.page.add_init_script(
            "window.__alerts = [];"
            "['alert', 'confirm', 'prompt'].forEach(function (f) {"
            "  window[f] = function (m) { window.__alerts.push(f + ':' + m); }; });"
        )
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", on_dialog)

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.mhDrawn === true", timeout=30_000)

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)

    def node_id(self, label: str) -> int:
        return self.js("l => window.mhNodes.get({filter: n => n.nz === l})[0].id", label)

    def node_point(self, node_id: int) -> dict[str, float]:
        """Page coordinates of a node's centre."""
        return self.js(
            """id => { const p = window.mhNetwork.getPositions([id])[id];
                       const d = window.mhNetwork.canvasToDOM(p);
                       const r = document.getElementById('mynetwork').getBoundingClientRect();
                       return {x: r.left + d.x, y: r.top + d.y}; }""",
            node_id,
        )

    def click_node(self, node_id: int) -> None:
        point = self.node_point(node_id)
        self.page.mouse.click(point["x"], point["y"])


@pytest.fixture
def sample_page(browser: Any, tmp_path: Path) -> Iterator[Page]:
    page = Page(
        browser, render_html(project_graph(sample_graph()), title="示例"), tmp_path / "v.html"
    )
    page.page.wait_for_function("window.mhStabilized === true", timeout=30_000)
    yield page
    page.page.close()


def test_loads_offline_and_draws(sample_page: Page, tmp_path: Path) -> None:
    assert sample_page.outside == []
    assert sample_page.failed == []
    assert sample_page.errors == []
    # the canvas holds a drawing: many non-white pixels in several colours
    stats = sample_page.js(
        """() => { const c = document.querySelector('#mynetwork canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const colours = new Set(); let ink = 0;
                   for (let i = 0; i < d.length; i += 4) {
                     if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
                     colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                   }
                   return {ink: ink, colours: colours.size}; }"""
    )
    assert stats["ink"] > 2000 and stats["colours"] > 20, stats
    shot = sample_page.page.locator("#mynetwork").screenshot(path=str(tmp_path / "view.png"))
    assert len(shot) > 10_000  # a blank canvas compresses to a few hundred bytes
    assert sample_page.js("window.mhNetwork.physics.options.enabled") is False  # off once stable


def test_legend_lists_classes_and_filters(sample_page: Page) -> None:
    legend = sample_page.page.inner_text("#mh-legend")
    for name in SAMPLE_CLASSES:
        assert name in legend
    sample_page.page.locator('#mh-legend [data-class="division"] input').uncheck()
    hidden = sample_page.js("window.mhNodes.get({filter: n => n.hidden === true}).map(n => n.c)")
    assert hidden == ["division"] * 3
    sample_page.page.locator('#mh-legend [data-class="division"] input').check()
    assert sample_page.js("window.mhNodes.get({filter: n => n.hidden === true}).length") == 0


@pytest.mark.parametrize("query", ["沿海鉴筑", "沿海鑒筑", "yanhaijianzhu", "yhjz"])
def test_search_finds_project(sample_page: Page, query: str) -> None:
    project = sample_page.node_id("沿海鉴筑")
    sample_page.page.fill("#mh-search", query)
    assert sample_page.js("window.mhLastSearch.ids")[0] == project
    first = sample_page.page.locator("#mh-results li").first
    assert first.inner_text() == "沿海鉴筑"
    sample_page.page.press("#mh-search", "Enter")
    assert sample_page.js("window.mhSearchSelected") == project
    assert sample_page.js("window.mhNetwork.getSelectedNodes()") == [project]


def test_click_highlights_neighbourhood_and_second_click_clears(sample_page: Page) -> None:
    compound = sample_page.node_id("沿海鉴筑小区")
    sample_page.click_node(compound)
    assert sample_page.js("window.mhHighlighted") == {"id": compound, "neighbours": 4}
    dimmed = sample_page.js(
        "window.mhNodes.get({filter: n => n.color && n.color.background === '#eeeeee'}).length"
    )
    assert dimmed == 2  # 7 nodes - the compound - its 4 neighbours
    sample_page.click_node(compound)
    assert sample_page.js("window.mhHighlighted") is None
    assert (
        sample_page.js("window.mhNodes.get({filter: n => typeof n.color !== 'string'}).length") == 0
    )


def test_language_toggle(sample_page: Page) -> None:
    sample_page.page.click("#mh-lang")
    assert "Showcase project" in sample_page.page.inner_text("#mh-legend")
    assert sample_page.page.inner_text("#mh-lang") == "中文"
    sample_page.page.click("#mh-lang")
    assert "示范项目" in sample_page.page.inner_text("#mh-legend")


def test_tooltip_shows_quote_as_text(sample_page: Page) -> None:
    project = sample_page.node_id("沿海鉴筑")
    point = sample_page.node_point(project)
    sample_page.page.mouse.move(point["x"], point["y"])
    tooltip = sample_page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert "示范项目" in text and "「沿海鉴筑（原文：沿海鑒筑）」" in text


def test_injection_runs_no_script(browser: Any, tmp_path: Path) -> None:
    from test_visualise import INJECTIONS, injection_graph

    html = render_html(project_graph(injection_graph()), title="<img src=x onerror=alert(3)>")
    view = Page(browser, html, tmp_path / "inject.html")
    try:
        view.page.fill("#mh-search", "alert")
        results = view.page.locator("#mh-results li").all_inner_texts()
        assert sorted(results) == sorted(INJECTIONS)  # shown literally
        for node_id in view.js("window.mhNodes.getIds()"):  # show every tooltip
            d = view.node_point(node_id)
            view.page.mouse.move(d["x"], d["y"])
            view.page.wait_for_timeout(400)
        assert view.page.inner_text("#mh-title") == "<img src=x onerror=alert(3)>"
        assert view.js("window.__alerts") == []
        assert view.dialogs == []
        assert view.errors == []
        assert view.js("document.images.length") == 0
        assert view.js("document.scripts.length") == 3  # vis-network, the data, page.js: nothing injected
        assert view.outside == [] and view.failed == []  # <img src=x> fetched nothing
    finally:
        view.page.close()


def test_large_view_uses_python_layout(browser: Any, tmp_path: Path) -> None:
    html = render_html(project_graph(sample_graph()), title="big", physics_threshold=3)
    view = Page(browser, html, tmp_path / "big.html")
    try:
        assert view.js("window.mhStabilized") is True
        assert view.js("window.mhNetwork.physics.options.enabled") is False
        assert view.outside == [] and view.errors == []
    finally:
        view.page.close()


# --------------------------------------------------------------------------- the real seed build


def _cli_view(browser: Any, tmp_path: Path, store: Path, *args: str) -> Page:
    from click.testing import CliRunner

    from meihao_kg.cli import cli

    out = tmp_path / "cli-view.html"
    res = CliRunner().invoke(cli, ["viz", "--store", str(store), "--out", str(out), *args])
    assert res.exit_code == 0, res.output
    return Page(browser, out.read_text(encoding="utf-8"), tmp_path / "loaded.html")


def test_seed_view_offline(browser: Any, tmp_path: Path, seed_store_path: Path) -> None:
    view = _cli_view(browser, tmp_path, seed_store_path)
    try:
        assert view.outside == [] and view.failed == [] and view.errors == []
        ink = view.js(
            """() => { const c = document.querySelector('#mynetwork canvas');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let ink = 0;
                       for (let i = 0; i < d.length; i += 4)
                         if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
                       return ink; }"""
        )
        assert ink > 5000
        legend = view.page.inner_text("#mh-legend")
        for name in ("示范项目", "小区", "行政区划", "党支部", "业主委员会", "居民委员会", "举措类型"):
            assert name in legend
        project = view.node_id("沿海鉴筑")
        view.page.fill("#mh-search", "沿海鉴筑")
        assert view.js("window.mhLastSearch.ids")[0] == project
    finally:
        view.page.close()


def test_injected_project_name_runs_no_script(browser: Any, tmp_path: Path) -> None:
    from meihao_kg.pipeline import build_kg

    article = tmp_path / "inject.txt"
    article.write_text(
        # HTML tags of a re-post are stripped by normalisation; entities are read as their
        # characters, so this name reaches the graph as "<script>alert(1)</script>花园"
        "辽 宁\n20\n&lt;script&gt;alert(1)&lt;/script&gt;花园:<b>标语</b>\n概况及亮点\n"
        "&lt;script&gt;alert(1)&lt;/script&gt;花园小区位于沈阳市和平区,建筑面积5万平方米,开展垃圾分类。\n",
        encoding="utf-8",
    )
    store = tmp_path / "kg"
    build_kg([article], store=store)
    view = _cli_view(browser, tmp_path, store)
    try:
        view.page.fill("#mh-search", "script")
        results = view.page.locator("#mh-results li").all_inner_texts()
        assert "<script>alert(1)</script>花园" in results  # shown literally
        assert view.js("window.__alerts") == [] and view.dialogs == []
        assert view.js("document.scripts.length") == 3  # vis-network, the data, page.js: nothing injected
        assert view.outside == [] and view.failed == []
    finally:
        view.page.close()


# --------------------------------------------------------------------------- panel, facets, export


@pytest.fixture(scope="module")
def seed_view(browser: Any, tmp_path_factory: pytest.TempPathFactory, seed_store_path: Path) -> Iterator[Page]:
    view = _cli_view(browser, tmp_path_factory.mktemp("seed-view"), seed_store_path)
    yield view
    view.page.close()


def _reset(view: Page) -> None:
    view.js("() => { if (window.mhHighlighted) window.mhHighlight(window.mhHighlighted.id); }")


def test_side_panel_shows_facts_quotes_sources_and_similar_projects(seed_view: Page) -> None:
    _reset(seed_view)
    assert seed_view.page.locator("#mh-detail").is_hidden()
    project = seed_view.node_id("沿海鉴筑")
    seed_view.click_node(project)
    panel = seed_view.page.locator("#mh-detail")
    panel.wait_for(state="visible", timeout=5_000)
    assert seed_view.page.inner_text("#mh-detail-name") == "沿海鉴筑"
    assert seed_view.page.inner_text("#mh-detail-type") == "示范项目"
    kinds = seed_view.page.locator("#mh-detail .mh-fact-kind").all_inner_texts()
    assert kinds[:3] == ["指标", "时间", "举措"], kinds  # grouped by kind, in this order
    facts = seed_view.page.locator("#mh-detail .mh-fact").all_inner_texts()
    fee = [f for f in facts if f.startswith("物业费收缴率 96.3%")]
    assert fee, facts
    assert "物業(yè)費收繳率達到96.3%" in fee[0]  # the raw quote
    assert "000_c1cc9ca213bfcef2 [7097–7114]" in fee[0]  # source and character span
    assert any(f.startswith("垃圾分类") for f in facts)  # initiatives carried out by its compound
    # projects like this one: the other four, each with what they share
    similar = seed_view.page.locator("#mh-detail .mh-similar-item")
    assert similar.count() == 4
    first = similar.first.inner_text()
    assert "共享" in first and "、" in first
    target = int(similar.first.get_attribute("data-id") or -1)
    similar.first.click()
    assert seed_view.js("window.mhDetail.id") == target
    assert seed_view.page.inner_text("#mh-detail-name") == first.split("·")[0].strip()
    # the tooltip keeps a summary and points to the panel
    assert "点击节点查看全部事实与出处" in seed_view.js("id => window.mhNodes.get(id).title", project)
    # clicking the selected node again clears the highlight and the panel
    seed_view.click_node(target)
    assert seed_view.js("window.mhHighlighted") is None
    assert seed_view.page.locator("#mh-detail").is_hidden()


def test_panel_follows_language(seed_view: Page) -> None:
    _reset(seed_view)
    seed_view.js("id => window.mhHighlight(id)", seed_view.node_id("沿海鉴筑"))
    seed_view.page.click("#mh-lang")
    try:
        assert seed_view.page.inner_text("#mh-detail-type") == "Showcase project"
        kinds = seed_view.page.locator("#mh-detail .mh-fact-kind").all_inner_texts()
        assert kinds[:2] == ["indicator", "date"]
        assert "Projects like this one" in seed_view.page.inner_text("#mh-detail-similar")
    finally:
        seed_view.page.click("#mh-lang")
        _reset(seed_view)


def test_facet_filter_hides_initiative_types_of_a_facet(seed_view: Page) -> None:
    facets = seed_view.page.locator("#mh-facets .mh-facet-item")
    names = [facets.nth(i).get_attribute("data-facet") for i in range(facets.count())]
    assert "党建引领" in names and "垃圾分类" in names
    in_facet = seed_view.js("window.mhNodes.get({filter: n => n.fc === '党建引领'}).map(n => n.nz)")
    assert "红色物业" in in_facet and "党建引领" in in_facet
    assert all(seed_view.js(f"window.mhNodes.get({{filter: n => n.fc === '{f}'}}).length") > 0 for f in names)
    box = seed_view.page.locator('#mh-facets [data-facet="党建引领"] input')
    box.uncheck()
    hidden = seed_view.js("window.mhNodes.get({filter: n => n.hidden === true})")
    assert {n["fc"] for n in hidden} == {"党建引领"} and len(hidden) == len(in_facet)
    # the class filter and the facet filter combine: re-showing the class keeps the facet hidden
    cls = seed_view.page.locator('#mh-legend [data-class="initiative_type"] input')
    cls.uncheck()
    cls.check()
    assert seed_view.js("window.mhNodes.get({filter: n => n.hidden === true}).length") == len(in_facet)
    # a search does not offer hidden nodes
    seed_view.page.fill("#mh-search", "红色物业")
    assert "红色物业" not in seed_view.page.locator("#mh-results li").all_inner_texts()
    box.check()
    seed_view.page.fill("#mh-search", "")
    assert seed_view.js("window.mhNodes.get({filter: n => n.hidden === true}).length") == 0


def test_legend_swatches_have_the_graph_shapes(seed_view: Page) -> None:
    rows = seed_view.js(
        """() => Array.from(document.querySelectorAll('#mh-legend .mh-legend-item')).map(r => {
             const svg = r.querySelector('svg.mh-swatch'); const shape = svg.firstChild;
             const pts = shape.getAttribute('points');
             return {cls: r.getAttribute('data-class'), shape: svg.getAttribute('data-shape'),
                     tag: shape.tagName, points: pts ? pts.trim().split(/\\s+/).length : 0,
                     fill: shape.getAttribute('fill')}; })"""
    )
    drawn = seed_view.js(
        "() => { const m = {}; window.mhNodes.get().forEach(n => { m[n.c] = [n.shape, n.color]; }); return m; }"
    )
    expected = {"star": ("polygon", 10), "hexagon": ("polygon", 6), "triangle": ("polygon", 3),
                "triangleDown": ("polygon", 3), "diamond": ("polygon", 4), "square": ("rect", 0),
                "dot": ("circle", 0)}
    assert rows
    for r in rows:
        shape, colour = drawn[r["cls"]]
        assert r["shape"] == shape, r
        assert (r["tag"], r["points"]) == expected[shape], r
        assert r["fill"] == colour
    assert {r["shape"] for r in rows} >= {"star", "hexagon", "triangle", "diamond", "square", "dot"}


def test_edge_captions_off_by_default(seed_view: Page) -> None:
    assert seed_view.js("window.mhNetwork.body.data.edges.get({filter: e => !!e.label}).length") == 0
    seed_view.page.click("#mh-edges")
    assert seed_view.js("window.mhEdgeLabels") is True
    assert seed_view.js("window.mhNetwork.body.data.edges.get({filter: e => e.label === '实施'}).length") > 0
    seed_view.page.click("#mh-edges")
    assert seed_view.js("window.mhNetwork.body.data.edges.get({filter: e => !!e.label}).length") == 0


def test_first_view_labels_projects_not_every_node(seed_view: Page) -> None:
    seed_view.js("window.mhNetwork.fit({animation: false})")
    scale = seed_view.js("window.mhNetwork.getScale()")
    threshold = seed_view.js("window.mhNetwork.body.nodes[0].options.scaling.label.drawThreshold")
    project = seed_view.js("id => window.mhNetwork.body.nodes[id].options.font.size", seed_view.node_id("沿海鉴筑"))
    branch = seed_view.js("id => window.mhNetwork.body.nodes[id].options.font.size",
                          seed_view.node_id("沿海鉴筑党支部"))
    assert project * scale >= threshold > branch * scale, (scale, project, branch, threshold)
    # projects sit on a circle around the centre of the drawing
    pos = seed_view.js(
        """() => { const ids = window.mhNodes.get({filter: n => n.c === 'project'}).map(n => n.id);
                   const p = window.mhNetwork.getPositions(ids);
                   return ids.map(i => Math.hypot(p[i].x, p[i].y)); }"""
    )
    assert len(pos) == 5 and max(pos) - min(pos) < 1


def test_svg_and_png_export(seed_view: Page) -> None:
    import xml.etree.ElementTree as ET

    _reset(seed_view)
    with seed_view.page.expect_download() as dl:
        seed_view.page.click("#mh-svg")
    download = dl.value
    assert download.suggested_filename == "meihao-kg.svg"
    svg = ET.parse(download.path()).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg.findall("s:g[@class='nodes']/s:g", ns)) == 109
    assert len(svg.findall("s:g[@class='edges']/s:line", ns)) == 193
    texts = "".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}tspan"))
    assert "沿海鉴筑" in texts
    stars = svg.findall(".//s:polygon[@data-shape='star']", ns)
    assert len(stars) >= 5
    # the current view: hidden classes are left out
    seed_view.page.locator('#mh-legend [data-class="division"] input').uncheck()
    try:
        fewer = ET.fromstring(seed_view.js("window.mhSVG()"))
        assert len(fewer.findall("s:g[@class='nodes']/s:g", ns)) == 109 - 12
    finally:
        seed_view.page.locator('#mh-legend [data-class="division"] input').check()
    with seed_view.page.expect_download() as dl:
        seed_view.page.click("#mh-png")
    assert dl.value.suggested_filename == "meihao-kg.png"
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert seed_view.outside == [] and seed_view.errors == []


@pytest.mark.parametrize(
    "args",
    [("--similarity",), ("--focus", "沿海鉴筑", "--depth", "1"),
     ("--query", "projects-by-initiative", "-p", "initiative=垃圾分类")],
)
def test_other_views_open_the_panel(browser: Any, tmp_path: Path, seed_store_path: Path, args) -> None:
    view = _cli_view(browser, tmp_path, seed_store_path, *args)
    try:
        view.page.wait_for_function("window.mhStabilized === true", timeout=30_000)
        project = view.node_id("沿海鉴筑")
        view.js("id => window.mhHighlight(id)", project)
        assert view.page.inner_text("#mh-detail-name") == "沿海鉴筑"
        if args[0] == "--similarity":
            assert view.page.locator("#mh-detail .mh-similar-item").count() == 4
        if args[0] == "--focus":
            assert view.js("window.mhDetail.facts") > 5
        assert view.errors == [] and view.outside == []
    finally:
        view.page.close()
