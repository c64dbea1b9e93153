"""Slugs remembered across processes: the same slugs, without importing pypinyin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# meihao_kg.extract first: importing graph.iri alone runs into the models ↔ extract import cycle
CODE = ("import sys; from meihao_kg.graph import iri, slug_cache;"
        "print(iri.slugify('锦华御苑'), iri.slugify('沿海鉴筑'), 'pypinyin' in sys.modules); slug_cache.save()")


def _run(cache: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True,
                         env={**os.environ, "MEIHAO_KG_CACHE": str(cache)})
    return out.stdout.split()


def test_second_process_reads_slugs_without_pypinyin(tmp_path: Path) -> None:
    first = _run(tmp_path)
    assert first[-1] == "True"  # computed by pypinyin
    (cache,) = tmp_path.glob("slugs-*.json")
    assert "锦华御苑" in json.loads(cache.read_text(encoding="utf-8"))
    second = _run(tmp_path)
    assert second[:2] == first[:2]
    assert second[-1] == "False"  # read from the cache


def test_damaged_slug_cache_is_not_an_error(tmp_path: Path) -> None:
    first = _run(tmp_path)
    (cache,) = tmp_path.glob("slugs-*.json")
    cache.write_text("{not json", encoding="utf-8")
    again = _run(tmp_path)
    assert again == first  # pypinyin asked again, the file rewritten
    assert json.loads(cache.read_text(encoding="utf-8"))
