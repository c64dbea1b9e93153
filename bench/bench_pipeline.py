"""Pipeline benchmark: extraction throughput and query latency, each against a baseline
measured in the same run.

    python bench/bench_pipeline.py [--mb 1.0]

1. Extraction: normalise + segment + extract on ~1 MB of article text (the seed's project
   sections repeated with new numbers).  Baseline: OpenCC's Traditional → Simplified pass
   over the same text (the least work any pipeline here must do).
2. Query: a saved query on the Oxigraph store (open + run), against the baseline of
   re-parsing the exported Turtle into an rdflib memory graph and running the same query.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_c1cc9ca213bfcef2.txt"


def big_article(target_bytes: int) -> str:
    raw = SEED.read_text(encoding="utf-8")
    first = re.search(r"^15$", raw, re.M)
    assert first
    intro, body = raw[: first.start()], raw[first.start():]
    parts = [intro]
    n = 0
    size = len(intro.encode())
    while size < target_bytes:
        n += 1
        chunk = re.sub(r"^(1[5-9])$", lambda m, n=n: str(n * 10 + int(m.group(1)) - 15), body, flags=re.M)
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts)


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0)
    args = ap.parse_args()

    from meihao_kg.extract import extract_source
    from meihao_kg.extract.lexicon import load_lexicon
    from meihao_kg.text.normalise import SourceText, to_simplified

    text = big_article(int(args.mb * 1_000_000))
    nbytes = len(text.encode())
    src = SourceText(doc_id="bench", raw=text, path="bench.txt")
    lex = load_lexicon()
    extract_source(SourceText(doc_id="warm", raw=SEED.read_text(encoding="utf-8")), lex)  # imports
    holder = {}
    t_extract = timed(lambda: holder.__setitem__("x", extract_source(src, lex)), repeat=2)
    t_base = timed(lambda: to_simplified(text))
    projects = len(holder["x"].projects)
    print(f"extraction: {nbytes / 1e6:.2f} MB, {projects} projects")
    print(f"  meihao-kg extract   {t_extract:8.3f} s   {nbytes / 1e6 / t_extract:6.2f} MB/s")
    print(f"  baseline OpenCC t2s {t_base:8.3f} s   {nbytes / 1e6 / t_base:6.2f} MB/s")
    print(f"  ratio extract/baseline: {t_extract / t_base:.1f}x")

    from meihao_kg.export.writers import export_rdf
    from meihao_kg.pipeline import build_kg
    from meihao_kg.query.saved import find_query, run_query
    from meihao_kg.store.local import open_store

    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "big.txt"
        article.write_text(big_article(400_000), encoding="utf-8")
        store_dir = Path(tmp) / "store"
        t = time.perf_counter()
        build_kg([article], store=store_dir, validate=False)
        t_build = time.perf_counter() - t
        st = open_store(store_dir)
        q = find_query("projects-by-initiative")
        ttl = export_rdf(st, "turtle")
        n_proj = len(run_query(st, q, {"initiative": "垃圾分类"}).rows)

        def oxigraph_call() -> None:
            run_query(open_store(store_dir), q, {"initiative": "垃圾分类"})

        def rdflib_call() -> None:
            from rdflib import Graph, Literal, Variable

            g = Graph()
            g.parse(data=ttl, format="turtle")
            list(g.query(q.text, initBindings={Variable("initiative"): Literal("垃圾分类")}))

        t_ox = timed(oxigraph_call)
        t_rdf = timed(rdflib_call, repeat=1)
        print(f"query (projects-by-initiative on {len(st)} quads, {n_proj} matching projects; build {t_build:.1f} s):")
        print(f"  Oxigraph store (open + query)      {t_ox * 1000:8.1f} ms")
        print(f"  baseline rdflib re-parse + query   {t_rdf * 1000:8.1f} ms")
        print(f"  ratio baseline/store: {t_rdf / t_ox:.0f}x")


if __name__ == "__main__":
    main()
