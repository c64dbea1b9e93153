"""Build benchmark at corpus scale: whole ``meihao-kg build`` processes, this checkout
against a baseline checkout measured in the same run.

    python bench/bench_build.py [--sizes 1000] [--incremental 2000] [--force] [--repeat 3]
                                [--against /path/to/other/src] [--json FILE]

    python bench/bench_build.py --sizes 1000,10000 --incremental 2000 --force   # the full set

Every figure is the best of ``--repeat`` runs (the machine may be shared): wall seconds,
CPU seconds / wall seconds (cores used) and the peak resident memory of the build process.

1. The seed (5 projects) into a fresh store.
2. ``--sizes``: N projects (synthetic instalments of ``bench/synth.py``, 5 projects each)
   into a fresh store; projects/s.
3. ``--incremental K``: a store of K instalments, then (a) the same folder again (nothing
   changed), (b) one instalment edited and the folder built again, (c) with ``--force`` the
   whole folder rebuilt into the existing store.
4. ``--against SRC``: every figure also for the package at ``SRC`` (the ``src`` folder of
   another checkout, e.g. ``git worktree add /tmp/main main`` then ``/tmp/main/src``),
   run by the same Python; the table gives both and their ratio.

Nothing here runs in CI (the test suite does not import ``bench/``); 10,000 projects take
minutes and a few GiB of disk in the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_c1cc9ca213bfcef2.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_corpus  # noqa: E402


def run(args: list[str], src: Path | None) -> dict[str, float]:
    """One whole process: wall seconds, CPU seconds, peak RSS (MiB)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "meihao_kg", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, cwd=str(src.parent) if src else str(ROOT))
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"meihao-kg {' '.join(args)} failed:\n{err}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    top = min(runs, key=lambda r: r["seconds"])
    return {**top, "cores": top["cpu"] / top["seconds"], "peak_mib": max(r["peak_mib"] for r in runs)}


def fresh_build(corpus: Path, work: Path, tag: str, src: Path | None, repeat: int) -> dict[str, float]:
    runs = []
    for i in range(repeat):
        store = work / f"store-{tag}-{i}"
        runs.append(run(["build", str(corpus), "--store", str(store), "-q"], src))
        shutil.rmtree(store, ignore_errors=True)
    return best(runs)


def incremental(corpus: Path, files: list[Path], work: Path, tag: str, src: Path | None, repeat: int,
                force: bool) -> dict[str, dict[str, float]]:
    store = work / f"store-inc-{tag}"
    out: dict[str, dict[str, float]] = {"initial": best([run(["build", str(corpus), "--store", str(store), "-q"], src)])}
    out["unchanged"] = best([run(["build", str(corpus), "--store", str(store), "-q"], src) for _ in range(repeat)])
    edited = files[len(files) // 2]
    original = edited.read_text(encoding="utf-8")
    runs = []
    for i in range(repeat):  # a different edit each time, so that each run rebuilds one source
        edited.write_text(original.replace("业主满意度达到", "业主满意度提升到" + "，" * i), encoding="utf-8")
        runs.append(run(["build", str(corpus), "--store", str(store), "-q"], src))
    out["one_changed"] = best(runs)
    edited.write_text(original, encoding="utf-8")
    if force:
        out["force"] = best([run(["build", str(corpus), "--store", str(store), "-q", "--force"], src)])
    shutil.rmtree(store, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000", help="project counts to build fresh (5 per instalment); '' for none")
    ap.add_argument("--incremental", type=int, default=0, metavar="K",
                    help="instalments in the store for the incremental runs (2000 = 10,000 projects); 0: skip")
    ap.add_argument("--force", action="store_true", help="also time --force into the incremental store")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (the best is kept)")
    ap.add_argument("--against", type=Path, default=None, help="the src folder of a baseline checkout")
    ap.add_argument("--baseline-only", action="store_true", help="with --against: time only the baseline")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    variants: list[tuple[str, Path | None]] = [("this", None)]
    if a.against is not None:
        variants.append(("baseline", a.against.resolve()))
        if a.baseline_only:
            variants = variants[1:]
    machine = f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"# meihao-kg build benchmark — {machine}; best of {a.repeat}")
    result: dict[str, object] = {"machine": machine, "repeat": a.repeat}
    work = Path(tempfile.mkdtemp(prefix="meihao-bench-build-"))
    rows: list[tuple[str, dict[str, dict[str, float]]]] = []

    def show(label: str, figures: dict[str, dict[str, float]], projects: int = 0) -> None:
        rows.append((label, figures))
        cells = []
        for tag, r in figures.items():
            rate = f", {projects / r['seconds']:.0f} projects/s" if projects else ""
            cells.append(f"{tag}: {r['seconds']:7.2f} s, {r['peak_mib']:5.0f} MiB, {r['cores']:.2f} cores{rate}")
        if len(figures) == 2:
            cells.append(f"ratio {figures['baseline']['seconds'] / figures['this']['seconds']:.2f}x")
        print(f"{label:34s} " + " | ".join(cells))

    try:
        show("seed (5 projects)", {tag: fresh_build(SEED, work, f"seed-{tag}", src, a.repeat) for tag, src in variants}, 5)
        for n in [int(x) for x in a.sizes.split(",") if x.strip()]:
            corpus = work / f"corpus-{n}"
            write_corpus(corpus, max(1, n // 5))
            reps = a.repeat if n <= 1000 else 1
            show(f"build {n} projects", {tag: fresh_build(corpus, work, f"{n}-{tag}", src, reps)
                                         for tag, src in variants}, n)
            shutil.rmtree(corpus, ignore_errors=True)
        if a.incremental:
            corpus = work / "corpus-inc"
            files = write_corpus(corpus, a.incremental)
            per = {tag: incremental(corpus, files, work, tag, src, a.repeat, a.force) for tag, src in variants}
            k = a.incremental
            show(f"initial build ({k} sources)", {t: per[t]["initial"] for t in per}, k * 5)
            show(f"nothing changed ({k} sources)", {t: per[t]["unchanged"] for t in per})
            show(f"1 changed of {k} sources", {t: per[t]["one_changed"] for t in per})
            if a.force:
                show(f"--force, {k} sources into the store", {t: per[t]["force"] for t in per})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["rows"] = rows
    if a.json:
        a.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
