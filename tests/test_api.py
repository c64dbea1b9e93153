"""The Python API (``meihao_kg.KG``) and the example notebook under docs/."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from meihao_kg import KG, Rows
from meihao_kg.api import IndicatorRow, InitiativeStatRow, ProjectRow
from meihao_kg.errors import QueryError, StoreError

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "docs" / "example.ipynb"


@pytest.fixture(scope="module")
def kg(seed_store_path: Path) -> KG:
    return KG.open(seed_store_path)


def test_typed_rows(kg: KG) -> None:
    rows = kg.projects_by_initiative("党建引领")
    assert isinstance(rows, Rows) and rows.columns == ("project", "name", "number", "city")
    assert all(isinstance(r, ProjectRow) for r in rows)
    assert [(r.number, r.name) for r in rows] == [(15, "和平之门上和府"), (16, "银河城都荟"),
                                                  (18, "沿海鉴筑"), (19, "金盛佳园首府")]
    fee = kg.indicators(project="沿海鑒筑", indicator="fee-collection-rate")
    assert fee[0] == IndicatorRow(fee[0].project, "沿海鉴筑", "fee-collection-rate", 96.3, "percent", "eq",
                                  "物業(yè)費收繳率達到96.3%")
    assert isinstance(kg.indicators()[0].value, float) and not math.isnan(kg.indicators()[0].value)
    stats = {r.label_zh: r for r in kg.initiative_stats()}
    assert isinstance(stats["党建引领"], InitiativeStatRow)
    assert (stats["党建引领"].projects, stats["党建引领"].projects_with_narrower) == (2, 4)
    assert len(kg.projects_in_place("沈阳")) == 2
    assert {r.type for r in kg.organisations(type="party-branch")} == {"party-branch"}
    assert kg.project_dates("沿海鉴筑")[0].date[:4].isdigit()
    assert any("党支部" in r.name for r in kg.project_organisations("沿海鉴筑"))
    assert kg.project_initiatives("沿海鉴筑")[0].label_en


def test_dicts_pandas_and_generic_query(kg: KG) -> None:
    pd = pytest.importorskip("pandas")
    df = kg.indicators(project="沿海鉴筑").to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["project", "name", "indicator", "value", "unit", "qualifier", "quote"]
    assert df.loc[df.indicator == "households", "value"].iloc[0] == 1548.0
    rows = kg.query("indicators", project="沿海鉴筑", indicator="households")
    assert rows.dicts()[0]["value"] == "1548"
    assert kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].isdigit()
    assert "<table>" in kg.initiative_stats()._repr_html_()


def test_a_page_of_a_result(kg: KG) -> None:
    every = kg.result("organisations")
    page = kg.result("organisations", limit=4, offset=2)
    assert page.rows == every.rows[2:6] and page.more and not every.more
    assert not kg.result("organisations", limit=4, offset=len(every.rows) - 4).more


def test_bad_values_raise_with_close_values(kg: KG) -> None:
    with pytest.raises(QueryError) as ei:
        kg.indicators(indicator="fee-rate")
    assert "fee-collection-rate" in (ei.value.hint or "")
    with pytest.raises(QueryError, match="no project named"):
        kg.indicators(project="不存在的小区")
    with pytest.raises(StoreError):
        KG.open(endpoint="http://localhost:7878/query")


def test_graph_networkx_and_view(kg: KG, tmp_path: Path) -> None:
    ds = kg.graph()
    assert len(ds) > 5000
    g = kg.networkx()
    assert any(d["cls"] == "project" for _, d in g.nodes(data=True))
    sim = kg.networkx("similarity")
    assert sim.number_of_nodes() == 5 and all("weight" in d for _, _, d in sim.edges(data=True))
    near = kg.networkx(focus="沿海鉴筑")
    assert near.number_of_nodes() < g.number_of_nodes()
    view = kg.view(focus="沿海鉴筑")
    assert view.nodes == near.number_of_nodes()
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "<script" not in shown  # escaped inside srcdoc
    out = view.save(tmp_path / "v.html")
    assert out.read_text(encoding="utf-8") == view.html


def test_kg_closes_its_store(seed_store_path: Path) -> None:
    with KG.open(seed_store_path) as kg:
        assert len(kg.initiative_stats()) > 10
    assert getattr(kg.store, "_lock_fd", None) is None  # the database folder is released


def test_signatures_are_typed() -> None:
    """No ``*args: Any -> Any``: every public method has annotated parameters and return."""
    import meihao_kg

    for fn in [*(getattr(KG, n) for n in dir(KG) if not n.startswith("_")),
               meihao_kg.build_kg, meihao_kg.open_store, meihao_kg.run_saved_query]:
        if not callable(fn):
            continue
        hints = dict(fn.__annotations__)  # strings (postponed evaluation)
        assert hints.get("return") not in (None, "Any"), fn
        params = [n for n in fn.__code__.co_varnames[: fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]
                  if n not in ("self", "cls")]
        assert all(n in hints and hints[n] != "Any" for n in params), fn
        code = fn.__code__
        assert not code.co_flags & 0x04, fn  # no *args


def test_example_notebook_runs(seed_store_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("MEIHAO_KG_STORE", str(seed_store_path))
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in outputs)
    assert "和平之门上和府" in text and "96.3" in text
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any(h.startswith("<iframe srcdoc=") for h in html)  # the view, inline
    assert list(tmp_path.iterdir()) == []  # the notebook wrote nothing
