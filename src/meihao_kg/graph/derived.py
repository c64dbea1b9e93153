"""Stage 5b: the derived graphs, kept in step with the source graphs at build time.

* ``id:graph/asserted`` — the de-duplicated union of every source graph.  A fact stated by
  twenty copies of one article is one triple here, so queries over it do not multiply
  (each copy of a triple in another named graph multiplies the paths a query walks over
  the union of all graphs).  Evidence stays in each source's own graph.
* ``id:graph/inferred`` — the closure (:func:`meihao_kg.graph.infer.inferred_graph`) of the
  asserted facts.
* ``id:graph/index`` — shortcuts for the saved queries (:func:`index_compounds`): for each
  compound, ``idx:initiative`` every initiative type carried out there (asserted or a broader
  type), ``idx:statedInitiative`` the types as asserted, ``idx:within`` every place it lies
  in at any level, and of those ``idx:city`` the prefecture-level ones and ``idx:district``
  the county-level ones.  Oxigraph's RocksDB store costs ~15 us per index look-up, so walking
  ``schema:containedInPlace+`` or joining initiatives to projects row by row costs hundreds of
  milliseconds on 10,000 projects; with these the queries read a few scans and join by hash.
  The index is derived (no evidence, not validated, not exported) and is recomputed for
  every compound a rebuilt or dropped source mentions.
* The same graph holds **how many projects carry out each initiative type**
  (``idx:projects``: with the type as stated; ``idx:projectsWithNarrower``: with it or a
  narrower type), counted by every build from the rows above (a count reads every compound:
  ~80 ms on 10,000 projects at build time, where ``initiative-stats`` counting them itself
  took 70-120 ms at every run).
* The same graph holds the **listing order** (:func:`rank_listings`, :data:`RANKS`): each
  project's place in the order of (name, IRI) (``idx:projectRank``), each organisation's in
  the order of (type code, label, IRI) (``idx:organisationRank``); a project with two names
  has two ranks, one for each.  A saved query declaring
  ``# page-by: project`` is then answered a page at a time by binding the next projects in
  that order (see :mod:`meihao_kg.query.saved`), instead of finding and sorting every row
  for the first hundred.  Recomputed by every build (a new name moves every later rank).

A build that replaces or drops sources first *retracts* them: each triple of an outgoing
source graph leaves the asserted graph unless another remaining source states it, and the
inferences about the subjects it touched are recomputed from what remains.  The incoming
sources' triples and inferences are then simply added (a store is a set of quads).  The
cost is proportional to the sources being rebuilt, not to the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from meihao_kg.graph.namespaces import (
    GRAPH_ASSERTED,
    GRAPH_EVIDENCE,
    GRAPH_INDEX,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    IDX,
    MH,
    OA,
    RDF,
    SOURCE_GRAPH_PREFIX,
    XSD,
    sparql,
)

__all__ = ["INDEX_VERSION", "RANKS", "Rank", "evidence_quads", "evidence_spans", "graph_subjects", "index_compounds", "mentioned_compounds", "needs_full_index",
           "rank_listings", "retract_sources"]


def retract_sources(store: Any, outgoing: Iterable[str]) -> int:
    """Take the source graphs ``outgoing`` (IRIs) out of the derived graphs of ``store`` (a
    writable pyoxigraph store that still holds them).  Returns the change in the number of
    quads of the store (asserted triples and evidence spans removed, inferences removed and
    re-derived).  The source graphs themselves are left for the caller to drop."""
    import pyoxigraph

    asserted = pyoxigraph.NamedNode(str(GRAPH_ASSERTED))
    inferred = pyoxigraph.NamedNode(str(GRAPH_INFERRED))
    gone = {pyoxigraph.NamedNode(iri) for iri in outgoing}
    present = set(store.named_graphs())
    gone &= present
    if not gone or asserted not in present:
        return 0
    removed = 0
    touched: set[Any] = set()
    for g in gone:
        # the descriptions of the source's evidence spans (in the evidence graph alone)
        for q in evidence_quads(store, g):
            touched.add(q.subject)
            store.remove(q)
            removed += 1
        for q in list(store.quads_for_pattern(None, None, None, g)):
            touched.add(q.subject)
            still_stated = any(
                o.graph_name not in gone and o.graph_name.value.startswith(SOURCE_GRAPH_PREFIX)
                for o in store.quads_for_pattern(q.subject, q.predicate, q.object, None)
            )
            fact = pyoxigraph.Quad(q.subject, q.predicate, q.object, asserted)
            if not still_stated and fact in store:
                store.remove(fact)
                removed += 1
    return _reinfer(store, touched, asserted, inferred) - removed


def evidence_spans(store: Any, graph: Any) -> list[Any]:
    """The evidence spans the source graph ``graph`` (a pyoxigraph IRI) points to, and their
    selectors: the pyoxigraph IRIs that the evidence graph describes (a source graph holds
    what its source states, and the ``mh:evidence`` links to these)."""
    import pyoxigraph

    from meihao_kg.graph.iri import spans_prefix

    described = pyoxigraph.NamedNode(str(GRAPH_EVIDENCE))
    prefix = spans_prefix(graph.value.removeprefix(SOURCE_GRAPH_PREFIX))
    evidence = pyoxigraph.NamedNode(str(MH.evidence))
    selects = pyoxigraph.NamedNode(str(OA.hasSelector))
    spans = {q.object for q in store.quads_for_pattern(None, evidence, None, graph)
             if isinstance(q.object, pyoxigraph.NamedNode) and q.object.value.startswith(prefix)}
    selectors = {q.object for s in spans for q in store.quads_for_pattern(s, selects, None, described)
                 if isinstance(q.object, pyoxigraph.NamedNode) and q.object.value.startswith(prefix)}
    return sorted(spans | selectors, key=str)


def evidence_quads(store: Any, graph: Any) -> list[Any]:
    """The evidence graph's quads describing the evidence spans of the source graph
    ``graph`` and their selectors (see :func:`evidence_spans`)."""
    import pyoxigraph

    described = pyoxigraph.NamedNode(str(GRAPH_EVIDENCE))
    return [q for n in evidence_spans(store, graph) for q in store.quads_for_pattern(n, None, None, described)]


def _reinfer(store: Any, subjects: set[Any], asserted: Any, inferred: Any) -> int:
    """Recompute the inferences about ``subjects`` from the asserted facts that remain;
    returns the change in the number of quads.

    The asserted triples are turned into rdflib terms directly (no N-Triples round trip, no
    rdflib ``Graph``), and the inference runs on the plain set (:func:`inferred_triples`)."""
    import pyoxigraph

    from meihao_kg.graph.infer import inferred_triples
    from meihao_kg.graph.triples import TripleSet, ntriples

    if not subjects:
        return 0
    change = 0
    remaining = TripleSet()
    for s in subjects:
        for q in list(store.quads_for_pattern(s, None, None, inferred)):
            store.remove(q)
            change -= 1
        for q in store.quads_for_pattern(s, None, None, asserted):
            remaining.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    if not len(remaining):
        return change
    wanted = {_rdflib(s) for s in subjects}
    keep = [t for t in inferred_triples(remaining) if t[0] in wanted]  # a set: distinct, and
    if keep:  # none is in the inferred graph any more (every one about these subjects went)
        store.bulk_load(ntriples(keep), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=inferred)
    return change + len(keep)


def _rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term the builder makes."""
    import pyoxigraph
    from rdflib import XSD, BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


