"""Pages of saved queries (``run_query(limit=..., offset=...)``, ``query --limit/--offset``):
a page is exactly the slice of the whole sorted result, whether the store finds it through
the listing order of its index (``# page-by:``) or finds the whole result."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from meihao_kg.cli import cli
from meihao_kg.errors import QueryError
from meihao_kg.graph.namespaces import GRAPH_INDEX, IDX
from meihao_kg.pipeline import build_kg
from meihao_kg.query.saved import find_query, load_query, run_query
from meihao_kg.store.local import open_store

PAGED = [("indicators", {}), ("indicators", {"indicator": "households"}), ("project-dates", {}),
         ("organisations", {}), ("organisations", {"type": "property-service-unit"})]
WINDOWS = [(0, 1), (0, 10), (0, 100), (20, 30), (24, 3), (90, 45), (130, 200)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 60 projects, some with two names (two sources, one IRI)."""
    tmp = tmp_path_factory.mktemp("pages")
    spec = importlib.util.spec_from_file_location("synth", Path(__file__).parents[1] / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    files = synth.write_corpus(tmp / "c", 15, projects=4, seed=11)
    # names written with a homophone (苑 for 园): the same IRI (its pinyin), a second name
    same_sound = str.maketrans("嘉苑华金云兰泰", "佳园花今芸蓝太")
    for i, f in enumerate(files[:4]):
        text = f.read_text(encoding="utf-8")
        for name in re.findall(r"^(\D\S*?)：", text, flags=re.M):
            text = text.replace(name, name.translate(same_sound))
        (tmp / "c" / f"variant-{i}.txt").write_text(text, encoding="utf-8")
    root = tmp / "kg"
    build_kg([tmp / "c"], store=root)
    return root


def whole(root: Path, name: str, params: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    with open_store(root) as st:
        return run_query(st, find_query(name), params).rows


def page(root: Path, name: str, params: dict[str, str], offset: int, limit: int) -> Any:
    with open_store(root) as st:
        return run_query(st, find_query(name), params, limit=limit, offset=offset)


def test_the_store_has_projects_with_two_names(store: Path) -> None:
    rows = whole(store, "project-dates", {})
    names: dict[str, set[str]] = {}
    for project, name, *_ in rows:
        names.setdefault(project, set()).add(name)
    assert len(names) >= 50
    assert any(len(n) > 1 for n in names.values())  # what the listing order must rank twice


@pytest.mark.parametrize(("name", "params"), PAGED)
def test_every_page_is_the_slice_of_the_whole_result(store: Path, name: str, params: dict[str, str]) -> None:
    rows = whole(store, name, params)
    assert len(rows) > 25  # more than the first look of a page covers
    for offset, limit in [*WINDOWS, (len(rows) - 3, 10), (len(rows), 5), (len(rows) + 7, 5)]:
        got = page(store, name, params, offset, limit)
        assert got.rows == rows[offset:offset + limit], (offset, limit)
        assert got.more == (len(rows) > offset + limit), (offset, limit)


def test_a_page_of_one_project_is_its_rows(store: Path) -> None:
    project = whole(store, "project-dates", {})[7][0]
    rows = whole(store, "indicators", {"project": project})
    assert rows and page(store, "indicators", {"project": project}, 1, 2).rows == rows[1:3]


def _reorder_ranks(root: Path, copy: Path, reverse: bool) -> None:
    """A copy of ``root`` whose project listing order is reversed, or gone."""
    import pyoxigraph

    shutil.copytree((root / "current").resolve(), copy)
    st = pyoxigraph.Store(str(copy))
    predicate = pyoxigraph.NamedNode(str(IDX.projectRank))
    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    ranks = list(st.quads_for_pattern(None, predicate, None, index))
    for q in ranks:
        st.remove(q)
    if reverse:
        top = len(ranks) - 1
        st.extend(pyoxigraph.Quad(q.subject, predicate, pyoxigraph.Literal(str(top - int(q.object.value)),
                                                                          datatype=q.object.datatype), index)
                  for q in ranks)
    st.flush()
    del st


def test_pages_follow_the_listing_order_of_the_index(store: Path, tmp_path: Path) -> None:
    """The first page comes from the index's order, not from sorting the whole result: with
    the order reversed in a copy, the first page holds some of the last projects (those of
    the first ranks looked at, sorted)."""
    copy = tmp_path / "reversed" / "db"
    _reorder_ranks(store, copy, reverse=True)
    (tmp_path / "reversed" / "current").symlink_to(copy)
    rows = whole(store, "project-dates", {})
    first = page(tmp_path / "reversed", "project-dates", {}, 0, 3)
    assert first.rows != rows[:3]
    assert {r[0] for r in first.rows} <= {r[0] for r in rows[-25:]}


def test_a_store_without_a_listing_order_gives_the_same_pages(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "old" / "db"
    _reorder_ranks(store, copy, reverse=False)  # as a store built before the order existed
    (tmp_path / "old" / "current").symlink_to(copy)
    rows = whole(store, "indicators", {})
    for offset, limit in [(0, 10), (33, 40)]:
        assert page(tmp_path / "old", "indicators", {}, offset, limit).rows == rows[offset:offset + limit]


def test_a_page_by_header_must_match_the_order_by(tmp_path: Path) -> None:
    text = find_query("indicators").path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.rq"
    bad.write_text(text.replace("ORDER BY ?name ?project", "ORDER BY ?project ?name"), encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad\.rq.*page-by: project.*ORDER BY \?name \?project"):
        load_query(bad)
    bad.write_text(text.replace("# page-by: project", "# page-by: compound"), encoding="utf-8")
    with pytest.raises(QueryError, match="names no listing order"):
        load_query(bad)


def test_negative_limits_are_refused(store: Path) -> None:
    with open_store(store) as st, pytest.raises(QueryError, match="negative"):
        run_query(st, find_query("indicators"), {}, limit=-1)


def test_the_query_command_shows_a_page_and_says_how_to_see_more(store: Path) -> None:
    rows = whole(store, "indicators", {})
    runner = CliRunner()
    shown = runner.invoke(cli, ["query", "indicators", "--store", str(store), "--limit", "2", "--offset", "3"])
    assert shown.exit_code == 0, shown.output
    assert "--offset 5 for the next" in shown.stderr and "rows 4–5 shown" in shown.stderr
    every = runner.invoke(cli, ["query", "indicators", "--store", str(store), "--format", "csv"])
    assert every.exit_code == 0 and every.stdout.count("\n") == len(rows) + 1 and not every.stderr
    table = runner.invoke(cli, ["query", "indicators", "--store", str(store)])
    assert table.exit_code == 0 and "rows 1–100 shown" in table.stderr
    assert "--offset 100" in table.stderr
    assert "rows" not in runner.invoke(cli, ["query", "indicators", "--store", str(store), "--all"]).stderr
