"""Stage 8b: the store → standard RDF files (Turtle, N-Triples, JSON-LD, TriG, N-Quads) and
the ``info`` summary.  The list of formats is :data:`meihao_kg.export.formats.FORMATS`.

Exports are deterministic: the same sources give byte-identical output (no blank nodes are
minted; N-Triples lines are sorted; rdflib's Turtle and TriG writers sort subjects and
predicates).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any, BinaryIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from meihao_kg.errors import MeihaoError
from meihao_kg.graph.build import bind_prefixes
from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_INDEX, GRAPH_INFERRED, GRAPH_ONTOLOGY, sparql
from meihao_kg.store.local import OxigraphStore

__all__ = ["EXPORT_FORMATS", "StoreInfo", "export_rdf", "store_dataset", "store_info", "view_graph", "write_rdf"]


EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig", "nquads")
INFERRED = URIRef(str(GRAPH_INFERRED))


def store_dataset(store: OxigraphStore, *, inferred: bool = True, ontology: bool = True,
                  merged: bool = False) -> Dataset:
    """The store's named graphs as an rdflib Dataset (optionally without inferred/ontology).

    The asserted graph is left out: it is the union of the source graphs, kept for queries
    (and, from an Oxigraph store, never read).  With ``merged`` (for views, which read the
    union of the graphs) it is read *instead of* the source graphs: each fact and each piece
    of evidence once, however many sources repeat it.
    """
    skipped = {str(iri) for skip, iri in ((True, GRAPH_ASSERTED), (True, GRAPH_INDEX), (not inferred, INFERRED),
                                          (not ontology, GRAPH_ONTOLOGY)) if skip}
    ds = Dataset()
    raw = getattr(store, "raw", None)
    if raw is not None:
        # an Oxigraph store: each wanted graph streamed out by Oxigraph on its own, so that the
        # graphs left out (the asserted union repeats every source graph) are never read
        import pyoxigraph

        from meihao_kg.graph.namespaces import SOURCE_GRAPH_PREFIX

        nt = pyoxigraph.RdfFormat.N_TRIPLES
        names = list(raw.named_graphs())
        if merged and pyoxigraph.NamedNode(str(GRAPH_ASSERTED)) in names:
            skipped.discard(str(GRAPH_ASSERTED))
            names = [g for g in names if not g.value.startswith(SOURCE_GRAPH_PREFIX)]
        for name in [pyoxigraph.DefaultGraph(), *names]:
            if isinstance(name, pyoxigraph.NamedNode) and name.value in skipped:
                continue
            data = raw.dump(format=nt, from_graph=name)
            if data:
                target = ds.default_context if isinstance(name, pyoxigraph.DefaultGraph) else ds.graph(
                    URIRef(name.value))
                target.parse(data=data, format="nt")
    else:
        ds.parse(data=store.dump_nquads(), format="nquads")
        for iri in skipped:
            ds.remove_graph(ds.graph(URIRef(iri)))
    bind_prefixes(ds)
    return ds


def _oxigraph_of(store: Any) -> Any:
    """The pyoxigraph store behind ``store``; for a SPARQL endpoint, its quads loaded into an
    in-memory Oxigraph store (so that an endpoint's export is byte-identical to the local one)."""
    raw = getattr(store, "raw", None)
    if raw is not None:
        return raw
    import pyoxigraph

    mem = pyoxigraph.Store()
    data = store.dump_nquads()
    if data:
        mem.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS)
    return mem


