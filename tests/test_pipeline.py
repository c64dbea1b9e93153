"""The build job end to end: evidence offsets, several sources, rebuilds, bad input,
failed validation, exports, info/explain, discovered mechanisms and curation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from meihao_kg.errors import InputError, ValidationError
from meihao_kg.export.writers import export_rdf, store_info
from meihao_kg.pipeline import build_kg
from meihao_kg.query.saved import find_query, run_query
from meihao_kg.store.local import open_store

ID = "https://w3id.org/meihao-kg/id/"
SEED_GRAPH = ID + "graph/source/000_c1cc9ca213bfcef2"
JILIN_GRAPH = ID + "graph/source/jilin"
EVIDENCE_GRAPH = ID + "graph/evidence"
WANKE = ID + "project/220102/wan-ke-cheng"
PREFIXES = """
PREFIX mh: <https://w3id.org/meihao-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# A second article: plain Simplified Chinese, full-width punctuation, another province.
JILIN = """自“加强物业管理 共建美好家园”活动开展以来，各地积极参与。今天一起看看吉林地区“美好家园”项目有哪些特色和亮点。
吉 林
20
万科城：
共建共治 美好同行
概况及亮点
万科城小区位于长春市南关区，建筑面积12.5万平方米，共有2100户。小区建立“1+3+N”联动机制，由社区党委、业主委员会和物业服务企业共同推进小区治理。
万科城小区于2016年成立业主委员会，积极开展垃圾分类工作，物业费收缴率达到95%。
"""


def q(store, name: str, **params: str):
    return run_query(store, find_query(name), params)


def names(res) -> list[str]:
    return [r[1] for r in res.rows]


def graph_size(store, graph: str) -> int:
    r = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))
    return int(r["n"].value)