# --------------------------------------------------------------------------- query index


# The index is made by CONSTRUCT queries whose results Oxigraph writes as N-Triples and loads
# into the index graph: no row of it goes through Python (on 10,000 projects: 2.4 s instead of
# 5 s for the rows made one by one).

# every initiative type at each compound: as asserted (also idx:statedInitiative) or a broader
# type (inferred)
_INITIATIVES = """CONSTRUCT { ?c idx:initiative ?k . ?c idx:statedInitiative ?stated } WHERE {
  GRAPH graph:asserted { ?act mh:implementedAt ?c }
  { GRAPH graph:asserted { ?act mh:initiativeType ?k } BIND(?k AS ?stated) }
  UNION { GRAPH graph:inferred { ?act mh:initiativeType ?k } }
}"""

# every place a few compounds lie in (each compound bound by VALUES)
_PLACES_OF = """CONSTRUCT { ?c idx:within ?x } WHERE { ?c schema:containedInPlace+ ?x FILTER(!isLiteral(?x)) }"""

# every place every compound lies in: the places that directly hold a compound are few, so
# the path up from each is walked once (sub-SELECTs joined by hash)
_PLACES = """CONSTRUCT { ?c idx:within ?x } WHERE {
  { SELECT DISTINCT ?c ?in WHERE { ?c a mh:ResidentialCompound ; schema:containedInPlace ?in } }
  { SELECT DISTINCT ?in ?x WHERE {
    { SELECT DISTINCT ?in WHERE { ?c a mh:ResidentialCompound ; schema:containedInPlace ?in } }
    ?in schema:containedInPlace* ?x .
    FILTER(!isLiteral(?x))
  } }
}"""

