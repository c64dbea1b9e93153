"""Nothing lost, nothing leaked: the store and the CLI under faults, concurrency and hostile input.

Builds here run as real processes (``python -m meihao_kg``) so that locks, kills and
concurrency are those of the operating system, not of one interpreter.  A build can be
stopped at a named point with ``$MEIHAO_KG_PAUSE_AT`` (see ``store.checkpoint``): it writes
its pid to ``$MEIHAO_KG_PAUSE_FILE`` and sleeps there, and the test kills it with SIGKILL.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from meihao_kg.errors import InputError, QueryError
from meihao_kg.pipeline import build_kg
from meihao_kg.query.saved import find_query, list_queries, run_query
from meihao_kg.store.local import open_store

LIAONING = """今天再看辽宁地区“美好家园”项目的新进展。
辽 宁
15
上和府:智慧物业再升级
概况及亮点
上和府小区位于沈阳市和平区,2023年增设电动汽车充电桩40个,业主满意度达到99%。
"""

JILIN = """今天一起看看吉林地区“美好家园”项目有哪些特色和亮点。
吉 林
20
万科城:红色物业引领小区治理
概况及亮点
万科城小区位于长春市朝阳区,建筑面积25万平方米,共有住户2100户。小区推行“1+1+1”联动机制,物业费收缴率达到95%。
"""

SAMPLE_PARAMS = {
    "projects-by-initiative": {"initiative": "1+1+1"},
    "projects-in-place": {"place": "辽宁"},
    "indicators": {"project": "沿海鉴筑"},
    "project-dates": {},
    "project-organisations": {"project": "沿海鉴筑"},
    "project-initiatives": {"project": "沿海鉴筑"},
    "initiative-stats": {},
    "organisations": {},
}


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meihao_kg", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=timeout)


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "meihao_kg", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def answers(root: Path) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every saved query's rows: what a reader of the store sees."""
    out = {}
    with open_store(root) as st:
        for q in list_queries():
            out[q.name] = run_query(st, q, SAMPLE_PARAMS.get(q.name, {})).rows
    return out


def nquads(root: Path) -> bytes:
    with open_store(root) as st:
        return b"\n".join(sorted(st.dump_nquads().splitlines()))


def leftovers(root: Path) -> list[str]:
    """Database folders and temporary links other than the current database."""
    current = (root / "current").resolve()
    return sorted(p.name for p in root.iterdir()
                  if (p.name.startswith("db-") and p.resolve() != current) or p.name.startswith(".current-"))