def view_graph(store: OxigraphStore, *, inferred: bool = False, ontology: bool = True) -> Graph:
    """One rdflib Graph of what views read (they read the union of the graphs): from an
    Oxigraph store the asserted graph — each fact and each piece of evidence once, however
    many sources repeat it — and the ontology (and the inferences), taken from Oxigraph's
    own iteration without a text round trip and without a Dataset to merge afterwards."""
    raw = _oxigraph_of(store)
    import pyoxigraph
    from rdflib import BNode, Literal

    from meihao_kg.graph.namespaces import SOURCE_GRAPH_PREFIX

    names = list(raw.named_graphs())
    asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
    skipped = {str(iri) for skip, iri in ((True, GRAPH_INDEX), (not inferred, INFERRED), (not ontology, GRAPH_ONTOLOGY))
               if skip}
    if asserted in names:
        names = [g for g in names if not g.value.startswith(SOURCE_GRAPH_PREFIX)]
    else:
        skipped.add(str(GRAPH_ASSERTED))
    from rdflib.namespace import XSD

    xsd_string = str(XSD.string)

    made: dict[Any, Any] = {}  # predicates, classes and places recur: each converted once

    def term(t: Any) -> Any:
        found = made.get(t)
        if found is not None:
            return found
        if isinstance(t, pyoxigraph.NamedNode):
            found = URIRef(t.value)
        elif isinstance(t, pyoxigraph.BlankNode):
            found = BNode(t.value)
        elif t.language:
            found = Literal(t.value, lang=t.language)
        else:
            dt = t.datatype.value
            found = Literal(t.value) if dt == xsd_string else Literal(t.value, datatype=URIRef(dt))
        made[t] = found
        return found

    g = Graph()
    bind_prefixes(g)
    for name in [pyoxigraph.DefaultGraph(), *names]:
        if isinstance(name, pyoxigraph.NamedNode) and name.value in skipped:
            continue
        g.addN((term(q.subject), term(q.predicate), term(q.object), g)
               for q in raw.quads_for_pattern(None, None, None, name))
    return g


def union_graph(ds: Dataset) -> Graph:
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def export_rdf(store: OxigraphStore, fmt: str = "turtle", *, inferred: bool = True,
               ontology: bool = True) -> bytes:
    """Serialise the store.  ``turtle``, ``nt`` and ``jsonld`` merge the named graphs;
    ``trig`` and ``nquads`` keep them.  (:func:`write_rdf` writes to a file instead.)"""
    buf = io.BytesIO()
    write_rdf(store, fmt, buf, inferred=inferred, ontology=ontology)
    return buf.getvalue()


def write_rdf(store: OxigraphStore, fmt: str, out: BinaryIO, *, inferred: bool = True,
              ontology: bool = True) -> None:
    """Write the store to ``out`` as :func:`export_rdf` serialises it.  TriG and JSON-LD are
    written a graph, or a group of subjects, at a time: the store is never copied whole into
    rdflib."""
    if fmt not in EXPORT_FORMATS:
        raise MeihaoError(f"unknown RDF export format {fmt!r}", hint=", ".join(EXPORT_FORMATS))
    raw = _oxigraph_of(store)
    if fmt in ("nt", "turtle", "nquads"):
        out.write(_streamed(raw, fmt, inferred=inferred, ontology=ontology))
    elif fmt == "trig":
        _write_trig(raw, out, inferred=inferred, ontology=ontology)
    else:
        _write_jsonld(raw, out, inferred=inferred, ontology=ontology)


def _wanted_graphs(raw: Any, *, inferred: bool, ontology: bool) -> list[Any]:
    """The graphs an RDF export holds: the default graph and every named graph but the asserted
    union (which repeats the source graphs), the query index and, as asked, the inferred and
    ontology graphs."""
    import pyoxigraph

    skipped = {str(iri) for skip, iri in ((True, GRAPH_ASSERTED), (True, GRAPH_INDEX), (not inferred, INFERRED),
                                          (not ontology, GRAPH_ONTOLOGY)) if skip}
    return [g for g in [pyoxigraph.DefaultGraph(), *raw.named_graphs()]
            if not (isinstance(g, pyoxigraph.NamedNode) and g.value in skipped)]


