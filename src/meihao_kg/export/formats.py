"""The export registry: format name → writer.  One table that ``export --help``, the README's
format table and the tests read; adding a format is adding a row here.  Writers are imported
when used, so reading the table costs nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from meihao_kg.errors import MeihaoError

if TYPE_CHECKING:
    from meihao_kg.store.local import OxigraphStore

__all__ = ["FORMATS", "ExportFormat", "export", "export_to", "format_names"]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name on the command line, file suffix, what it holds, its writer."""

    name: str
    suffix: str
    description: str
    network: bool  # the network projection (nodes and edges), not the RDF graph
    write: Callable[[OxigraphStore, bool, bool, BinaryIO], None]  # (store, inferred, ontology, out)


def _network(fmt: str) -> Callable[[OxigraphStore, bool, bool, BinaryIO], None]:
    def write(store: OxigraphStore, inferred: bool, ontology: bool, out: BinaryIO) -> None:
        from meihao_kg.export.network import gexf_bytes, graphml_bytes
        from meihao_kg.view.projection import project_graph
        from meihao_kg.view.source import read_view_source

        # the union of every graph, inferences and ontology included, as the view reads it
        graph = project_graph(read_view_source(store, inferred=True))
        out.write(graphml_bytes(graph) if fmt == "graphml" else gexf_bytes(graph))

    return write


def _rdf(fmt: str) -> Callable[[OxigraphStore, bool, bool, BinaryIO], None]:
    def write(store: OxigraphStore, inferred: bool, ontology: bool, out: BinaryIO) -> None:
        from meihao_kg.export.writers import write_rdf

        write_rdf(store, fmt, out, inferred=inferred, ontology=ontology)

    return write


#: every export format, in the order ``--help`` and the README list them
FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("turtle", ".ttl", "Turtle: every graph merged", False, _rdf("turtle")),
    ExportFormat("nt", ".nt", "N-Triples: every graph merged, lines sorted", False, _rdf("nt")),
    ExportFormat("jsonld", ".jsonld", "JSON-LD: every graph merged, keys and arrays sorted", False, _rdf("jsonld")),
    ExportFormat("trig", ".trig", "TriG: the named graphs kept (one per source, inferred, ontology)", False,
                 _rdf("trig")),
    ExportFormat("nquads", ".nq", "N-Quads: the named graphs kept, lines sorted", False, _rdf("nquads")),
    ExportFormat("graphml", ".graphml", "GraphML: the network projection, for Gephi, Cytoscape, yEd", True,
                 _network("graphml")),
    ExportFormat("gexf", ".gexf", "GEXF 1.2: the network projection, for Gephi", True, _network("gexf")),
)


def export(store: OxigraphStore, fmt: str, *, inferred: bool = True, ontology: bool = True) -> bytes:
    """The store in format ``fmt`` (a name of :data:`FORMATS`), as bytes; deterministic."""
    buf = io.BytesIO()
    export_to(store, fmt, buf, inferred=inferred, ontology=ontology)
    return buf.getvalue()


def export_to(store: OxigraphStore, fmt: str, out: BinaryIO, *, inferred: bool = True,
              ontology: bool = True) -> None:
    """Write the store in format ``fmt`` to ``out`` (the bytes :func:`export` returns)."""
    found = next((f for f in FORMATS if f.name == fmt), None)
    if found is None:
        raise MeihaoError(f"unknown export format {fmt!r}", hint=", ".join(f.name for f in FORMATS))
    found.write(store, inferred, ontology, out)


def format_names() -> list[str]:
    """The format names, in the registry's order."""
    return [f.name for f in FORMATS]