# the city and the county / district each compound lies in: the place of that level among
# those the index gives it
_LEVELS = r"""CONSTRUCT { ?c ?level_of ?x } WHERE {
  GRAPH graph:index { ?c idx:within ?x }
  ?x mh:adminLevel ?level .
  VALUES (?level ?level_of) {
    (mhc:admin-level\/prefecture idx:city)
    (mhc:admin-level\/county idx:district)
  }
}"""


# each initiative type's projects: with the type as stated, and with it or a narrower one
# (two scans of the rows above joined by hash to the projects of each compound)
_COUNTS = """CONSTRUCT { ?initiative idx:projects ?projects ; idx:projectsWithNarrower ?all } WHERE {
  { SELECT ?initiative (COUNT(DISTINCT ?direct) AS ?projects) (COUNT(DISTINCT ?project) AS ?all) WHERE {
    { SELECT ?compound ?initiative ?stated WHERE {
      { GRAPH graph:index { ?compound idx:statedInitiative ?initiative } BIND(true AS ?stated) }
      UNION { GRAPH graph:index { ?compound idx:initiative ?initiative } }
    } }
    { SELECT ?project ?compound WHERE { GRAPH graph:asserted { ?project mh:compound ?compound } } }
    BIND(IF(BOUND(?stated), ?project, ?none) AS ?direct)
  } GROUP BY ?initiative }
}"""

INDEX_VERSION = 2
"""What the index graph holds, as a number recorded in it (``idx:version``): 2 added the
counts of projects.  A store whose index is older is indexed whole by its next build, and
the queries that read the index say to rebuild it instead of answering from part of it."""


def index_version(store: Any) -> int | None:
    """The version of the index graph of ``store``: ``None`` without one, 1 for an index made
    before versions were recorded."""
    import pyoxigraph

    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    if not store.contains_named_graph(index):
        return None
    found = next(iter(store.quads_for_pattern(index, pyoxigraph.NamedNode(str(IDX.version)), None, index)), None)
    return int(found.object.value) if found is not None else 1


def mentioned_compounds(store: Any, graphs: Iterable[str]) -> set[Any]:
    """The compounds the named graphs ``graphs`` (source graph IRIs) type or point at."""
    import pyoxigraph

    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    compound_class = pyoxigraph.NamedNode(str(MH.ResidentialCompound))
    pointers = [pyoxigraph.NamedNode(str(MH.implementedAt)), pyoxigraph.NamedNode(str(MH.compound))]
    found: set[Any] = set()
    present = set(store.named_graphs())
    for iri in graphs:
        g = pyoxigraph.NamedNode(iri)
        if g not in present:
            continue
        found.update(q.subject for q in store.quads_for_pattern(None, rdf_type, compound_class, g))
        for p in pointers:
            found.update(q.object for q in store.quads_for_pattern(None, p, None, g))
    return found