def _write_trig(raw: Any, out: BinaryIO, *, inferred: bool, ontology: bool) -> None:
    """TriG with the named graphs in IRI order, each graph's triples sorted and written by
    Oxigraph's Turtle writer (a subject's triples together), so that the bytes do not depend
    on the order the store holds them in.  One graph is read at a time and nothing goes through
    rdflib; the prefixes of :data:`~meihao_kg.graph.namespaces.PREFIXES` head the document."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import PREFIXES

    nt = pyoxigraph.RdfFormat.N_TRIPLES
    names = sorted(g.value for g in _wanted_graphs(raw, inferred=inferred, ontology=ontology)
                   if isinstance(g, pyoxigraph.NamedNode))
    prefixes = dict(sorted(PREFIXES.items()))
    out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()).encode("utf-8") + b"\n")
    first = True
    for name in names:
        data = raw.dump(format=nt, from_graph=pyoxigraph.NamedNode(name)) or b""
        lines = sorted({line for line in data.splitlines() if line.strip()})
        del data
        if not lines:
            continue
        triples = pyoxigraph.parse(b"\n".join(lines) + b"\n", format=nt)
        text = bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes) or b"")
        body = [b"    " + line for line in text.splitlines() if line.strip() and not line.startswith(b"@prefix")]
        out.write((b"" if first else b"\n") + f"<{name}> {{\n".encode() + b"\n".join(body) + b"\n}\n")
        first = False


def _write_jsonld(raw: Any, out: BinaryIO, *, inferred: bool, ontology: bool) -> None:
    """JSON-LD of the merged graphs, with nodes sorted by ``@id`` and every array of values
    sorted, so that the bytes do not depend on the order the triples were held in.

    The node objects are the ones rdflib's serialiser makes (expanded, no context: ``@type``
    for classes, ``{"@id"}`` for IRIs, ``{"@value", "@type" | "@language"}`` for literals,
    booleans and numbers as JSON values), built here from the store's own terms a subject at
    a time: the subjects are listed in the document's order and each is written as soon as its
    triples in the exported graphs are read, so nothing but one node is held."""
    import json

    import pyoxigraph

    wanted = _wanted_graphs(raw, inferred=inferred, ontology=ontology)
    subjects: Any = raw.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph=wanted)
    # a node's place in the document is its @id as JSON writes it: the key it starts with
    ordered = sorted((json.dumps(_jsonld_id(row[0]), ensure_ascii=False), row[0]) for row in subjects)
    keep = set(wanted)
    rdf_type = str(RDF.type)
    first = True
    for _, subject in ordered:
        node: dict[str, Any] = {"@id": _jsonld_id(subject)}
        seen: set[tuple[Any, Any]] = set()
        for q in raw.quads_for_pattern(subject, None, None, None):
            if q.graph_name not in keep or (q.predicate, q.object) in seen:
                continue
            seen.add((q.predicate, q.object))
            p, o = q.predicate.value, q.object
            if p == rdf_type and isinstance(o, pyoxigraph.NamedNode):
                node.setdefault("@type", []).append(o.value)
            else:
                node.setdefault(p, []).append(_jsonld_value(o))
        text = json.dumps(_canonical(node), sort_keys=True, ensure_ascii=False, indent=1)
        out.write(("[\n " if first else ",\n ").encode("utf-8") + text.replace("\n", "\n ").encode("utf-8"))
        first = False
    out.write(b"[]\n" if first else b"\n]\n")


def _jsonld_id(term: Any) -> str:
    import pyoxigraph

    return str(term.value) if isinstance(term, pyoxigraph.NamedNode) else f"_:{term.value}"


_NATIVE = frozenset(str(dt) for dt in (XSD.boolean, XSD.integer, XSD.double))


def _jsonld_value(term: Any) -> Any:
    """A term as rdflib's JSON-LD serialiser writes a value (native booleans and numbers, as
    its serialiser asks for them)."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.BlankNode):
        return {"@id": _jsonld_id(term)}
    if term.language:
        return {"@language": term.language, "@value": term.value}
    dt = term.datatype.value
    if dt == str(XSD.string):
        return {"@value": term.value}
    value: Any = term.value
    if dt in _NATIVE:
        value = Literal(term.value, datatype=URIRef(dt)).toPython()
        if isinstance(value, Literal):  # not a valid value of its type: its text
            value = str(value)
    return {"@type": dt, "@value": value}


