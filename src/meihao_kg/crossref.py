"""Cross-source entity resolution for compounds.

Within one article the extractor already ties short forms to the project (上和府小区 →
和平之门上和府).  Across articles the same compound may be named differently; before
building, each project is compared with the projects already known (from the store's other
sources and from earlier files of the same build) in the same county: when one's name or
alias contains the other's (at least three characters), the later one takes the earlier
one's slug — hence its IRIs — and keeps its own wording as an alias.  When the two give
different showcase numbers they are two selections of one compound: the compound is shared,
the showcase-project records stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .models import Extraction, ProjectFacts

__all__ = ["KnownProject", "known_projects", "resolve_projects"]


@dataclass(frozen=True)
class KnownProject:
    scope: str
    slug: str
    name: str
    aliases: tuple[str, ...]
    doc_id: str
    number: int | None = None


def project_scope(p: ProjectFacts) -> str:
    coded = next((q.division.county_or_above() for q in p.places if q.division), None)
    return coded.code if coded and coded.code else "cn"


def known_projects(store: Any, skip_docs: Iterable[str]) -> list[KnownProject]:
    """Projects in an existing store, except those of the sources being rebuilt."""
    q = """
    PREFIX mh: <https://w3id.org/meihao-kg/ontology#>
    PREFIX schema: <https://schema.org/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?p ?name ?doc (SAMPLE(?n) AS ?number) (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts)
    WHERE {
      ?p a mh:ShowcaseProject ; schema:name ?name ; dcterms:source/dcterms:identifier ?doc .
      OPTIONAL { ?p skos:altLabel ?alt }
      OPTIONAL { ?p mh:showcaseNumber ?n }
    } GROUP BY ?p ?name ?doc"""
    skip = set(skip_docs)
    out = []
    for r in store.query(q):
        if r["doc"].value in skip:
            continue
        scope, _, slug = r["p"].value.split("/project/", 1)[1].partition("/")
        alts = tuple(a for a in (r["alts"].value if r["alts"] else "").split("|") if a)
        number = int(r["number"].value) if r["number"] else None
        out.append(KnownProject(scope, slug, r["name"].value, alts, r["doc"].value, number))
    return out


def _overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    for x in a:
        for y in b:
            short, long_ = sorted((x, y), key=len)
            if len(short) >= 3 and short in long_:
                return True
    return False


def resolve_projects(extractions: list[Extraction], known: list[KnownProject]) -> list[Extraction]:
    """Give a project the slug of an already-known project it names in another way."""
    known = list(known)
    out = []
    for ex in extractions:
        projects = []
        for p in ex.projects:
            scope = project_scope(p)
            names = (p.name, *p.aliases)
            match = next((k for k in known if k.scope == scope and k.doc_id != ex.doc_id
                          and _overlap(names, (k.name, *k.aliases))), None)
            if match is not None and match.slug != p.slug:
                if p.number is not None and match.number is not None and p.number != match.number:
                    p = replace(p, compound_slug=match.slug)  # another selection, same compound
                else:
                    aliases = tuple(dict.fromkeys(a for a in (*p.aliases, p.name) if a != match.name))
                    p = replace(p, slug=match.slug, name=match.name, aliases=aliases)
            projects.append(p)
            known.append(KnownProject(scope, p.slug, p.name, p.aliases, ex.doc_id, p.number))
        out.append(replace(ex, projects=tuple(projects)))
    return out