def needs_full_index(store: Any) -> bool:
    """Whether ``store`` holds facts but no query index, or an older one (a store built
    before the index or its latest parts existed): its next build indexes every compound."""
    import pyoxigraph

    if not store.contains_named_graph(pyoxigraph.NamedNode(str(GRAPH_ASSERTED))):
        return False
    version = index_version(store)
    return version is None or version < INDEX_VERSION


def index_compounds(store: Any, compounds: Iterable[Any] | None = None) -> int:
    """(Re)write the query index (``id:graph/index``) of ``compounds`` (pyoxigraph IRIs; every
    compound of the store when ``None``) from the asserted, inferred and ontology graphs of
    ``store`` (a writable pyoxigraph store).  Returns the change in the store's number of
    quads (written minus removed)."""
    import pyoxigraph

    from meihao_kg.store.remote import inject_values

    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    union = [pyoxigraph.NamedNode(str(g)) for g in (GRAPH_ASSERTED, GRAPH_ONTOLOGY, GRAPH_INFERRED)]
    wanted: list[Any] | None = None
    removed = 0
    if compounds is None:
        if index in set(store.named_graphs()):
            removed = sum(1 for _ in store.quads_for_pattern(None, None, None, index))
            store.remove_graph(index)
    else:
        wanted = sorted({c for c in compounds if isinstance(c, pyoxigraph.NamedNode)}, key=str)
        if not wanted:
            return 0
        for c in wanted:
            for q in list(store.quads_for_pattern(c, None, None, index)):
                store.remove(q)
                removed += 1

    def made(body: str) -> bytes:
        text = sparql(body)
        if wanted is not None:
            text = inject_values(text, {"c": wanted})
        found = store.query(text, default_graph=union)
        return bytes(found.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES) or b"")

    def load(data: bytes) -> None:
        if len(data) > 1_000_000:
            store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=index)
        elif data:  # a bulk load costs ~0.3 s to set up
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, index)
                         for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))

    load(made(_INITIATIVES) + made(_PLACES if wanted is None else _PLACES_OF))
    load(made(_LEVELS))
    # the counts: every initiative's again (a count reads every compound)
    counted = [pyoxigraph.NamedNode(str(IDX.projects)), pyoxigraph.NamedNode(str(IDX.projectsWithNarrower))]
    if wanted is not None:
        for p in counted:
            for q in list(store.quads_for_pattern(None, p, None, index)):
                store.remove(q)
                removed += 1
    counts = bytes(store.query(sparql(_COUNTS), default_graph=union).serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
                   or b"")
    load(counts)
    # the graph exists even without a compound: a store that has it is indexed
    version = pyoxigraph.NamedNode(str(IDX.version))
    for q in list(store.quads_for_pattern(index, version, None, index)):
        store.remove(q)
        removed += 1
    markers = [pyoxigraph.Quad(index, pyoxigraph.NamedNode(str(IDX.indexes)),
                               pyoxigraph.NamedNode(str(GRAPH_ASSERTED)), index),
               pyoxigraph.Quad(index, version, pyoxigraph.Literal(str(INDEX_VERSION),
                               datatype=pyoxigraph.NamedNode(str(XSD.integer))), index)]
    added = sum(1 for m in markers if m not in store)
    store.extend(markers)
    if wanted is None:
        return _count(store, index) - removed
    return (sum(1 for c in wanted for _ in store.quads_for_pattern(c, None, None, index)) + added - removed
            + counts.count(b"\n"))


def _count(store: Any, graph: Any) -> int:
    """The number of quads of the named graph ``graph``."""
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    return int(next(iter(store.query(text)))["n"].value)


# --------------------------------------------------------------------------- listing order


@dataclass(frozen=True)
class Rank:
    """The order of the rows of a listing, by its driving variable ``var``: ``keys`` are the
    leading ``ORDER BY`` variables of the queries paged by it (``var`` among them), each a
    function of ``var``; ``select`` finds every value of ``var`` with its keys, by the same
    pattern as those queries; ``predicate`` (of :data:`IDX`) holds each value's rank."""

    var: str
    keys: tuple[str, ...]
    select: str
    predicate: str


