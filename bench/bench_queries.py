"""Every saved query on a built store, p50/p95 in process, against plain rdflib on the same
graph — both measured in this run.

    python bench/bench_queries.py --store /tmp/kg10k [--runs 7] [--budget 60] [--no-rdflib]
        [--overlap-store /tmp/kg-seed-x20 --single-store /tmp/kg-seed] [--rows-out FILE]

``bench_scale.py`` calls the same functions on the stores it builds.  Cases: each saved
query with the parameters below (a project of the store where a project is asked for), the
queries with optional parameters both with and without them, and any other saved query that
needs no parameter (new ones are picked up).  Each case is timed whole: parameter
resolution, evaluation and the rows as Python strings (``queries.run_query``).  Listings
are timed twice: every row, and the first page ``meihao-kg query`` shows on a terminal
(``PAGE`` rows; found through the store's listing order where the query has one).  Last,
the time the store takes to hand over rows at all (one pattern, no join, no sorting: a
floor under any query returning as many rows).

The rdflib baseline parses the store's graph (the asserted facts with their evidence, the
inferences and the ontology: what ``meihao-kg export --format turtle`` writes, plus the query
index graph that some queries read) once, then
runs the same query text with the same bound terms (``FROM`` lines dropped: one graph).
Each rdflib run gets a time budget; a case over it is reported as ``> budget`` and its
ratio as ``> budget / p50``.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PAGE = 100  # rows of the first page of a listing (the table of ``meihao-kg query``)

# (case label, saved query, parameters); None stands for "a project of the store"
CASES: list[tuple[str, str, dict[str, str | None]]] = [
    ("projects-by-initiative", "projects-by-initiative", {"initiative": "1+1+1"}),
    ("projects-in-place", "projects-in-place", {"place": "沈阳"}),
    ("projects-in-place (province)", "projects-in-place", {"place": "辽宁"}),
    ("indicators (project)", "indicators", {"project": None}),
    ("indicators (all)", "indicators", {}),
    ("project-dates (project)", "project-dates", {"project": None}),
    ("project-dates (all)", "project-dates", {}),
    ("project-organisations", "project-organisations", {"project": None}),
    ("project-initiatives", "project-initiatives", {"project": None}),
    ("initiative-stats", "initiative-stats", {}),
    ("organisations", "organisations", {}),
]
# listings also timed for their first page
PAGED = ["indicators (all)", "project-dates (all)", "organisations"]


def cases() -> list[tuple[str, str, dict[str, str | None], int | None]]:
    """:data:`CASES` plus every other saved query that can run without parameters; and the
    first page of the :data:`PAGED` ones: (label, query, parameters, row limit)."""
    from meihao_kg.query.saved import list_queries

    out: list[tuple[str, str, dict[str, str | None], int | None]] = [(*c, None) for c in CASES]
    known = {name for _, name, _ in CASES}
    for q in list_queries():
        if q.name not in known and not any(p.required for p in q.params):
            out.append((q.name, q.name, {}, None))
    out += [(f"{label}, first {PAGE}", name, params, PAGE) for label, name, params in CASES if label in PAGED]
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p * (len(values) - 1))))
    return values[k]


def a_project(store: Any) -> str:
    """The name of one project of the store (the first by name)."""
    r = next(iter(store.query(
        "PREFIX mh: <https://w3id.org/meihao-kg/ontology#> PREFIX schema: <https://schema.org/> "
        "SELECT ?n WHERE { ?p a mh:ShowcaseProject ; schema:name ?n } ORDER BY ?n LIMIT 1")))
    return str(r["n"].value)


def query_times(store_path: Path, runs: int, queries_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Each case ``runs`` times on the store opened once, after one warm-up run: p50/p95 (ms),
    the rows, the values."""
    from meihao_kg.query.saved import load_query, run_query
    from meihao_kg.store.local import open_store

    out: dict[str, dict[str, Any]] = {}
    with open_store(store_path) as st:
        project = a_project(st)
        for label, name, params, limit in cases():
            path = (queries_dir or (ROOT / "queries")) / f"{name}.rq"
            if not path.exists():
                continue
            q = load_query(path)
            values = {k: (v if v is not None else project) for k, v in params.items()}
            rows = run_query(st, q, values, limit=limit).rows  # warm-up: the first run reads the files
            ts: list[float] = []
            for _ in range(runs):
                t = time.perf_counter()
                rows = run_query(st, q, values, limit=limit).rows
                ts.append(time.perf_counter() - t)
            out[label] = {"query": name, "p50_ms": statistics.median(ts) * 1000,
                          "p95_ms": pct(ts, 0.95) * 1000, "rows": rows, "params": values, "limit": limit}
    return out


