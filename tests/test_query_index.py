"""The query index (``id:graph/index``, graph/derived.py): kept equal, through incremental
builds, to the index computed from scratch over the store's facts; the queries that read
it give what the facts say; exports and validation never see it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from meihao_kg.graph.namespaces import GRAPH_INDEX
from meihao_kg.pipeline import build_kg
from meihao_kg.query.saved import find_query, run_query
from meihao_kg.store.local import open_store

HEAD = ("自“加强物业管理 共建美好家园”活动开展以来，全国积极参与，各省级住房城乡建设部门在每个开展活动的城市"
        "择优推荐美好家园项目至住房和城乡建设部，经过综合评定最终评选出100个“美好家园”项目。"
        "今天一起看看{prov}地区“美好家园”项目有哪些特色和亮点。\n{prov}\n")


def project(n: int, name: str, place: str, lines: list[str]) -> str:
    return (f"{n}\n{name}：和谐家园\n概况及亮点\n"
            f"{name}小区位于{place}，于2015年11月首次交付，总建筑面积43.8万平方米，共有住户3530户。"
            "小区由宁华物业管理有限公司提供物业服务。\n" + "\n".join(lines)
            + "\n通过一系列举措，小区物业费收缴率达到90.3%，业主满意度达到89.2%。\n")


ONE_ONE_ONE = "小区推行“1+1+1”联动机制，社区党组织、业主委员会和物业服务企业每月召开联席会议。"
RED = "小区推行“红色物业”，物业服务企业成立党支部，党员员工亮身份、作表率。"
WASTE = "小区推行垃圾分类，推行垃圾分类定时定点投放，设置智能分类回收箱。"

A_TEXT = HEAD.format(prov="辽宁") + project(1, "海景梅园雅居", "大连市甘井子区红旗街道", [ONE_ONE_ONE, WASTE]) \
    + project(2, "松秋金湾", "沈阳市和平区南湖街道", [ONE_ONE_ONE, RED])
B_TEXT = HEAD.format(prov="辽宁") + project(3, "嘉宁秋湾家园", "沈阳市和平区南湖街道", [RED, WASTE])
# B edited: its compound moves to Dalian and carries out 1+1+1 instead of waste sorting
B_EDITED = HEAD.format(prov="辽宁") + project(3, "嘉宁秋湾家园", "大连市甘井子区红旗街道", [RED, ONE_ONE_ONE])


def index_quads(root: Path) -> set[str]:
    import pyoxigraph

    with open_store(root) as st:
        return {str(q) for q in st.raw.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(str(GRAPH_INDEX)))}


def index_from_scratch(root: Path, tmp: Path) -> set[str]:
    """The index of every compound recomputed over a copy of the store's database."""
    import pyoxigraph

    from meihao_kg.graph.derived import index_compounds, rank_listings

    copy = tmp / "scratch"
    shutil.copytree((root / "current").resolve(), copy)
    store = pyoxigraph.Store(str(copy))
    index_compounds(store)
    rank_listings(store)
    store.flush()
    found = {str(q) for q in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(str(GRAPH_INDEX)))}
    del store
    shutil.rmtree(copy)
    return found


def assert_count_recorded(root: Path) -> None:
    """The quad count recorded with the database (kept up to date by incremental builds,
    index included) is the number of quads in it."""
    import pyoxigraph

    from meihao_kg.store.local import COUNT_FILE

    db = (root / "current").resolve()
    if (db / COUNT_FILE).exists():
        assert int((db / COUNT_FILE).read_text()) == len(pyoxigraph.Store.read_only(str(db)))


# what initiative-stats gave when it counted the projects itself: the counts the build
# writes into the index must be these
COUNTED = """SELECT ?initiative (COUNT(DISTINCT ?direct) AS ?projects) (COUNT(DISTINCT ?project) AS ?all) WHERE {
  { SELECT ?compound ?initiative ?stated WHERE {
    { GRAPH graph:index { ?compound idx:statedInitiative ?initiative } BIND(true AS ?stated) }
    UNION { GRAPH graph:index { ?compound idx:initiative ?initiative } }
  } }
  { SELECT ?project ?compound WHERE { GRAPH graph:asserted { ?project mh:compound ?compound } } }
  BIND(IF(BOUND(?stated), ?project, ?none) AS ?direct)
} GROUP BY ?initiative"""


