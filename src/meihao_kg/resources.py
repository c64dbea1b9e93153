"""The package's data files: the ontology, the saved queries, the frozen slugs, the web front end.

The one module that locates files shipped with meihao-kg.  An installed wheel carries
``ontology/``, ``queries/`` and ``data/slugs.csv`` inside the package (see ``pyproject.toml``);
a source checkout keeps them at the top of the repository, two levels above the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = [
    "data_file", "ontology_dir", "ontology_file", "package_dir", "queries_dir", "view_file", "web_dir",
]


def package_dir() -> Path:
    """The folder of the ``meihao_kg`` package."""
    return Path(str(files("meihao_kg")))


def _shipped(name: str) -> Path:
    """``name`` inside the installed package, else at the top of the source checkout."""
    inside = package_dir() / name
    if inside.exists():
        return inside
    return package_dir().parent.parent / name


def ontology_dir() -> Path:
    """``ontology/``: vocabulary, concept schemes, initiative types and SHACL shapes."""
    return _shipped("ontology")


def ontology_file(name: str) -> Path:
    """One file of ``ontology/`` (it may not exist: callers report that)."""
    return ontology_dir() / name


def queries_dir() -> Path:
    """``queries/``: the saved SPARQL queries."""
    return _shipped("queries")


def data_file(name: str) -> Path:
    """A file of the top-level ``data/`` folder shipped with the package (``slugs.csv``)."""
    return _shipped("data") / name


def web_dir() -> Path:
    """The browser front end served by ``serve``."""
    return package_dir() / "serve" / "web"


def view_file(name: str) -> Path:
    """A file of the offline view: the page template ``page.html`` and its script ``page.js``."""
    return package_dir() / "view" / name