RANKS: dict[str, Rank] = {
    "project": Rank("project", ("name", "project"), """SELECT DISTINCT ?project ?name WHERE {
  GRAPH graph:asserted { ?project mh:compound ?compound ; schema:name ?name } }""", "projectRank"),
    "organisation": Rank("organisation", ("type", "name", "organisation"), """SELECT DISTINCT ?organisation ?type ?name WHERE {
  ?organisation a org:Organization .
  ?cls mh:typeCode ?type .
  GRAPH graph:asserted { ?organisation a ?cls ; rdfs:label ?name } }""", "organisationRank"),
}


def rank_listings(store: Any, changed: Iterable[Any] | None = None, before: Any | None = None) -> int:
    """(Re)write the listing order (:data:`RANKS`) in the index graph of ``store`` (a writable
    pyoxigraph store): each set of keys gets its rank, on the value of the driving variable
    it belongs to (a project with two names has two ranks).  Returns the change in the
    store's number of quads.

    An incremental build passes ``changed``, the subjects of the source graphs it wrote and
    dropped, and ``before``, the store as it was (a read-only pyoxigraph store): only those
    subjects can have other keys now, so when each kind's values among them have the same
    keys in both, the order (copied with the database) is kept as it is."""
    import pyoxigraph

    from meihao_kg.query.order import term_key
    from meihao_kg.store.remote import inject_values

    index = pyoxigraph.NamedNode(str(GRAPH_INDEX))
    union = [pyoxigraph.NamedNode(str(g)) for g in (GRAPH_ASSERTED, GRAPH_ONTOLOGY, GRAPH_INFERRED)]
    integer = pyoxigraph.NamedNode(str(XSD.integer))
    named = sorted((v for v in changed or () if isinstance(v, pyoxigraph.NamedNode)), key=str)

    def keys(db: Any, rank: Rank) -> list[tuple[Any, ...]]:
        text = sparql(rank.select)
        if changed is not None:
            text = inject_values(text, {rank.var: named})
        return sorted(tuple(term_key(r[k]) for k in rank.keys) for r in db.query(text, default_graph=union))

    change = 0
    for rank in RANKS.values():
        predicate = pyoxigraph.NamedNode(str(IDX[rank.predicate]))
        ranked = next(iter(store.quads_for_pattern(None, predicate, None, index)), None) is not None
        if ranked and changed is not None and before is not None and len(named) <= _FEW_CHANGED and (
                not named or keys(store, rank) == keys(before, rank)):
            continue  # the same keys: the same order
        keyed = {tuple(term_key(r[k]) for k in rank.keys): r[rank.var]
                 for r in store.query(sparql(rank.select), default_graph=union)}
        wanted = {pyoxigraph.Quad(keyed[key], predicate, pyoxigraph.Literal(str(i), datatype=integer), index)
                  for i, key in enumerate(sorted(keyed))}
        old = set(store.quads_for_pattern(None, predicate, None, index))
        for q in old - wanted:
            store.remove(q)
        new = wanted - old
        if len(new) > 2_000:
            store.bulk_extend(new)
        else:
            store.extend(new)
        change += len(new) - len(old - wanted)
    return change


_FEW_CHANGED = 5_000  # subjects compared one by one; more, and the order is simply recomputed


def graph_subjects(store: Any, graphs: Iterable[str]) -> set[Any]:
    """The IRIs the named graphs ``graphs`` (IRIs) say something about."""
    import pyoxigraph

    present = set(store.named_graphs())
    found: set[Any] = set()
    for iri in graphs:
        g = pyoxigraph.NamedNode(iri)
        if g in present:
            found.update(q.subject for q in store.quads_for_pattern(None, None, None, g)
                         if isinstance(q.subject, pyoxigraph.NamedNode))
    return found
