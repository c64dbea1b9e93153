"""A remote store: any SPARQL 1.1 endpoint in place of the local Oxigraph database.

:class:`EndpointStore` implements :class:`meihao_kg.store.local.KGStore` over the SPARQL 1.1
Protocol (https://www.w3.org/TR/sparql11-protocol/) with nothing server-specific:

* queries are sent by URL-encoded POST; results come back as SPARQL 1.1 Query Results JSON
  and are parsed by pyoxigraph, so callers get exactly the objects the local store gives;
* the local store answers over the *union* of the named graphs.  Servers differ on what
  their default graph is (Oxigraph: an empty graph unless ``--union-default-graph``;
  Fuseki: the unnamed graph unless ``unionDefaultGraph``; GraphDB: everything), so every
  query names its dataset in the protocol (``default-graph-uri`` and ``named-graph-uri``
  for each named graph) and gets the same answer everywhere;
* parameters are bound as a ``VALUES`` block at the head of the query's WHERE group (the
  protocol has no substitution); the term is written in N-Triples syntax, never spliced.

HTTP goes through httpx: one pooled keep-alive connection per store, timeouts, and the
same credential and retry rules as ``push`` (:func:`auth_for`, :func:`send`).
"""

from __future__ import annotations

import base64
import logging
import netrc
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from meihao_kg.errors import QueryError, StoreError
from meihao_kg.store.local import has_dataset_clause

__all__ = ["ENDPOINT_ENV", "EndpointStore", "RemoteError", "auth_for", "inject_values", "send"]

LOG = logging.getLogger(__name__)

ENDPOINT_ENV = "MEIHAO_KG_ENDPOINT"
USER_ENV = "MEIHAO_KG_ENDPOINT_USER"
PASSWORD_ENV = "MEIHAO_KG_ENDPOINT_PASSWORD"
TOKEN_ENV = "MEIHAO_KG_ENDPOINT_TOKEN"
TIMEOUT_ENV = "MEIHAO_KG_ENDPOINT_TIMEOUT"
UNION_ENV = "MEIHAO_KG_ENDPOINT_UNION"

RESULTS_JSON = "application/sparql-results+json"


class RemoteError(StoreError):
    """A SPARQL server refused a request or could not be reached."""


# ----------------------------------------------------------------------------- HTTP

def auth_for(url: str) -> dict[str, str]:
    """The Authorization header for ``url``, from the environment or a netrc file.

    ``$MEIHAO_KG_ENDPOINT_TOKEN`` gives a bearer token; ``$MEIHAO_KG_ENDPOINT_USER`` and
    ``$MEIHAO_KG_ENDPOINT_PASSWORD`` give basic credentials; otherwise the netrc file
    (``$NETRC`` or ``~/.netrc``) entry for the URL's host, if any.  Never the command line.
    """
    token = os.environ.get(TOKEN_ENV)
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not user:
        host = urlsplit(url).hostname or ""
        path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
        if host and os.path.isfile(path):
            try:
                entry = netrc.netrc(path).authenticators(host)
            except (netrc.NetrcParseError, OSError) as exc:
                raise RemoteError(f"{path}: cannot read netrc ({exc})") from None
            if entry:
                user, password = entry[0], entry[2]
    if user:
        raw = f"{user}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


def http_client(timeout: float) -> Any:
    import httpx

    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                        follow_redirects=True, trust_env=False)


def _server_message(resp: Any) -> str:
    text = (resp.text or "").strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = re.sub(r"<[^>]+>", "", first)[:200]
    return f"HTTP {resp.status_code} {resp.reason_phrase}" + (f": {first}" if first else "")