def copy_store(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def fingerprint(root: Path) -> tuple[int, list[str], tuple]:
    st = open_store(root)
    return len(st), st.graphs(), q(st, "projects-in-place", place="辽宁").rows


# --------------------------------------------------------------------------- evidence


def test_every_quote_is_the_raw_text_at_its_offsets(seed_store, seed_raw: str) -> None:
    rows = list(seed_store.query(PREFIXES + """
        SELECT ?span ?start ?end ?exact ?prefix ?suffix ?text WHERE {
          ?span oa:hasSelector ?pos , ?qs ; oa:hasSource ?doc .
          ?doc schema:text ?text .
          ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?qs a oa:TextQuoteSelector ; oa:exact ?exact .
          OPTIONAL { ?qs oa:prefix ?prefix } OPTIONAL { ?qs oa:suffix ?suffix }
        }"""))
    spans = {r["span"].value for r in rows}
    n_spans = int(next(iter(seed_store.query(
        PREFIXES + "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a mh:EvidenceSpan }")))["n"].value)
    assert len(spans) == n_spans > 100
    assert len(rows) == n_spans  # one position and one quote selector per span
    for r in rows:
        a, b = int(r["start"].value), int(r["end"].value)
        assert r["text"].value == seed_raw  # the source node keeps the raw text verbatim
        assert 0 <= a < b <= len(seed_raw)
        assert seed_raw[a:b] == r["exact"].value, r["span"].value
        assert seed_raw[max(0, a - 16):a] == r["prefix"].value
        assert seed_raw[b:b + 16] == r["suffix"].value


def test_damaged_spans_recorded(seed_store, seed_build) -> None:
    rows = seed_store.query(PREFIXES + """
        SELECT ?start ?end WHERE { ?doc mh:damagedRange ?sel . ?sel oa:start ?start ; oa:end ?end }
        ORDER BY ?start""")
    assert [(int(r["start"].value), int(r["end"].value)) for r in rows] == [
        (2639, 2646), (3022, 3032), (3746, 3751), (7600, 7609), (7654, 7658)]
    assert sum(w.code == "damaged-text" for w in seed_build.warnings) == 5
    assert seed_build.errors == () and seed_build.validation is not None
    assert seed_build.validation.conforms and not seed_build.kept_invalid


# --------------------------------------------------------------------------- two sources


@pytest.fixture(scope="module")
def two_sources(seed_store_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """The seed store plus the Jilin article, built into a copy (validated)."""
    base = tmp_path_factory.mktemp("two")
    root = copy_store(seed_store_path, base / "kg")
    article = base / "src" / "jilin.txt"
    article.parent.mkdir()
    article.write_text(JILIN, encoding="utf-8")
    report = build_kg([article], store=root)
    return root, article, report


def test_two_sources_merge(two_sources) -> None:
    root, article, report = two_sources
    assert report.errors == ()
    assert [(s.doc_id, s.projects) for s in report.sources] == [("jilin", 1)]
    st = open_store(root)
    assert SEED_GRAPH in st.graphs() and JILIN_GRAPH in st.graphs()
    info = store_info(st)
    assert [(doc, n) for doc, _, n in info.sources] == [("000_c1cc9ca213bfcef2", 5), ("jilin", 1)]
    assert info.projects == 6
    assert names(q(st, "projects-in-place", place="长春")) == ["万科城"]
    assert names(q(st, "projects-in-place", place="吉林省")) == ["万科城"]
    assert len(q(st, "projects-in-place", place="辽宁").rows) == 5
    assert names(q(st, "projects-by-initiative", initiative="垃圾分类")) == [
        "和平之门上和府", "银河城都荟", "大华锦绣华城博雅园", "沿海鉴筑", "万科城"]
    ind = {(r[2], r[3], r[5]) for r in q(st, "indicators", project="万科城").rows}
    assert ind == {("building-area", "125000", "eq"), ("households", "2100", "eq"),
                   ("fee-collection-rate", "95", "eq")}
    dates = [(r[2], r[3]) for r in q(st, "project-dates", project="万科城").rows]
    assert dates == [("owners-committee-founded", "2016")]
    # shared nodes (campaign, 住建部 ...) are one node, not two
    campaigns = st.query(PREFIXES + "SELECT DISTINCT ?c WHERE { ?c a mh:Campaign }")
    assert len(list(campaigns)) == 1


def test_discovered_formula_mechanism(two_sources) -> None:
    root, _, _ = two_sources
    st = open_store(root)
    res = q(st, "projects-by-initiative", initiative="1+3+N")
    assert res.rows == ((WANKE, "万科城", "20", "长春市"),)
    assert q(st, "projects-by-initiative", initiative="1+4+N").rows[0][1] == "大华锦绣华城博雅园"
    labels = {r[1] for r in q(st, "project-initiatives", project="万科城").rows}
    assert any(label.startswith("“1+3+N”联动") for label in labels), labels


def test_rebuild_replaces_one_source(two_sources, tmp_path: Path) -> None:
    src_root, article, _ = two_sources
    root = copy_store(src_root, tmp_path / "kg")
    before = open_store(root)
    seed_before = graph_size(before, SEED_GRAPH)
    jilin_before = graph_size(before, JILIN_GRAPH)
    n_ind = len(q(before, "indicators", project="万科城").rows)
    n_ini = len(q(before, "project-initiatives", project="万科城").rows)
    del before
    edited = tmp_path / "jilin.txt"  # same doc id; first the same text from a private path
    edited.write_text(JILIN, encoding="utf-8")
    moved = build_kg([edited], store=root)
    assert any("replaces source 'jilin'" in str(w) for w in moved.warnings), moved.warnings
    edited.write_text(JILIN.replace("达到95%", "达到97%"), encoding="utf-8")  # then edited in place
    report = build_kg([edited], store=root)
    assert report.errors == ()
    st = open_store(root)
    assert report.triples == len(st.raw)  # kept up to date through the retraction
    assert graph_size(st, SEED_GRAPH) == seed_before
    assert graph_size(st, JILIN_GRAPH) == pytest.approx(jilin_before, abs=4)
    assert graph_size(st, JILIN_GRAPH) < 1.5 * jilin_before
    rows = q(st, "indicators", project="万科城").rows
    assert len(rows) == n_ind
    assert [r[3] for r in rows if r[2] == "fee-collection-rate"] == ["97"]
    assert len(q(st, "project-initiatives", project="万科城").rows) == n_ini
    assert store_info(st).projects == 6
    assert len(q(st, "indicators", project="沿海鉴筑").rows) == 5


# --------------------------------------------------------------------------- bad input


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "logo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))
    noproj = tmp_path / "notes.txt"
    noproj.write_text("这是一段普通的文字，没有任何项目。\n第二段，也没有。\n", encoding="utf-8")
    return {"empty": empty, "binary": binary, "no projects": noproj, "missing": tmp_path / "gone.txt"}


@pytest.mark.parametrize("kind", ["empty", "binary", "no projects", "missing"])
def test_bad_input_cli(run_cli, two_sources, tmp_path: Path, kind: str) -> None:
    root, _, _ = two_sources
    before = fingerprint(root)
    path = _bad_inputs(tmp_path)[kind]
    r = run_cli("build", str(path), store=root)
    assert r.exit_code != 0
    assert "Traceback" not in r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith(("Error", "error"))]
    assert len(errors) == 1, r.stderr
    assert str(path) in errors[0]
    assert fingerprint(root) == before  # the previous store still answers, unchanged
    with pytest.raises(InputError, match=path.name):
        build_kg([path], store=root)


def test_partly_bad_input_builds_the_rest(run_cli, two_sources, tmp_path: Path) -> None:
    root, article, _ = two_sources
    work = copy_store(root, tmp_path / "kg")
    empty = _bad_inputs(tmp_path)["empty"]
    r = run_cli("build", str(article), str(empty), "--no-validate", "-q", store=work)
    assert r.exit_code == 1  # something could not be read
    assert "Traceback" not in r.output
    assert r.stderr.strip() == f"error: {empty}: file is empty"
    assert names(q(open_store(work), "projects-in-place", place="长春")) == ["万科城"]


def test_store_missing(run_cli, tmp_path: Path) -> None:
    r = run_cli("query", "initiative-stats", store=tmp_path / "nothing")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "no knowledge graph here yet" in r.stderr and r.stderr.count("\n") == 1


def test_failed_validation_keeps_previous_store(run_cli, two_sources, tmp_path: Path) -> None:
    root, _, _ = two_sources
    before = fingerprint(root)
    bad = tmp_path / "jilin-edit.txt"  # a percentage above 100 violates the shapes
    bad.write_text(JILIN.replace("达到95%", "达到120%"), encoding="utf-8")
    with pytest.raises(ValidationError) as ei:
        build_kg([bad], store=root)
    report = ei.value.report  # type: ignore[attr-defined]
    assert report is not None and not report.conforms
    assert fingerprint(root) == before
    st = open_store(root)
    assert [r[3] for r in q(st, "indicators", project="万科城", indicator="fee-collection-rate").rows] == ["95"]
    assert not [d for d in root.iterdir() if d.name.startswith("db-") and d.resolve() != (root / "current").resolve()]
    r = run_cli("build", str(bad), store=root)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "does not conform" in r.stderr and "120" in r.stderr
    assert fingerprint(root) == before


# --------------------------------------------------------------------------- export, info, explain


def test_export_turtle_deterministic_and_complete(run_cli, seed_store_path: Path, seed_store) -> None:
    a = run_cli("export", "--format", "turtle", store=seed_store_path)
    b = run_cli("export", "--format", "turtle", store=seed_store_path)
    assert a.exit_code == 0 and b.exit_code == 0
    assert a.stdout_bytes == b.stdout_bytes and len(a.stdout_bytes) > 10000
    g = Graph().parse(data=a.stdout_bytes.decode("utf-8"), format="turtle")
    assert len(g) == store_info(seed_store).triples  # all graphs, distinct triples


def test_export_formats_deterministic(seed_store) -> None:
    for fmt in ("nt", "nquads"):  # (trig and jsonld are slow to serialise; turtle is tested above)
        assert export_rdf(seed_store, fmt) == export_rdf(seed_store, fmt), fmt
    nt = export_rdf(seed_store, "nt", inferred=False, ontology=False)
    g = Graph().parse(data=nt.decode("utf-8"), format="nt")
    # what the source states, and its evidence spans (described once, in the evidence graph)
    assert len(g) == graph_size(seed_store, SEED_GRAPH) + graph_size(seed_store, EVIDENCE_GRAPH)


def test_streamed_exports_hold_the_store_graphs(seed_store) -> None:
    """N-Triples, N-Quads and Turtle are written from Oxigraph's dumps, without an rdflib copy
    of the store: the same triples (and quads) as the store's graphs read through rdflib."""
    from rdflib import Dataset

    from meihao_kg.export.writers import store_dataset, union_graph, view_graph

    reference = store_dataset(seed_store)
    expected = set(union_graph(reference))
    for fmt, rdf_format in (("nt", "nt"), ("turtle", "turtle")):
        got = Graph().parse(data=export_rdf(seed_store, fmt).decode("utf-8"), format=rdf_format)
        assert set(got) == expected, fmt
    quads = Dataset().parse(data=export_rdf(seed_store, "nquads").decode("utf-8"), format="nquads")
    assert set(quads.quads()) == set(reference.quads())
    # the view reads the asserted graph instead of the source graphs: the same union
    no_inferred = set(union_graph(store_dataset(seed_store, inferred=False)))
    assert set(view_graph(seed_store)) == no_inferred


def test_export_to_file(run_cli, seed_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    r = run_cli("export", "--format", "turtle", "--out", str(out), store=seed_store_path)
    assert r.exit_code == 0 and str(out) in r.stderr
    assert out.read_bytes() == run_cli("export", store=seed_store_path).stdout_bytes


def test_info(run_cli, seed_store_path: Path) -> None:
    r = run_cli("info", store=seed_store_path)
    assert r.exit_code == 0
    out = r.stdout
    assert "sources:  1" in out
    assert "000_c1cc9ca213bfcef2" in out and "(5 projects)" in out
    assert "projects: 5" in out
    for cls in ("mh:ShowcaseProject", "mh:IndicatorObservation", "mh:EvidenceSpan", "mh:DatedEvent"):
        assert cls in out
    j = run_cli("info", "--format", "json", store=seed_store_path)
    import json

    data = json.loads(j.stdout)
    assert data["projects"] == 5
    assert dict(map(tuple, data["classes"]))["mh:ShowcaseProject"] == 5
    assert dict(map(tuple, data["classes"]))["mh:IndicatorObservation"] == 23


def test_explain(run_cli, seed_store_path: Path, seed_raw: str) -> None:
    r = run_cli("explain", "沿海鉴筑", "--fact", "收缴率", store=seed_store_path)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "物业费收缴率 = 96.3" in out
    assert "物業(yè)費收繳率達到96.3%" in out  # the raw quote
    assert "物业费收缴率达到96.3%。" in out  # its (normalised) sentence
    assert "000_c1cc9ca213bfcef2 7097-7114" in out
    assert seed_raw[7097:7114] == "物業(yè)費收繳率達到96.3%"
    full = run_cli("explain", "沿海鑒筑小區", store=seed_store_path).stdout
    assert "建成交付 2011-10" in full and "吹哨报到" in full
    assert "2018" not in full  # 博雅园's owners' committee is not 沿海鉴筑's
    r = run_cli("explain", "没有这个小区", store=seed_store_path)
    assert r.exit_code == 1 and "no project named" in r.stderr and "Traceback" not in r.output


# --------------------------------------------------------------------------- curation


def test_curation_applied_on_every_rebuild(two_sources, tmp_path: Path, monkeypatch) -> None:
    root, _, _ = two_sources
    st = open_store(root)
    obs = {r["i"].value: r["obs"].value for r in st.query(PREFIXES + f"""
        SELECT ?obs ?i WHERE {{ ?obs a mh:IndicatorObservation ; schema:observationAbout ?c ;
                                     mh:indicator/skos:notation ?i .
                                <{WANKE}> mh:compound ?c . }}""")}
    del st
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "curation.toml").write_text(f"""
[[reject]]
node = "{obs['households']}"
reason = "counts flats, not households"

[[correct]]
node = "{obs['fee-collection-rate']}"
property = "schema:value"
value = "95.5"
reason = "the report gives 95.5"
""", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # data/curation.toml is read by default
    article = tmp_path / "jilin.txt"
    work = tmp_path / "kg"

    def check() -> None:
        s = open_store(work)
        ind = {r[2]: r[3] for r in q(s, "indicators", project="万科城").rows}
        assert ind == {"building-area": "125000", "fee-collection-rate": "95.5"}
        curated = [(r["n"].value, r["note"].value) for r in s.query(PREFIXES + """
            SELECT ?n ?note WHERE { ?n mh:curated true . OPTIONAL { ?n skos:editorialNote ?note } }""")]
        assert curated == [(obs["fee-collection-rate"], "the report gives 95.5")]

    article.write_text(JILIN, encoding="utf-8")
    build_kg([article], store=work, validate=False)
    check()
    # the source changes after the curated facts (their offsets stay): rebuilt, curated again
    article.write_text(JILIN + "小区还开展了义诊活动。\n", encoding="utf-8")
    build_kg([article], store=work, validate=False)
    check()
    assert "义诊" in {r[1] for r in q(open_store(work), "project-initiatives", project="万科城").rows}


def _graphs(root: Path) -> dict[str, set[str]]:
    """Every named graph of a store as a set of N-Triples lines (builtWith apart: it names
    the code, the same in both stores anyway)."""
    import pyoxigraph

    st = open_store(root)
    out: dict[str, set[str]] = {}
    for q in st.raw.quads_for_pattern(None, None, None, None):
        if not isinstance(q.graph_name, pyoxigraph.NamedNode):
            continue
        out.setdefault(q.graph_name.value, set()).add(str(q.triple))
    return out


def test_incremental_rebuild_gives_the_store_a_fresh_build_gives(tmp_path: Path) -> None:
    """A mirror of the seed shares every compound with it; editing the mirror and rebuilding
    it alone must leave exactly what a fresh build of the edited sources gives: the union
    of facts (a fact the mirror no longer states but the seed does stays), the inferences
    recomputed for the nodes the mirror touched, and every source graph."""
    seed = Path("data/raw/000_c1cc9ca213bfcef2.txt")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed, src / "seed.txt")
    mirror = src / "zz-mirror.txt"  # last in a fresh build too: merged into the seed's compounds
    text = seed.read_text(encoding="utf-8")
    mirror.write_text(text, encoding="utf-8")
    (src / "jilin.txt").write_text(JILIN, encoding="utf-8")
    inc = tmp_path / "inc"
    build_kg([src], store=inc)
    edited = text.replace("97.25%", "98.5%").replace("共961戶", "共962戶")
    assert edited != text
    mirror.write_text(edited, encoding="utf-8")
    report = build_kg([src], store=inc)
    assert [s.doc_id for s in report.sources] == ["zz-mirror"] and len(report.unchanged) == 2
    assert report.triples == len(open_store(inc).raw)  # the count kept up to date, not recounted
    fresh = tmp_path / "fresh"
    build_kg([src], store=fresh)
    a, b = _graphs(inc), _graphs(fresh)
    assert a.keys() == b.keys()
    for g in sorted(a):
        assert a[g] == b[g], (g, sorted(a[g] - b[g])[:5], sorted(b[g] - a[g])[:5])


def test_parallel_build_gives_the_store_a_single_process_build_gives(tmp_path: Path) -> None:
    """Built in two worker processes (the extractions read by the graph workers from their
    forked copy of the build, by batch index), the store holds exactly what one process
    builds: every graph, quad for quad, and the same report."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", Path(__file__).parents[1] / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    src = tmp_path / "src"
    synth.write_corpus(src, 23, projects=3, seed=11)  # batches of unequal sizes
    shutil.copy(Path("data/raw/000_c1cc9ca213bfcef2.txt"), src / "seed.txt")
    one = build_kg([src], store=tmp_path / "one", jobs=1)
    two = build_kg([src], store=tmp_path / "two", jobs=2)
    assert [s.doc_id for s in one.sources] == [s.doc_id for s in two.sources] and len(one.sources) == 24
    assert [(s.projects, s.triples) for s in one.sources] == [(s.projects, s.triples) for s in two.sources]
    assert one.triples == two.triples and one.validation is not None and two.validation is not None
    assert one.validation.conforms and two.validation.conforms
    a, b = _graphs(tmp_path / "one"), _graphs(tmp_path / "two")
    assert a.keys() == b.keys()
    for g in sorted(a):
        assert a[g] == b[g], (g, sorted(a[g] - b[g])[:5], sorted(b[g] - a[g])[:5])


def test_a_large_build_compacts_its_store_and_keeps_every_quad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that loads a lot merges the store's files before indexing it (as if every
    build were large here): the store holds the same quads as one built without the merge,
    it is read back, and an incremental build on it still works."""
    from meihao_kg.store import local

    seed = Path("data/raw/000_c1cc9ca213bfcef2.txt")
    plain = build_kg([seed], store=tmp_path / "plain")
    monkeypatch.setattr(local, "COMPACT_BYTES", 0)
    merged = build_kg([seed], store=tmp_path / "merged")
    assert merged.triples == plain.triples
    assert _graphs(tmp_path / "merged") == _graphs(tmp_path / "plain")
    (tmp_path / "jilin.txt").write_text(JILIN, encoding="utf-8")
    again = build_kg([seed, tmp_path / "jilin.txt"], store=tmp_path / "merged")
    assert [s.doc_id for s in again.sources] == ["jilin"] and again.triples == len(open_store(tmp_path / "merged").raw)


def test_evidence_spans_described_once_in_their_own_graph(two_sources) -> None:
    """A source graph holds what the source states and its ``mh:evidence`` links; each span
    and selector is described once, in the evidence graph (not again in the asserted union),
    and every link of every source graph finds its span there with a quote."""
    import pyoxigraph

    root, _, _ = two_sources
    raw = open_store(root).raw
    evidence_graph = pyoxigraph.NamedNode(EVIDENCE_GRAPH)
    exact = pyoxigraph.NamedNode("http://www.w3.org/ns/oa#exact")
    link = pyoxigraph.NamedNode("https://w3id.org/meihao-kg/ontology#evidence")
    selects = pyoxigraph.NamedNode("http://www.w3.org/ns/oa#hasSelector")
    quoted = {q.graph_name for q in raw.quads_for_pattern(None, exact, None, None)}
    assert quoted == {evidence_graph}
    spans = {q.subject for q in raw.quads_for_pattern(None, None, None, evidence_graph)}
    for graph in (SEED_GRAPH, JILIN_GRAPH):
        linked = {q.object for q in raw.quads_for_pattern(None, link, None, pyoxigraph.NamedNode(graph))}
        assert linked and linked <= spans
        doc = graph.rsplit("/", 1)[1]
        assert all(s.value.startswith(f"{ID}source/{doc}/char/") for s in linked)
        for span in linked:
            selectors = [q.object for q in raw.quads_for_pattern(span, selects, None, evidence_graph)]
            assert any(next(raw.quads_for_pattern(s, exact, None, evidence_graph), None) for s in selectors)
    # nothing but spans and their selectors in the evidence graph
    assert all("/char/" in s.value for s in spans)


def test_store_of_the_earlier_layout_is_refused_not_misread(store_copy: Path, tmp_path: Path) -> None:
    """A store built before the evidence graph (spans inside the source graphs and the union)
    would give rows without quotes: the queries that read quotes say so, and a build of some
    of its sources is refused, leaving the store as it was."""
    import pyoxigraph

    from meihao_kg.errors import QueryError

    root = store_copy
    db = (root / "current").resolve()
    raw = pyoxigraph.Store(str(db))
    evidence_graph = pyoxigraph.NamedNode(EVIDENCE_GRAPH)
    moved = [q.triple for q in raw.quads_for_pattern(None, None, None, evidence_graph)]
    for graph in (SEED_GRAPH, ID + "graph/asserted"):
        raw.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(graph)) for t in moved)
    raw.remove_graph(evidence_graph)
    del raw
    (db / "quads.count").unlink(missing_ok=True)
    st = open_store(root)
    with pytest.raises(QueryError, match="evidence graph") as err:
        run_query(st, find_query("indicators"), {"project": "沿海鉴筑"})
    assert "build --force" in (err.value.hint or "")
    assert run_query(st, find_query("projects-in-place"), {"place": "辽宁"}).rows  # no quotes: still answers
    st.close()
    article = tmp_path / "jilin.txt"
    article.write_text(JILIN, encoding="utf-8")
    before = sorted(p.name for p in root.iterdir())
    with pytest.raises(InputError, match="earlier version"):
        build_kg([article], store=root)
    assert sorted(p.name for p in root.iterdir()) == before
