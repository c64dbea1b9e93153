"""``serve``: the store as a read-only SPARQL 1.1 endpoint, with a browser front end.

The SPARQL endpoint is the Oxigraph server itself (the ``oxigraph`` binary of the
``oxigraph`` PyPI package), started as ``oxigraph serve-read-only``
on the store's ``current`` database, on a private loopback port.  In front of it, on the
address the user asked for, a small HTTP server:

* ``/query`` – the SPARQL 1.1 Protocol endpoint (GET and POST passed to Oxigraph as is);
  ``/store`` – Graph Store Protocol reads (GET/HEAD); every write is refused (403);
* ``/`` – the saved queries with a form each, results as a table with CSV/JSON downloads;
  ``/project?iri=…`` – a project's facts by kind with quote and source, and its
  neighbourhood view; ``/sparql`` – a SPARQL editor (YASGUI, bundled); all offline;
* ``/api/queries``, ``/api/run/NAME?param=…&format=json|csv`` – what the pages use.

A build swaps ``current`` to a new database.  A read-only Oxigraph keeps the database it
opened, so the front watches ``current`` and *restarts*: it starts a new Oxigraph on the
new database, waits until it answers, points ``/query`` at it and stops the old one.  The
address never goes down.  :attr:`Server.swaps` records how long each restart took.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from meihao_kg import resources
from meihao_kg.errors import MeihaoError, StoreError
from meihao_kg.graph.namespaces import sparql

__all__ = ["ServeError", "Server", "check_versions", "is_loopback", "oxigraph_binary", "parse_bind"]

LOG = logging.getLogger(__name__)
WEB = resources.web_dir()
DEFAULT_BIND = "127.0.0.1:7878"
BINARY_ENV = "MEIHAO_KG_OXIGRAPH"


class ServeError(MeihaoError):
    """The server cannot start: no binary, wrong version, port taken, no store."""


# ----------------------------------------------------------------------------- the binary

def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary: ``$MEIHAO_KG_OXIGRAPH``, else next to this Python (the
    venv's bin/), else on PATH."""
    given = os.environ.get(BINARY_ENV)
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise ServeError(f"${BINARY_ENV}={given}: no such executable",
                             hint="pip install 'oxigraph>=0.5,<0.6', or unset it")
        return given
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the oxigraph server binary is not installed",
                         hint="pip install 'oxigraph>=0.5,<0.6' (the same minor version as pyoxigraph)")
    return found


def check_versions(binary: str) -> str:
    """The binary's version; raises unless its storage matches pyoxigraph's (same major.minor)."""
    import pyoxigraph

    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError as exc:
        raise ServeError(f"{binary}: cannot run ({exc})") from None
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    if not m:
        raise ServeError(f"{binary}: cannot tell its version from {out.strip()!r}")
    mine = pyoxigraph.__version__.split(".")[:2]
    if list(m.groups()[:2]) != mine:
        raise ServeError(f"{binary} is oxigraph {m.group(0)} but the store is written by pyoxigraph "
                         f"{pyoxigraph.__version__}: their storage formats may differ",
                         hint="install matching versions: pip install 'oxigraph==" + pyoxigraph.__version__ + "'")
    return m.group(0)


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:7878`` for IPv6) → (host, port)."""
    m = re.match(r"^\[?([^\[\]]+?)\]?:(\d{1,5})$", bind.strip())
    if not m or not 0 < int(m.group(2)) < 65536:
        raise ServeError(f"--bind {bind!r}: expected HOST:PORT, e.g. 127.0.0.1:7878")
    return m.group(1), int(m.group(2))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ----------------------------------------------------------------------------- backend

def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the Oxigraph child gets SIGTERM if meihao-kg dies (even by SIGKILL)."""
    import ctypes
    import signal as _signal

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(_signal.SIGTERM))  # PR_SET_PDEATHSIG


