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


def _plain_scan(extractions: list, known: list) -> list:
    """The resolution as first written: every project compared with every known one.
    The oracle for the indexed look-up (which must pick the same match)."""

    from meihao_kg.graph import crossref

    known = list(known)
    out = []
    for ex in extractions:
        picked = []
        for p in ex.projects:
            scope = crossref.project_scope(p)
            names = (p.name, *p.aliases)
            ident = crossref.identity_facts(p)
            match = None
            for k in known:
                if scope == "cn" or k.doc_id == ex.doc_id or not crossref._scopes_meet(k.scope, scope):
                    continue
                if not crossref._overlap(names, (k.name, *k.aliases)):
                    continue
                if crossref.identity_conflicts(ident, k.identity):
                    continue
                match = k
                break
            picked.append(None if match is None else (match.doc_id, match.slug))
            known.append(crossref.KnownProject(scope, p.slug, p.name, p.aliases, ex.doc_id, p.number, ident))
        out.append(picked)
    return out


def test_indexed_resolution_picks_what_a_plain_scan_picks(tmp_path: Path) -> None:
    """Names contained in others both ways, cities against their districts, the same name
    in other places: the indexed look-up matches exactly the projects a full scan matches."""
    import importlib.util
    import re

    from meihao_kg.extract.lexicon import load_lexicon
    from meihao_kg.extract.source import extract_any
    from meihao_kg.graph.crossref import resolve_projects
    from meihao_kg.text.normalise import normalise, read_source
    from meihao_kg.text.segment import segment

    spec = importlib.util.spec_from_file_location("synth", Path(__file__).parents[1] / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    files = synth.write_corpus(tmp_path / "c", 24, projects=4, seed=7)
    variants = []
    for i, f in enumerate(files[:12]):
        text = f.read_text(encoding="utf-8")
        if i % 3 == 0:  # the city before each heading: a longer name holding the known one
            text = re.sub(r"^(\D\S*?)：", r"新城\1：", text, flags=re.M)
        elif i % 3 == 1:  # only the city, not the district: a city meets its districts
            text = re.sub(r"位于(\S+?市)\S+?区", r"位于\1", text)
        else:  # the first character dropped: a shorter name inside the known one
            text = re.sub(r"^\D(\S*?)：", r"\1：", text, flags=re.M)
        v = tmp_path / "c" / f"variant-{i:02d}.txt"
        v.write_text(text, encoding="utf-8")
        variants.append(v)
    lexicon = load_lexicon()
    extractions = []
    for f in [*files, *variants]:
        src = read_source(f)
        norm = normalise(src)
        extractions.append(extract_any(src, norm, segment(norm), lexicon, None))
    expected = _plain_scan(extractions, [])
    resolved = resolve_projects(extractions, [])
    merged = [[(m.group(1) if (m := re.search(r"\[([^\]]+)\]", p.merge_reason or "")) else None)
               for p in ex.projects] for ex in resolved]
    assert [[m[0] if m else None for m in row] for row in expected] == merged
    assert sum(m is not None for row in expected for m in row) >= 12  # the variants merge