def send(client: Any, method: str, url: str, *, retries: int = 3, backoff: float = 0.5,
         sleep: Callable[[float], None] = time.sleep, **kwargs: Any) -> Any:
    """One HTTP request with retries (exponential backoff) on connection errors and 5xx.

    Returns the response for 2xx; raises :class:`RemoteError` with a one-line message for
    4xx (at once: credentials or the request are wrong) and for 5xx or connection errors
    once the retries are spent.
    """
    import httpx

    headers = {**auth_for(url), **kwargs.pop("headers", {})}
    for attempt in range(retries + 1):
        last: str
        try:
            resp = client.request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException:
            raise RemoteError(f"{url}: no answer within the timeout") from None
        except httpx.HTTPError as exc:
            last = f"{url}: cannot connect ({exc.__class__.__name__}: {exc})"
        else:
            if resp.status_code < 400:
                return resp
            if resp.status_code in (401, 403):
                how = "credentials refused" if auth_for(url) else "credentials needed"
                raise RemoteError(f"{url}: {how} ({_server_message(resp)})",
                                  hint=f"set ${USER_ENV}/${PASSWORD_ENV}, ${TOKEN_ENV} or a netrc entry")
            if resp.status_code < 500:
                raise RemoteError(f"{url}: {_server_message(resp)}")
            last = f"{url}: {_server_message(resp)}"
            if "timeout" in last.lower():
                raise RemoteError(last)  # the query was too heavy: asking again will not help
        if attempt < retries:
            LOG.info("%s; retrying", last)
            sleep(backoff * 2 ** attempt)
    raise RemoteError(last)


# ----------------------------------------------------------------------------- VALUES

_TOKEN_RE = re.compile(
    r'''(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|\#[^\n]*)'''
    r"|(?P<var>[?$]\w+)|(?P<open>[{(])|(?P<close>[})])|(?P<word>[A-Za-z_]+)",
    re.S,
)


def inject_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """``sparql`` with each binding's term in place of its variable inside the WHERE
    group, and ``VALUES ?v { term }`` at the head of the group so that the variable keeps
    its value in the results (projection, GROUP BY).  Terms are pyoxigraph terms, written
    in their N-Triples form (escaped), never user text.

    This is SEP-0007 substitution — what the local store does — in standard SPARQL 1.1.
    Where the group holds a sub-SELECT, a VALUES block or ``AS ?v`` for a bound variable
    (none of the saved queries do), only the VALUES block is added.  Strings, IRIs and
    comments are skipped, so braces or ``?v`` inside them do not count.
    """
    if not bindings:
        return sparql
    tokens = list(_TOKEN_RE.finditer(sparql))
    form = None
    depth = 0
    start = None
    seen_where = False
    for i, m in enumerate(tokens):
        if m.group("skip") or m.group("var"):
            continue
        word = m.group("word")
        if word:
            w = word.upper()
            if depth == 0 and form is None and w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = w
            if depth == 0 and w == "WHERE":
                seen_where = True
            continue
        if m.group("open"):
            if m.group("open") == "{" and depth == 0 and (seen_where or form in ("SELECT", "ASK")):
                start = i
                break
            depth += 1
        else:
            depth -= 1
    if start is None:
        raise QueryError("cannot bind parameters: no WHERE group found in the query")
    depth, end = 0, len(tokens)
    for j in range(start, len(tokens)):
        g = tokens[j]
        if g.group("open") == "{":
            depth += 1
        elif g.group("close") == "}":
            depth -= 1
            if depth == 0:
                end = j
                break
    body = tokens[start + 1:end]
    names = {f"?{n}" for n in bindings} | {f"${n}" for n in bindings}
    words = [(t.group("word") or "").upper() for t in body]
    unsafe = "SELECT" in words or "VALUES" in words or any(
        words[k] == "AS" and k + 1 < len(body) and body[k + 1].group("var") in names for k in range(len(body)))
    out = []
    last = tokens[start].end()
    out.append(sparql[:last])
    def terms(value: Any) -> str:
        return " ".join(str(t) for t in value) if isinstance(value, (list, tuple)) else str(value)

    out.append(" " + " ".join(f"VALUES ?{name} {{ {terms(term)} }}" for name, term in bindings.items()) + " ")
    # a variable bound to several terms (the concepts an initiative name matches) is joined
    # through its VALUES block only
    names = {n for n in names if not isinstance(bindings[n[1:]], (list, tuple))}
    if not unsafe:
        for t in body:
            if t.group("var") in names:
                out.append(sparql[last:t.start()])
                out.append(str(bindings[t.group("var")[1:]]))
                last = t.end()
    out.append(sparql[last:])
    return "".join(out)


_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def _query_form(sparql: str) -> str:
    stripped = _TOKEN_RE.sub(lambda m: " " if m.group("skip") else m.group(0), sparql)
    m = _FORM_RE.search(stripped)
    return m.group(1).upper() if m else "SELECT"


