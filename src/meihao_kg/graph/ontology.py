"""The meihao-kg ontology: vocabulary, concept schemes and SHACL shapes.

Input: the Turtle files in the ontology directory (``vocabulary.ttl``, ``concepts.ttl``,
``initiatives.ttl``, ``shapes.ttl``).  Output: rdflib graphs, and a Markdown reference.

Invariants:
    * Files are parsed once per process; every public function returns a *fresh* graph, so callers
      may mutate what they get.
    * ``ontology_dir()`` prefers the copy packaged next to this module (``meihao_kg/ontology``) and
      falls back to the source checkout's ``ontology/`` at the repository root.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from meihao_kg import resources
from meihao_kg.errors import ShapeLoadError
from meihao_kg.graph.namespaces import MH, PREFIXES

__all__ = [
    "ONTOLOGY_FILES",
    "SHAPES_FILE",
    "concept_schemes",
    "curie",
    "ontology_dir",
    "ontology_graph",
    "reference_markdown",
    "shapes_graph",
]

LOGGER = logging.getLogger(__name__)

ONTOLOGY_FILES: tuple[str, ...] = ("vocabulary.ttl", "concepts.ttl", "initiatives.ttl")
"""Files that make up the ontology graph (classes, properties and concept schemes)."""

SHAPES_FILE = "shapes.ttl"

_SCHEME_ORDER = ("initiative", "indicator", "event", "qualifier", "admin-level", "quality")


def ontology_dir() -> Path:
    """Return the directory holding the ontology files.

    Looks first at ``meihao_kg/ontology`` (installed package data), then at ``ontology/`` in the
    source checkout (two levels above ``src/meihao_kg``).

    Raises:
        ShapeLoadError: neither directory holds ``vocabulary.ttl``.
    """
    candidate = resources.ontology_dir()
    if (candidate / "vocabulary.ttl").is_file():
        return candidate
    raise ShapeLoadError("ontology directory not found", hint=f"looked in {candidate}")


def _parse(paths: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError as exc:
            raise ShapeLoadError(f"missing ontology file {path.name}", hint=str(path)) from exc
        except Exception as exc:  # rdflib raises several unrelated parser errors
            raise ShapeLoadError(f"cannot parse {path.name}: {exc}", hint=str(path)) from exc
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


@lru_cache(maxsize=4)
def _cached(directory: Path, names: tuple[str, ...]) -> Graph:
    LOGGER.debug("parsing %s from %s", names, directory)
    return _parse(tuple(directory / name for name in names))


def _copy(graph: Graph) -> Graph:
    fresh = Graph()
    for prefix, namespace in graph.namespaces():
        fresh.bind(prefix, namespace, override=True)
    fresh += graph
    return fresh


def ontology_graph(directory: Path | None = None) -> Graph:
    """Return the vocabulary, the concept schemes and the initiative taxonomy as one graph.

    Args:
        directory: where the ``.ttl`` files are; ``ontology_dir()`` by default.

    Raises:
        ShapeLoadError: a file is missing or not valid Turtle.
    """
    return _copy(_cached(directory or ontology_dir(), ONTOLOGY_FILES))


def shapes_graph(directory: Path | None = None) -> Graph:
    """Return the SHACL shapes graph (``shapes.ttl``).

    Raises:
        ShapeLoadError: the file is missing or not valid Turtle.
    """
    return _copy(_cached(directory or ontology_dir(), (SHAPES_FILE,)))


def shared_ontology() -> Graph:
    """The cached ontology graph itself: read-only use inside the package."""
    return _cached(ontology_dir(), ONTOLOGY_FILES)


# --------------------------------------------------------------------------- reference


def _text(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str:
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def curie(node: Node) -> str:
    """Shorten an IRI with the project prefixes (longest namespace wins); other nodes as ``str``."""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _BY_LENGTH:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    return str(node)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def concept_schemes(graph: Graph | None = None) -> dict[URIRef, list[URIRef]]:
    """Map each ``skos:ConceptScheme`` to its concepts, sorted by notation."""
    graph = graph if graph is not None else shared_ontology()
    schemes: dict[URIRef, list[URIRef]] = defaultdict(list)
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        for scheme in graph.objects(concept, SKOS.inScheme):
            if isinstance(concept, URIRef) and isinstance(scheme, URIRef):
                schemes[scheme].append(concept)
    for concepts in schemes.values():
        concepts.sort(key=lambda c: (str(graph.value(c, SKOS.notation) or ""), str(c)))
    return dict(schemes)


def _mh_terms(graph: Graph, types: tuple[URIRef, ...]) -> list[URIRef]:
    namespace = str(MH._NS)
    found = {
        s
        for t in types
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(namespace)
    }
    return sorted(found, key=str)


def reference_markdown(graph: Graph | None = None) -> str:
    """Render classes, properties and concepts (zh and en) as Markdown.

    The output is deterministic, so ``ontology/README.md`` can embed it and a test can check the
    README is current.

    Args:
        graph: the ontology graph; ``ontology_graph()`` by default.
    """
    g = graph if graph is not None else shared_ontology()
    out: list[str] = ["### Classes", ""]
    out += ["| class | zh | en | subclass of | type code | comment |", "|---|---|---|---|---|---|"]
    for cls in _mh_terms(g, (OWL.Class, RDFS.Class)):
        supers = ", ".join(sorted(curie(s) for s in g.objects(cls, RDFS.subClassOf)))
        code = str(g.value(cls, MH.typeCode) or "")
        row = [
            curie(cls),
            _text(g, cls, RDFS.label, "zh"),
            _text(g, cls, RDFS.label, "en"),
            supers,
            code,
            _text(g, cls, RDFS.comment, "en"),
        ]
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    out += ["", "### Properties", ""]
    out += [
        "| property | zh | en | domain | range | subproperty of | comment |",
        "|---|---|---|---|---|---|---|",
    ]
    for prop in _mh_terms(g, (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty)):
        row = [
            curie(prop),
            _text(g, prop, RDFS.label, "zh"),
            _text(g, prop, RDFS.label, "en"),
            ", ".join(sorted(curie(d) for d in g.objects(prop, RDFS.domain))),
            ", ".join(sorted(curie(r) for r in g.objects(prop, RDFS.range))),
            ", ".join(sorted(curie(s) for s in g.objects(prop, RDFS.subPropertyOf))),
            _text(g, prop, RDFS.comment, "en"),
        ]
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    out += ["", "### Units", ""]
    out += ["| unit | zh | en | mh:unitLabel |", "|---|---|---|---|"]
    for unit in sorted(g.subjects(MH.unitLabel, None), key=str):
        row = [
            curie(unit),
            _text(g, unit, RDFS.label, "zh"),
            _text(g, unit, RDFS.label, "en"),
            str(g.value(unit, MH.unitLabel)),
        ]
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    schemes = concept_schemes(g)

    def scheme_key(scheme: URIRef) -> tuple[int, str]:
        name = str(scheme).rsplit("/", 1)[-1]
        order = _SCHEME_ORDER.index(name) if name in _SCHEME_ORDER else len(_SCHEME_ORDER)
        return order, name

    for scheme in sorted(schemes, key=scheme_key):
        title_zh = _text(g, scheme, SKOS.prefLabel, "zh")
        title_en = _text(g, scheme, SKOS.prefLabel, "en")
        out += ["", f"### Concepts: `{curie(scheme)}` {title_zh} / {title_en}", ""]
        out += [
            "| notation | concept | zh | en | broader | extra | zh altLabels |",
            "|---|---|---|---|---|---|---|",
        ]
        for concept in schemes[scheme]:
            extra: list[str] = []
            if (type_code := g.value(concept, MH.typeCode)) is not None:
                extra.append(str(type_code))
            if (canonical := g.value(concept, MH.canonicalUnit)) is not None:
                extra.append(curie(canonical))
            alts = sorted(
                str(a)
                for a in g.objects(concept, SKOS.altLabel)
                if isinstance(a, Literal) and a.language == "zh"
            )
            row = [
                str(g.value(concept, SKOS.notation) or ""),
                curie(concept),
                _text(g, concept, SKOS.prefLabel, "zh"),
                _text(g, concept, SKOS.prefLabel, "en"),
                ", ".join(sorted(curie(b) for b in g.objects(concept, SKOS.broader))),
                ", ".join(extra),
                "、".join(alts),
            ]
            out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(out) + "\n"
