"""Corpus-scale benchmark: builds, incremental rebuilds, overlapping sources and every saved
query, each against a baseline measured in the same run.

    python bench/bench_scale.py [--sizes 100,1000] [--overlap 20] [--runs 7] [--json FILE]
        [--query-store DIR] [--budget 60] [--no-rdflib]

    # the issue's figures: 10,000 projects built once (a few minutes) and kept for re-runs
    python bench/synth.py /tmp/corpus10k --instalments 2000
    meihao-kg build /tmp/corpus10k --store /tmp/kg10k -q
    python bench/bench_scale.py --sizes 100 --query-store /tmp/kg10k

1. Build of N projects (synthetic instalments from ``bench/synth.py``, 5 projects each) as a
   whole ``meihao-kg build`` process: seconds, peak memory of the process, projects/s, CPU
   seconds / wall seconds (cores used).  Baseline: the same build with ``--jobs 1``.
2. Incremental: one source of the largest store edited, then ``meihao-kg build`` of the whole
   folder; baseline: ``--force`` (everything rebuilt).
3. Every saved query (``bench/bench_queries.py``: with and without its optional parameters) on
   the largest store or on ``--query-store``, p50/p95 in process (open once, one warm-up run,
   then ``--runs`` runs); baseline: plain rdflib on the same graph as Turtle (parsed once, the
   same SPARQL with the same bound terms), each run within ``--budget`` seconds ("> budget"
   otherwise, and the ratio "> budget / p50").
4. Overlap: the seed saved ``--overlap`` times; every saved query's rows compared with a
   single copy's, and its p50 against the single copy's p50.
5. Exports (Turtle, JSON-LD, TriG, GraphML, GEXF: ``--outputs``) and the default view (HTML)
   of that store as whole processes, each within ``--process-budget`` seconds and an 8 GiB
   address-space cap: seconds, peak memory, bytes written.  ``--against SRC`` times each also
   with the package at ``SRC`` (another checkout's ``src``, e.g. main before a change) and
   prints the ratio; ``--outputs-only`` (with ``--query-store``) runs only these.

    python bench/bench_scale.py --query-store /tmp/kg10k --outputs-only --against /tmp/main/src
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_c1cc9ca213bfcef2.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import compare_overlap, print_table, query_times, rdflib_times, turtle_of_store  # noqa: E402
from synth import write_corpus  # noqa: E402

MEMORY_CAP = 8 * 2**30  # address space of a budgeted child (export, viz)


def run_process(args: list[str], budget: float | None = None, src: Path | None = None) -> dict[str, Any]:
    """Run a command; wall seconds, CPU seconds and peak RSS (MiB) of the child.  A child still
    running after ``budget`` seconds is killed: ``{"over": budget, "peak_mib": ...}``.  With
    ``src`` the child imports the package from that folder (another checkout's ``src``)."""
    t0 = time.perf_counter()
    def cap() -> None:  # a shared machine: a view of a huge store fails instead of swapping
        if budget is not None:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=cap, env=env,
                            cwd=str(src.parent) if src is not None else None)
    timer = None
    if budget is not None:
        import threading

        timer = threading.Timer(budget, proc.kill)
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    if timer is not None:
        timer.cancel()
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if budget is not None and wall >= budget:
        return {"over": budget, "peak_mib": usage.ru_maxrss / 1024}
    if budget is not None and os.waitstatus_to_exitcode(status) != 0:
        if "MemoryError" in err or "memory" in err.lower():
            return {"out_of_memory": MEMORY_CAP / 2**30, "seconds": wall, "peak_mib": usage.ru_maxrss / 1024}
        return {"failed": (err.strip().splitlines() or ["?"])[-1][:200], "seconds": wall,
                "peak_mib": usage.ru_maxrss / 1024}
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def process_text(r: dict[str, Any]) -> str:
    if "failed" in r:
        return f"failed after {r['seconds']:.0f} s: {r['failed']}"
    if "out_of_memory" in r:
        return f"out of memory (cap {r['out_of_memory']:.0f} GiB) after {r['seconds']:.0f} s"
    if "over" in r:
        return f"> {r['over']:.0f} s (killed), peak {r['peak_mib']:.0f} MiB"
    return f"{r['seconds']:.1f} s, peak {r['peak_mib']:.0f} MiB"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "meihao_kg", *args]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p * (len(values) - 1))))
    return values[k]


OUTPUT_CASES = ("turtle", "jsonld", "trig", "graphml", "gexf", "viz")


