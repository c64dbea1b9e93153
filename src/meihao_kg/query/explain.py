"""``explain``: a project's facts, each with its raw quote and the sentence around it."""

from __future__ import annotations

from dataclasses import dataclass

from meihao_kg.graph.namespaces import sparql
from meihao_kg.query.saved import resolve_project
from meihao_kg.store.local import KGStore
from meihao_kg.text.normalise import name_key

__all__ = ["ExplainedFact", "explain_project"]

_Q = sparql("""
SELECT ?fact ?kind ?summary ?doc ?start ?end ?quote ?sentence ?project WHERE {
  ?project mh:compound ?compound .
  {
    ?fact a mh:IndicatorObservation ; schema:observationAbout ?compound ; mh:indicator ?i ;
          mh:originalExpression ?expr ; schema:value ?v .
    ?i skos:prefLabel ?il . FILTER(LANG(?il) = "zh")
    BIND("指标 indicator" AS ?kind) BIND(CONCAT(STR(?il), " = ", STR(?v), "  (", STR(?expr), ")") AS ?summary)
  } UNION {
    GRAPH graph:asserted { ?fact mh:initiativeType ?t ; mh:implementedAt ?compound . }
    ?t skos:prefLabel ?tl . FILTER(LANG(?tl) = "zh")
    BIND("举措 initiative" AS ?kind) BIND(STR(?tl) AS ?summary)
  } UNION {
    ?fact a mh:DatedEvent ; mh:eventType ?et ; mh:eventDate ?d .
    { ?fact schema:about ?compound } UNION { ?fact schema:about/mh:servesCompound ?compound }
    ?et skos:prefLabel ?el . FILTER(LANG(?el) = "zh")
    BIND("时间 date" AS ?kind) BIND(CONCAT(STR(?el), " ", STR(?d)) AS ?summary)
  } UNION {
    GRAPH graph:asserted { ?fact a ?cls ; mh:servesCompound ?compound ; rdfs:label ?ol . }
    BIND("组织 organisation" AS ?kind) BIND(STR(?ol) AS ?summary)
  } UNION {
    ?fact a mh:Recognition ; mh:recipient ?compound ; rdfs:label ?rl .
    BIND("荣誉 recognition" AS ?kind) BIND(STR(?rl) AS ?summary)
  } UNION {
    ?fact a mh:Assertion ; rdf:subject ?compound ;
          rdf:object ?where .
    ?where rdfs:label ?wl .
    BIND("位置 place" AS ?kind) BIND(STR(?wl) AS ?summary)
  }
  ?fact mh:evidence ?span .
  ?span oa:hasSource/dcterms:identifier ?doc ; mh:sentence ?sentence ;
        oa:hasSelector ?pos , ?qs .
  ?pos oa:start ?start ; oa:end ?end .
  ?qs oa:exact ?quote .
}
ORDER BY ?start ?kind ?summary
""")


@dataclass(frozen=True)
class ExplainedFact:
    kind: str
    summary: str
    doc_id: str
    start: int
    end: int
    quote: str
    sentence: str


def explain_project(store: KGStore, project: str, fact: str | None = None) -> list[ExplainedFact]:
    """Facts about ``project`` (name or IRI), optionally only those mentioning ``fact``."""

    iri = resolve_project(store, project)
    out: list[ExplainedFact] = []
    seen: set[tuple[str, str, int]] = set()
    needle = name_key(fact) if fact else None
    for r in store.query(_Q, {"project": iri}):
        item = ExplainedFact(r["kind"].value, r["summary"].value, r["doc"].value, int(r["start"].value),
                             int(r["end"].value), r["quote"].value, r["sentence"].value)
        key = (item.kind, item.summary, item.start)
        if key in seen:
            continue
        if needle and not any(needle in name_key(x) for x in (item.summary, item.quote)):
            continue
        seen.add(key)
        out.append(item)
    return out
