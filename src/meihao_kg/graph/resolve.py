"""Entity-resolution report: merged entities and near-misses.

Merging happens during extraction and IRI minting: different wordings of one body
(业委会 / 业主委员会; 上和府小区 / 和平之门上和府; 沈阳 / 沈阳市) get one key and one IRI,
the other wordings kept as ``skos:altLabel``.  What the rules could not decide shows up
here as near-misses: entities of the same class whose normalised names contain one another
or differ by one character, to be merged (or kept apart) in ``data/curation.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from meihao_kg.graph.namespaces import sparql
from meihao_kg.store.local import KGStore

__all__ = ["ResolutionReport", "resolution_report"]

_Q = sparql("""
SELECT ?s ?cls ?label (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
  GRAPH graph:asserted { ?s a ?cls ; rdfs:label ?label . }
  OPTIONAL { { ?s skos:altLabel ?alt } UNION { ?s schema:alternateName ?alt } }
} GROUP BY ?s ?cls ?label ORDER BY ?s
""")


_NOT_ENTITIES = {"Initiative", "GovernanceMechanism", "Recognition", "DatedEvent", "IndicatorObservation",
                 "EvidenceSpan", "Assertion", "MediaCoverage", "SourceDocument", "Campaign"}


@dataclass(frozen=True)
class ResolutionReport:
    merged: tuple[tuple[str, str, tuple[str, ...]], ...]  # iri, label, aliases
    near_misses: tuple[tuple[tuple[str, str], tuple[str, str], str], ...]
    cross_source: tuple[tuple[str, str, str], ...] = ()  # project iri, name, merge reason
    conflicts: tuple[tuple[str, str, str], ...] = ()  # project iri, name, conflict


_Q_CROSS = sparql("""
SELECT DISTINCT ?p ?name ?why ?kind WHERE {
  ?p schema:name ?name .
  { ?p mh:mergeReason ?why . BIND("merge" AS ?kind) }
  UNION
  { ?p mh:identityConflict ?why . BIND("conflict" AS ?kind) }
} ORDER BY ?name ?why
""")


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=False)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def resolution_report(store: KGStore) -> ResolutionReport:
    rows = [(r["s"].value, r["cls"].value, r["label"].value, r["alts"].value if r["alts"] else "")
            for r in store.query(_Q)]
    merged = tuple((s, label, tuple(a for a in alts.split("|") if a and a != label))
                   for s, _, label, alts in rows if alts)
    by_class: dict[str, list[tuple[str, str]]] = {}
    for s, cls, label, _ in rows:
        if cls.rsplit("#", 1)[-1] in _NOT_ENTITIES:
            continue  # facts, not entities: two projects' 志愿服务 are meant to be apart
        by_class.setdefault(cls, []).append((s, label))
    near: list[tuple[tuple[str, str], tuple[str, str], str]] = []
    for items in by_class.values():
        uniq = sorted(set(items))
        if len(uniq) > 400:
            continue
        for a, b in combinations(uniq, 2):
            if a[0] == b[0]:
                continue
            la, lb = a[1], b[1]
            if la == lb:
                near.append((a, b, "same name, different IRIs"))
            elif len(la) >= 3 and len(lb) >= 3 and (la in lb or lb in la):
                near.append((a, b, "one name contains the other"))
            elif len(la) >= 4 and _one_edit(la, lb):
                near.append((a, b, "names differ by one character"))
    cross = [(r["p"].value, r["name"].value, r["why"].value, r["kind"].value) for r in store.query(_Q_CROSS)]
    return ResolutionReport(merged, tuple(near),
                            tuple((p, n, w) for p, n, w, k in cross if k == "merge"),
                            tuple((p, n, w) for p, n, w, k in cross if k == "conflict"))
