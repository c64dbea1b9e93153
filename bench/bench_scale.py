"""Corpus-scale benchmark: builds, incremental rebuilds, overlapping sources and every saved
query, each against a baseline measured in the same run.

    python bench/bench_scale.py [--sizes 100,1000] [--overlap 20] [--runs 7] [--json FILE]

1. Build of N projects (synthetic instalments from ``bench/synth.py``, 5 projects each) as a
   whole ``meihao-kg build`` process: seconds, peak memory of the process, projects/s, CPU
   seconds / wall seconds (cores used).  Baseline: the same build with ``--jobs 1``.
2. Incremental: one source of the largest store edited, then ``meihao-kg build`` of the whole
   folder; baseline: ``--force`` (everything rebuilt).
3. Every saved query on the largest store, p50/p95 in process (open once, run ``--runs``
   times); baseline: plain rdflib on the exported Turtle (parsed once, same SPARQL).
4. Overlap: the seed saved ``--overlap`` times; every saved query's rows compared with a
   single copy's, and its p50 against the single copy's p50.
5. Export (Turtle) and view (HTML) of the largest store.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_c1cc9ca213bfcef2.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_corpus  # noqa: E402

PARAMS = {
    "projects-by-initiative": {"initiative": "1+1+1"},
    "projects-in-place": {"place": "沈阳"},
    "indicators": {"project": None},  # filled with a project of the store
    "project-dates": {"project": None},
    "project-organisations": {"project": None},
    "project-initiatives": {"project": None},
    "initiative-stats": {},
    "organisations": {},
}


def run_process(args: list[str]) -> dict[str, float]:
    """Run a command; wall seconds, CPU seconds and peak RSS (MiB) of the child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "meihao_kg", *args]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p * (len(values) - 1))))
    return values[k]


def query_times(store: Path, runs: int) -> dict[str, dict[str, object]]:
    from meihao_kg.query.saved import find_query, run_query
    from meihao_kg.store.local import open_store

    out: dict[str, dict[str, object]] = {}
    with open_store(store) as st:
        project = next(iter(st.query(
            "PREFIX mh: <https://w3id.org/meihao-kg/ontology#> PREFIX schema: <https://schema.org/> "
            "SELECT ?n WHERE { ?p a mh:ShowcaseProject ; schema:name ?n } ORDER BY ?n LIMIT 1")))["n"].value
        for name, params in PARAMS.items():
            values = {k: (v if v is not None else project) for k, v in params.items()}
            q = find_query(name)
            ts, rows = [], ()
            for _ in range(runs):
                t = time.perf_counter()
                rows = run_query(st, q, values).rows
                ts.append(time.perf_counter() - t)
            out[name] = {"p50_ms": statistics.median(ts) * 1000, "p95_ms": pct(ts, 0.95) * 1000,
                         "rows": rows, "params": values}
    return out