# the rows the store hands over with no join and no sorting: a floor under any query that
# returns as many rows (every term of a row is read back from the database)
FLOOR = [
    ("indicator observations, 1 column", "SELECT ?o WHERE { GRAPH graph:asserted { ?o a mh:IndicatorObservation } }"),
    ("observations and values, 2 columns", "SELECT ?o ?v WHERE { GRAPH graph:asserted { ?o schema:value ?v } }"),
    ("projects, 1 column", "SELECT ?p WHERE { GRAPH graph:asserted { ?p mh:compound ?c } }"),
]


def floor_times(store_path: Path, runs: int) -> list[tuple[str, int, float]]:
    """:data:`FLOOR` on the store: (label, rows, p50 ms), each row's values read as strings."""
    from meihao_kg.graph.namespaces import sparql
    from meihao_kg.store.local import open_store

    out = []
    with open_store(store_path) as st:
        for label, body in FLOOR:
            text = sparql(body)
            n = sum(1 for _ in st.raw.query(text))  # warm-up
            ts = []
            for _ in range(runs):
                t = time.perf_counter()
                for sol in st.raw.query(text):
                    [term.value for term in sol]
                ts.append(time.perf_counter() - t)
            out.append((label, n, statistics.median(ts) * 1000))
    return out


def turtle_of_store(store_path: Path, out: Path) -> None:
    """The graph ``export --format turtle`` writes (source graphs, inferred, ontology merged;
    not the asserted union, which repeats the source graphs) and the query index graph the
    queries read, serialised by Oxigraph."""
    import pyoxigraph

    from meihao_kg.store.local import open_store

    with open_store(store_path) as st:
        graphs = [g for g in st.graphs() if not g.endswith("/id/graph/asserted")]
        triples = (q.triple for g in graphs
                   for q in st.raw.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(g)))
        with out.open("wb") as f:
            pyoxigraph.serialize(triples, f, format=pyoxigraph.RdfFormat.TURTLE)


