"""Generality tests: hand-written articles in other styles than the seed.

Each case is a directory ``tests/articles/<case>/`` with ``input.txt`` (an article in the
series' format) and ``expected.toml`` (what an attentive reader expects the saved queries
to return).  Every fact in ``expected.toml`` is its own test id (``case-kind-NN-...``); a
fact carrying ``xfail = "reason"`` is a known gap of the extractor and is marked
``xfail(strict=True)``, so fixing the gap turns it into an XPASS failure that asks for the
marker to be removed.

Fact kinds (keys other than ``xfail``):

* ``[[indicators]]`` project, indicator, value, unit, qualifier — a row of ``indicators``
  with that value (compared as numbers), unit and qualifier exists;
* ``[[not_indicators]]`` project, indicator, value — no such row exists;
* ``[[places]]`` place, projects, optional city / district — ``projects-in-place`` returns
  exactly those project names (and each row has that city / district);
* ``[[initiatives]]`` initiative, projects — ``projects-by-initiative`` returns exactly those;
* ``[[not_initiatives]]`` initiative, projects — none of those projects is returned;
* ``[[dates]]`` project, event, date — a ``project-dates`` row with that event and date;
* ``[[organisations]]`` project, type, name_contains — a ``project-organisations`` row of
  that type whose name contains the text.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

ARTICLES = Path(__file__).resolve().parent / "articles"
CASES = sorted(p.name for p in ARTICLES.iterdir() if (p / "expected.toml").is_file())
KINDS = ("places", "indicators", "not_indicators", "dates", "organisations", "initiatives", "not_initiatives")


def _label(kind: str, fact: dict[str, Any]) -> str:
    """An ASCII id suffix (pytest escapes non-ASCII ids); the Chinese is in the failure text."""
    keys = {
        "places": (),
        "indicators": ("indicator", "value"),
        "not_indicators": ("indicator", "value"),
        "dates": ("event",),
        "organisations": ("type",),
        "initiatives": (),
        "not_initiatives": (),
    }[kind]
    text = str(fact.get("initiative", "")) if kind.endswith("initiatives") else ""
    parts = [str(fact[k]) for k in keys] + [text]
    return "-".join(p for p in parts if p and p.isascii()) or "zh"


def _facts() -> list[Any]:
    params = []
    for case in CASES:
        data = tomllib.loads((ARTICLES / case / "expected.toml").read_text(encoding="utf-8"))
        unknown = set(data) - set(KINDS)
        assert not unknown, f"{case}/expected.toml: unknown fact kinds {unknown}"
        for kind in KINDS:
            for i, fact in enumerate(data.get(kind, [])):
                marks = []
                if fact.get("xfail"):
                    marks.append(pytest.mark.xfail(strict=True, reason=fact["xfail"]))
                params.append(
                    pytest.param(case, kind, fact, id=f"{case}-{kind}-{i:02d}-{_label(kind, fact)}", marks=marks)
                )
    return params


# --------------------------------------------------------------------------- stores

_BUILDS: dict[str, Any] = {}


@pytest.fixture(scope="session")
def article_store(tmp_path_factory: pytest.TempPathFactory):
    """Build each case once per session; returns a function case -> open store."""
    from meihao_kg.pipeline import build_kg
    from meihao_kg.store.local import open_store

    def get(case: str):
        if case not in _BUILDS:
            root = tmp_path_factory.mktemp(f"article-{case}") / "kg"
            try:
                build_kg([ARTICLES / case / "input.txt"], store=root)
                _BUILDS[case] = open_store(root)
            except Exception as exc:  # noqa: BLE001 - reported per fact below
                _BUILDS[case] = exc
        got = _BUILDS[case]
        if isinstance(got, Exception):
            pytest.fail(f"building {case} failed: {type(got).__name__}: {got}")
        return got

    return get


def _run(store, name: str, **params: str):
    from meihao_kg.query.saved import find_query, run_query

    try:
        res = run_query(store, find_query(name), params or None)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{name}({params}) raised {type(exc).__name__}: {exc}")
    return [dict(zip(res.columns, row, strict=False)) for row in res.rows]


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _num_eq(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def _table(rows: list[dict[str, str]], cols: tuple[str, ...]) -> str:
    if not rows:
        return "    (no rows)"
    return "\n".join("    " + " | ".join(str(r.get(c, "")) for c in cols) for r in rows)


def _diff(case: str, kind: str, fact: dict[str, Any], problem: str, rows, cols) -> str:
    shown = {k: v for k, v in fact.items() if k != "xfail"}
    return f"\n[{case}] {kind} {shown}\n  {problem}\n  rows returned ({' | '.join(cols)}):\n{_table(rows, cols)}"


# --------------------------------------------------------------------------- checks


def _check(case: str, kind: str, fact: dict[str, Any], store) -> None:
    if kind in ("indicators", "not_indicators"):
        cols = ("name", "indicator", "value", "unit", "qualifier", "quote")
        rows = _run(store, "indicators", project=fact["project"])
        mine = [r for r in rows if r["indicator"] == fact["indicator"] and _nfkc(r["name"]) == fact["project"]]
        if kind == "indicators":
            ok = any(
                _num_eq(r["value"], fact["value"]) and r["unit"] == fact["unit"] and r["qualifier"] == fact["qualifier"]
                for r in mine
            )
            want = f"{fact['indicator']}={fact['value']} {fact['unit']} ({fact['qualifier']})"
            assert ok, _diff(case, kind, fact, f"missing {want}", rows, cols)
        else:
            bad = [r for r in mine if _num_eq(r["value"], fact["value"])]
            assert not bad, _diff(case, kind, fact, f"unexpected {fact['indicator']}={fact['value']}", rows, cols)

    elif kind == "places":
        cols = ("name", "city", "district")
        rows = _run(store, "projects-in-place", place=fact["place"])
        got = sorted({_nfkc(r["name"]) for r in rows})
        want = sorted(fact["projects"])
        assert got == want, _diff(case, kind, fact, f"projects {got} != expected {want}", rows, cols)
        for key in ("city", "district"):
            if key in fact:
                wrong = [r for r in rows if _nfkc(r[key] or "") != fact[key]]
                assert not wrong, _diff(case, kind, fact, f"{key} should be {fact[key]}", rows, cols)

    elif kind in ("initiatives", "not_initiatives"):
        cols = ("name", "number", "city")
        rows = _run(store, "projects-by-initiative", initiative=fact["initiative"])
        got = sorted({_nfkc(r["name"]) for r in rows})
        if kind == "initiatives":
            want = sorted(fact["projects"])
            assert got == want, _diff(case, kind, fact, f"projects {got} != expected {want}", rows, cols)
        else:
            bad = sorted(set(got) & set(fact["projects"]))
            assert not bad, _diff(case, kind, fact, f"passing mention counted for {bad}", rows, cols)

    elif kind == "dates":
        cols = ("name", "event", "date", "quote")
        rows = _run(store, "project-dates", project=fact["project"])
        ok = any(r["event"] == fact["event"] and r["date"] == fact["date"] for r in rows)
        assert ok, _diff(case, kind, fact, f"missing {fact['event']} {fact['date']}", rows, cols)

    elif kind == "organisations":
        cols = ("name", "type", "quote")
        rows = _run(store, "project-organisations", project=fact["project"])
        ok = any(r["type"] == fact["type"] and fact["name_contains"] in _nfkc(r["name"]) for r in rows)
        want = f"{fact['type']} named …{fact['name_contains']}…"
        assert ok, _diff(case, kind, fact, f"missing {want}", rows, cols)

    else:  # pragma: no cover - guarded in _facts
        raise AssertionError(kind)


@pytest.mark.parametrize(("case", "kind", "fact"), _facts())
def test_article_fact(case: str, kind: str, fact: dict[str, Any], article_store) -> None:
    _check(case, kind, fact, article_store(case))
