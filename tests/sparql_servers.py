"""Real servers for the remote-store tests: the Oxigraph server (read-write, as a team's
shared server), ``meihao-kg serve`` as a subprocess, and an authenticating reverse proxy
(basic or bearer credentials, optional 503s) in front of either."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent / "oxigraph"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 60.0) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            c = HTTPConnection(parts.hostname, parts.port, timeout=2)
            c.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """``oxigraph serve`` (read-write) on a free loopback port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([str(BIN), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def meihao_serve(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, Any]]:
    """``python -m meihao_kg serve`` on a free port; yields (base URL, process).  Stops it
    with SIGINT (Ctrl-C)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "meihao_kg", "serve", "--store", str(store), "--bind", f"127.0.0.1:{port}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


class AuthProxy:
    """A reverse proxy that demands ``Authorization: expected`` and can answer 503 to the
    first ``fail_first`` requests.  Counts what it saw."""

    def __init__(self, upstream: str, expected: str, fail_first: int = 0) -> None:
        from urllib.parse import urlsplit

        up = urlsplit(upstream)
        self.expected = expected
        self.fail_first = fail_first
        self.seen: list[tuple[str, str, int]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, ctype: str = "text/plain", extra: dict[str, str] | None = None) -> None:
                proxy.seen.append((self.command, self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _any(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                if self.headers.get("Authorization") != proxy.expected:
                    self._reply(401, b"Unauthorized\n", extra={"WWW-Authenticate": 'Basic realm="kg"'})
                    return
                if proxy.fail_first > 0:
                    proxy.fail_first -= 1
                    self._reply(503, b"Service Unavailable\n")
                    return
                c = HTTPConnection(up.hostname, up.port, timeout=60)
                headers = {k: v for k in ("Accept", "Content-Type") if (v := self.headers.get(k))}
                c.request(self.command, self.path, body=body or None, headers=headers)
                r = c.getresponse()
                self._reply(r.status, r.read(), r.getheader("Content-Type") or "application/octet-stream")

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> AuthProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
