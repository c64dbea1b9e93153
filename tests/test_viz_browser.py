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

from meihao_kg.projection import project_graph
from meihao_kg.visualise import render_html, write_html

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
        assert view.js("document.scripts.length") == 2
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
        assert view.js("document.scripts.length") == 2
        assert view.outside == [] and view.failed == []
    finally:
        view.page.close()