def rdflib_times(ttl: Path, queries: dict[str, dict[str, object]], runs: int) -> dict[str, float]:
    """The same saved queries on plain rdflib (the exported Turtle parsed once)."""
    import re

    from rdflib import Graph, Literal

    from meihao_kg.query.saved import bind, find_query
    from meihao_kg.store.local import open_store

    g = Graph()
    g.parse(ttl, format="turtle")
    out = {}
    for name, q_info in queries.items():
        q = find_query(name)
        text = re.sub(r"^FROM .*$", "", q.text, flags=re.M)  # one merged graph here
        text = text.replace("GRAPH <https://w3id.org/meihao-kg/id/graph/asserted>", "")
        with open_store(STORE_FOR_BIND) as st:
            bound = bind(st, q, q_info["params"])  # type: ignore[arg-type]
        init = {}
        for k, v in bound.items():
            v = v[0] if isinstance(v, list) else v
            init[k] = Literal(v.value) if type(v).__name__ == "Literal" else __import__("rdflib").URIRef(v.value)
        ts = []
        try:
            for _ in range(max(1, runs // 3)):
                t = time.perf_counter()
                list(g.query(text, initBindings=init))
                ts.append(time.perf_counter() - t)
        except Exception as exc:  # rdflib's engine fails on some aggregates
            print(f"  (rdflib cannot run {name}: {type(exc).__name__})")
            continue
        out[name] = statistics.median(ts) * 1000
    return out


STORE_FOR_BIND = Path()


def main() -> None:
    global STORE_FOR_BIND
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000", help="project counts to build (5 per instalment)")
    ap.add_argument("--overlap", type=int, default=20)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline (slow at 10,000)")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    work = Path(tempfile.mkdtemp(prefix="meihao-bench-"))
    result: dict[str, object] = {"machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
                                            f"Python {platform.python_version()}"}
    try:
        print(f"# meihao-kg scale benchmark — {result['machine']}")
        seed_store = work / "seed"
        r = run_process(cli("build", str(SEED), "--store", str(seed_store), "-q"))
        print(f"seed build (whole process): {r['seconds']:.2f} s, peak {r['peak_mib']:.0f} MiB")
        result["seed_build"] = r

        builds = {}
        largest = None
        for n in [int(x) for x in a.sizes.split(",")]:
            corpus = work / f"corpus-{n}"
            files = write_corpus(corpus, max(1, n // 5))
            store = work / f"kg-{n}"
            r = run_process(cli("build", str(corpus), "--store", str(store), "-q"))
            base = run_process(cli("build", str(corpus), "--store", str(work / f"kg1-{n}"), "-q", "--jobs", "1"))
            shutil.rmtree(work / f"kg1-{n}", ignore_errors=True)
            r.update(projects=n, projects_per_s=n / r["seconds"], cores_used=r["cpu"] / r["seconds"],
                     one_job_seconds=base["seconds"])
            builds[n] = r
            print(f"build {n:>6} projects: {r['seconds']:7.1f} s  peak {r['peak_mib']:6.0f} MiB  "
                  f"{r['projects_per_s']:6.1f} projects/s  cores {r['cores_used']:.2f}  "
                  f"(--jobs 1: {base['seconds']:.1f} s, ratio {base['seconds'] / r['seconds']:.2f}x)")
            largest = (n, corpus, files, store)
        result["builds"] = builds
        assert largest is not None
        n, corpus, files, store = largest

        # incremental: edit one source, rebuild the folder
        text = files[len(files) // 2].read_text(encoding="utf-8")
        files[len(files) // 2].write_text(text.replace("业主满意度达到", "业主满意度提升到"), encoding="utf-8")
        inc = run_process(cli("build", str(corpus), "--store", str(store), "-q"))
        full = run_process(cli("build", str(corpus), "--store", str(store), "-q", "--force"))
        print(f"rebuild 1 changed source of {len(files)}: {inc['seconds']:.2f} s "
              f"(everything, --force: {full['seconds']:.1f} s, ratio {full['seconds'] / inc['seconds']:.0f}x)")
        result["incremental"] = {"seconds": inc["seconds"], "force_seconds": full["seconds"], "sources": len(files)}

        # queries vs rdflib
        STORE_FOR_BIND = store
        qt = query_times(store, a.runs)
        ttl = work / "kg.ttl"
        ex = run_process(cli("export", "--format", "turtle", "--out", str(ttl), "--store", str(store)))
        viz = run_process(cli("viz", "--out", str(work / "kg.html"), "--store", str(store)))
        rd = {} if a.no_rdflib else rdflib_times(ttl, qt, a.runs)
        print(f"saved queries on {n} projects (p50 / p95, in process; rdflib on the exported Turtle):")
        for name, info in qt.items():
            base = rd.get(name)
            ratio = f"{base / info['p50_ms']:8.0f}x" if base else "       -"
            print(f"  {name:24s} {info['p50_ms']:8.1f} / {info['p95_ms']:8.1f} ms  "
                  f"rdflib {base if base else float('nan'):9.1f} ms  {ratio}  ({len(info['rows'])} rows)")
        result["queries"] = {k: {"p50_ms": v["p50_ms"], "p95_ms": v["p95_ms"], "rdflib_ms": rd.get(k)}
                             for k, v in qt.items()}
        print(f"export turtle: {ex['seconds']:.1f} s, peak {ex['peak_mib']:.0f} MiB; "
              f"viz: {viz['seconds']:.1f} s, peak {viz['peak_mib']:.0f} MiB")
        result["export"], result["viz"] = ex, viz

        # overlap: the seed ×K against one copy
        ov = work / "overlap"
        ov.mkdir()
        for i in range(a.overlap):
            shutil.copy(SEED, ov / f"copy-{i:02d}.txt")
        ov_store = work / "kg-overlap"
        ovb = run_process(cli("build", str(ov), "--store", str(ov_store), "-q"))
        one = query_times(seed_store, a.runs)
        many = query_times(ov_store, a.runs)
        print(f"overlap: the seed ×{a.overlap} (build {ovb['seconds']:.1f} s) against one copy:")
        same_all = True
        for name in PARAMS:
            same = one[name]["rows"] == many[name]["rows"]
            same_all &= same
            print(f"  {name:24s} {many[name]['p50_ms']:8.1f} ms vs {one[name]['p50_ms']:7.1f} ms  "
                  f"same rows: {'yes' if same else 'NO'}")
        result["overlap"] = {"copies": a.overlap, "same_rows": same_all,
                             "p50_ms": {k: many[k]["p50_ms"] for k in PARAMS}}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        a.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"peak memory of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
