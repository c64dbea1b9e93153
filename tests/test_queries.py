"""Saved queries (queries/*.rq): headers, parameters, expected rows on the seed, formats,
and parameter values that try to inject SPARQL."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from meihao_kg.errors import QueryError
from meihao_kg.query.saved import (
    PARAM_KINDS,
    display_width,
    find_query,
    format_result,
    list_queries,
    load_query,
    queries_dir,
    run_query,
)

ID = "https://w3id.org/meihao-kg/id/"
SHANGHEFU = ID + "project/210102/he-ping-zhi-men-shang-he-fu"
DUHUI = ID + "project/210114/yin-he-cheng-du-hui"
BOYAYUAN = ID + "project/210200/da-hua-jin-xiu-hua-cheng-bo-ya-yuan"
YANHAI = ID + "project/210211/yan-hai-jian-zhu"
JINSHENG = ID + "project/210522/jin-sheng-jia-yuan-shou-fu"

CONTRACT: dict[str, tuple[dict[str, tuple[str, bool]], tuple[str, ...]]] = {
    # name: ({param: (kind, required)}, columns)
    "projects-by-initiative": ({"initiative": ("initiative", True)}, ("project", "name", "number", "city")),
    "projects-in-place": ({"place": ("place", True)}, ("project", "name", "city", "district")),
    "indicators": (
        {"project": ("project", False), "indicator": ("literal", False)},
        ("project", "name", "indicator", "value", "unit", "qualifier", "quote"),
    ),
    "project-dates": ({"project": ("project", False)}, ("project", "name", "event", "date", "quote")),
    "project-organisations": ({"project": ("project", True)}, ("organisation", "name", "type", "quote")),
    "project-initiatives": ({"project": ("project", True)}, ("initiative", "label_zh", "label_en", "quote")),
    "initiative-stats": ({}, ("initiative", "label_zh", "label_en", "projects", "projects_with_narrower")),
    # added after the issue was written (not in its contract): its own header
    "organisations": ({"type": ("literal", False)}, ("organisation", "name", "type", "projects")),
    # issue 11: recognitions of compounds (news reports, lists, instalments) and tallies
    "recognitions": (
        {"level": ("text", False), "year": ("literal", False), "place": ("place", False)},
        ("compound", "name", "recognition", "level", "year", "body", "quote"),
    ),
    "tallies": ({"place": ("place", False), "scheme": ("text", False)},
                ("area", "count", "candidates", "scheme", "level", "year", "body", "quote")),
}

QUERY_FILES = sorted(queries_dir().glob("*.rq"))


def q(store, name: str, **params: str):
    return run_query(store, find_query(name), params)


def names(res) -> list[str]:
    return [r[res.columns.index("name")] for r in res.rows]


def col(res, column: str) -> list[str]:
    return [r[res.columns.index(column)] for r in res.rows]


# --------------------------------------------------------------------------- the files


def test_every_query_is_in_the_contract() -> None:
    assert {p.stem for p in QUERY_FILES} == set(CONTRACT)
    assert [x.name for x in list_queries()] == sorted(CONTRACT)


def _strip_filters(body: str) -> tuple[str, str]:
    """(body without FILTER(...) expressions, the FILTER expressions)."""
    out, filters, i = [], [], 0
    for m in re.finditer(r"FILTER\s*\(", body):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(body[j], 0)
            j += 1
        out.append(body[i:m.start()])
        filters.append(body[m.start():j])
        i = j
    out.append(body[i:])
    return "".join(out), "".join(filters)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_header_and_parameters(path: Path) -> None:
    sq = load_query(path)
    params, columns = CONTRACT[sq.name]
    assert sq.columns == columns
    assert sq.title_zh and sq.title_en and sq.title_zh != sq.title_en
    assert sq.description
    assert {p.name: (p.kind, p.required) for p in sq.params} == params
    for p in sq.params:
        assert p.kind in PARAM_KINDS
        assert p.help
    body = "\n".join(line for line in sq.text.splitlines() if not line.startswith("#"))
    select = re.search(r"SELECT(.*?)WHERE", body, re.S)
    assert select, "a SELECT query"
    projected = set(re.findall(r"\?(\w+)", select.group(1)))
    where = body[select.end():]
    # each declared parameter is used in the body (it is bound by a VALUES block there)
    for p in sq.params:
        assert re.search(rf"\?{p.name}\b", where), p.name
    # each result column is a projected variable
    assert set(columns) <= projected
    # every variable compared in a FILTER but bound nowhere else is a declared parameter
    rest, filters = _strip_filters(where)
    free = set(re.findall(r"\?(\w+)", filters)) - set(re.findall(r"\?(\w+)", rest))
    assert free == {p.name for p in sq.params if p.name in free}
    assert free <= {p.name for p in sq.params}


def test_bad_param_line_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "bad.rq"
    p.write_text("# title: x | x\n# param: who (person, required) nope\nSELECT ?who WHERE { ?who ?p ?o }\n",
                 encoding="utf-8")
    with pytest.raises(QueryError, match="bad.rq"):
        load_query(p)


def test_unknown_query_name() -> None:
    with pytest.raises(QueryError, match="no-such-query") as ei:
        find_query("no-such-query")
    assert "projects-by-initiative" in str(ei.value)


# --------------------------------------------------------------------------- projects-by-initiative


@pytest.mark.parametrize(
    ("initiative", "expected"),
    [
        ("1+1+1", ["大华锦绣华城博雅园"]),
        ("1+4+N", ["大华锦绣华城博雅园"]),
        ("1+4+n", ["大华锦绣华城博雅园"]),
        ("联席会议", ["沿海鉴筑"]),
        ("聯席會議", ["沿海鉴筑"]),
        ("吹哨报到", ["沿海鉴筑"]),
        ("维修资金", ["沿海鉴筑"]),
        ("义诊", ["金盛佳园首府"]),
        ("最后一公里", ["银河城都荟", "金盛佳园首府"]),
        ("垃圾分类", ["和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑"]),
        ("waste sorting", ["和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑"]),
        ("Waste Sorting", ["和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑"]),
    ],
)
def test_projects_by_initiative(seed_store, initiative: str, expected: list[str]) -> None:
    res = q(seed_store, "projects-by-initiative", initiative=initiative)
    assert res.columns == ("project", "name", "number", "city")
    assert names(res) == expected  # ordered by showcase number, no duplicates


def test_projects_by_initiative_row(seed_store) -> None:
    res = q(seed_store, "projects-by-initiative", initiative="1+1+1")
    assert res.rows == ((BOYAYUAN, "大华锦绣华城博雅园", "17", "大连市"),)
    res = q(seed_store, "projects-by-initiative", initiative="最后一公里")
    assert res.rows == ((DUHUI, "银河城都荟", "16", "沈阳市"), (JINSHENG, "金盛佳园首府", "19", "本溪市"))


def test_projects_by_initiative_unknown_initiative_is_an_error(seed_store) -> None:
    with pytest.raises(QueryError, match="no initiative matches 'no such initiative at all'"):
        q(seed_store, "projects-by-initiative", initiative="no such initiative at all")


def test_projects_by_initiative_needs_its_parameter(seed_store) -> None:
    with pytest.raises(QueryError, match="initiative"):
        q(seed_store, "projects-by-initiative")
    with pytest.raises(QueryError, match="no parameter 'place'"):
        q(seed_store, "projects-by-initiative", initiative="义诊", place="沈阳")


# --------------------------------------------------------------------------- projects-in-place


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("沈阳", ["和平之门上和府", "银河城都荟"]),
        ("沈阳市", ["和平之门上和府", "银河城都荟"]),
        ("瀋陽", ["和平之门上和府", "银河城都荟"]),
        ("辽宁", ["和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑", "金盛佳园首府"]),
        ("辽宁省", ["和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑", "金盛佳园首府"]),
        ("大连", ["大华锦绣华城博雅园", "沿海鉴筑"]),
        ("甘井子区", ["沿海鉴筑"]),
        ("桓仁", ["金盛佳园首府"]),
        ("北京", []),
    ],
)
def test_projects_in_place(seed_store, place: str, expected: list[str]) -> None:
    res = q(seed_store, "projects-in-place", place=place)
    assert res.columns == ("project", "name", "city", "district")
    assert names(res) == expected


def test_projects_in_place_rows(seed_store) -> None:
    res = q(seed_store, "projects-in-place", place="沈阳")
    assert res.rows == (
        (SHANGHEFU, "和平之门上和府", "沈阳市", "和平区"),
        (DUHUI, "银河城都荟", "沈阳市", "于洪区"),
    )
    res = q(seed_store, "projects-in-place", place="桓仁")
    assert res.rows == ((JINSHENG, "金盛佳园首府", "本溪市", "桓仁满族自治县"),)


# --------------------------------------------------------------------------- indicators

# (name, indicator, value, unit, qualifier) — the whole inventory of the seed.  The brief's
# list plus 都荟 coverage-rate 100 % ("100%覆蓋所有樓棟"), which the extractor also reads.
INDICATORS = {
    ("和平之门上和府", "land-area", "52391.15", "m2", "eq"),
    ("和平之门上和府", "building-area", "204873.76", "m2", "eq"),
    ("和平之门上和府", "fee-collection-rate", "99", "percent", "gt"),
    ("银河城都荟", "building-area", "250400", "m2", "eq"),
    ("银河城都荟", "fee-collection-rate", "97.25", "percent", "eq"),
    ("银河城都荟", "owner-satisfaction", "99.7", "percent", "eq"),
    ("银河城都荟", "commendations", "280", "count", "gt"),
    ("银河城都荟", "staff", "43", "count", "eq"),
    ("银河城都荟", "safety-incidents", "0", "count", "eq"),
    ("银河城都荟", "coverage-rate", "100", "percent", "eq"),
    ("大华锦绣华城博雅园", "building-area", "131300", "m2", "eq"),
    ("大华锦绣华城博雅园", "households", "961", "count", "eq"),
    ("大华锦绣华城博雅园", "fee-collection-rate", "99.5", "percent", "eq"),
    ("沿海鉴筑", "building-area", "170000", "m2", "eq"),
    ("沿海鉴筑", "households", "1548", "count", "eq"),
    ("沿海鉴筑", "investment", "570000", "CNY", "eq"),
    ("沿海鉴筑", "households-benefited", "600", "count", "gt"),
    ("沿海鉴筑", "fee-collection-rate", "96.3", "percent", "eq"),
    ("金盛佳园首府", "buildings", "23", "count", "eq"),
    ("金盛佳园首府", "households", "1147", "count", "eq"),
    ("金盛佳园首府", "service-area", "91738", "m2", "eq"),
    ("金盛佳园首府", "owner-satisfaction", "98", "percent", "eq"),
    ("金盛佳园首府", "satisfaction-rank", "1", "count", "eq"),
}


def _ind(res) -> list[tuple[str, ...]]:
    c = res.columns
    return [tuple(r[c.index(k)] for k in ("name", "indicator", "value", "unit", "qualifier")) for r in res.rows]


def test_indicator_inventory(seed_store, seed_raw: str) -> None:
    res = q(seed_store, "indicators")
    got = _ind(res)
    assert len(got) == len(set(got)), "no duplicate observations"
    assert set(got) == INDICATORS
    for quote in col(res, "quote"):
        assert quote and quote in seed_raw


def test_indicators_of_yanhai(seed_store, seed_raw: str) -> None:
    res = q(seed_store, "indicators", project="沿海鉴筑")
    assert set(col(res, "project")) == {YANHAI}
    rows = {r[2]: r for r in res.rows}
    assert rows["fee-collection-rate"][3:6] == ("96.3", "percent", "eq")
    assert rows["households"][3:6] == ("1548", "count", "eq")
    assert rows["building-area"][3:6] == ("170000", "m2", "eq")
    assert rows["fee-collection-rate"][6] == "物業(yè)費收繳率達到96.3%"
    assert "1548" in rows["households"][6]
    assert "17萬(wàn)平方米" in rows["building-area"][6]
    for r in res.rows:
        assert r[6] in seed_raw


@pytest.mark.parametrize("project", ["沿海鉴筑", "沿海鑒筑", "沿海鉴筑小区", "沿海鑒筑小區", YANHAI])
def test_project_parameter_forms(seed_store, project: str) -> None:
    res = q(seed_store, "indicators", project=project, indicator="households")
    assert res.rows == ((YANHAI, "沿海鉴筑", "households", "1548", "count", "eq", "總戶(hù)數1548戶"),)


def test_indicator_filter_only(seed_store) -> None:
    res = q(seed_store, "indicators", indicator="fee-collection-rate")
    assert sorted(zip(names(res), col(res, "value"), strict=False)) == sorted(
        [("和平之门上和府", "99"), ("银河城都荟", "97.25"), ("大华锦绣华城博雅园", "99.5"), ("沿海鉴筑", "96.3")]
    )


def test_unknown_project(seed_store) -> None:
    with pytest.raises(QueryError, match="no project named") as ei:
        q(seed_store, "indicators", project="不存在的小区")
    assert "沿海鉴筑" in str(ei.value)  # the known projects are listed


# --------------------------------------------------------------------------- project-dates

DATES = {
    ("和平之门上和府", "first-occupancy", "2019-11-25"),
    ("和平之门上和府", "final-occupancy", "2020-12-30"),
    ("沿海鉴筑", "completion", "2011-10"),
    ("沿海鉴筑", "party-branch-founded", "2015"),
    ("沿海鉴筑", "owners-committee-founded", "2019"),
    ("大华锦绣华城博雅园", "owners-committee-founded", "2018"),
    ("金盛佳园首府", "completion", "2018"),
    # not in the brief's list; "2021年開展“美好家園”創建行動以來" (都荟)
    ("银河城都荟", "campaign-joined", "2021"),
    # "2021年對車棚進行改造" (都荟): the shed renovation
    ("银河城都荟", "renovation-started", "2021"),
}


def test_project_dates(seed_store, seed_raw: str) -> None:
    res = q(seed_store, "project-dates")
    got = [(r[1], r[2], r[3]) for r in res.rows]
    assert len(got) == len(set(got))
    assert set(got) == DATES
    for quote in col(res, "quote"):
        assert quote in seed_raw
    res = q(seed_store, "project-dates", project="沿海鑒筑")
    assert [(r[2], r[3]) for r in res.rows] == [
        ("completion", "2011-10"), ("party-branch-founded", "2015"), ("owners-committee-founded", "2019")
    ]
    assert res.rows[0][4] == "大連市沿海鑒筑小區于2011年10月建成"


# --------------------------------------------------------------------------- organisations, initiatives, stats


def test_project_organisations(seed_store, seed_raw: str) -> None:
    res = q(seed_store, "project-organisations", project="沿海鉴筑")
    assert res.columns == ("organisation", "name", "type", "quote")
    by_type = {}
    for iri, name, typ, quote in res.rows:
        by_type.setdefault(typ, set()).add(name)
        assert quote in seed_raw
        assert iri.startswith(ID + "org/")
    assert by_type["owners-committee"] == {"沿海鉴筑业主委员会"}
    assert "沿海鉴筑党支部" in by_type["party-branch"]
    assert "中华路街道办事处" in by_type["subdistrict-office"]
    assert "新园社区居民委员会" in by_type["residents-committee"]
    assert by_type["property-service-unit"] == {"沿海鉴筑物业服务企业"}
    assert len(res.rows) == len({r[0] for r in res.rows})
    with pytest.raises(QueryError, match="project"):
        q(seed_store, "project-organisations")


def test_project_initiatives(seed_store, seed_raw: str) -> None:
    res = q(seed_store, "project-initiatives", project="沿海鉴筑")
    assert res.columns == ("initiative", "label_zh", "label_en", "quote")
    labels = col(res, "label_zh")
    for expected in ("联席会议制度", "吹哨报到", "维修资金使用", "垃圾分类", "网格化管理"):
        assert expected in labels
    assert "义诊" not in labels and "1+1+1联动体系" not in labels
    assert len(labels) == len(set(labels))
    for r in res.rows:
        assert r[0].startswith("https://w3id.org/meihao-kg/concept/initiative/")
        assert r[2] and r[3] in seed_raw
    row = res.rows[labels.index("吹哨报到")]
    assert row[2] == "“Streets blow the whistle, departments report for duty”" and "吹哨報到" in row[3]


def test_initiative_stats(seed_store) -> None:
    res = q(seed_store, "initiative-stats")
    assert res.columns == ("initiative", "label_zh", "label_en", "projects", "projects_with_narrower")
    stats = {r[1]: int(r[3]) for r in res.rows}
    rolled = {r[1]: int(r[4]) for r in res.rows}
    assert stats["垃圾分类"] == 3  # asserted type only (博雅园 has the narrower 分类垃圾桶配置)
    assert rolled["垃圾分类"] == 4
    assert stats["义诊"] == 1 and rolled["义诊"] == 1
    assert stats["吹哨报到"] == 1
    assert stats["最后一公里服务"] == 2
    counts = [int(r[3]) for r in res.rows]
    assert counts == sorted(counts, reverse=True)
    assert all(0 <= c <= 5 for c in counts)
    assert all(int(r[3]) <= int(r[4]) <= 5 for r in res.rows)
    # consistent with projects-by-initiative, for a leaf type and for a facet
    assert stats["联席会议制度"] == len(q(seed_store, "projects-by-initiative", initiative="联席会议").rows)
    for label in ("党建引领", "垃圾分类", "联席会议制度"):
        assert rolled[label] == len(q(seed_store, "projects-by-initiative", initiative=label).rows), label
    assert stats["党建引领"] < rolled["党建引领"]


def test_organisations(seed_store) -> None:
    res = q(seed_store, "organisations")
    assert res.columns == ("organisation", "name", "type", "projects")
    assert len(res.rows) == len({r[0] for r in res.rows})
    types = col(res, "type")
    assert types == sorted(types)
    res = q(seed_store, "organisations", type="owners-committee")
    assert [(r[1], r[3]) for r in res.rows] == [
        ("大华锦绣华城博雅园业主委员会", "大华锦绣华城博雅园"),
        ("沿海鉴筑业主委员会", "沿海鉴筑"),
        ("金盛佳园首府业主委员会", "金盛佳园首府"),
    ]
    media = {r[1] for r in q(seed_store, "organisations", type="media-outlet").rows}
    assert {"辽沈晚报", "中国新闻网"} <= media
    assert q(seed_store, "organisations", type='x" } DROP ALL {').rows == ()


# --------------------------------------------------------------------------- injection

INJECTIONS = [
    'x" } ; DROP ALL ; SELECT * WHERE { "',
    "x' } ; DROP ALL ; #",
    '"}} DROP GRAPH <https://w3id.org/meihao-kg/id/graph/ontology> {{"',
    "} ; DELETE WHERE { ?s ?p ?o } ; {",
    '沈阳"^^<http://www.w3.org/2001/XMLSchema#string> ) } UNION { ?where ?p ?o } #',
    "?initiative ; DROP ALL",
]


def _fingerprint(store) -> tuple[int, int, list[str]]:
    n = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value
    return len(store), int(n), store.graphs()


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_is_data(seed_store, value: str) -> None:
    before = _fingerprint(seed_store)
    with pytest.raises(QueryError, match="no initiative matches"):
        q(seed_store, "projects-by-initiative", initiative=value)
    assert q(seed_store, "projects-in-place", place=value).rows == ()
    assert q(seed_store, "indicators", indicator=value).rows == ()
    with pytest.raises(QueryError, match="no project named"):
        q(seed_store, "indicators", project=value)
    assert _fingerprint(seed_store) == before
    assert len(q(seed_store, "projects-in-place", place="辽宁").rows) == 5


@pytest.mark.parametrize("value", INJECTIONS[:3])
def test_injection_via_cli(run_cli, seed_store_path, seed_store, value: str) -> None:
    before = _fingerprint(seed_store)
    r = run_cli("query", "projects-by-initiative", "-p", f"initiative={value}", "--format", "csv",
                store=seed_store_path)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: no initiative matches") and r.stderr.count("\n") == 1
    r = run_cli("query", "project-dates", "-p", f"project={value}", store=seed_store_path)
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert r.stderr.startswith("Error: no project named") and r.stderr.count("\n") == 1
    assert _fingerprint(seed_store) == before


def test_iri_parameter_is_checked(seed_store, tmp_path: Path) -> None:
    p = tmp_path / "by-iri.rq"
    p.write_text(
        "# title: 按 IRI | By IRI\n# param: thing (iri, required) an IRI\n# columns: thing, name\n"
        "PREFIX schema: <https://schema.org/>\nSELECT ?thing ?name WHERE { ?thing schema:name ?name }\n",
        encoding="utf-8",
    )
    sq = find_query(str(p))
    assert run_query(seed_store, sq, {"thing": YANHAI}).rows == ((YANHAI, "沿海鉴筑"),)
    with pytest.raises(QueryError, match="not an IRI"):
        run_query(seed_store, sq, {"thing": "http://x> } DROP ALL { <y"})


# --------------------------------------------------------------------------- formats


def test_csv_is_plain(run_cli, seed_store_path) -> None:
    for name, params in (
        ("indicators", ()),
        ("project-dates", ()),
        ("initiative-stats", ()),
        ("project-initiatives", ("-p", "project=沿海鉴筑")),
        ("project-organisations", ("-p", "project=金盛佳园首府")),
        ("projects-in-place", ("-p", "place=辽宁")),
        ("projects-by-initiative", ("-p", "initiative=垃圾分类")),
    ):
        r = run_cli("query", name, *params, "--format", "csv", store=seed_store_path)
        assert r.exit_code == 0, r.output
        rows = list(csv.reader(io.StringIO(r.stdout)))
        assert tuple(rows[0]) == CONTRACT[name][1]
        assert len(rows) > 1
        for row in rows[1:]:
            assert len(row) == len(rows[0])
            for cell in row:
                # no N-Triples-style terms: "x"@zh, "1"^^xsd:decimal, <iri>
                assert not re.search(r'"@[A-Za-z]|@(zh|en)$|\^\^|^<.*>$', cell), (name, cell)
    r = run_cli("query", "indicators", "-p", "project=沿海鉴筑", "-p", "indicator=fee-collection-rate",
                "--format", "csv", store=seed_store_path)
    assert r.stdout.splitlines()[1] == f"{YANHAI},沿海鉴筑,fee-collection-rate,96.3,percent,eq,物業(yè)費收繳率達到96.3%"


def test_tsv(seed_store) -> None:
    out = format_result(q(seed_store, "projects-in-place", place="桓仁"), "tsv")
    assert out == "project\tname\tcity\tdistrict\n" + f"{JINSHENG}\t金盛佳园首府\t本溪市\t桓仁满族自治县\n"


def test_table_aligns_by_display_width(seed_store) -> None:
    res = q(seed_store, "indicators", project="沿海鉴筑")
    lines = format_result(res, "table").rstrip("\n").split("\n")
    header, sep, body, footer = lines[0], lines[1], lines[2:-1], lines[-1]
    assert footer == f"({len(res.rows)} rows)"
    assert set(sep) <= {"-", " "}
    starts = [m.start() for m in re.finditer(r"-+", sep)]
    assert len(starts) == len(res.columns)
    total = display_width(sep)
    for line, cells in [(header, res.columns), *zip(body, res.rows, strict=False)]:
        assert display_width(line) <= total
        for start, cell in zip(starts, cells, strict=False):
            w = 0
            idx = None
            for i, c in enumerate(line):
                if w == start:
                    idx = i
                    break
                w += display_width(c)
            assert idx is not None, (line, start)
            assert line[idx:].startswith(cell), (line, cell)
            assert idx == 0 or line[idx - 1] == " "
    # the widest row of the last column reaches the separator's full width
    assert max(display_width(x) for x in body) == total
    assert format_result(q(seed_store, "projects-in-place", place="北京"), "table").endswith("(0 rows)\n")


def test_json(run_cli, seed_store_path) -> None:
    r = run_cli("query", "project-dates", "-p", "project=和平之门上和府", "--format", "json",
                store=seed_store_path)
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert [list(d) for d in data] == [["project", "name", "event", "date", "quote"]] * 2
    assert [(d["event"], d["date"]) for d in data] == [("first-occupancy", "2019-11-25"),
                                                       ("final-occupancy", "2020-12-30")]
    assert data[0]["name"] == "和平之门上和府"


def test_query_list(run_cli, seed_store_path) -> None:
    r = run_cli("query", "--list", store=seed_store_path)
    assert r.exit_code == 0
    for name in CONTRACT:
        assert name in r.stdout
    assert "initiative=…" in r.stdout and "[project=…]" in r.stdout


@pytest.mark.parametrize("value", ["上和府", "沈阳·和平之门上和府小区", "和平之門上和府", "沈阳市沿海鉴筑", "都荟"])
def test_project_by_unique_part(seed_store, value: str) -> None:
    res = q(seed_store, "project-dates", project=value)
    assert len({r[0] for r in res.rows}) == 1


def test_ambiguous_project_lists_candidates(seed_store) -> None:
    with pytest.raises(QueryError, match="names several projects") as ei:
        q(seed_store, "project-dates", project="园")
    assert "大华锦绣华城博雅园" in str(ei.value) and "金盛佳园首府" in str(ei.value)
    assert "沿海鉴筑" not in str(ei.value)