@dataclass
class Backend:
    """One ``oxigraph serve-read-only`` process on a private loopback port."""

    binary: str
    db: Path
    timeout_s: int
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    active: int = 0  # requests in flight (guarded by the server's lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self, wait: float = 30.0) -> None:
        for _ in range(3):
            self.port = _free_port()
            self.proc = subprocess.Popen(
                [self.binary, "serve-read-only", "--location", str(self.db), "--bind",
                 f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
            if self._wait_ready(wait):
                return
            err = self._stop_and_read()
            if "Address already in use" not in err:
                raise ServeError(f"oxigraph could not open {self.db}: {err.strip().splitlines()[-1:] or '?'}")
        raise ServeError("oxigraph could not bind a private port")

    def _wait_ready(self, wait: float) -> bool:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def _stop_and_read(self) -> str:
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return (err or b"").decode("utf-8", "replace")

    def stop(self) -> None:
        self._stop_and_read()


# ----------------------------------------------------------------------------- server

@dataclass
class Server:
    """The front server and its Oxigraph backend.  ``start()``, then ``serve_forever()``
    (or run it in a thread) and ``shutdown()``."""

    root: Path
    bind: str = DEFAULT_BIND
    timeout_s: int = 30
    poll: float = 0.2
    binary: str | None = None
    swaps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.host, self.port = parse_bind(self.bind)
        self._lock = threading.Lock()
        self._backend: Backend | None = None
        self._db: str | None = None
        self._stop = threading.Event()
        self._serving = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._cache: dict[Any, Any] = {}

    # -- lifecycle
    def start(self) -> None:
        self.binary = self.binary or oxigraph_binary()
        self.version = check_versions(self.binary)
        db = self._current()
        cls = _HTTPServer6 if ":" in self.host else _HTTPServer
        try:
            httpd = cls((self.host, self.port), _Handler)
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE (Linux, macOS, Windows)
                raise ServeError(f"{self.host}:{self.port} is already in use",
                                 hint="stop the other server or choose another --bind HOST:PORT") from None
            raise ServeError(f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc})") from None
        httpd.app = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        try:
            self._switch(db)
        except BaseException:
            httpd.server_close()
            raise
        self._watcher = threading.Thread(target=self._watch, name="meihao-kg-watch", daemon=True)
        self._watcher.start()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        assert self._httpd is not None
        self._serving.set()
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._serving.clear()

    def shutdown(self) -> None:
        """Stop serving and stop Oxigraph; safe to call whether or not serving began."""
        self._stop.set()
        if self._httpd is not None:
            if self._serving.is_set():  # (shutdown() waits for a loop that never started)
                self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self._lock:
            if self._backend is not None:
                self._backend.stop()
                self._backend = None

    def has_asserted(self) -> bool:
        """Whether the database being served has the asserted graph (stores built by this
        version do), checked once per database."""
        db = self._db
        if db is None:
            return False
        key = ("asserted", db)
        if key not in self._cache:
            import pyoxigraph

            from meihao_kg.graph.namespaces import GRAPH_ASSERTED

            try:
                st = pyoxigraph.Store.read_only(db)
                self._cache[key] = st.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_ASSERTED)))
                del st
            except OSError:
                self._cache[key] = False
        return bool(self._cache[key])

    # -- the store and its swaps
    def _current(self) -> str:
        current = self.root / "current"
        if not current.exists():
            raise StoreError(f"{self.root}: no knowledge graph here yet", hint="run `meihao-kg build` first")
        return str(current.resolve())

    def _switch(self, db: str) -> None:
        t0 = time.perf_counter()
        assert self.binary is not None
        new = Backend(self.binary, Path(db), self.timeout_s)
        new.start()
        with self._lock:
            old, self._backend, self._db = self._backend, new, db
        if old is not None:
            self.swaps.append(time.perf_counter() - t0)
            # requests already sent to the old process finish there before it stops
            deadline = time.monotonic() + self.timeout_s + 10
            while time.monotonic() < deadline:
                with self._lock:
                    if old.active == 0:
                        break
                time.sleep(0.01)
            old.stop()
            with self._lock:
                st = self._cache.get("stores", {}).pop(old.port, None)
                self._cache.pop(("graph", old.url), None)
            if st is not None:
                st.close()
            LOG.info("store swapped: now serving %s (restart took %.2f s)", db, self.swaps[-1])

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                db = self._current()
            except StoreError:
                continue
            if db != self._db and Path(db).is_dir():
                try:
                    self._switch(db)
                except MeihaoError as exc:
                    LOG.warning("could not serve the new store %s: %s", db, exc)
                    self._db = db  # do not retry the same broken database in a loop

    def backend(self) -> Backend:
        with self._lock:
            if self._backend is None:
                raise ServeError("the server is shutting down")
            return self._backend

    def acquire(self) -> Backend:
        """The live backend, counted as busy until :meth:`release`."""
        with self._lock:
            if self._backend is None:
                raise ServeError("the server is shutting down")
            self._backend.active += 1
            return self._backend

    def release(self, backend: Backend) -> None:
        with self._lock:
            backend.active -= 1

    @contextmanager
    def using(self) -> Iterator[Any]:
        """An EndpointStore on the live backend, which stays up until the block ends."""
        from meihao_kg.store.remote import EndpointStore

        b = self.acquire()
        try:
            with self._lock:
                stores = self._cache.setdefault("stores", {})
                st = stores.get(b.port)
                if st is None:
                    st = stores[b.port] = EndpointStore(b.url, timeout=self.timeout_s + 5, union=False)
            yield st
        finally:
            self.release(b)

    def projection(self, store: Any) -> Any:
        """The network projection of the served store (built once per backend)."""
        from meihao_kg.view.projection import project_graph
        from meihao_kg.view.source import read_view_source

        with self._lock:
            g = self._cache.get(("graph", store.url))
        if g is None:
            g = project_graph(read_view_source(store))
            with self._lock:
                self._cache[("graph", store.url)] = g
        return g


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            LOG.debug("%s went away", client_address)  # a browser that stopped waiting
            return
        LOG.warning("error answering %s: %r", client_address, exc)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


