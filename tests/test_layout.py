"""The layout keeps one place for each thing: checks over the source tree itself.

- IRIs are minted only in ``graph/iri.py`` and namespaces declared only in
  ``graph/namespaces.py``: no other module holds an IRI literal or builds one from an f-string.
- No module imports another module's private names.
- Package files are located only by ``resources.py``; click is imported only by ``cli.py``.
- ``ARCHITECTURE.md`` names every module of the package, and no module that does not exist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "meihao_kg"
MODULES = sorted(p for p in PKG.rglob("*.py"))
IRI_HOMES = {"graph/iri.py", "graph/namespaces.py"}

# namespace IRIs the library uses: any of them in a string literal is an IRI written by hand
_NAMESPACE_RE = re.compile(
    r"w3id\.org/meihao-kg|schema\.org/|www\.w3\.org/(?:ns|1999|2000|2001|2002|2004)/|purl\.org/dc|"
    r"qudt\.org/|wikidata\.org/entity|pypi\.org/project"
)


def _rel(p: Path) -> str:
    return p.relative_to(PKG).as_posix() if p.is_relative_to(PKG) else p.name


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (documentation may show IRIs)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _iri_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                and _NAMESPACE_RE.search(node.value)):
            found.append(f"{_rel(path)}:{node.lineno}: {node.value[:60]!r}")
        # an IRI assembled from an f-string: URIRef(f"…"), ID[f"…"], CONCEPT[f"…"]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "URIRef"
                and node.args and isinstance(node.args[0], ast.JoinedStr)):
            found.append(f"{_rel(path)}:{node.lineno}: URIRef(f-string)")
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in {
            "ID", "CONCEPT", "MH", "SCHEMA", "WD", "UNIT"
        } and isinstance(node.slice, ast.JoinedStr | ast.BinOp):
            found.append(f"{_rel(path)}:{node.lineno}: {node.value.id}[computed]")
    return found


def test_iris_are_minted_only_in_iri_and_namespaces() -> None:
    offenders = [hit for p in MODULES if _rel(p) not in IRI_HOMES for hit in _iri_literals(p)]
    assert offenders == [], "IRIs written outside graph/iri.py and graph/namespaces.py:\n" + "\n".join(offenders)


def test_the_iri_check_catches_a_hand_written_iri(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('from rdflib import URIRef\nX = URIRef(f"{BASE}/x")\nQ = "PREFIX s: <https://schema.org/>"\n'
                   'Y = ID[f"graph/{name}"]\n', encoding="utf-8")
    assert len(_iri_literals(bad)) == 3


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path)
    aliases: dict[str, str] = {}  # local name → meihao_kg module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("meihao_kg"):
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if (PKG.parent / (full.replace(".", "/") + ".py")).exists() or (
                    PKG.parent / full.replace(".", "/") / "__init__.py"
                ).exists():
                    aliases[a.asname or a.name] = full
                elif a.name.startswith("_") and not a.name.startswith("__") and node.module != here:
                    found.append(f"{_rel(path)}:{node.lineno}: from {node.module} import {a.name}")
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("meihao_kg") and a.asname:
                    aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")
                and aliases[node.value.id] != here):
            found.append(f"{_rel(path)}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    offenders = [hit for p in MODULES for hit in _private_uses(p)]
    assert offenders == [], "private names used across modules:\n" + "\n".join(offenders)


@pytest.mark.parametrize(("needle", "home"), [
    ("__file__", "resources.py"),
    ("importlib.resources", "resources.py"),
    ("import click", "cli.py"),
])
def test_one_module_for(needle: str, home: str) -> None:
    users = sorted(_rel(p) for p in MODULES if needle in p.read_text(encoding="utf-8") and _rel(p) != home)
    assert users == [], f"{needle!r} belongs in {home} only"


def _architecture_modules() -> set[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    found = set(re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.py)`", text))
    return {m for m in found if not m.startswith(("tests/", "bench/", "scripts/"))}


def test_architecture_names_every_module() -> None:
    named = _architecture_modules()
    missing = sorted(_rel(p) for p in MODULES if _rel(p) not in named)
    assert missing == [], "ARCHITECTURE.md does not mention: " + ", ".join(missing)


def test_architecture_names_no_module_that_does_not_exist() -> None:
    stale = sorted(m for m in _architecture_modules() if not (PKG / m).exists())
    assert stale == [], "ARCHITECTURE.md names modules that are not in the tree: " + ", ".join(stale)


def test_package_javascript_parses() -> None:
    """The view's script and the front end's scripts are plain JavaScript files (no template
    syntax), checked by node's parser; the vendored bundles are left alone."""
    import shutil
    import subprocess

    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is needed to check the package's JavaScript (scripts/test.sh installs nodejs)"
    scripts = sorted(p for p in PKG.rglob("*.js") if "vendor" not in p.parts)
    assert any(p.name == "page.js" for p in scripts)
    for js in scripts:
        text = js.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, f"{_rel(js)} holds template syntax"
        done = subprocess.run([node, "--check", str(js)], capture_output=True, text=True)
        assert done.returncode == 0, f"{_rel(js)}: {done.stderr}"
