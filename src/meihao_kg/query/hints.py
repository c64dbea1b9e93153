"""Helpful diagnostics: what a value that matches nothing should have been, where a SPARQL
syntax error is, and build warnings folded by kind.

The library raises :class:`~meihao_kg.errors.QueryError` objects with a ``hint``; the CLI prints
them as one line each.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from meihao_kg.errors import QueryError
from meihao_kg.graph.namespaces import sparql
from meihao_kg.store.local import KGStore
from meihao_kg.text.normalise import name_key

__all__ = [
    "close_matches",
    "syntax_error",
    "unmatched_params",
    "vocabulary",
]


#: Parameter name → (what it is, SPARQL giving ?value (what to type) and ?key (what it matches)).
_VOCABULARIES: dict[str, tuple[str, str]] = {
    "indicator": ("indicator", """SELECT DISTINCT ?value ?key WHERE {
        ?c skos:inScheme mhc:indicator ; skos:notation ?value . BIND(STR(?value) AS ?key) }"""),
    "event": ("event type", """SELECT DISTINCT ?value ?key WHERE {
        ?c skos:inScheme mhc:event ; skos:notation ?value . BIND(STR(?value) AS ?key) }"""),
    "type": ("organisation type", """SELECT DISTINCT ?value ?key WHERE {
        ?cls rdfs:subClassOf* org:Organization ; mh:typeCode ?value . BIND(STR(?value) AS ?key) }"""),
    "initiative": ("initiative", """SELECT DISTINCT ?value ?key WHERE {
        ?c skos:inScheme mhc:initiative ; skos:prefLabel ?value . FILTER(LANG(?value) = "zh")
        { ?c skos:prefLabel ?key } UNION { ?c skos:altLabel ?key } UNION { ?c skos:notation ?key } }"""),
    "place": ("place", """SELECT DISTINCT ?value ?key WHERE {
        ?p mh:lexicalKey ?key ; rdfs:label ?value . }"""),
    "project": ("project", """SELECT DISTINCT ?value ?key WHERE {
        ?p a mh:ShowcaseProject ; schema:name ?value .
        { ?p schema:name ?key } UNION { ?p skos:altLabel ?key } }"""),
}
#: How a value must relate to a key to count as known: ``exact`` codes or a ``part`` of a name.
_MATCH = {"indicator": "exact", "event": "exact", "type": "exact", "initiative": "part",
          "place": "exact", "project": "part"}


def _norm(text: str) -> str:
    return name_key(text, spaces=False)


def vocabulary(store: KGStore, name: str) -> list[tuple[str, str]]:
    """(value to type, key it matches) pairs for a parameter name, or [] for free values."""
    spec = _VOCABULARIES.get(name)
    if spec is None:
        return []
    rows = store.query(sparql(spec[1]))
    return sorted({(str(r["value"].value), str(r["key"].value)) for r in rows})


def close_matches(value: str, candidates: Iterable[str], n: int = 6) -> list[str]:
    """Candidates close to ``value``: same prefix, containment either way, or similar spelling."""
    cands = sorted(set(candidates))
    v = _norm(value)
    if not v:
        return cands[:n]
    normed = {c: _norm(c) for c in cands}
    scored: list[tuple[float, str]] = []
    for c, k in normed.items():
        if not k:
            continue
        ratio = difflib.SequenceMatcher(None, v, k).ratio()
        han = [ch for ch in v if "\u3400" <= ch <= "\u9fff"]
        if han:  # Chinese: the share of the value's characters found in the candidate
            ratio = max(ratio, 0.8 * sum(ch in k for ch in han) / len(han))
        if v in k or k in v:
            ratio += 0.5
        common = len(_common_prefix(v, k))
        ratio += 0.2 * min(common, 4) / 4
        if ratio >= 0.45:
            scored.append((-ratio, c))
    scored.sort()
    return [c for _, c in scored[:n]]


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def _known(value: str, keys: Iterable[str], how: str) -> bool:
    v = _norm(value)
    if how == "exact":
        return any(v == _norm(k) or v == _norm(k).removesuffix("小区") for k in keys)
    return any(v in _norm(k) for k in keys)


def unmatched_params(store: KGStore, values: Mapping[str, str]) -> list[QueryError]:
    """One error for each parameter whose value names nothing the graph knows.

    Only parameters with a known vocabulary (indicator, event, type, initiative, place,
    project) are checked; the hint lists close valid values, or some valid values when none is
    close, and says where to find them all.
    """
    errors: list[QueryError] = []
    for name, value in values.items():
        if value.startswith(("http://", "https://")) or name not in _VOCABULARIES:
            continue
        vocab = vocabulary(store, name)
        if not vocab or _known(value, (k for _, k in vocab), _MATCH[name]):
            continue
        what = _VOCABULARIES[name][0]
        shown = sorted({v for v, _ in vocab})
        close = close_matches(value, shown)
        if close:
            hint = "close: " + ", ".join(close)
        else:
            hint = "known: " + ", ".join(shown[:8]) + (" …" if len(shown) > 8 else "")
        if name in ("indicator", "event", "type", "initiative"):
            hint += "; all of them: meihao-kg ontology"
        errors.append(QueryError(f"{name}={value}: no {what} {value!r} in the graph", hint=hint))
    return errors


# --------------------------------------------------------------------------- SPARQL syntax

_POS_RE = re.compile(r"(?:error )?at (\d+):(\d+)(?:-\d+:\d+)?:?\s*")
_QUOTED_TOKEN_RE = re.compile(r'"([^"]{1,12})"')


def syntax_error(path: Path | str, text: str, message: str) -> QueryError:
    """A one-line SPARQL syntax error naming file, line and column, with the offending line.

    ``message`` is the parser's message (``error at 3:9: expected one of ...``); the grammar
    ranges it lists are replaced by what a person would type.
    """
    m = _POS_RE.search(message)
    if not m:
        first = message.strip().splitlines()[0] if message.strip() else "syntax error"
        return QueryError(f"{path}: SPARQL syntax error: {first[:160]}")
    line, col = int(m.group(1)), int(m.group(2))
    rest = message[m.end():]
    expected = _QUOTED_TOKEN_RE.findall(rest.split("[", 1)[0])
    if "'A'" in rest or "'a'" in rest:
        expected.append("a name")
    if "'0'" in rest and "a name" not in expected:
        expected.append("a number")
    want = ""
    if rest.startswith("expected") and expected:
        quoted = [e if e.startswith("a ") else f'"{e}"' for e in expected]
        want = "expected " + (" or ".join(", ".join(quoted).rsplit(", ", 1)))
    elif rest.strip():
        want = rest.strip().splitlines()[0][:120]
    lines = text.splitlines()
    near = ""
    if 0 < line <= len(lines):
        src = lines[line - 1]
        near = src.strip() if len(src.strip()) <= 40 else src[max(0, col - 16): col + 16].strip()
    msg = f"{path}:{line}:{col}: SPARQL syntax error" + (f" near '{near}'" if near else "")
    msg += f": {want}" if want else ""
    return QueryError(msg, hint="SPARQL 1.1 grammar: https://www.w3.org/TR/sparql11-query/#grammar")
