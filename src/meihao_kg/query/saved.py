"""Saved SPARQL queries: ``queries/*.rq`` with a header, run with bound parameters.

Header format (comment lines at the top of the file)::

    # title: 使用某举措的项目 | Projects that use an initiative
    # description: ...
    # param: initiative (text, required) 举措名称、英文名或编号的一部分
    # columns: project, name, number, city
    # page-by: project

``page-by`` names the listing order (``graph.derived.RANKS``: ``project`` or
``organisation``) whose variable drives the query: asked for a page of rows
(``run_query(limit=...)``), the local store finds only the rows of that page, by binding
the variable to the next values in that order (see :func:`_page`), instead of finding and
sorting every row.  The query's ``ORDER BY`` must begin with that order's keys.

Parameter kinds say how a user's value becomes an RDF term before it is bound:
``text`` (Simplified, half-width, lower case literal), ``place`` (as ``text``, with the
administrative suffix removed: 沈阳市 → 沈阳), ``project`` (resolved to a project IRI from
a name in Simplified or Traditional, with or without 小区, or an IRI), ``initiative`` (the
initiative concepts whose label or notation contains the text), ``literal`` (as
given) and ``iri``.  Values are RDF terms: each takes its variable's place in the WHERE
group with a ``VALUES`` block keeping it bound (``remote.inject_values``, for the local
store and endpoints alike), never user text spliced into the query.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meihao_kg import resources
from meihao_kg.errors import QueryError
from meihao_kg.graph.namespaces import sparql
from meihao_kg.query.order import OrderKey, SplitOrder, sort_terms, split_order_by
from meihao_kg.store.local import KGStore, OxigraphStore, bare_query
from meihao_kg.text.normalise import name_key

__all__ = [
    "Param",
    "QueryResult",
    "SavedQuery",
    "check_query_text",
    "find_query",
    "format_result",
    "list_queries",
    "load_query",
    "queries_dir",
    "run_query",
]

PARAM_KINDS = ("text", "place", "project", "initiative", "literal", "iri")
_HEADER_RE = re.compile(r"^#\s*(?P<key>title|description|param|columns|page-by)\s*:\s*(?P<value>.*)$")
_PARAM_RE = re.compile(r"^(?P<name>[A-Za-z_][\w]*)\s*\((?P<kind>\w+)\s*,\s*(?P<req>required|optional)\)\s*(?P<help>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    help: str


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    page_by: str | None = None  # a listing order of graph.derived.RANKS

    @property
    def title_zh(self) -> str:
        return self.title.split("|")[0].strip()

    @property
    def title_en(self) -> str:
        parts = self.title.split("|")
        return parts[1].strip() if len(parts) > 1 else parts[0].strip()


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: bool = False  # asked for a page: there are rows after it


def queries_dir() -> Path:
    """``queries/`` of the installed package or of the source checkout."""
    return resources.queries_dir()


def load_query(path: Path) -> SavedQuery:
    """Parse a ``.rq`` file and its header.  Raises :class:`QueryError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read ({exc})") from None
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER_RE.match(line)
        if m:
            meta.setdefault(m.group("key"), []).append(m.group("value").strip())
    params = []
    for i, spec in enumerate(meta.get("param", [])):
        pm = _PARAM_RE.match(spec)
        if not pm or pm.group("kind") not in PARAM_KINDS:
            raise QueryError(f"{path}: bad '# param:' line {i + 1}: {spec!r}",
                             hint="expected 'name (text|place|project|literal|iri, required|optional) help'")
        params.append(Param(pm.group("name"), pm.group("kind"), pm.group("req") == "required", pm.group("help")))
    columns = tuple(c.strip() for c in ",".join(meta.get("columns", [])).split(",") if c.strip())
    page_by = next(iter(meta.get("page-by", [])), None)
    if page_by is not None:
        _check_page_by(path, text, page_by)
    return SavedQuery(
        name=path.stem, path=path, title=(meta.get("title") or [path.stem])[0],
        description=" ".join(meta.get("description", [])), params=tuple(params), columns=columns,
        text=text, page_by=page_by,
    )


def _check_page_by(path: Path, text: str, page_by: str) -> None:
    """A ``# page-by:`` header must name a listing order whose keys begin the query's
    ``ORDER BY`` (else its pages would not be the rows of the whole result, in order)."""
    from meihao_kg.graph.derived import RANKS

    rank = RANKS.get(page_by)
    if rank is None:
        raise QueryError(f"{path}: '# page-by: {page_by}' names no listing order",
                         hint="one of: " + ", ".join(RANKS))
    order = split_order_by(text)
    lead = tuple(k.var for k in order.keys[:len(rank.keys)] if not k.descending and not k.as_string) \
        if order else ()
    if lead != rank.keys:
        keys = " ".join("?" + k for k in rank.keys)
        raise QueryError(f"{path}: '# page-by: {page_by}' needs the query to end with ORDER BY {keys} ...",
                         hint="pages follow that order; or remove the page-by line")


def list_queries() -> list[SavedQuery]:
    return [load_query(p) for p in sorted(queries_dir().glob("*.rq"))]


def find_query(name_or_path: str) -> SavedQuery:
    """A saved query by name (``projects-by-initiative``) or any ``.rq`` file path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.exists():
        return load_query(p)
    if p.suffix == ".rq" or len(p.parts) > 1:
        raise QueryError(f"{name_or_path}: file not found",
                         hint="saved queries are named without .rq: meihao-kg query --list")
    cand = queries_dir() / f"{name_or_path}.rq"
    if cand.exists():
        return load_query(cand)
    names = ", ".join(q.name for q in list_queries())
    raise QueryError(f"no saved query named {name_or_path!r}", hint=f"available: {names}")


_UPDATE_RE = re.compile(
    r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![:\w])", re.IGNORECASE
)
_SERVICE_RE = re.compile(r"(?<![?$:\w])SERVICE(?![:\w])", re.IGNORECASE)
_FORM_RE = re.compile(r"(?<![?$:\w])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![:\w])", re.IGNORECASE)


def check_query_text(text: str, *, name: str = "query", allow_service: bool = False) -> None:
    """Refuse what a read-only, local query must not do, before it reaches any store.

    Raises:
        QueryError: an update form (INSERT, DELETE, LOAD, CLEAR, DROP…); a ``SERVICE`` clause
            (an outbound request) unless ``allow_service``; a CONSTRUCT or DESCRIBE query.
    """
    bare = bare_query(text)
    m = _UPDATE_RE.search(bare)
    if m:
        line = bare.count("\n", 0, m.start()) + 1
        raise QueryError(f"{name}: line {line}: {m.group(1).upper()} is an update; "
                         "meihao-kg only reads the graph", hint="rebuild from sources to change it")
    m = _SERVICE_RE.search(bare)
    if m and not allow_service:
        line = bare.count("\n", 0, m.start()) + 1
        raise QueryError(f"{name}: line {line}: SERVICE would send a request to another server",
                         hint="pass --allow-service if you mean it")
    m = _FORM_RE.search(bare)
    if m and m.group(1).upper() in ("CONSTRUCT", "DESCRIBE"):
        raise QueryError(f"{name}: {m.group(1).upper()} queries are not run by `query`",
                         hint="use SELECT or ASK; `meihao-kg export` writes the graph")


def _named_node(value: str, what: str) -> Any:
    """A pyoxigraph IRI from user text, or a one-line :class:`QueryError`."""
    import pyoxigraph

    try:
        return pyoxigraph.NamedNode(value)
    except ValueError as exc:
        raise QueryError(f"{what}: not a valid IRI: {value!r} ({exc})") from None


def _place_key(value: str) -> str:
    """As typed: 吉林市 must not match 吉林省; places carry keys with and without suffix."""
    return name_key(value).replace(" ", "")


def _project_key(value: str) -> str:
    """A project name as a matching key: Simplified, no spaces, quote marks or ·, without
    小区/项目 and without a leading city (沈阳市 / 沈阳)."""
    from meihao_kg.extract import gazetteer as gz

    key = re.sub(r"[\s·•・]+", "", name_key(value))
    for suffix in ("小区", "项目"):
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    for n in range(min(5, len(key) - 2), 1, -1):
        if gz.city_named(key[:n]) is not None and len(key) - n >= 2:
            return key[n:]
    return key


def resolve_project(store: KGStore, value: str) -> Any:
    """The IRI of the project a user means: its IRI, its name or any unique part of it
    (Simplified or Traditional, with or without ·, 小区 or the city).

    A name that is exactly one project's name (with or without 小区/项目) is found through the
    store's index on the name and wins; otherwise every name and alternative label is read
    and compared as a key (exact, then a unique part).

    Raises:
        QueryError: no project matches, or several do (the candidates are listed).
    """
    import pyoxigraph

    if value.startswith(("http://", "https://")):
        return _named_node(value, "project")
    key = _project_key(value)
    if not key.strip():
        raise QueryError(f"project: empty name {value!r}", hint="give part of a project's name or its IRI")
    named = _exact_name(store, key)
    if named is not None:
        return named
    q = sparql("""
    SELECT DISTINCT ?p ?name ?alt ?c ?n WHERE {
      ?p a mh:ShowcaseProject ; schema:name ?name .
      OPTIONAL { ?p skos:altLabel ?alt }
      OPTIONAL { ?p mh:compound ?c }
      OPTIONAL { ?p mh:showcaseNumber ?n }
    }""")
    names: dict[str, str] = {}
    forms: dict[str, set[str]] = {}
    compound: dict[str, str] = {}
    numbered: set[str] = set()
    for r in store.query(q):
        iri = r["p"].value
        names[iri] = r["name"].value
        if r["c"] is not None:
            compound[iri] = r["c"].value
        if r["n"] is not None:
            numbered.add(iri)
        forms.setdefault(iri, set()).add(_project_key(r["name"].value))
        if r["alt"] is not None:
            forms[iri].add(_project_key(r["alt"].value))
    exact_name = sorted(i for i in names if _project_key(names[i]) == key)
    exact = sorted(i for i, fs in forms.items() if key in fs)
    part = sorted(i for i, fs in forms.items() if key and any(key in f for f in fs))
    for iris in (exact_name, exact, part):
        if len(iris) == 1:
            return pyoxigraph.NamedNode(iris[0])
        if len(iris) > 1 and len({compound.get(i, i) for i in iris}) == 1:
            # one compound named by several sources (an instalment and a report): its facts
            # are the compound's, reached from any of them; the numbered project first
            return pyoxigraph.NamedNode(sorted(iris, key=lambda i: (i not in numbered, i))[0])
        if len(iris) > 1:
            listed = "; ".join(f"{names[i]} ({i})" for i in iris)
            raise QueryError(f"{value!r} names several projects: {listed}",
                             hint="give more of the name, or the IRI")
    from meihao_kg.query.hints import close_matches

    shown = sorted(set(names.values()))
    close = close_matches(value, shown)
    known = "、".join(shown[:12]) + (" …" if len(shown) > 12 else "")
    raise QueryError(f"no project named {value!r}",
                     hint=f"close: {'、'.join(close)}" if close else f"known projects: {known or 'none'}")


def _exact_name(store: KGStore, key: str) -> Any | None:
    """The one project whose name is exactly ``key`` (a project key: Simplified, without
    小区/项目 and city), with or without 小区/项目, found through the store's index on the
    name literal — not by reading every project's name.  ``None`` when no project or
    several have such a name: the caller then searches every name and alternative label."""
    import pyoxigraph

    forms = [key] + [key + s for s in ("小区", "项目")]
    terms = " ".join(str(pyoxigraph.Literal(f, language=lang)) if lang else str(pyoxigraph.Literal(f))
                     for f in forms for lang in ("zh", None))
    q = sparql(f"SELECT DISTINCT ?p WHERE {{ VALUES ?n {{ {terms} }} ?p schema:name ?n . ?p a mh:ShowcaseProject }}")
    found = [r["p"] for r in store.query(q)]
    return found[0] if len(found) == 1 else None


def resolve_initiatives(store: KGStore, value: str) -> list[Any]:
    """The initiative concepts a user means: every concept of the initiative scheme whose
    zh/en label, alternative label or notation contains ``value`` (normalised).  Several may
    match (``党建`` → a facet and its types)."""
    import pyoxigraph

    key = name_key(value)
    q = sparql("""SELECT DISTINCT ?c WHERE {
      ?c skos:inScheme mhc:initiative .
      { ?c skos:prefLabel ?l } UNION { ?c skos:altLabel ?l } UNION { ?c skos:notation ?l }
      FILTER(CONTAINS(LCASE(STR(?l)), ?key))
    } ORDER BY ?c""")
    found = [r["c"] for r in store.query(q, {"key": pyoxigraph.Literal(key)})]
    if not found:
        from meihao_kg.query.hints import close_matches, vocabulary

        shown = sorted({v for v, _ in vocabulary(store, "initiative")})
        close = close_matches(value, shown)
        hint = ("close: " + ", ".join(close)) if close else "all of them: meihao-kg ontology"
        raise QueryError(f"no initiative matches {value!r}", hint=hint)
    return found


def bind(store: KGStore, query: SavedQuery, values: dict[str, str]) -> dict[str, Any]:
    """Turn user values into RDF terms for the query's declared parameters."""
    import pyoxigraph

    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r}", hint=f"parameters: {allowed}")
    out: dict[str, Any] = {}
    for p in query.params:
        if p.name not in values:
            if p.required:
                raise QueryError(f"query {query.name!r} needs --param {p.name}=VALUE", hint=p.help or None)
            continue
        v = values[p.name]
        if not name_key(v).strip() and p.kind != "literal":
            raise QueryError(f"--param {p.name}: empty value {v!r}",
                             hint=p.help or f"give a value or leave out --param {p.name}")
        if p.kind == "text":
            out[p.name] = pyoxigraph.Literal(name_key(v))
        elif p.kind == "place":
            out[p.name] = pyoxigraph.Literal(_place_key(v))
        elif p.kind == "project":
            out[p.name] = resolve_project(store, v)
        elif p.kind == "initiative":
            out[p.name] = resolve_initiatives(store, v)
        elif p.kind == "iri":
            if not re.match(r"^https?://\S+$", v):
                raise QueryError(f"--param {p.name}: not an IRI: {v!r}")
            out[p.name] = _named_node(v, f"--param {p.name}")
        else:
            out[p.name] = pyoxigraph.Literal(v)
    return out


def outdated_parts(store: OxigraphStore) -> dict[str, str]:
    """What the saved queries read that ``store`` (a local store) was built without — its
    evidence graph, its query index or the index's latest parts — by graph IRI: a store
    built by an older version of the package.  Empty for a current store, or one without
    facts."""
    import pyoxigraph

    from meihao_kg.graph.derived import INDEX_VERSION, index_version
    from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_EVIDENCE, GRAPH_INDEX

    raw = store.raw
    if not raw.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_ASSERTED))):
        return {}
    out: dict[str, str] = {}
    if not raw.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_EVIDENCE))):
        out[str(GRAPH_EVIDENCE)] = "evidence graph"
    version = index_version(raw)
    if version is None:
        out[str(GRAPH_INDEX)] = "query index"
    elif version < INDEX_VERSION:
        out[str(GRAPH_INDEX)] = "current query index"
    return out


def _check_index(store: OxigraphStore, query: SavedQuery) -> None:
    """A query that reads the index graph or the evidence graph, on a store built before
    that graph (or the index's latest parts) existed, would miss rows: say so instead."""
    for graph, what in outdated_parts(store).items():
        if graph in query.text:
            raise QueryError(f"query {query.name!r} needs the store's {what}, which this store "
                             "was built without", hint="rebuild it: meihao-kg build --force")


def _plain(term: Any) -> str:
    if term is None:
        return ""
    return str(term.value)


def run_query(store: KGStore, query: SavedQuery, values: dict[str, str] | None = None, *,
              allow_service: bool = False, limit: int | None = None, offset: int = 0) -> QueryResult:
    """Run a SELECT or ASK saved query with parameters; values come back as plain strings.

    With ``limit`` only that many rows are returned, from row ``offset`` (0-based) of the
    whole result, and :attr:`QueryResult.more` says whether rows follow.  A query with a
    ``# page-by:`` header then finds only the rows of that page on the local store.

    An ASK query gives one column ``result`` with ``true`` or ``false``.  Update forms are
    refused, and so is ``SERVICE`` unless ``allow_service`` (see :func:`check_query_text`).
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError("the row limit and offset cannot be negative")
    check_query_text(query.text, name=str(query.path), allow_service=allow_service)
    bindings = bind(store, query, values or {})
    # the local store sorts slowly (it reads each compared string back from the database):
    # its rows are sorted here by the query's own ORDER BY keys (see query.order)
    order = split_order_by(query.text) if isinstance(store, OxigraphStore) else None
    if isinstance(store, OxigraphStore):
        _check_index(store, query)
        if (limit is not None and offset + limit <= _PAGED_ROWS and order is not None and query.page_by
                and not _binds_keys(query, bindings)):
            page = _page(store, query, bindings, order, limit, offset)
            if page is not None:
                return page
    result = _execute(store, query, order.text if order else query.text, bindings)
    if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
        return QueryResult(("result",), (("true" if bool(result) else "false",),))
    cols = _columns(query, result)
    rows = _table(result, cols, order.keys if order else (), _list_columns(query.text))
    if limit is None:
        return QueryResult(cols, rows[offset:])
    return QueryResult(cols, rows[offset:offset + limit], more=len(rows) > offset + limit)


_GROUP_CONCAT_RE = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*\"(?P<sep>[^\"]+)\"\s*\)\s*AS\s+[?$](?P<var>\w+)",
    re.IGNORECASE)


def _list_columns(text: str) -> dict[str, str]:
    """Columns made by ``GROUP_CONCAT(...; separator=...)``, with their separators.  SPARQL
    leaves the order of the joined values open (it follows the plan the store picks), so
    they are sorted: the same rows however the query is evaluated."""
    return {m.group("var"): m.group("sep") for m in _GROUP_CONCAT_RE.finditer(text)}


def _table(solutions: Iterable[Any], cols: tuple[str, ...], keys: Sequence[OrderKey],
           lists: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """The rows of ``solutions`` as strings, sorted by ``keys``.  Each term is read from its
    solution once (reading decodes it from the store), for sorting and for the row."""
    names = tuple(dict.fromkeys([*cols, *(k.var for k in keys)]))
    terms = [tuple(sol[n] for n in names) for sol in solutions]
    if keys:
        terms = sort_terms(terms, [(names.index(k.var), k) for k in keys])
    width = len(cols)
    rows = [tuple("" if t is None else str(t.value) for t in row[:width]) for row in terms]
    if lists:
        joined = [(i, lists[c]) for i, c in enumerate(cols) if c in lists]
        rows = [_sorted_lists(row, joined) for row in rows]
    return tuple(rows)


def _sorted_lists(row: tuple[str, ...], joined: list[tuple[int, str]]) -> tuple[str, ...]:
    values = list(row)
    for i, sep in joined:
        if values[i]:
            values[i] = sep.join(sorted(values[i].split(sep)))
    return tuple(values)


def _execute(store: KGStore, query: SavedQuery, text: str, bindings: dict[str, Any]) -> Any:
    try:
        return store.query(text, bindings)
    except QueryError as exc:
        if "syntax error" not in exc.message.lower():
            raise
        from meihao_kg.query.hints import syntax_error

        raise syntax_error(query.path, query.text, exc.message) from None


def _columns(query: SavedQuery, result: Any) -> tuple[str, ...]:
    variables = getattr(result, "variables", None)
    if variables is None:
        raise QueryError(f"query {query.name!r} is not a SELECT or ASK query",
                         hint="use SELECT or ASK; `meihao-kg export` writes the graph")
    return query.columns or tuple(v.value for v in variables)


_FIRST_RANKS = 25  # ranks of the listing order looked at first for a page
_MOST_RANKS = 1_000  # ranks looked at in one step
# values bound by one query: Oxigraph joins more by hash, reading every row of the pattern
# (organisations on 10,000 projects: 50 values 3 ms, 92 values 220 ms)
_VALUES_AT_ONCE = 50
# rows up to which a page is found by the listing order: further on, finding the whole
# result once costs less than binding thousands of values (indicators on 10,000 projects:
# 4.5 s for the whole result)
_PAGED_ROWS = 2_000


def _page(store: OxigraphStore, query: SavedQuery, bindings: dict[str, Any], order: SplitOrder,
          limit: int, offset: int) -> QueryResult | None:
    """Rows ``offset`` to ``offset + limit`` of a ``page-by`` query, found a few at a time.

    The listing order (the store's index, ``graph.derived.rank_listings``) ranks every set
    of the query's leading keys (a project's name and IRI).  The driving variable is bound
    to the values holding the next ranks, and of the rows they give those whose keys hold
    these ranks are kept (a project with two names has its rows under each name, at each
    name's rank); then more ranks, as many as the rows counted so far say the page still
    needs.  ``None`` when the store has no listing order (built before it existed) or one
    out of step with its facts: the caller then finds the whole result."""
    import pyoxigraph

    from meihao_kg.graph.derived import RANKS
    from meihao_kg.graph.namespaces import GRAPH_INDEX, IDX, XSD
    from meihao_kg.query.order import term_key

    rank = RANKS[query.page_by or ""]
    raw = store.raw
    predicate = pyoxigraph.NamedNode(str(IDX[rank.predicate]))
    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    integer = pyoxigraph.NamedNode(str(XSD.integer))
    if next(iter(raw.quads_for_pattern(None, predicate, None, index)), None) is None:
        return None
    ranked = sparql(f"SELECT ?{rank.var} ?r WHERE {{ GRAPH graph:index {{ ?{rank.var} idx:{rank.predicate} ?r }} }}")
    wanted = offset + limit + 1  # one more row: whether there are more
    rows: list[tuple[str, ...]] = []
    cols: tuple[str, ...] | None = None
    lists = _list_columns(query.text)
    start, size = 0, _FIRST_RANKS
    while len(rows) < wanted:
        here = range(start, start + size)
        found = store.query(ranked, {"r": [pyoxigraph.Literal(str(r), datatype=integer) for r in here]})
        values = list(dict.fromkeys(v for _, v in sorted((int(s["r"].value), s[rank.var]) for s in found)))
        if values:
            # which keys each rank stands for: a value's keys in order hold its ranks in order
            ranks: dict[Any, list[int]] = {}
            for s in store.query(ranked, {rank.var: values}):
                ranks.setdefault(s[rank.var], []).append(int(s["r"].value))
            keys: dict[Any, list[tuple[Any, ...]]] = {}
            for s in store.query(sparql(rank.select), {rank.var: values}):
                keys.setdefault(s[rank.var], []).append(tuple(term_key(s[k]) for k in rank.keys))
            chunk: set[tuple[Any, ...]] = set()
            for v in values:
                if len(ranks.get(v, ())) != len(keys.get(v, ())):
                    return None  # out of step
                chunk.update(k for r, k in zip(sorted(ranks.get(v, ())), sorted(keys.get(v, ())), strict=True)
                             if r in here)
            solutions: list[Any] = []
            for i in range(0, len(values), _VALUES_AT_ONCE):
                result = _execute(store, query, order.text, {**bindings, rank.var: values[i:i + _VALUES_AT_ONCE]})
                cols = cols or _columns(query, result)
                solutions.extend(sol for sol in result if tuple(term_key(sol[k]) for k in rank.keys) in chunk)
            rows.extend(_table(solutions, cols or (), order.keys, lists))
        if not values or not _has_rank(raw, predicate, index, start + size):
            break  # the last ranks
        start += size
        # as many ranks again as the rows still wanted need, at the rate seen so far
        rate = len(rows) / start
        size = min(size * 8, _MOST_RANKS, max(_FIRST_RANKS, int((wanted - len(rows)) / max(rate, 0.01) * 1.2) + 1))
    return QueryResult(cols or query.columns, tuple(rows[offset:offset + limit]),
                       more=len(rows) > offset + limit)


def _binds_keys(query: SavedQuery, bindings: dict[str, Any]) -> bool:
    """Whether ``bindings`` fix one of the listing order's keys: the driving variable (one
    project: its rows are few, found at once), or another key (organisations of one type:
    the rows are few and far between in that order, and the whole result is found at once)."""
    from meihao_kg.graph.derived import RANKS

    return any(k in bindings for k in RANKS[query.page_by or ""].keys)


def _has_rank(raw: Any, predicate: Any, index: Any, rank: int) -> bool:
    """Whether the listing order has rank ``rank`` (its ranks are 0 to n - 1)."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import XSD

    r = pyoxigraph.Literal(str(rank), datatype=pyoxigraph.NamedNode(str(XSD.integer)))
    return next(iter(raw.quads_for_pattern(None, predicate, r, index)), None) is not None


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - display_width(s))


def format_result(res: QueryResult, fmt: str = "table") -> str:
    """Render as an aligned table (CJK-width aware), CSV, TSV or JSON."""
    if fmt == "json":
        return json.dumps([dict(zip(res.columns, r, strict=False)) for r in res.rows], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(res.columns)
        w.writerows(res.rows)
        return buf.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r}", hint="table, csv, tsv or json")
    cells = [[c.replace("\n", " ") for c in r] for r in res.rows]
    widths = [display_width(c) for c in res.columns]
    for r in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, r, strict=False)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(res.columns, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells]
    lines.append(f"({len(res.rows)} row{'s' if len(res.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