def assert_counts_are_the_data(root: Path) -> None:
    """initiative-stats (counts the build keeps in the index) gives each initiative type
    with a label the numbers that counting the store's rows gives."""
    from meihao_kg.graph.namespaces import sparql

    with open_store(root) as st:
        stats = run_query(st, find_query("initiative-stats"))
        counted = {(s["initiative"].value, s["projects"].value, s["all"].value)
                   for s in st.raw.query(sparql(COUNTED))}
    got = {(r[0], r[3], r[4]) for r in stats.rows}
    assert got and got <= counted
    labelled = {r[0] for r in stats.rows}
    assert {c for c in counted if c[0] in labelled} == got


def names(root: Path, query: str, **params: str) -> set[str]:
    with open_store(root) as st:
        res = run_query(st, find_query(query), params)
    return {dict(zip(res.columns, r, strict=False))["name"] for r in res.rows}


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(A_TEXT, encoding="utf-8")
    (src / "b.txt").write_text(B_TEXT, encoding="utf-8")
    root = tmp_path / "kg"
    build_kg([src], store=root)
    return root, src


def test_a_fresh_build_indexes_every_compound(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = built
    got = index_quads(root)
    assert got == index_from_scratch(root, tmp_path)
    assert any("/index#within>" in q for q in got) and any("/index#city>" in q for q in got)
    assert names(root, "projects-by-initiative", initiative="1+1+1") == {"海景梅园雅居", "松秋金湾"}
    assert names(root, "projects-by-initiative", initiative="垃圾分类") == {"海景梅园雅居", "嘉宁秋湾家园"}
    assert names(root, "projects-in-place", place="沈阳") == {"松秋金湾", "嘉宁秋湾家园"}
    assert names(root, "projects-in-place", place="辽宁") == {"海景梅园雅居", "松秋金湾", "嘉宁秋湾家园"}
    assert_counts_are_the_data(root)


def test_a_changed_source_replaces_its_shortcuts(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, src = built
    (src / "b.txt").write_text(B_EDITED, encoding="utf-8")
    build_kg([src / "b.txt"], store=root)
    assert index_quads(root) == index_from_scratch(root, tmp_path)
    assert_count_recorded(root)
    # the shortcuts of the old text are gone, the new ones are there
    assert names(root, "projects-by-initiative", initiative="垃圾分类") == {"海景梅园雅居"}
    assert names(root, "projects-by-initiative", initiative="1+1+1") == {"海景梅园雅居", "松秋金湾", "嘉宁秋湾家园"}
    assert names(root, "projects-in-place", place="沈阳") == {"松秋金湾"}
    assert names(root, "projects-in-place", place="甘井子区") == {"海景梅园雅居", "嘉宁秋湾家园"}
    stats = {r[0].rsplit("/", 1)[-1]: r[3] for r in _rows(root, "initiative-stats")}
    assert stats["waste-sorting"] == "1"
    assert_counts_are_the_data(root)


def test_a_renamed_source_keeps_the_index_equal_to_a_fresh_one(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, src = built
    (src / "b.txt").rename(src / "c.txt")  # the old source is dropped, the new one built
    build_kg([src / "c.txt"], store=root)
    assert index_quads(root) == index_from_scratch(root, tmp_path)
    assert_count_recorded(root)
    assert names(root, "projects-in-place", place="沈阳") == {"松秋金湾", "嘉宁秋湾家园"}


@pytest.mark.parametrize("change", ["renamed project", "new source", "renamed file", "figure edited"])
def test_the_listing_order_follows_every_kind_of_change(built: tuple[Path, Path], tmp_path: Path,
                                                        change: str) -> None:
    """Incremental builds keep the listing order (ranks in the index) equal to one computed
    from scratch, whether or not a name changed; and the first page follows it."""
    root, src = built
    if change == "renamed project":  # 嘉宁 → 阿宁: another place by name; its owners' committee too
        (src / "b.txt").write_text(B_TEXT.replace("嘉宁秋湾家园", "阿宁秋湾家园"), encoding="utf-8")
        build_kg([src / "b.txt"], store=root)
    elif change == "new source":
        (src / "c.txt").write_text(HEAD.format(prov="辽宁") + project(4, "爱家新苑", "沈阳市和平区南湖街道", [RED]),
                                   encoding="utf-8")
        build_kg([src / "c.txt"], store=root)
    elif change == "renamed file":  # the old source dropped, the same text built as another
        (src / "b.txt").rename(src / "c.txt")
        build_kg([src / "c.txt"], store=root)
    else:
        (src / "b.txt").write_text(B_TEXT.replace("3530户", "3531户"), encoding="utf-8")
        build_kg([src / "b.txt"], store=root)
    assert index_quads(root) == index_from_scratch(root, tmp_path)
    assert any("/index#projectRank>" in q for q in index_quads(root))
    assert_counts_are_the_data(root)
    with open_store(root) as st:
        for query in ("project-dates", "organisations"):
            whole = run_query(st, find_query(query)).rows
            assert run_query(st, find_query(query), limit=2, offset=1).rows == whole[1:3]
    if change == "renamed project":
        listed = [r[1] for r in _rows(root, "project-dates")]
        assert "阿宁秋湾家园" in listed and "嘉宁秋湾家园" not in listed and listed == sorted(listed)


def test_the_index_is_neither_exported_nor_a_fact(built: tuple[Path, Path]) -> None:
    import io

    from meihao_kg.export.writers import store_dataset, write_rdf

    root, _ = built
    with open_store(root) as st:
        ds = store_dataset(st)
        assert str(GRAPH_INDEX) not in {str(g.identifier) for g in ds.graphs()}
        assert not any("/index#" in str(p) for _, p, _, _ in ds.quads((None, None, None, None)))
        for fmt in ("nquads", "trig", "turtle", "jsonld"):
            out = io.BytesIO()
            write_rdf(st, fmt, out)
            assert b"/index#" not in out.getvalue() and b"graph/index" not in out.getvalue(), fmt


def test_a_store_without_the_index_is_refused_by_the_queries_that_need_it(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    import pyoxigraph

    from meihao_kg.errors import QueryError

    root, _ = built
    old = tmp_path / "old"
    shutil.copytree(root, old, symlinks=True)
    db = (old / "current").resolve()
    store = pyoxigraph.Store(str(db))
    store.remove_graph(pyoxigraph.NamedNode(str(GRAPH_INDEX)))
    store.flush()
    del store
    with pytest.raises(QueryError, match="build --force"):
        names(old, "projects-by-initiative", initiative="1+1+1")
    assert names(old, "indicators")  # the queries that do not read it still answer


def _rows(root: Path, query: str, **params: str) -> list[Any]:
    with open_store(root) as st:
        return list(run_query(st, find_query(query), params).rows)


def test_a_store_with_an_older_index_is_refused_then_indexed_whole(built: tuple[Path, Path], tmp_path: Path) -> None:
    """A store whose index lacks the parts a newer version adds (here the project counts
    and the version mark) is refused by the queries that read the index, with the hint to
    rebuild; its next build, even of one source, indexes every compound again."""
    import pyoxigraph

    from meihao_kg.errors import QueryError
    from meihao_kg.graph.namespaces import IDX

    root, src = built
    db = (root / "current").resolve()
    store = pyoxigraph.Store(str(db))
    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    for p in (IDX.projects, IDX.projectsWithNarrower, IDX.version):
        for q in list(store.quads_for_pattern(None, pyoxigraph.NamedNode(str(p)), None, index)):
            store.remove(q)
    store.flush()
    del store
    with pytest.raises(QueryError, match="build --force"):
        _rows(root, "initiative-stats")
    assert names(root, "indicators")  # the queries that do not read it still answer
    (src / "b.txt").write_text(B_TEXT.replace("3530户", "3531户"), encoding="utf-8")
    build_kg([src / "b.txt"], store=root)
    assert index_quads(root) == index_from_scratch(root, tmp_path)
    assert_counts_are_the_data(root)