# ----------------------------------------------------------------------------- store

class EndpointStore:
    """A read-only :class:`~meihao_kg.store.local.KGStore` over a SPARQL 1.1 query endpoint."""

    def __init__(self, url: str, *, timeout: float | None = None, union: bool | None = None) -> None:
        """``union``: whether the server's default graph is exactly the union of its named
        graphs (``meihao-kg serve``, Oxigraph with ``--union-default-graph``, GraphDB with no
        triples outside named graphs, Fuseki with ``unionDefaultGraph``), so that queries
        need not name their dataset.  ``None``: ``$MEIHAO_KG_ENDPOINT_UNION`` (``1``/``0``)
        if set, else asked of the server once (:meth:`_detect_union`)."""
        if not re.match(r"^https?://[^/\s]+", url):
            raise StoreError(f"not an http(s) endpoint URL: {url!r}")
        self.url = url
        self.root = url  # what `info` shows as the store
        self.timeout = timeout or float(os.environ.get(TIMEOUT_ENV) or 60)
        self.http_client = http_client(self.timeout)
        self._graphs: list[str] | None = None
        env = os.environ.get(UNION_ENV, "").lower()
        if union is None and env:
            union = env in ("1", "true", "yes")
        self.union_graph = union

    def close(self) -> None:
        self.http_client.close()

    def _post(self, data: list[tuple[str, str]], accept: str) -> bytes:
        from urllib.parse import urlencode

        resp = send(self.http_client, "POST", self.url, content=urlencode(data).encode("ascii"), retries=2,
                    headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        return bytes(resp.content)

    def _select(self, sparql: str, dataset: bool = True) -> Any:
        import pyoxigraph

        data = [("query", sparql)]
        if dataset and not has_dataset_clause(sparql):
            data += self._dataset()
        body = self._post(data, RESULTS_JSON)
        try:
            return pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"{self.url}: unreadable SPARQL results ({exc})") from None

    def _dataset(self) -> list[tuple[str, str]]:
        """Protocol dataset for a query without its own FROM: as the local store, the asserted
        facts, the ontology and the inferences as default graph when the store has them;
        every named graph reachable by GRAPH."""
        from meihao_kg.graph.namespaces import QUERY_GRAPHS

        graphs = self.graphs()
        default = [str(g) for g in QUERY_GRAPHS if str(g) in graphs]
        if len(default) < len(QUERY_GRAPHS):
            if self.union:
                return []
            default = graphs
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in graphs]

    @property
    def union(self) -> bool:
        if self.union_graph is None:
            self.union_graph = self._detect_union()
        return self.union_graph

    def _detect_union(self) -> bool:
        """True if every triple of the named graphs is in the default graph and nothing
        else is: two ASK queries over the server's own dataset (two scans; set
        ``$MEIHAO_KG_ENDPOINT_UNION`` to skip them on a very large store)."""
        missing = "ASK { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
        extra = "ASK { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
        return not bool(self._select(missing, dataset=False)) and not bool(self._select(extra, dataset=False))

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """SELECT/ASK: pyoxigraph ``QuerySolutions``/``QueryBoolean``; CONSTRUCT/DESCRIBE:
        a list of pyoxigraph triples."""
        import pyoxigraph

        text = inject_values(sparql, bindings or {})
        if _query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            data = [("query", text)] + ([] if has_dataset_clause(text) else self._dataset())
            body = self._post(data, "application/n-triples")
            return list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
        return self._select(text)

    def graphs(self) -> list[str]:
        """Every named graph on the server (asked once)."""
        if self._graphs is None:
            rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=False)
            self._graphs = sorted(r["g"].value for r in rows)
            if not self._graphs:
                raise StoreError(f"{self.url}: the endpoint has no named graphs",
                                 hint="push a store first: meihao-kg push --endpoint URL")
        return self._graphs

    def dump_nquads(self) -> bytes:
        """Every quad of every named graph, as N-Quads."""
        import pyoxigraph

        rows = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=False)
        quads = [pyoxigraph.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
        return pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS) or b""

    def __len__(self) -> int:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=False)
        return int(next(iter(rows))["n"].value)

    def count(self, graph: str) -> int:
        """Triples in one named graph."""
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                            dataset=False)
        return int(next(iter(rows))["n"].value)

