"""One compound named differently in different sources is one node (cross-source resolution)."""

from __future__ import annotations

from pathlib import Path

from meihao_kg.pipeline import build_kg
from meihao_kg.query.saved import find_query, run_query
from meihao_kg.store.local import open_store

ARTICLE = """今天再看辽宁地区“美好家园”项目的新进展。
辽 宁
{number}
上和府:智慧物业再升级
概况及亮点
上和府小区位于沈阳市和平区,2023年增设电动汽车充电桩40个,业主满意度达到99%。
"""


def _rows(store: Path, query: str, **params: str) -> list[tuple[str, ...]]:
    return list(run_query(open_store(store), find_query(query), params).rows)


def test_same_selection_in_another_source_is_one_project(store_copy: Path, tmp_path: Path) -> None:
    article = tmp_path / "later.txt"
    article.write_text(ARTICLE.format(number=15), encoding="utf-8")
    build_kg([article], store=store_copy)
    rows = _rows(store_copy, "projects-in-place", place="和平区")
    assert [r[1] for r in rows] == ["和平之门上和府"]
    # the later source's figure is about the same compound, found under either name
    for name in ("上和府", "和平之门上和府", "上和府小区"):
        sat = [r for r in _rows(store_copy, "indicators", project=name, indicator="owner-satisfaction")]
        assert [r[3] for r in sat] == ["99"], name
    assert "上和府:" not in "".join(r[6] for r in sat)


def test_another_selection_shares_the_compound(store_copy: Path, tmp_path: Path) -> None:
    article = tmp_path / "other-series.txt"
    article.write_text(ARTICLE.format(number=3), encoding="utf-8")
    build_kg([article], store=store_copy)
    rows = _rows(store_copy, "projects-in-place", place="和平区")
    assert sorted(r[1] for r in rows) == ["上和府", "和平之门上和府"]
    compounds = {r[0].split("/project/")[1].split("/")[0] for r in rows}
    assert compounds == {"210102"}
    a = {r[2]: r[3] for r in _rows(store_copy, "indicators", project="上和府")}
    b = {r[2]: r[3] for r in _rows(store_copy, "indicators", project="和平之门上和府")}
    assert a == b and a["building-area"] == "204873.76" and a["owner-satisfaction"] == "99"


LATER = """今天看看吉林地区。
吉林
{number}
{heading}:共治共享
概况及亮点
江城花园小区位于{place},共有住户{households}户。
"""


def _article(tmp_path: Path, name: str, **kw: object) -> Path:
    p = tmp_path / f"{name}.txt"
    p.write_text(LATER.format(**kw), encoding="utf-8")
    return p


def test_identity_is_name_and_place_and_conflicts_block_merges(tmp_path: Path, run_cli) -> None:
    store = tmp_path / "store"
    a = _article(tmp_path, "a", number=3, heading="吉林市江城花园", place="吉林市船营区", households=1200)
    b = _article(tmp_path, "b", number=3, heading="江城花园", place="吉林市船营区", households=800)
    c = _article(tmp_path, "c", number=3, heading="江城花园", place="吉林市丰满区", households=1200)
    d = _article(tmp_path, "d", number=3, heading="江城花园", place="吉林市船营区", households=1210)
    build_kg([a, b, c, d], store=store)
    rows = _rows(store, "projects-in-place", place="吉林市")
    projects = sorted({r[0] for r in rows})
    assert len(projects) == 3, projects  # a and d are one; b conflicts; c is elsewhere
    # the leading city is not part of the name; the long form is an alias
    assert {r[1] for r in rows} == {"江城花园"}
    r = run_cli("resolve", store=str(store))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "户数 households: 800 ≠ 1200" in out or "户数 households: 1200 ≠ 800" in out
    merges = out.split("cross-source merges")[1].split("conflicts")[0]
    assert "same county (220204)" in merges and "identity facts agree" in merges
    # the households of one compound never mix with the other's
    hh = sorted(r[3] for r in _rows(store, "indicators", indicator="households"))
    assert hh == ["1200", "1200", "1210", "800"]