# ----------------------------------------------------------------------------- handler

_CANCELLED = b"The SPARQL operation has been cancelled"
_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    server_version = "meihao-kg"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        LOG.debug("%s %s", self.address_string(), format % args)

    # -- plumbing
    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # -- methods
    def do_GET(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/query":
            self._proxy(self._body())
        else:
            self._body()
            self._refuse()

    def do_PUT(self) -> None:
        self._body()
        self._refuse()

    do_DELETE = do_PATCH = do_PUT

    def _refuse(self) -> None:
        self._text(HTTPStatus.FORBIDDEN, "read-only endpoint: updates are refused (use meihao-kg build)")

    def _route(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        path, qs = parts.path, urllib.parse.parse_qs(parts.query)
        try:
            if path in ("/query", "/store"):
                self._proxy(b"")
            elif path in ("/", "/index.html"):
                self._static("index.html")
            elif path == "/sparql":
                self._static("sparql.html")
            elif path.startswith("/static/"):
                self._static(path[len("/static/"):])
            elif path == "/api/queries":
                self._json(200, _queries_json())
            elif path.startswith("/api/run/"):
                self._run(path[len("/api/run/"):], qs)
            elif path == "/project":
                self._project((qs.get("iri") or [""])[0])
            elif path == "/project/view":
                self._project_view((qs.get("iri") or [""])[0])
            elif path == "/update":
                self._refuse()
            else:
                self._text(404, f"not found: {path}")
        except MeihaoError as exc:
            if path.startswith("/api/"):
                self._json(400, {"error": str(exc)})
            else:
                self._text(400, str(exc))

    def _dataset_and_checks(self, body: bytes) -> tuple[str, bytes] | None:
        """The request to pass on, or ``None`` once refused.  A query with a SERVICE clause
        is refused (the endpoint never calls other servers).  A query that names no dataset
        (no FROM, no default-graph-uri, no GRAPH) gets the local store's default graph: the
        asserted facts once each, the ontology and the inferences."""
        from meihao_kg.graph.namespaces import QUERY_GRAPHS
        from meihao_kg.store.local import bare_query, has_dataset_clause

        parts = urllib.parse.urlsplit(self.path)
        if parts.path != "/query":
            return self.path, body
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = urllib.parse.parse_qs(parts.query)
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if ctype == "application/x-www-form-urlencoded" else {}
        text = (params.get("query") or form.get("query") or [""])[0]
        if ctype == "application/sparql-query":
            text = body.decode("utf-8", "replace")
        if not text:
            return self.path, body
        if re.search(r"(?<![?$:\w])SERVICE(?![:\w])", bare_query(text), re.IGNORECASE):
            self._text(HTTPStatus.FORBIDDEN, "SERVICE is refused: this endpoint never sends requests to other servers")
            return None
        named = any(k in params or k in form for k in ("default-graph-uri", "named-graph-uri"))
        uses_graph = re.search(r"(?<![?$:\w])GRAPH(?![:\w])", bare_query(text), re.IGNORECASE)
        # (a dataset given by default-graph-uri alone has no named graphs: a query that uses
        # GRAPH keeps the server's own dataset, every named graph and an empty default graph)
        if named or uses_graph or has_dataset_clause(text) or not self.server.app.has_asserted():
            return self.path, body
        extra = urllib.parse.urlencode([("default-graph-uri", str(g)) for g in QUERY_GRAPHS])
        if form:
            return self.path, body + b"&" + extra.encode("ascii")
        sep = "&" if parts.query else "?"
        return self.path + sep + extra, body

    def _proxy(self, body: bytes) -> None:
        app = self.server.app
        checked = self._dataset_and_checks(body)
        if checked is None:
            return
        path, body = checked
        backend = app.acquire()
        headers = {k: v for k in ("Accept", "Content-Type") if (v := self.headers.get(k))}
        conn = HTTPConnection("127.0.0.1", backend.port, timeout=app.timeout_s + 30)
        try:
            conn.request(self.command, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except TimeoutError:
            self._text(HTTPStatus.SERVICE_UNAVAILABLE,
                       f"query timeout: no answer within the {app.timeout_s} s limit (meihao-kg serve --timeout)")
            return
        except OSError as exc:
            self._text(HTTPStatus.BAD_GATEWAY, f"SPARQL backend unavailable ({exc})")
            return
        finally:
            conn.close()
            app.release(backend)
        if resp.status == 200 and data.rstrip().endswith(_CANCELLED):
            # Oxigraph streams results: a query stopped by --timeout-s ends a 200 answer
            # with this sentence; the client gets a clear 503 instead of broken results
            self._text(HTTPStatus.SERVICE_UNAVAILABLE,
                       f"query timeout: stopped after the {app.timeout_s} s limit (meihao-kg serve --timeout)")
            return
        self._send(resp.status, data, resp.getheader("Content-Type") or "application/octet-stream",
                   {"Access-Control-Allow-Origin": "*"})

    def _static(self, name: str) -> None:
        target = (WEB / name).resolve()
        if WEB.resolve() not in target.parents or not target.is_file():
            self._text(404, f"not found: {name}")
            return
        ctype = _STATIC_TYPES.get(target.suffix, "application/octet-stream")
        self._send(200, target.read_bytes(), ctype, {"Content-Security-Policy": _CSP, "Cache-Control": "no-cache"})

    def _run(self, name: str, qs: dict[str, list[str]]) -> None:
        from meihao_kg.query.saved import find_query, format_result, run_query

        fmt = (qs.pop("format", ["json"]) or ["json"])[0]
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            self._json(404, {"error": f"no saved query named {name!r}"})
            return
        window = {k: (qs.pop(k, [""]) or [""])[0].strip() for k in ("limit", "offset")}
        if not all(re.fullmatch(r"\d{0,9}", v) for v in window.values()):
            self._json(400, {"error": "limit and offset are row counts: 0, 1, 2 ..."})
            return
        limit = int(window["limit"]) if window["limit"] else None
        offset = int(window["offset"] or 0)
        q = find_query(name)
        values = {k: v[0] for k, v in qs.items() if v and v[0].strip()}
        with self.server.app.using() as st:
            res = run_query(st, q, values, limit=limit, offset=offset)
        if fmt == "csv":
            self._send(200, format_result(res, "csv").encode("utf-8"), "text/csv; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}.csv"'})
        elif fmt == "download-json":
            self._send(200, format_result(res, "json").encode("utf-8"), "application/json; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}.json"'})
        else:
            self._json(200, {"query": name, "columns": list(res.columns), "rows": [list(r) for r in res.rows],
                             "offset": offset, "more": res.more})

    def _project(self, iri: str) -> None:
        from meihao_kg.query.explain import explain_project

        if not iri:
            self._text(400, "missing ?iri=")
            return
        with self.server.app.using() as st:
            facts = explain_project(st, iri)
            name = _project_name(st, iri)
        self._send(200, _project_page(iri, name, facts).encode("utf-8"), "text/html; charset=utf-8",
                   {"Content-Security-Policy": _CSP})

    def _project_view(self, iri: str) -> None:
        from meihao_kg.view.lookup import neighbourhood
        from meihao_kg.view.render import render_html

        with self.server.app.using() as st:
            G = neighbourhood(self.server.app.projection(st), iri, 1)
            name = _project_name(st, iri)
        self._send(200, render_html(G, title=name).encode("utf-8"), "text/html; charset=utf-8")


def _queries_json() -> list[dict[str, Any]]:
    from meihao_kg.query.saved import list_queries

    return [{"name": q.name, "title_zh": q.title_zh, "title_en": q.title_en, "description": q.description,
             "params": [{"name": p.name, "kind": p.kind, "required": p.required, "help": p.help} for p in q.params],
             "columns": list(q.columns)} for q in list_queries()]


def _project_name(store: Any, iri: str) -> str:
    import pyoxigraph

    rows = list(store.query(sparql("SELECT ?n WHERE { ?p schema:name ?n } LIMIT 1"),
                            {"p": pyoxigraph.NamedNode(iri)}))
    return rows[0]["n"].value if rows else iri


_KINDS = {"指标 indicator": ("指标", "Indicators"), "举措 initiative": ("举措", "Initiatives"),
          "时间 date": ("时间", "Dates"), "组织 organisation": ("组织", "Organisations"),
          "荣誉 recognition": ("荣誉", "Recognitions"), "位置 place": ("位置", "Places")}


def _bi(zh: str, en: str) -> str:
    return f'<span class="zh">{html.escape(zh)}</span><span class="en">{html.escape(en)}</span>'


def _project_page(iri: str, name: str, facts: list[Any]) -> str:
    e = html.escape
    groups: dict[str, list[Any]] = {}
    for f in facts:
        groups.setdefault(f.kind, []).append(f)
    sections = []
    for kind in sorted(groups, key=lambda k: list(_KINDS).index(k) if k in _KINDS else 99):
        zh, en = _KINDS.get(kind, (kind, kind))
        items = "".join(
            f'<li class="fact"><div class="summary">{e(f.summary)}</div>'
            f'<blockquote class="quote">{e(f.quote)}</blockquote>'
            f'<div class="source">{_bi("来源", "Source")}: <code>{e(f.doc_id)}</code> [{f.start}–{f.end}]'
            f' · {_bi("句子", "Sentence")}: {e(f.sentence)}</div></li>'
            for f in groups[kind])
        sections.append(f'<section class="kind" data-kind="{e(kind)}"><h2>{_bi(zh, en)} '
                        f'<small>({len(groups[kind])})</small></h2><ul>{items}</ul></section>')
    view = "/project/view?" + urllib.parse.urlencode({"iri": iri})
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(name)} · meihao-kg</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">{_bi("美好家园知识图谱", "meihao-kg")}</a>
<button id="lang" type="button">English</button></header>
<main><h1 id="project-name">{e(name)}</h1><p class="iri"><code>{e(iri)}</code></p>
{"".join(sections) or "<p>" + _bi("没有事实", "No facts") + "</p>"}
<section><h2>{_bi("关系网络", "Neighbourhood")}</h2>
<iframe id="view" src="{e(view)}" title="neighbourhood"></iframe></section></main>
<script src="/static/lang.js"></script></body></html>
"""