def _streamed(raw: Any, fmt: str, *, inferred: bool, ontology: bool) -> bytes:
    """N-Triples, N-Quads or Turtle of an Oxigraph store without an rdflib copy of it: each
    wanted graph is dumped by Oxigraph, the lines made unique and sorted (so the bytes are
    deterministic), and for Turtle the sorted triples are written by Oxigraph's Turtle
    writer (a subject's triples are consecutive, so they are grouped under it)."""
    import pyoxigraph

    from meihao_kg.graph.namespaces import PREFIXES

    skipped = {str(iri) for skip, iri in ((True, GRAPH_ASSERTED), (True, GRAPH_INDEX), (not inferred, INFERRED),
                                          (not ontology, GRAPH_ONTOLOGY)) if skip}
    quads = fmt == "nquads"
    line_format = pyoxigraph.RdfFormat.N_QUADS if quads else pyoxigraph.RdfFormat.N_TRIPLES
    lines: set[bytes] = set()
    for name in [pyoxigraph.DefaultGraph(), *raw.named_graphs()]:
        if isinstance(name, pyoxigraph.NamedNode) and name.value in skipped:
            continue
        if quads:
            data = pyoxigraph.serialize(raw.quads_for_pattern(None, None, None, name), format=line_format)
        else:
            data = raw.dump(format=line_format, from_graph=name)
        lines.update(line for line in (data or b"").splitlines() if line.strip())
    ordered = sorted(lines)
    del lines
    body = b"\n".join(ordered) + b"\n" if ordered else b""
    if fmt != "turtle":
        return body
    triples = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE,
                                      prefixes=dict(sorted(PREFIXES.items()))) or b"")


def _canonical(v: Any, ordered: bool = False) -> Any:
    """A JSON-LD value with every array sorted (by its JSON text) but an ``@list``'s."""
    import json

    if isinstance(v, dict):
        return {k: _canonical(x, k == "@list") for k, x in v.items()}
    if isinstance(v, list):  # an @list is an RDF collection: its order is meaning
        items = [_canonical(x) for x in v]
        return items if ordered else sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return v


@dataclass(frozen=True)
class StoreInfo:
    store: str
    sources: tuple[tuple[str, str, int], ...]  # (doc id, title, projects)
    projects: int
    quads: int
    triples: int
    graphs: tuple[str, ...]
    classes: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, str, str], ...] = ()  # (doc id, source kind, why)


def store_info(store: OxigraphStore) -> StoreInfo:
    """Sources, projects, triples and instance counts by class (asserted types)."""
    q_sources = sparql("""
    SELECT ?id (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?s a mh:SourceDocument ; dcterms:identifier ?id .
      OPTIONAL { ?s dcterms:title ?t }
      OPTIONAL { ?p a mh:ShowcaseProject ; dcterms:source ?s }
    } GROUP BY ?id ORDER BY ?id""")
    sources = tuple((r["id"].value, r["title"].value if r["title"] else "", int(r["n"].value))
                    for r in store.query(q_sources))
    q_kinds = sparql("""
    SELECT ?id ?kind ?why WHERE {
      ?s a mh:SourceDocument ; dcterms:identifier ?id ; mh:sourceKind ?k .
      ?k skos:notation ?kind .
      OPTIONAL { ?s mh:sourceKindReason ?why }
    } ORDER BY ?id""")
    kinds = tuple(dict.fromkeys((r["id"].value, r["kind"].value, r["why"].value if r["why"] else "")
                                for r in store.query(q_kinds)))
    q_classes = sparql("""
    SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
      { GRAPH graph:asserted { ?s a ?c } } UNION { GRAPH graph:evidence { ?s a ?c } }
    } GROUP BY ?c ORDER BY DESC(?n) ?c""")
    counts: Counter[str] = Counter()
    for r in store.query(q_classes):
        counts[_curie(r["c"].value)] = int(r["n"].value)
    triples = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")))
    return StoreInfo(
        store=str(store.root), sources=sources,
        projects=counts.get("mh:ShowcaseProject", 0), quads=len(store),
        triples=int(triples["n"].value), graphs=tuple(store.graphs()),
        classes=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), kinds=kinds,
    )


def _curie(iri: str) -> str:
    from meihao_kg.graph.namespaces import PREFIXES

    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda x: len(x[1]),
               default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri
