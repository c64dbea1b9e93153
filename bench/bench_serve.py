"""Serve/push benchmark on a large synthetic store, each figure against a baseline measured
in the same run.

    python bench/bench_serve.py [--sources 4] [--kb 100] [--repeat 10] [--dataset-repeat 3]

1. Saved queries through the endpoint (``meihao-kg serve``: the Oxigraph server behind the
   front, over HTTP, results parsed from SPARQL JSON) vs the same queries on the local
   pyoxigraph store: p50 and p95 per query, and the ratio of the p50s.
2. ``push`` of the whole store to a fresh ``oxigraph serve`` (one Graph Store Protocol PUT
   per named graph, then a count per graph), vs the baseline of bulk-loading the same
   N-Quads into a fresh in-process pyoxigraph store.
3. After a build swaps ``current``: the serve front *restarting* Oxigraph on the new
   database (until it answers) vs *reopening* the database read-only in-process with
   pyoxigraph (open + first query).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_pipeline import big_article  # noqa: E402

BUDGET_S = 60.0  # per query and mode: stop repeating after this (at least 3 runs)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def compare(local, remote, queries, params, repeat, how) -> None:  # type: ignore[no-untyped-def]
    from meihao_kg.query.saved import run_query
    from meihao_kg.store.remote import RemoteError

    print(f"\n1. saved queries, {repeat} runs each (ms); endpoint: {how}")
    print(f"   {'query':<24} {'rows':>6} {'local p50':>10} {'p95':>8} {'endpoint p50':>13} {'p95':>8} {'ratio':>6}")
    ratios = []
    for q in queries:
        vals = params.get(q.name, {})
        lt, rt = [], []
        n_local = len(run_query(local, q, vals).rows)
        t = time.perf_counter()
        try:
            n_remote = len(run_query(remote, q, vals).rows)  # warm-up, and the same answer
        except RemoteError as exc:
            print(f"   {q.name:<24} {n_local:>6}   endpoint failed after {time.perf_counter() - t:.0f} s: {exc}")
            continue
        assert n_local == n_remote, (q.name, n_local, n_remote)
        began = time.perf_counter()
        for i in range(repeat):
            if i >= 3 and time.perf_counter() - began > BUDGET_S:
                break  # a slow query: fewer runs (at least 3), the count is printed
            t = time.perf_counter()
            run_query(local, q, vals)
            lt.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            run_query(remote, q, vals)
            rt.append((time.perf_counter() - t) * 1000)
        ratio = statistics.median(rt) / statistics.median(lt)
        ratios.append(ratio)
        runs = "" if len(lt) == repeat else f"  ({len(lt)} runs)"
        print(f"   {q.name:<24} {n_local:>6} {pct(lt, 50):>10.1f} {pct(lt, 95):>8.1f} "
              f"{pct(rt, 50):>13.1f} {pct(rt, 95):>8.1f} {ratio:>5.1f}x{runs}")
    if ratios:
        print(f"   median ratio endpoint/local: {statistics.median(ratios):.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=4)
    ap.add_argument("--kb", type=int, default=100, help="size of each synthetic source")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--dataset-repeat", type=int, default=3,
                    help="runs per query with the dataset named in each request (slow on Oxigraph)")
    args = ap.parse_args()

    from meihao_kg.pipeline import build_kg
    from meihao_kg.serve.server import Server
    from meihao_kg.store.local import open_store
    from sparql_servers import free_port

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        raw = tmp / "raw"
        raw.mkdir()
        for i in range(args.sources):
            (raw / f"synthetic-{i:02d}.txt").write_text(big_article(args.kb * 1000), encoding="utf-8")
        store_dir = tmp / "kg"
        t = time.perf_counter()
        build_kg(sorted(raw.glob("*.txt")), store=store_dir, validate=False)
        t_build = time.perf_counter() - t
        local = open_store(store_dir)
        quads = len(local)
        project = next(iter(local.query(
            "SELECT ?p WHERE { ?p a <https://w3id.org/meihao-kg/ontology#ShowcaseProject> } LIMIT 1")))["p"].value
        params = {"projects-by-initiative": {"initiative": "垃圾分类"}, "projects-in-place": {"place": "沈阳"},
                  "project-initiatives": {"project": project}, "project-organisations": {"project": project},
                  "indicators": {"project": project}, "project-dates": {"project": project},
                  "organisations": {}, "initiative-stats": {}}
        print(f"store: {args.sources} sources x {args.kb} kB, {quads} quads in {len(local.graphs())} graphs "
              f"(build {t_build:.1f} s)")

        # 1. endpoint vs local
        server = Server(store_dir, bind=f"127.0.0.1:{free_port()}", poll=0.1, timeout_s=60)
        server.start()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            run(server, local, store_dir, raw, params, args)
        finally:
            server.shutdown()


def run(server, local, store_dir, raw, params, args) -> None:  # type: ignore[no-untyped-def]
    import pyoxigraph

    from meihao_kg.pipeline import build_kg
    from meihao_kg.query.saved import list_queries
    from meihao_kg.store.push import push_store
    from meihao_kg.store.remote import EndpointStore
    from sparql_servers import oxigraph_server

    tmp = store_dir.parent
    for union in (True, False):
        remote = EndpointStore(server.url + "query", timeout=75, union=union)
        how = ("default graph = server's union (MEIHAO_KG_ENDPOINT_UNION=1)" if union
               else "dataset named in each request (default)")
        compare(local, remote, list_queries(), params, args.repeat if union else args.dataset_repeat, how)

    # 2. push
    nq = local.dump_nquads()
    t = time.perf_counter()
    mem = pyoxigraph.Store()
    mem.bulk_load(nq, format=pyoxigraph.RdfFormat.N_QUADS)
    t_base = time.perf_counter() - t
    with oxigraph_server(tmp / "ox") as url:
        report = push_store(local, f"{url}/query")
    print(f"\n2. push {report.triples} triples in {len(report.graphs)} graphs: {report.seconds:.2f} s "
          f"({report.triples / report.seconds:,.0f} triples/s)")
    print(f"   baseline in-process bulk load of the same N-Quads: {t_base:.2f} s; ratio {report.seconds / t_base:.1f}x")

    # 3. restart vs reopen after a build swap
    extra = raw / "synthetic-extra.txt"
    extra.write_text(big_article(20_000), encoding="utf-8")
    build_kg([extra], store=store_dir, validate=False)
    deadline = time.monotonic() + 120
    while not server.swaps and time.monotonic() < deadline:
        time.sleep(0.05)
    t = time.perf_counter()
    st = pyoxigraph.Store.read_only(str((store_dir / "current").resolve()))
    assert bool(st.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))
    t_reopen = time.perf_counter() - t
    print(f"\n3. after a build swap: serve restarts Oxigraph in {server.swaps[0] * 1000:.0f} ms "
          f"(new process until it answers; the address stays up); in-process reopen "
          f"{t_reopen * 1000:.0f} ms; ratio {server.swaps[0] / t_reopen:.0f}x")


if __name__ == "__main__":
    main()
