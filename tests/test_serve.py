"""``meihao-kg serve``: the real Oxigraph server, read-only, on loopback, through the CLI."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from meihao_kg.query.saved import list_queries
from sparql_servers import free_port, meihao_serve

SEED_PROJECT = "大华锦绣华城博雅园"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _count(url: str) -> int:
    r = httpx.post(f"{url}/query", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def served(seed_store_path: Path):
    with meihao_serve(seed_store_path) as (url, proc):
        yield url, proc


def test_sparqlwrapper_reads_from_serve(served) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    url, _ = served
    sw = SPARQLWrapper(f"{url}/query")
    sw.setQuery("""PREFIX mh: <https://w3id.org/meihao-kg/ontology#>
                   PREFIX schema: <https://schema.org/>
                   SELECT ?name WHERE { ?p a mh:ShowcaseProject ; schema:name ?name } ORDER BY ?name""")
    sw.setReturnFormat(JSON)
    names = [b["name"]["value"] for b in sw.queryAndConvert()["results"]["bindings"]]  # type: ignore[index]
    assert SEED_PROJECT in names and len(names) == 5


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_saved_queries_same_csv_through_serve(served, seed_store_path: Path, run_cli, name: str) -> None:
    from test_remote import _args

    url, _ = served
    local = run_cli("query", name, *_args(name), "--format", "csv", store=seed_store_path)
    remote = run_cli("query", name, *_args(name), "--format", "csv", "--endpoint", f"{url}/query")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


def test_served_default_graph_is_not_the_union(served, monkeypatch) -> None:
    """The served default graph is not the union of every graph (which would repeat each
    fact once per source): saved queries name their dataset, plain queries get the asserted
    graph from the front."""
    from meihao_kg.store.remote import EndpointStore

    url, _ = served
    monkeypatch.delenv("MEIHAO_KG_ENDPOINT_UNION", raising=False)
    assert EndpointStore(f"{url}/query").union is False
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT_UNION", "1")
    assert EndpointStore(f"{url}/query").union is True


def test_updates_are_refused_and_change_nothing(served) -> None:
    url, _ = served
    before = _count(url)
    insert = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    r1 = httpx.post(f"{url}/update", data={"update": insert})
    r2 = httpx.post(f"{url}/query", data={"query": insert})
    r3 = httpx.put(f"{url}/store", params={"graph": "urn:x"}, content=b"<urn:a> <urn:b> <urn:c> .",
                   headers={"Content-Type": "application/n-triples"})
    r4 = httpx.post(f"{url}/update", content=insert.encode(), headers={"Content-Type": "application/sparql-update"})
    assert r1.status_code == 403 and r3.status_code == 403 and r4.status_code == 403
    assert r2.status_code == 400
    assert _count(url) == before > 0


def test_query_timeout(seed_store_path: Path, run_cli, tmp_path: Path) -> None:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with meihao_serve(seed_store_path, "--timeout", "1") as (url, _):
        rq = tmp_path / "heavy.rq"
        rq.write_text(heavy, encoding="utf-8")
        cli = run_cli("query", str(rq), "--endpoint", f"{url}/query")  # 503 from the front, not retried
        assert cli.exit_code == 1 and "HTTP 503" in cli.stderr and "query timeout" in cli.stderr
        assert cli.stderr.count("\n") == 1
        assert _count(url) > 0  # the server goes on answering


def test_binds_loopback_by_default(run_cli) -> None:
    from meihao_kg.serve.server import DEFAULT_BIND, Server, is_loopback

    assert DEFAULT_BIND == "127.0.0.1:7878"
    assert "[default: 127.0.0.1:7878]" in run_cli("serve", "--help").stdout
    assert Server(Path("x")).host == "127.0.0.1"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_ipv6_loopback(seed_store_path: Path) -> None:
    import socket

    from meihao_kg.serve.server import Server

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            port = s.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback here")
    server = Server(seed_store_path, bind=f"[::1]:{port}")
    server.start()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        assert server.url == f"http://[::1]:{port}/"
        assert _count(server.url.rstrip("/")) > 0
    finally:
        server.shutdown()


def test_non_loopback_bind_warns(seed_store_path: Path) -> None:
    import subprocess
    import sys

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "meihao_kg", "serve", "--store", str(seed_store_path),
                             "--bind", f"0.0.0.0:{port}"], stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()  # type: ignore[union-attr]
        assert first.startswith("warning: listening on 0.0.0.0, not loopback")
        assert proc.stderr.readline().startswith("serving ")  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_a_store_built_by_an_older_version_is_served_with_a_warning(store_copy: Path) -> None:
    """A store whose query index is older than the package's (here: its version mark and
    counts taken out) is served, with a warning naming what it lacks and how to rebuild; the
    local `query` refuses the same queries (tests/test_query_index.py)."""
    import subprocess
    import sys

    import pyoxigraph

    from meihao_kg.graph.namespaces import GRAPH_INDEX, IDX

    store = pyoxigraph.Store(str((store_copy / "current").resolve()))
    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    for q in list(store.quads_for_pattern(None, pyoxigraph.NamedNode(str(IDX.version)), None, index)):
        store.remove(q)
    store.flush()
    del store
    proc = subprocess.Popen([sys.executable, "-m", "meihao_kg", "serve", "--store", str(store_copy),
                             "--bind", f"127.0.0.1:{free_port()}"], stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()  # type: ignore[union-attr]
        assert first.startswith("warning: this store was built without its current query index")
        assert "meihao-kg build --force" in first
        assert proc.stderr.readline().startswith("serving ")  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_a_current_store_is_served_without_a_warning(seed_store_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "meihao_kg", "serve", "--store", str(seed_store_path),
                             "--bind", f"127.0.0.1:{free_port()}"], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr.readline().startswith("serving ")  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_port_taken_is_one_line(served, seed_store_path: Path, run_cli) -> None:
    url, _ = served
    r = run_cli("serve", "--bind", url.removeprefix("http://"), store=seed_store_path)
    assert r.exit_code == 1
    assert "already in use" in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.output


def test_missing_binary_is_one_line(seed_store_path: Path, run_cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEIHAO_KG_OXIGRAPH", str(tmp_path / "no-oxigraph"))
    r = run_cli("serve", "--bind", f"127.0.0.1:{free_port()}", store=seed_store_path)
    assert r.exit_code == 1 and "no such executable" in r.stderr and r.stderr.count("\n") == 1


def test_no_store_is_one_line(run_cli, tmp_path: Path) -> None:
    r = run_cli("serve", "--bind", f"127.0.0.1:{free_port()}", store=tmp_path / "none")
    assert r.exit_code == 1 and "no knowledge graph here yet" in r.stderr


def test_version_mismatch_refused(tmp_path: Path) -> None:
    from meihao_kg.serve.server import ServeError, check_versions

    fake = tmp_path / "oxigraph"
    fake.write_text("#!/bin/sh\necho oxigraph 0.4.11\n")
    fake.chmod(0o755)
    with pytest.raises(ServeError, match="storage formats may differ"):
        check_versions(str(fake))


def test_ctrl_c_during_start_stops_cleanly(seed_store_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "meihao_kg", "serve", "--store", str(seed_store_path),
                             "--bind", f"0.0.0.0:{free_port()}"], stderr=subprocess.PIPE, text=True)
    assert proc.stderr.readline().startswith("warning:")  # type: ignore[union-attr]  # start() is next
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    assert not any("oxigraph" in c for c in _children(proc.pid).values())


def test_ctrl_c_stops_server_and_oxigraph(store_copy: Path) -> None:
    with meihao_serve(store_copy) as (url, proc):
        children = _children(proc.pid)
        assert any("oxigraph" in c for c in children.values())
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert b"stopped" in proc.stderr.read()
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/query", params={"query": "ASK {}"})


def _children(pid: int) -> dict[int, str]:
    out = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out[int(p.name)] = (p / "cmdline").read_text().replace("\0", " ")
            except (OSError, IndexError, ValueError):
                pass
    return out


def test_build_while_serving_is_picked_up(store_copy: Path, tmp_path: Path) -> None:
    """A build swaps ``current``; the address keeps answering, then answers from the new store."""
    from meihao_kg.pipeline import build_kg
    from meihao_kg.serve.server import Server
    from test_remote import SECOND

    server = Server(store_copy, bind=f"127.0.0.1:{free_port()}", poll=0.1)
    server.start()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        url = server.url.rstrip("/")
        before = _count(url)
        second = tmp_path / "second.txt"
        second.write_text(SECOND.read_text(encoding="utf-8"), encoding="utf-8")
        failures: list[str] = []
        stop = threading.Event()

        def hammer() -> None:  # the endpoint must answer throughout the swap
            while not stop.is_set():
                try:
                    _count(url)
                except Exception as exc:  # noqa: BLE001
                    failures.append(repr(exc))

        h = threading.Thread(target=hammer)
        h.start()
        build_kg([second], store=store_copy, validate=False)
        deadline = time.monotonic() + 60
        while _count(url) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        h.join()
        assert _count(url) > before
        assert failures == []
        assert len(server.swaps) == 1
    finally:
        server.shutdown()


def test_served_endpoint_refuses_service(served) -> None:
    url, _ = served
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for r in (httpx.post(f"{url}/query", data={"query": q}),
              httpx.get(f"{url}/query", params={"query": q}),
              httpx.post(f"{url}/query", content=q.encode(), headers={"Content-Type": "application/sparql-query"})):
        assert r.status_code == 403 and "SERVICE is refused" in r.text


def test_saved_query_pages_through_serve(served, seed_store_path: Path, run_cli) -> None:
    """``/api/run/NAME?limit=&offset=`` gives that slice of the rows and whether more follow."""
    import csv
    import io

    url, _ = served
    local = run_cli("query", "organisations", "--format", "csv", store=seed_store_path)
    rows = list(csv.reader(io.StringIO(local.stdout)))[1:]
    assert len(rows) > 8
    page = httpx.get(f"{url}/api/run/organisations", params={"limit": "5", "offset": "3"}).json()
    assert page["rows"] == rows[3:8] and page["more"] is True and page["offset"] == 3
    last = httpx.get(f"{url}/api/run/organisations", params={"limit": "5", "offset": str(len(rows) - 2)}).json()
    assert last["rows"] == rows[-2:] and last["more"] is False
    everything = httpx.get(f"{url}/api/run/organisations").json()
    assert everything["rows"] == rows and everything["more"] is False
    bad = httpx.get(f"{url}/api/run/organisations", params={"limit": "-1"})
    assert bad.status_code == 400 and "row counts" in bad.json()["error"]