def output_times(store: Path, work: Path, cases: list[str], budget: float,
                 variants: list[tuple[str, Path | None]]) -> dict[str, dict[str, Any]]:
    """Each export format and the default view of ``store`` as whole processes (within
    ``budget`` seconds and the memory cap each), for this code and the baselines."""
    out: dict[str, dict[str, Any]] = {}
    for case in cases:
        figures = {}
        for tag, src in variants:
            target = work / f"out-{tag}.{'html' if case == 'viz' else case}"
            args = (cli("viz", "--out", str(target), "--store", str(store)) if case == "viz" else
                    cli("export", "--format", case, "--out", str(target), "--store", str(store)))
            figures[tag] = run_process(args, budget, src)
            if target.exists():
                figures[tag]["bytes"] = target.stat().st_size
                target.unlink()
        cells = [f"{tag}: {process_text(r)}" for tag, r in figures.items()]
        if len(figures) == 2 and all("cpu" in r for r in figures.values()):
            cells.append(f"ratio {figures['baseline']['seconds'] / figures['this']['seconds']:.2f}x")
        print(f"{'viz' if case == 'viz' else 'export ' + case:16s} " + " | ".join(cells))
        out[case] = figures
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000", help="project counts to build (5 per instalment)")
    ap.add_argument("--overlap", type=int, default=20)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per rdflib query run")
    ap.add_argument("--process-budget", type=float, default=900.0, help="seconds for export and viz each")
    ap.add_argument("--query-store", type=Path, default=None,
                    help="time queries, export and viz on this built store (e.g. 10,000 projects)")
    ap.add_argument("--outputs-only", action="store_true",
                    help="with --query-store: time only the exports and the view of that store")
    ap.add_argument("--outputs", default=",".join(OUTPUT_CASES),
                    help="export formats and 'viz' to time (default: all)")
    ap.add_argument("--against", type=Path, default=None,
                    help="the src folder of a baseline checkout: exports and view timed with it too")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    variants: list[tuple[str, Path | None]] = [("this", None)]
    if a.against is not None:
        variants.append(("baseline", a.against.resolve()))
    cases = [c.strip() for c in a.outputs.split(",") if c.strip()]
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    work = Path(tempfile.mkdtemp(prefix="meihao-bench-"))
    result: dict[str, object] = {"machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
                                            f"Python {platform.python_version()}"}
    try:
        print(f"# meihao-kg scale benchmark — {result['machine']}; load average "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        if a.outputs_only:
            if a.query_store is None:
                raise SystemExit("--outputs-only needs --query-store")
            result["outputs"] = output_times(a.query_store, work, cases, a.process_budget, variants)
            result["load_average"] = os.getloadavg()
            print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
            if a.json:
                a.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
            return
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

        # queries vs rdflib, export and viz
        qstore = a.query_store or store
        qn = "the store " + str(a.query_store) if a.query_store else f"{n} projects"
        qt = query_times(qstore, a.runs)
        ttl = work / "kg.ttl"
        outputs = output_times(qstore, work, cases, a.process_budget, variants)
        rd = None
        if not a.no_rdflib:
            turtle_of_store(qstore, ttl)  # the graph export writes, serialised by Oxigraph
            rd = rdflib_times(ttl, qstore, qt, a.runs, a.budget)
        print_table(f"saved queries on {qn} (p50 / p95 in process; rdflib on the same graph as Turtle):", qt, rd)
        result["queries"] = {k: {"p50_ms": v["p50_ms"], "p95_ms": v["p95_ms"], "rows": len(v["rows"]),
                                 "rdflib": (rd or {}).get(k)} for k, v in qt.items()}
        result["outputs"] = outputs

        # overlap: the seed ×K against one copy
        ov = work / "overlap"
        ov.mkdir()
        for i in range(a.overlap):
            shutil.copy(SEED, ov / f"copy-{i:02d}.txt")
        ov_store = work / "kg-overlap"
        ovb = run_process(cli("build", str(ov), "--store", str(ov_store), "-q"))
        one = query_times(seed_store, a.runs)
        many = query_times(ov_store, a.runs)
        print(f"overlap store built in {ovb['seconds']:.1f} s")
        same_all = compare_overlap(one, many, a.overlap)
        result["overlap"] = {"copies": a.overlap, "same_rows": same_all,
                             "p50_ms": {k: v["p50_ms"] for k, v in many.items()}}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        a.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"peak memory of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
