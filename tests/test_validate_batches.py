"""Validation in batches of sources gives the results of one validation of everything."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from meihao_kg.extract.source import extract_source
from meihao_kg.graph.build import build_triples
from meihao_kg.graph.validate import validate_ntriples
from meihao_kg.graph.validate_batches import validate_sources
from meihao_kg.text.normalise import read_source

CORPUS = Path(__file__).resolve().parent / "corpus"
EVIDENCE = b"<https://w3id.org/meihao-kg/ontology#evidence>"
HAS_SOURCE = b"<http://www.w3.org/ns/oa#hasSource>"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Eight corpus articles, each under its own file name (its source id)."""
    tmp = tmp_path_factory.mktemp("batches")
    out = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "input.txt").exists())[:8]:
        path = tmp / f"{folder.name}.txt"
        path.write_bytes((folder / "input.txt").read_bytes())
        out.append(build_triples(extract_source(read_source(path))).ntriples())
    return out


def _key(r: object) -> tuple[object, ...]:
    return (r.focus, r.path, r.shape, r.value, r.severity, r.message_en)  # type: ignore[attr-defined]


def _evidenced_node_shared_by_most(sources: list[bytes]) -> bytes:
    """A fact node (it has evidence) that several sources describe (the campaign, an agency)."""
    counts: Counter[bytes] = Counter()
    for nt in sources:
        counts.update({line.split(b" ")[0] for line in nt.splitlines() if EVIDENCE in line})
    subject, n = counts.most_common(1)[0]
    assert n >= 2, "the corpus sources share no evidenced node"
    return subject


def test_batches_conform_like_one_pass(sources: list[bytes]) -> None:
    assert validate_sources(sources, batch_sources=3).conforms
    assert validate_ntriples(sources).conforms


def test_batches_report_what_one_pass_reports(sources: list[bytes]) -> None:
    broken = list(sources)
    # an evidence span without its source (a node of one source) …
    broken[0] = b"\n".join(line for line in broken[0].splitlines() if HAS_SOURCE not in line) + b"\n"
    # … and evidence that is no evidence span on a node that several sources describe
    shared = _evidenced_node_shared_by_most(sources)
    broken[-1] += shared + b" " + EVIDENCE + b" <https://w3id.org/meihao-kg/id/nowhere> .\n"
    whole = validate_ntriples(broken)
    batched = validate_sources(broken, batch_sources=3)
    assert not whole.conforms and not batched.conforms
    assert sorted(map(_key, batched.results)) == sorted(map(_key, whole.results))
    assert any(r.focus == shared.decode()[1:-1] for r in batched.results)
    assert sum(1 for r in batched.results if r.focus == shared.decode()[1:-1]) == 1
