"""Remote stores: ``push`` to a real Oxigraph server through the Graph Store Protocol, and
every reading command through ``--endpoint`` gives what the local store gives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from meihao_kg.query.saved import list_queries
from meihao_kg.store.remote import EndpointStore, inject_values
from sparql_servers import AuthProxy, basic, oxigraph_server

SEED_PROJECT = "大华锦绣华城博雅园"
PARAMS: dict[str, list[str]] = {
    "projects-by-initiative": ["initiative=1+1+1"],
    "projects-in-place": ["place=沈阳"],
    "project-initiatives": [f"project={SEED_PROJECT}"],
    "project-organisations": ["project=沿海鑒筑"],
    "indicators": [f"project={SEED_PROJECT}"],
    "project-dates": [],
    "organisations": ["type=party-branch"],
    "recognitions": ["place=大连"],
    "tallies": [],
}
EMPTY_ON_SEED = {"tallies"}  # the seed instalment counts no selection without names
SECOND = Path(__file__).parent / "articles" / "simplified-fullwidth" / "input.txt"


def _args(name: str) -> list[str]:
    out: list[str] = []
    for p in PARAMS.get(name, []):
        out += ["-p", p]
    return out


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory, seed_store_path: Path) -> Iterator[str]:
    """A real ``oxigraph serve`` holding the pushed seed store; yields its query endpoint."""
    from click.testing import CliRunner

    from meihao_kg.cli import cli

    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        r = CliRunner().invoke(cli, ["push", "--endpoint", f"{url}/query", "--store", str(seed_store_path)])
        assert r.exit_code == 0, r.output
        yield f"{url}/query"


def test_push_reports_graphs_counted_on_server(pushed: str, seed_store, seed_store_path: Path, run_cli) -> None:
    remote = EndpointStore(pushed)
    assert remote.union is False  # a plain `oxigraph serve`: each query names its dataset
    assert remote.graphs() == seed_store.graphs()
    assert len(remote) == len(seed_store)
    for g in seed_store.graphs():
        assert remote.count(g) > 0


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_saved_query_same_csv_through_endpoint(pushed: str, seed_store_path: Path, run_cli, name: str) -> None:
    local = run_cli("query", name, *_args(name), "--format", "csv", store=seed_store_path)
    remote = run_cli("query", name, *_args(name), "--format", "csv", "--endpoint", pushed)
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    assert remote.stdout == local.stdout
    assert local.stdout.count("\n") > 1 or name in EMPTY_ON_SEED  # a real answer, not two empty ones


def test_every_saved_query_is_exercised() -> None:
    assert {q.name for q in list_queries()} <= set(PARAMS) | {"initiative-stats"}


def test_endpoint_from_environment(pushed: str, seed_store_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT", pushed)
    r = run_cli("query", "projects-by-initiative", "-p", "initiative=1+1+1", "--format", "csv")
    assert r.exit_code == 0 and SEED_PROJECT in r.stdout


def test_info_explain_export_validate_viz_through_endpoint(pushed: str, seed_store_path: Path, run_cli,
                                                           tmp_path: Path) -> None:
    li = json.loads(run_cli("info", "--format", "json", store=seed_store_path).stdout)
    ri = json.loads(run_cli("info", "--format", "json", "--endpoint", pushed).stdout)
    assert ri.pop("store") == pushed
    li.pop("store")
    assert ri == li
    for args in (["explain", SEED_PROJECT], ["explain", "沿海鉴筑", "--fact", "收缴率"]):
        local, remote = run_cli(*args, store=seed_store_path), run_cli(*args, "--endpoint", pushed)
        assert remote.exit_code == 0 and remote.stdout == local.stdout and "1" in remote.stdout
    for fmt in ("nquads", "turtle"):
        local = run_cli("export", "--format", fmt, store=seed_store_path)
        remote = run_cli("export", "--format", fmt, "--endpoint", pushed)
        assert remote.stdout_bytes == local.stdout_bytes
    local, remote = run_cli("validate", store=seed_store_path), run_cli("validate", "--endpoint", pushed)
    assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout) == (0, local.stdout)
    run_cli("viz", "--out", str(tmp_path / "l.html"), "--focus", SEED_PROJECT, store=seed_store_path)
    r = run_cli("viz", "--out", str(tmp_path / "r.html"), "--focus", SEED_PROJECT, "--endpoint", pushed)
    assert r.exit_code == 0
    assert (tmp_path / "r.html").read_text() == (tmp_path / "l.html").read_text()


def test_unreachable_endpoint_one_line(run_cli) -> None:
    from sparql_servers import free_port

    r = run_cli("query", "initiative-stats", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert r.exit_code == 1
    assert "cannot connect" in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.output


def test_repush_of_one_source_replaces_exactly_its_graph(tmp_path: Path, store_copy: Path, run_cli) -> None:
    from meihao_kg.pipeline import build_kg

    second = tmp_path / "second.txt"
    second.write_text(SECOND.read_text(encoding="utf-8"), encoding="utf-8")
    build_kg([second], store=store_copy, validate=False)
    with oxigraph_server(tmp_path / "ox") as url:
        endpoint = f"{url}/query"
        assert run_cli("push", "--endpoint", endpoint, store=store_copy).exit_code == 0
        remote = EndpointStore(endpoint)
        before = {g: _graph(remote, g) for g in remote.graphs()}
        src = "https://w3id.org/meihao-kg/id/graph/source/second"
        assert src in before
        # change the second source: one figure differs
        text = second.read_text(encoding="utf-8")
        changed = text.replace("1", "7", 1)
        assert changed != text
        second.write_text(changed, encoding="utf-8")
        build_kg([second], store=store_copy, validate=False)
        r = run_cli("push", "--endpoint", endpoint, "--source", "second", store=store_copy)
        assert r.exit_code == 0, r.output
        assert r.stdout.count("\n") == 1 and src in r.stdout
        after = {g: _graph(remote, g) for g in remote.graphs()}
        assert set(after) == set(before)
        for g in before:
            if g != src:
                assert after[g] == before[g], g
        assert after[src] != before[src]
        from meihao_kg.store.local import open_store

        assert after[src] == _graph(open_store(store_copy), src)


def _graph(store, g: str) -> set[str]:
    return {str(t) for t in store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")}


@pytest.fixture()
def guarded(tmp_path: Path) -> Iterator[tuple[str, AuthProxy]]:
    with oxigraph_server(tmp_path / "ox") as url, AuthProxy(url, basic("kg", "s3cret")) as proxy:
        yield proxy.url, proxy


def test_wrong_password_exit_1_one_line(guarded, seed_store_path: Path, run_cli, monkeypatch) -> None:
    url, proxy = guarded
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT_USER", "kg")
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT_PASSWORD", "wrong")
    r = run_cli("push", "--endpoint", f"{url}/query", store=seed_store_path)
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "credentials refused" in r.stderr and "401" in r.stderr
    assert "wrong" not in r.output and "Traceback" not in r.output
    assert [s for _, _, s in proxy.seen] == [401]  # no retries on a refusal


def test_right_password_and_netrc(guarded, seed_store_path: Path, run_cli, monkeypatch, tmp_path: Path) -> None:
    url, _ = guarded
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT_USER", "kg")
    monkeypatch.setenv("MEIHAO_KG_ENDPOINT_PASSWORD", "s3cret")
    assert run_cli("push", "--endpoint", f"{url}/query", store=seed_store_path).exit_code == 0
    monkeypatch.delenv("MEIHAO_KG_ENDPOINT_USER")
    monkeypatch.delenv("MEIHAO_KG_ENDPOINT_PASSWORD")
    assert run_cli("info", "--endpoint", f"{url}/query").exit_code == 1
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login kg password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    r = run_cli("query", "projects-by-initiative", "-p", "initiative=1+1+1", "--endpoint", f"{url}/query")
    assert r.exit_code == 0 and SEED_PROJECT in r.stdout


def test_bearer_token_and_retries_on_503(tmp_path: Path, seed_store_path: Path, run_cli, monkeypatch) -> None:
    with oxigraph_server(tmp_path / "ox") as url, AuthProxy(url, "Bearer tok-1", fail_first=2) as proxy:
        monkeypatch.setenv("MEIHAO_KG_ENDPOINT_TOKEN", "tok-1")
        r = run_cli("push", "--endpoint", f"{proxy.url}/query", store=seed_store_path)
        assert r.exit_code == 0, r.output
        statuses = [s for _, _, s in proxy.seen]
        assert statuses[:3] == [503, 503, 204] or statuses[:3] == [503, 503, 201]


def test_server_that_refuses_writes(tmp_path: Path, store_copy: Path, run_cli) -> None:
    from sparql_servers import meihao_serve

    with meihao_serve(store_copy) as (url, _):
        r = run_cli("push", "--endpoint", f"{url}/query", store=store_copy)
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "403" in r.stderr and "read-only" in r.stderr


def test_graph_store_url_guesses() -> None:
    from meihao_kg.store.push import graph_store_url

    assert graph_store_url("http://h:7878/query") == "http://h:7878/store"
    assert graph_store_url("http://h:3030/kg/sparql") == "http://h:3030/kg/data"
    assert graph_store_url("http://h:7200/repositories/kg") == "http://h:7200/repositories/kg/rdf-graphs/service"
    assert graph_store_url("http://h/x", "http://h/gsp") == "http://h/gsp"


def test_binding_substitutes_in_where_and_keeps_the_variable() -> None:
    import pyoxigraph

    q = '# a { ?a comment\nPREFIX x: <http://e/#where>\nSELECT ?a WHERE { ?a x:p "}{ ?a" . FILTER(?a != <http://e/#>) } GROUP BY ?a'
    out = inject_values(q, {"a": pyoxigraph.Literal('x"}{')})
    assert out == ('# a { ?a comment\nPREFIX x: <http://e/#where>\nSELECT ?a WHERE { VALUES ?a { "x\\"}{" }  '
                   '"x\\"}{" x:p "}{ ?a" . FILTER("x\\"}{" != <http://e/#>) } GROUP BY ?a')
    c = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(c, {"s": pyoxigraph.NamedNode("http://e/s")}) == (
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <http://e/s> }  <http://e/s> ?p ?o }")
    # a sub-SELECT or an AS target: only the VALUES block
    sub = "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } } }"
    assert inject_values(sub, {"a": pyoxigraph.NamedNode("http://e/s")}).endswith("{ SELECT ?a WHERE { ?a ?p ?o } } }")
    # the answers are those of pyoxigraph's substitution
    st = pyoxigraph.Store()
    st.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), pyoxigraph.NamedNode("http://e/p"),
                           pyoxigraph.Literal("v")))
    for text in ("SELECT ?s ?o WHERE { ?s <http://e/p> ?o }", "SELECT ?s ?o WHERE { OPTIONAL { ?s <http://e/p> ?o } }",
                 "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s"):
        b = {"s": pyoxigraph.NamedNode("http://e/s")}
        want = [[str(x) for x in r] for r in st.query(text, substitutions={pyoxigraph.Variable(k): v for k, v in b.items()})]
        got = [[str(x) for x in r] for r in st.query(inject_values(text, b))]
        assert got == want


def test_no_graphs_is_a_clear_error(tmp_path: Path, run_cli) -> None:
    with oxigraph_server(tmp_path / "empty") as url:
        r = run_cli("info", "--endpoint", f"{url}/query")
    assert r.exit_code == 1 and "no named graphs" in r.stderr


@pytest.fixture(autouse=True)
def _no_user_netrc(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for v in ("MEIHAO_KG_ENDPOINT", "MEIHAO_KG_ENDPOINT_USER", "MEIHAO_KG_ENDPOINT_PASSWORD",
              "MEIHAO_KG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(v, raising=False)