def wait_for(path: Path, proc: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"build ended before its pause point: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("build never reached its pause point")
        time.sleep(0.05)


@pytest.fixture()
def articles(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "src"
    folder.mkdir()
    out = {}
    for name, text in (("liaoning.txt", LIAONING), ("jilin.txt", JILIN)):
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    return out


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize("point", ["copied", "written", "swap", "swapped"])
def test_sigkill_during_build_keeps_previous_store(store_copy: Path, articles: dict[str, Path],
                                                   tmp_path: Path, point: str) -> None:
    before_rows = answers(store_copy)
    before_quads = nquads(store_copy)
    marker = tmp_path / "paused"
    proc = start("build", str(articles["jilin.txt"]), "--store", str(store_copy),
                 env={"MEIHAO_KG_PAUSE_AT": point, "MEIHAO_KG_PAUSE_FILE": str(marker)})
    wait_for(marker, proc)
    # a reader during the build sees the previous graph, complete
    if point != "swapped":
        assert answers(store_copy) == before_rows
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if point == "swapped":
        # the swap is done: the new graph is complete and answers; only the old folder is left
        with open_store(store_copy) as st:
            rows = run_query(st, find_query("projects-in-place"), {"place": "长春"}).rows
        assert [r[1] for r in rows] == ["万科城"]
    else:
        assert answers(store_copy) == before_rows
        assert nquads(store_copy) == before_quads
    # the next build succeeds, collects what the killed one left, and nothing is lost
    r = cli("build", str(articles["liaoning.txt"]), "--store", str(store_copy), "-q")
    assert r.returncode == 0, r.stderr
    assert leftovers(store_copy) == []
    after = answers(store_copy)
    assert after["indicators"] == before_rows["indicators"]  # the seed's facts are intact


def test_failed_build_leaves_no_orphan_and_identical_quads(store_copy: Path, tmp_path: Path) -> None:
    before = nquads(store_copy)
    bad = tmp_path / "bad.txt"  # a percentage above 100 violates the shapes
    bad.write_text(JILIN.replace("达到95%", "达到120%"), encoding="utf-8")
    r = cli("build", str(bad), "--store", str(store_copy))
    assert r.returncode == 1 and "does not conform" in r.stderr and "Traceback" not in r.stderr
    assert nquads(store_copy) == before
    assert leftovers(store_copy) == []


# --------------------------------------------------------------------------- concurrency


def test_two_builds_at_once_keep_both_sources(store_copy: Path, articles: dict[str, Path],
                                              tmp_path: Path) -> None:
    marker = tmp_path / "paused"
    first = start("build", str(articles["liaoning.txt"]), "--store", str(store_copy),
                  env={"MEIHAO_KG_PAUSE_AT": "copied", "MEIHAO_KG_PAUSE_FILE": str(marker),
                       "MEIHAO_KG_PAUSE_SECONDS": "300"})
    wait_for(marker, first)  # the first build holds the lock and is writing
    second = start("build", str(articles["jilin.txt"]), "--store", str(store_copy))
    assert second.stderr is not None
    line = second.stderr.readline()  # blocks until the second build reaches the lock
    assert f"waiting for the build of pid {first.pid}" in line, line
    marker.unlink()  # let the first build go on
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    with open_store(store_copy) as st:
        graphs = st.graphs()
    assert any(g.endswith("/source/liaoning") for g in graphs)
    assert any(g.endswith("/source/jilin") for g in graphs)
    assert any(g.endswith("/source/000_c1cc9ca213bfcef2") for g in graphs)
    assert leftovers(store_copy) == []


def test_no_wait_refuses_while_another_build_writes(store_copy: Path, articles: dict[str, Path],
                                                    tmp_path: Path) -> None:
    before = nquads(store_copy)
    marker = tmp_path / "paused"
    first = start("build", str(articles["liaoning.txt"]), "--store", str(store_copy),
                  env={"MEIHAO_KG_PAUSE_AT": "written", "MEIHAO_KG_PAUSE_FILE": str(marker),
                       "MEIHAO_KG_PAUSE_SECONDS": "300"})
    wait_for(marker, first)
    r = cli("build", str(articles["jilin.txt"]), "--store", str(store_copy), "--no-wait")
    assert r.returncode == 1
    assert f"another build (pid {first.pid}) is writing this store" in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    first.send_signal(signal.SIGKILL)  # and the first never finishes: nothing changed
    first.wait(timeout=30)
    assert nquads(store_copy) == before


def test_cycles_of_builds_and_queries(store_copy: Path, articles: dict[str, Path]) -> None:
    """Build/query cycles in one process, while another process queries the same store."""
    cycles = int(os.environ.get("MEIHAO_KG_STRESS_CYCLES", "12"))
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER_LOOP, str(store_copy), str(cycles * 4)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for i in range(cycles):
            name = "liaoning.txt" if i % 2 else "jilin.txt"
            build_kg([articles[name]], store=store_copy, validate=i % 4 == 0, force=True)
            with open_store(store_copy) as st:
                rows = run_query(st, find_query("projects-in-place"), {"place": "辽宁"}).rows
            assert len(rows) == 5
    finally:
        out, err = reader.communicate(timeout=300)
    assert reader.returncode == 0, err
    assert out.strip() == "ok"
    assert leftovers(store_copy) == []


_READER_LOOP = """
import sys
from meihao_kg.query.saved import find_query, run_query
from meihao_kg.store.local import open_store
root, n = sys.argv[1], int(sys.argv[2])
q = find_query("projects-in-place")
for _ in range(n):
    with open_store(root) as st:
        rows = run_query(st, q, {"place": "辽宁"}).rows
        assert len(rows) == 5, rows
print("ok")
"""


# --------------------------------------------------------------------------- source identity


def test_chinese_file_names_are_different_sources(store_copy: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "辽宁.txt", tmp_path / "吉林.txt"
    a.write_text(LIAONING, encoding="utf-8")
    b.write_text(JILIN, encoding="utf-8")
    one = build_kg([a], store=store_copy)
    two = build_kg([b], store=store_copy)
    ids = {one.sources[0].doc_id, two.sources[0].doc_id}
    assert len(ids) == 2 and all(i.isascii() for i in ids), ids
    assert one.sources[0].doc_id.startswith("liao-ning-")
    with open_store(store_copy) as st:
        graphs = st.graphs()
    assert all(any(g.endswith("/source/" + i) for g in graphs) for i in ids)
    # and both in one run
    fresh = tmp_path / "kg2"
    report = build_kg([a, b], store=fresh)
    assert len(report.sources) == 2 and report.validation.conforms


def test_same_name_in_two_folders_is_refused(store_copy: Path, tmp_path: Path) -> None:
    before = nquads(store_copy)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "index.txt", tmp_path / "b" / "index.txt"
    a.write_text(LIAONING, encoding="utf-8")
    b.write_text(JILIN, encoding="utf-8")
    with pytest.raises(InputError, match="would both be source 'index'"):
        build_kg([a, b], store=store_copy)
    r = cli("build", str(a), str(b), "--store", str(store_copy))
    assert r.returncode == 1 and "would both be source 'index'" in r.stderr and "Traceback" not in r.stderr
    assert nquads(store_copy) == before
    # one after the other: the second is a different file under a taken id while the first exists
    build_kg([a], store=store_copy)
    with pytest.raises(InputError, match="already taken in the store by"):
        build_kg([b], store=store_copy)


def test_rename_is_reported_and_replaces_the_old_source(store_copy: Path, tmp_path: Path) -> None:
    old = tmp_path / "draft.txt"
    old.write_text(JILIN, encoding="utf-8")
    build_kg([old], store=store_copy)
    new = tmp_path / "jilin-final.txt"
    old.rename(new)
    report = build_kg([new], store=store_copy)
    assert any(w.code == "renamed-source" and "'draft'" in str(w) for w in report.warnings), report.warnings
    with open_store(store_copy) as st:
        graphs = st.graphs()
        rows = run_query(st, find_query("projects-in-place"), {"place": "长春"}).rows
        assert report.triples == len(st.raw)  # the count kept up to date through the drop
    assert not any(g.endswith("/source/draft") for g in graphs)
    assert any(g.endswith("/source/jilin-final") for g in graphs)
    assert [r[1] for r in rows] == ["万科城"]


def test_copy_with_the_same_content_is_reported(store_copy: Path, tmp_path: Path) -> None:
    a = tmp_path / "jilin.txt"
    a.write_text(JILIN, encoding="utf-8")
    build_kg([a], store=store_copy)
    b = tmp_path / "jilin-mirror.txt"
    shutil.copy(a, b)
    report = build_kg([b], store=store_copy)
    assert any("same content as source 'jilin'" in str(w) for w in report.warnings), report.warnings


# --------------------------------------------------------------------------- hostile queries


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


def test_service_is_refused_and_no_request_leaves(seed_store_path: Path, tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        rq = tmp_path / "remote.rq"
        rq.write_text(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
        r = cli("query", str(rq), "--store", str(seed_store_path))
        assert r.returncode == 1
        assert "SERVICE would send a request to another server" in r.stderr
        assert r.stderr.count("\n") == 1
        assert _Recorder.hits == []
        # with --allow-service the request is made (and its failure reported in one line)
        r = cli("query", str(rq), "--store", str(seed_store_path), "--allow-service")
        assert _Recorder.hits, "the explicit opt-in should reach the server"
        assert "Traceback" not in r.stderr
    finally:
        server.shutdown()


@pytest.mark.parametrize("text, message", [
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "INSERT is an update"),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", "line 2: DELETE is an update"),
    ("DROP ALL", "DROP is an update"),
    ("LOAD <http://example.org/data.ttl>", "LOAD is an update"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT queries are not run"),
    ("SELECT * WHERE { ?s ?p ", "SPARQL syntax error"),
])
def test_updates_and_other_forms_are_refused(seed_store_path: Path, tmp_path: Path, text: str,
                                             message: str) -> None:
    before = nquads(seed_store_path)
    rq = tmp_path / "q.rq"
    rq.write_text(text + "\n", encoding="utf-8")
    r = cli("query", str(rq), "--store", str(seed_store_path))
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr
    assert nquads(seed_store_path) == before


def test_ask_is_answered(seed_store, tmp_path: Path) -> None:
    for body, answer in (("?p a mh:ShowcaseProject", "true"), ("?p a mh:NoSuchClass", "false")):
        rq = tmp_path / "ask.rq"
        rq.write_text(f"PREFIX mh: <https://w3id.org/meihao-kg/ontology#>\nASK {{ {body} }}\n",
                      encoding="utf-8")
        assert run_query(seed_store, find_query(str(rq))).rows == ((answer,),)


def test_keywords_inside_strings_iris_and_names_are_not_refused(seed_store, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text('PREFIX x: <http://example.org/delete/>\n# SERVICE and DROP in a comment\n'
                  'SELECT ?add WHERE { BIND("INSERT SERVICE" AS ?add) FILTER(?add != x:drop) }\n',
                  encoding="utf-8")
    assert run_query(seed_store, find_query(str(rq))).rows == (("INSERT SERVICE",),)


@pytest.mark.parametrize("args, message", [
    (["query", "indicators", "-p", "project=http://bad iri"], "not a valid IRI"),
    (["explain", "http://bad iri"], "not a valid IRI"),
    (["query", "projects-by-initiative", "-p", "initiative="], "empty value"),
    (["query", "projects-by-initiative", "-p", 'initiative=""'], "empty value"),
    (["query", "projects-by-initiative", "-p", "initiative=“”"], "empty value"),
    (["query", "projects-in-place", "-p", "place= "], "empty value"),
])
def test_bad_parameters_get_one_line(run_cli, seed_store_path: Path, args: list[str], message: str) -> None:
    r = run_cli(*args, store=seed_store_path)
    assert r.exit_code == 1, r.output
    assert message in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.output


def test_bad_parameter_raises_query_error(seed_store) -> None:
    with pytest.raises(QueryError, match="empty value"):
        run_query(seed_store, find_query("projects-by-initiative"), {"initiative": "''"})


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig", "nquads", "graphml", "gexf", "html"])
def test_outputs_are_byte_identical_across_processes(seed_store_path: Path, tmp_path: Path, fmt: str) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.{fmt}"
        args = ["viz", "--out", str(out)] if fmt == "html" else ["export", "--format", fmt, "--out", str(out)]
        r = cli(*args, "--store", str(seed_store_path), env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0]) > 1000


# --------------------------------------------------------------------------- the bad-input corpus

BAD = Path(__file__).resolve().parent / "bad_inputs"


def _cases() -> list[dict[str, object]]:
    import tomllib

    return tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]


def _materialise(case: dict[str, object], tmp_path: Path) -> Path:
    if "file" in case:
        return BAD / str(case["file"])
    kind = case["generated"]
    if kind == "missing":
        return tmp_path / "gone.txt"
    if kind == "empty-folder":
        (tmp_path / "empty-folder").mkdir()
        return tmp_path / "empty-folder"
    if kind == "too-large":  # the seed repeated past the size limit: refused before reading
        big = tmp_path / "huge.txt"
        with big.open("w", encoding="utf-8") as fh:
            while fh.tell() < (1 << 20) + 1:
                fh.write(LIAONING * 50)
        return big
    if kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads every file")
        p = tmp_path / "secret.txt"
        p.write_text(LIAONING, encoding="utf-8")
        p.chmod(0)
        return p
    raise AssertionError(kind)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: str(c.get("file") or c.get("generated")))
def test_bad_input_corpus(case: dict[str, object], seed_store_path: Path, tmp_path: Path) -> None:
    path = _materialise(case, tmp_path)
    before = nquads(seed_store_path)
    r = cli("build", str(path), "--store", str(seed_store_path))
    assert r.returncode == case["exit"], r.stderr
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0] and str(case["message"]) in lines[0], lines[0]
    assert nquads(seed_store_path) == before
    assert leftovers(seed_store_path) == []