class _OverBudgetError(Exception):
    pass


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise :class:`_OverBudgetError` in this (main) thread after ``seconds`` (rdflib is pure Python,
    so the signal interrupts it between bytecodes)."""
    def handler(signum: int, frame: Any) -> None:
        raise _OverBudgetError()

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def rdflib_times(ttl: Path, store_path: Path, timed: dict[str, dict[str, Any]], runs: int,
                 budget_s: float, queries_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Each case on plain rdflib (the Turtle parsed once, the same query text with the same
    terms bound as the store gets): ``{"ms": p50}`` or ``{"over": budget_s}``."""
    import re

    from rdflib import Graph

    from meihao_kg.query.saved import bind, load_query
    from meihao_kg.store.local import open_store
    from meihao_kg.store.remote import inject_values

    t = time.perf_counter()
    g = Graph()
    g.parse(ttl, format="turtle")
    parse_s = time.perf_counter() - t
    print(f"  rdflib: parsed {len(g)} triples in {parse_s:.1f} s")
    out: dict[str, dict[str, Any]] = {"_parse": {"seconds": parse_s, "triples": len(g)}}
    with open_store(store_path) as st:
        for label, info in timed.items():
            q = load_query((queries_dir or (ROOT / "queries")) / f"{info['query']}.rq")
            bound = bind(st, q, info["params"])
            text = re.sub(r"^FROM .*$", "", q.text, flags=re.M)  # one merged graph here
            text = re.sub(r"GRAPH <https://w3id.org/meihao-kg/id/graph/\w+>", "", text)
            text = inject_values(text, bound) if bound else text
            if info.get("limit") is not None:
                text += f"\nLIMIT {info['limit']}"  # rdflib still finds and sorts every row
            ts: list[float] = []
            try:
                for _ in range(max(1, runs // 3)):
                    t = time.perf_counter()
                    with budget(budget_s):
                        list(g.query(text))
                    ts.append(time.perf_counter() - t)
                    if ts[-1] > budget_s / 3:
                        break  # one slow run is enough for the ratio
            except _OverBudgetError:
                out[label] = {"over": budget_s}
                continue
            except Exception as exc:  # rdflib's engine fails on some aggregates
                out[label] = {"error": f"{type(exc).__name__}: {exc}"[:120]}
                continue
            out[label] = {"ms": statistics.median(ts) * 1000}
    return out


def ratio_text(ours_ms: float, base: dict[str, Any] | None) -> tuple[str, str]:
    """(rdflib time, ratio) as table cells."""
    if not base:
        return "-", "-"
    if "over" in base:
        return f"> {base['over']:.0f} s", f"> {base['over'] * 1000 / ours_ms:,.0f}×"
    if "error" in base:
        return "fails: " + str(base["error"]).split(":")[0], "-"
    return f"{base['ms']:,.0f} ms", f"{base['ms'] / ours_ms:,.0f}×"


def print_table(title: str, timed: dict[str, dict[str, Any]], base: dict[str, dict[str, Any]] | None) -> None:
    print(title)
    print(f"  {'query':28s} {'p50 ms':>9s} {'p95 ms':>9s} {'rows':>7s} {'rdflib':>11s} {'ratio':>9s}")
    print("  (rdflib: the same query on one merged graph; 'fails' names the exception rdflib raised)")
    for label, info in timed.items():
        rd, ratio = ratio_text(info["p50_ms"], (base or {}).get(label))
        print(f"  {label:28s} {info['p50_ms']:9.1f} {info['p95_ms']:9.1f} {len(info['rows']):7d} "
              f"{rd:>11s} {ratio:>9s}")


def compare_overlap(one: dict[str, dict[str, Any]], many: dict[str, dict[str, Any]], copies: int) -> bool:
    """Print the overlap store's times against one copy's; True if every case has the same rows."""
    same_all = True
    print(f"overlap: the seed ×{copies} against one copy (p50 / p95 ms, same rows):")
    for label in one:
        same = one[label]["rows"] == many[label]["rows"]
        same_all &= same
        print(f"  {label:28s} {many[label]['p50_ms']:8.1f} / {many[label]['p95_ms']:8.1f} "
              f"(one copy {one[label]['p50_ms']:6.1f})  same rows: {'yes' if same else 'NO'}")
    return same_all


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per rdflib query run")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--turtle", type=Path, default=None, help="reuse this Turtle for rdflib")
    ap.add_argument("--queries", type=Path, default=None, help="another folder of .rq files")
    ap.add_argument("--overlap-store", type=Path, default=None)
    ap.add_argument("--single-store", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--rows-out", type=Path, default=None, help="write every case's rows (JSON)")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    timed = query_times(a.store, a.runs, a.queries)
    base = None
    if not a.no_rdflib:
        ttl = a.turtle
        if ttl is None or not ttl.exists():
            ttl = ttl or Path(a.store) / "bench.ttl"
            t = time.perf_counter()
            turtle_of_store(a.store, ttl)
            print(f"  turtle for rdflib written in {time.perf_counter() - t:.1f} s: {ttl}")
        base = rdflib_times(ttl, a.store, timed, a.runs, a.budget, a.queries)
    print_table(f"saved queries on {a.store}:", timed, base)
    print("  rows the store hands over with no join and no sorting (a floor for as many rows):")
    for label, n, ms in floor_times(a.store, a.runs):
        print(f"  {label:40s} {ms:9.1f} ms {n:7d} rows")
    rows: dict[str, Any] = {"store": {k: v["rows"] for k, v in timed.items()}}
    if a.overlap_store and a.single_store:
        one = query_times(a.single_store, a.runs, a.queries)
        many = query_times(a.overlap_store, a.runs, a.queries)
        compare_overlap(one, many, a.copies)
        rows["single"] = {k: v["rows"] for k, v in one.items()}
        rows["overlap"] = {k: v["rows"] for k, v in many.items()}
    if a.rows_out:
        import json

        a.rows_out.write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
