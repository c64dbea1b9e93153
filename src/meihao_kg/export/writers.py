"""Stage 8b: the store → standard RDF files (Turtle, N-Triples, JSON-LD, TriG, N-Quads) and
the ``info`` summary.  The list of formats is :data:`meihao_kg.export.formats.FORMATS`.

Exports are deterministic: the same sources give byte-identical output (no blank nodes are
minted; N-Triples lines are sorted; rdflib's Turtle and TriG writers sort subjects and
predicates).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from rdflib import Dataset, Graph, URIRef

from meihao_kg.errors import MeihaoError
from meihao_kg.graph.build import bind_prefixes
from meihao_kg.graph.namespaces import GRAPH_ASSERTED, GRAPH_INDEX, GRAPH_INFERRED, GRAPH_ONTOLOGY, sparql
from meihao_kg.store.local import OxigraphStore

__all__ = ["EXPORT_FORMATS", "StoreInfo", "export_rdf", "store_dataset", "store_info", "view_graph"]


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
    ``trig`` and ``nquads`` keep them."""
    if fmt not in EXPORT_FORMATS:
        raise MeihaoError(f"unknown RDF export format {fmt!r}", hint=", ".join(EXPORT_FORMATS))
    if fmt in ("nt", "turtle", "nquads"):
        return _streamed(_oxigraph_of(store), fmt, inferred=inferred, ontology=ontology)
    ds = store_dataset(store, inferred=inferred, ontology=ontology)
    if fmt in ("trig", "nquads"):
        if fmt == "nquads":
            lines = sorted(set(ds.serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()))
            return ("\n".join(line for line in lines if line.strip()) + "\n").encode("utf-8")
        return _trig(ds)
    g = union_graph(ds)
    if fmt == "nt":
        lines = sorted(set(g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line.strip()) + "\n").encode("utf-8")
    if fmt == "jsonld":
        return _canonical_jsonld(g.serialize(format="json-ld", encoding="utf-8", sort_keys=True, indent=1))
    return g.serialize(format="turtle", encoding="utf-8")


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


def _trig(ds: Dataset) -> bytes:
    """TriG with the named graphs in IRI order, each written by the (sorted) Turtle writer,
    so that the bytes do not depend on the order rdflib holds the graphs in."""
    prefixes: dict[str, str] = {}
    blocks: list[str] = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph) or str(graph.identifier) == "urn:x-rdflib:default":
            continue
        g = Graph()
        bind_prefixes(g)
        for triple in graph:
            g.add(triple)
        body = []
        for line in g.serialize(format="turtle").splitlines():
            if line.startswith("@prefix"):
                prefixes[line] = line
            elif line.strip():
                body.append("    " + line)
            else:
                body.append("")
        blocks.append(f"<{graph.identifier}> {{\n" + "\n".join(body).rstrip() + "\n}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _canonical_jsonld(data: bytes) -> bytes:
    """JSON-LD with nodes sorted by ``@id`` and every array of values sorted, so that the
    bytes do not depend on the order rdflib happened to hold the triples in."""
    import json

    def key(v: Any) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    def walk(v: Any, ordered: bool = False) -> Any:
        if isinstance(v, dict):
            return {k: walk(x, k == "@list") for k, x in v.items()}
        if isinstance(v, list):  # an @list is an RDF collection: its order is meaning
            items = [walk(x) for x in v]
            return items if ordered else sorted(items, key=key)
        return v

    doc = walk(json.loads(data))
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
      GRAPH graph:asserted { ?s a ?c }
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
