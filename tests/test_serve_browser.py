"""The ``serve`` front end in a real headless Chromium with the network blocked.

Only requests to the server under test go through; any other is aborted and recorded, and
Chromium's resolver maps every host name to NOTFOUND as a second fence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparql_servers import free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium chromium-driver)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")

SEED_PROJECT = "大华锦绣华城博雅园"
INJECTED = "<script>alert(1)</script>花园"
# tags in a source are markup and are stripped; escaped ones are text and reach the name
INJECTED_SOURCE = "&lt;script&gt;alert(1)&lt;/script&gt;花园"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu", "--headless",
                                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        yield b
        b.close()


def _serve(root: Path) -> Iterator[str]:
    from meihao_kg.serve.server import Server

    server = Server(root, bind=f"127.0.0.1:{free_port()}")
    server.start()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def site(seed_store_path: Path) -> Iterator[str]:
    yield from _serve(seed_store_path)


class Tab:
    """A page that may only talk to ``origin``; records everything else, errors and dialogs."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.add_init_script(
            "window.__alerts = [];"
            "['alert', 'confirm', 'prompt'].forEach(function (f) {"
            "  window[f] = function (m) { window.__alerts.push(f + ':' + m); }; });")

        def route(r: Any) -> None:
            if r.request.url.startswith((origin + "/", "data:", "blob:")):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def close(self) -> None:
        self.context.close()

    def run(self, query: str, **params: str) -> None:
        form = self.page.locator(f'form[data-query="{query}"]')
        for k, v in params.items():
            form.locator(f'input[name="{k}"]').fill(v)
        shown = self.page.evaluate("window.mhResultShown || 0")
        form.locator('button[type="submit"]').click()
        self.page.wait_for_function(f"() => (window.mhResultShown || 0) > {shown}", timeout=30_000)


@pytest.fixture()
def tab(browser: Any, site: str) -> Iterator[Tab]:
    t = Tab(browser, site)
    t.page.goto(site + "/")
    t.page.wait_for_function("() => window.mhReady === true", timeout=30_000)
    yield t
    t.close()


def test_front_end_offline_lists_queries_with_titles(tab: Tab) -> None:
    from meihao_kg.query.saved import list_queries

    titles = tab.page.locator("#queries h3 .zh").all_inner_texts()
    assert titles == [q.title_zh for q in list_queries()]
    tab.page.click("#lang")
    assert tab.page.locator("#queries h3 .en").first.is_visible()
    assert not tab.page.locator("#queries h3 .zh").first.is_visible()
    assert tab.page.locator("#queries h3 .en").all_inner_texts() == [q.title_en for q in list_queries()]
    tab.page.click("#lang")
    assert tab.outside == [] and tab.errors == []


def test_form_runs_projects_by_initiative_and_opens_project_page(tab: Tab, site: str, seed_store_path: Path,
                                                                 run_cli) -> None:
    tab.run("projects-by-initiative", initiative="1+1+1")
    cells = tab.page.locator("#result-table tbody td").all_inner_texts()
    assert SEED_PROJECT in cells and "大连市" in cells
    # the CSV download is what the CLI gives
    with tab.page.expect_download() as dl:
        tab.page.click("#dl-csv")
    csv = Path(dl.value.path()).read_text(encoding="utf-8")
    local = run_cli("query", "projects-by-initiative", "-p", "initiative=1+1+1", "--format", "csv",
                    store=seed_store_path)
    assert csv == local.stdout
    with tab.page.expect_download() as dl:
        tab.page.click("#dl-json")
    assert SEED_PROJECT in Path(dl.value.path()).read_text(encoding="utf-8")
    # the project page: facts by kind, the 1+1+1 quote, the neighbourhood view
    tab.page.locator("a.project-link", has_text=SEED_PROJECT).first.click()
    tab.page.wait_for_selector("#project-name")
    assert tab.page.inner_text("#project-name") == SEED_PROJECT
    kinds = tab.page.locator("section.kind").evaluate_all("ss => ss.map(s => s.dataset.kind)")
    assert "举措 initiative" in kinds and "指标 indicator" in kinds
    quotes = tab.page.locator('section[data-kind="举措 initiative"] .quote').all_inner_texts()
    assert any("1+1+1" in q for q in quotes), quotes
    assert "000_c1cc9ca213bfcef2" in tab.page.inner_text('section[data-kind="举措 initiative"] .source >> nth=0')
    frame = tab.page.frame_locator("#view")
    frame.locator("#mynetwork").wait_for()
    view = next(f for f in tab.page.frames if "/project/view" in f.url)
    view.wait_for_function("() => window.mhDrawn === true", timeout=30_000)
    assert view.evaluate("window.mhNodes.get().some(n => n.nz === '大华锦绣华城博雅园' || n.focus)")
    assert tab.outside == [] and tab.errors == []


def test_results_come_a_page_at_a_time(browser: Any, site: str, seed_store_path: Path, run_cli) -> None:
    """With pages of 7 rows (``?rows=7``), organisations comes 7 rows at a time; "More rows"
    adds the next page until every row the CLI gives is shown, in the same order."""
    import csv
    import io

    local = run_cli("query", "organisations", "--format", "csv", store=seed_store_path)
    expected = [r[0] for r in list(csv.reader(io.StringIO(local.stdout)))[1:]]
    assert len(expected) > 14
    t = Tab(browser, site)
    try:
        t.page.goto(site + "/?rows=7")
        t.page.wait_for_function("() => window.mhReady === true", timeout=30_000)
        t.run("organisations")
        body = t.page.locator("#result-table tbody tr")
        assert body.count() == 7 and "more follow" in t.page.inner_text("#result-count")
        clicks = 0
        while t.page.locator("#more-rows").is_visible():
            shown = t.page.evaluate("window.mhResultShown || 0")
            t.page.click("#more-rows")
            t.page.wait_for_function(f"() => (window.mhResultShown || 0) > {shown}", timeout=30_000)
            clicks += 1
        assert clicks == (len(expected) - 1) // 7
        got = t.page.locator("#result-table tbody tr td:first-child").all_inner_texts()
        assert got == expected
        assert "more follow" not in t.page.inner_text("#result-count")
        assert t.outside == [] and t.errors == []
    finally:
        t.close()


def test_bad_parameter_shows_message(tab: Tab) -> None:
    tab.run("project-initiatives", project="没有这个小区")
    assert "no project named" in tab.page.inner_text("#result-error")
    assert tab.page.locator("#result-table tbody tr").count() == 0


def test_sparql_editor_offline(browser: Any, site: str) -> None:
    t = Tab(browser, site)
    try:
        t.page.goto(site + "/sparql")
        t.page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
        t.page.locator(".yasqe_queryButton").click()
        t.page.wait_for_function("() => document.querySelector('.yasr') && "
                                 "document.querySelector('.yasr').innerText.includes('大华锦绣华城博雅园')",
                                 timeout=30_000)
        assert t.outside == [], t.outside
        assert t.dialogs == []
    finally:
        t.close()


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from meihao_kg.pipeline import build_kg

    tmp = tmp_path_factory.mktemp("inject")
    article = tmp / "inject.txt"
    article.write_text(
        f"辽 宁\n20\n{INJECTED_SOURCE}:<b>标语</b>\n概况及亮点\n"
        f"{INJECTED_SOURCE}小区位于沈阳市和平区,建筑面积5万平方米,开展垃圾分类。\n", encoding="utf-8")
    build_kg([article], store=tmp / "kg")
    yield from _serve(tmp / "kg")


def test_markup_in_names_is_shown_as_text(browser: Any, injected_site: str) -> None:
    t = Tab(browser, injected_site)
    try:
        t.page.goto(injected_site + "/")
        t.page.wait_for_function("() => window.mhReady === true", timeout=30_000)
        t.run("projects-in-place", place="沈阳")
        cells = t.page.locator("#result-table tbody td").all_inner_texts()
        assert INJECTED in cells
        t.page.locator("a.project-link", has_text="花园").first.click()
        t.page.wait_for_selector("#project-name")
        assert t.page.inner_text("#project-name") == INJECTED
        assert t.page.locator("main script").count() == 0
        assert t.page.evaluate("window.__alerts") == [] and t.dialogs == []
        assert t.outside == []
    finally:
        t.close()
