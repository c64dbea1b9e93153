"""The development corpus (tests/corpus/): extraction quality floors and evidence integrity.

The scorer (bench/score_extraction.py) builds every article with the real pipeline, reads the
facts back through the saved queries and compares them with the full-reading expected facts.
The floors below sit just under what the extractor achieved when they were last set; raise
them as extraction improves (see tests/corpus/README.md for the baseline and the history).
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
ARTICLES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())

# precision, recall floors per fact kind (micro-averaged over the corpus)
FLOORS: dict[str, tuple[float, float]] = {
    "projects": (0.92, 0.92),
    "places": (0.98, 0.82),
    "organisations": (0.93, 0.86),
    "initiatives": (0.93, 0.86),
    "indicators": (0.94, 0.77),
    "dates": (0.92, 0.77),
    "overall": (0.95, 0.82),
}

UNITS = {"m2", "m", "count", "percent", "CNY", "minute"}
QUALIFIERS = {"eq", "gt", "ge", "lt", "le", "approx"}
NEGATIVE_FIELDS = {
    "place": {"place"},
    "initiative": {"initiative"},
    "indicator": {"indicator"},
    "organisation": {"type", "name"},
    "date": {"event"},
}


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score_extraction", ROOT / "bench" / "score_extraction.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _scorer().score_corpus(CORPUS)


# --------------------------------------------------------------------------- corpus files


def test_corpus_is_large_enough() -> None:
    kinds = [tomllib.loads((CORPUS / a / "expected.toml").read_text(encoding="utf-8")).get("kind") for a in ARTICLES]
    assert kinds.count("instalment") >= 12
    assert kinds.count("refusal") >= 1


@pytest.mark.parametrize("article", ARTICLES)
def test_expected_file_is_well_formed(article: str) -> None:
    data = tomllib.loads((CORPUS / article / "expected.toml").read_text(encoding="utf-8"))
    assert data.get("kind") in ("instalment", "refusal"), "kind must be instalment or refusal"
    assert (CORPUS / article / "input.txt").is_file()
    projects = data.get("projects", [])
    if data["kind"] == "refusal":
        assert projects == []
        return
    assert 3 <= len(projects) <= 5, "an instalment has 3-5 projects"
    numbers = [p["number"] for p in projects]
    assert len(set(numbers)) == len(numbers), "showcase numbers repeat"
    for p in projects:
        where = f"{article} #{p['number']}"
        assert p["name"] and p["places"], where
        for key in ("initiatives", "optional_initiatives"):
            for item in p.get(key, []):
                assert isinstance(item, list) and item and all(isinstance(k, str) and k for k in item), where
        for o in p.get("organisations", []):
            assert set(o) <= {"type", "name", "optional", "note"}, (where, o)
        for i in p.get("indicators", []):
            assert set(i) <= {"indicator", "value", "unit", "qualifier", "baseline", "optional", "note"}, (where, i)
            assert i["unit"] in UNITS, (where, i)
            quals = i["qualifier"] if isinstance(i["qualifier"], list) else [i["qualifier"]]
            assert set(quals) <= QUALIFIERS, (where, i)
            float(i["value"])
        for d in p.get("dates", []):
            assert set(d) <= {"event", "date", "optional", "note"}, (where, d)
            assert len(d["date"]) in (4, 7, 10), (where, d)
    names = {p["name"] for p in projects}
    for n in data.get("negatives", []):
        assert n["kind"] in NEGATIVE_FIELDS, n
        assert NEGATIVE_FIELDS[n["kind"]] <= set(n), n
        assert n["project"] in names, n


# --------------------------------------------------------------------------- extraction


@pytest.mark.parametrize("kind", list(FLOORS))
def test_quality_floor(kind: str, report: dict[str, Any]) -> None:
    got = report["overall"] if kind == "overall" else report["kinds"][kind]
    p_floor, r_floor = FLOORS[kind]
    assert got["precision"] >= p_floor, f"{kind} precision {got['precision']} < {p_floor}: {got}"
    assert got["recall"] >= r_floor, f"{kind} recall {got['recall']} < {r_floor}: {got}"


def test_every_evidence_quote_equals_the_raw_text(report: dict[str, Any]) -> None:
    assert report["evidence"]["articles_checked"] > 0 and report["evidence"]["quotes_checked"] > 100
    assert report["evidence"]["mismatches"] == []


def test_non_instalments_are_refused(report: dict[str, Any]) -> None:
    refusals = [a for a in report["per_article"] if a["kind"] == "refusal"]
    assert refusals
    assert all(a["refusal_ok"] for a in refusals), refusals


def test_built_articles_conform_to_the_shapes(report: dict[str, Any]) -> None:
    bad = [a["article"] for a in report["per_article"] if a["built"] and a["shacl_conforms"] is False]
    assert bad == []
