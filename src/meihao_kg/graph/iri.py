"""The one place where IRIs are minted.  Deterministic: the same facts give the same IRIs.

Places use official division codes (``place/cn/210211``); names below a coded division,
functional zones and compounds use a pinyin slug under the code
(``compound/210211/yan-hai-jian-zhu``).  Slugs that pypinyin reads wrongly, or that must
never change, are frozen in ``data/slugs.csv`` (``name,slug``), consulted first.
"""

from __future__ import annotations

import csv
import hashlib
import re
from functools import lru_cache

from rdflib import URIRef

from meihao_kg import resources
from meihao_kg.graph.namespaces import CONCEPT, ID, SOURCE_GRAPH_PREFIX
from meihao_kg.models import OrgKey

__all__ = [
    "assertion", "campaign", "child", "compound", "concept", "coverage", "damaged_range", "division",
    "event", "gazetteer", "initiative", "membership", "node", "observation", "org", "owned_by_source",
    "postal_address",
    "project", "recognition", "selection", "selector", "slugify", "source", "source_graph", "span_iri", "tally",
]


@lru_cache(maxsize=1)
def _frozen() -> dict[str, str]:
    path = resources.data_file("slugs.csv")
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["name"]: row["slug"] for row in csv.DictReader(fh) if row.get("name")}


@lru_cache(maxsize=8192)
def slugify(name: str) -> str:
    """A lowercase ASCII slug: pinyin syllables joined by ``-`` (``沿海鉴筑`` → ``yan-hai-jian-zhu``)."""
    frozen = _frozen().get(name)
    if frozen:
        return frozen
    from meihao_kg.graph import slug_cache

    cached = slug_cache.known_slugs().get(name)
    if cached:
        return cached
    slug = _pinyin_slug(name)
    slug_cache.remember(name, slug)
    return slug


def _pinyin_slug(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    slug = "-".join(p.lower().replace("ü", "v") for p in parts)
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    if not slug:
        slug = "h" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return slug[:64].rstrip("-")


def node(*parts: str) -> URIRef:
    """``id:`` IRI from path parts: ``node("compound", "210211", "yan-hai-jian-zhu")``."""
    return ID["/".join(parts)]


def span_iri(doc_id: str, start: int, end: int) -> URIRef:
    return ID[f"source/{doc_id}/char/{start}-{end}"]


# --------------------------------------------------------------------------- one function per pattern


def spans_prefix(doc_id: str) -> str:
    """What the IRIs of one source's evidence spans and their selectors begin with."""
    return str(ID[f"source/{doc_id}/char/"])


def source(doc_id: str) -> URIRef:
    """A source document: ``id:source/{doc}``."""
    return node("source", doc_id)


def owned_by_source(iri: str, doc_id: str) -> bool:
    """Whether ``iri`` is minted for the one source ``doc_id`` (the document, its evidence
    spans and their selectors, its damaged ranges, its media-coverage facts): no other
    source can say anything about it."""
    own = str(source(doc_id))
    return iri == own or iri.startswith((own + "/", str(node("coverage", doc_id)) + "/"))


def source_graph(doc_id: str) -> URIRef:
    """The named graph of one source's facts: ``id:graph/source/{doc}``."""
    return URIRef(SOURCE_GRAPH_PREFIX + doc_id)


def selector(span: URIRef, part: str) -> URIRef:
    """A selector of an evidence span: ``{span}#position`` or ``{span}#quote``."""
    return URIRef(f"{span}#{part}")


def damaged_range(doc_id: str, start: int, end: int) -> URIRef:
    """A damaged byte span of a source: ``id:source/{doc}/damaged/{start}-{end}``."""
    return node("source", doc_id, "damaged", f"{start}-{end}")


def assertion(digest: str) -> URIRef:
    """A reified statement carrying evidence: ``id:assertion/{digest}``."""
    return node("assertion", digest)


def division(code: str | None = None) -> URIRef:
    """A coded administrative division ``id:place/cn/{code}`` (``id:place/cn`` for China)."""
    return node("place", "cn", code) if code else node("place", "cn")


def child(parent: URIRef, name: str) -> URIRef:
    """A place without a code, under its parent place: ``{parent}/{slug}``."""
    return URIRef(f"{parent}/{slugify(name)}")


def gazetteer(version: str) -> URIRef:
    """The gazetteer release the divisions come from."""
    return node("gazetteer", f"jionlp-{version}")


def project(scope: str, slug: str) -> URIRef:
    """A showcase project: ``id:project/{county code}/{slug}``."""
    return node("project", scope, slug)


def compound(scope: str, slug: str) -> URIRef:
    """A residential compound: ``id:compound/{county code}/{slug}``."""
    return node("compound", scope, slug)


def postal_address(compound_iri: URIRef) -> URIRef:
    """A compound's postal address: ``{compound}/address``."""
    return URIRef(f"{compound_iri}/address")


def org(key: OrgKey, scope: str, place: URIRef | None = None) -> URIRef:
    """An organisation from its key: a compound's own under the compound
    (``org/compound/{scope}/…``), a body of a place under that place's IRI, so that two
    中心社区 in different counties stay apart (``org/place/…``), a national body under
    ``org/cn``, any other by its name (``org/named/{slug}``)."""
    rest = key.rest
    if key.scope == "compound":
        return URIRef(f"{node('org', 'compound', scope)}/{rest}")
    if key.scope == "community":
        return URIRef(f"{node('org', 'compound', scope)}/community/{rest}")
    if key.scope == "local":
        return URIRef(f"{node('org', 'compound', scope)}/local/{slugify(rest)}")
    if key.scope == "place" and place is not None:
        tail = str(place).removeprefix(str(node("place")) + "/")
        return URIRef(f"{node('org', 'place', tail)}/{'/'.join(key.parts[1:])}")
    if key.scope == "national":
        return node("org", "cn", rest)
    return node("org", "named", slugify(rest))


def membership(body: URIRef, member_key: OrgKey) -> URIRef:
    """The membership of one organisation in a coordination body: ``{body}/membership/{key}``."""
    return URIRef(f"{body}/membership/{str(member_key).replace('/', '-')}")


def initiative(scope: str, compound_slug: str, type_slug: str) -> URIRef:
    """An initiative of a compound: ``id:initiative/{scope}/{compound}/{type}``."""
    return node("initiative", scope, compound_slug, type_slug)


def observation(scope: str, compound_slug: str, indicator: str, key: str) -> URIRef:
    """An indicator observation, keyed by its content: ``id:obs/{scope}/{compound}/{indicator}/{key}``."""
    return node("obs", scope, compound_slug, indicator, key)


def event(scope: str, compound_slug: str, event_type: str, key: str) -> URIRef:
    """A dated event, keyed by its content: ``id:event/{scope}/{compound}/{type}/{key}``."""
    return node("event", scope, compound_slug, event_type, key)


def recognition(scope: str, compound_slug: str, title: str) -> URIRef:
    """A recognition a compound received: ``id:recognition/{scope}/{compound}/{slug of title}``."""
    return node("recognition", scope, compound_slug, slugify(title))


def selection(scope: str, compound_slug: str, scheme: str, key: str) -> URIRef:
    """A compound's place in a selection (national 100, a 美好家园 list…), keyed by what is
    stated: ``id:recognition/{scope}/{compound}/{scheme}/{key}``."""
    return node("recognition", scope, compound_slug, scheme, key)


def tally(scheme: str, key: str) -> URIRef:
    """A count of compounds a selection chose in a place: ``id:tally/{scheme}/{key}``."""
    return node("tally", scheme, key)


def coverage(doc_id: str, start: int) -> URIRef:
    """A media-coverage fact, keyed by where it is stated: ``id:coverage/{doc}/{start}``."""
    return node("coverage", doc_id, str(start))


def campaign(name: str) -> URIRef:
    """The campaign an article names: ``id:campaign/meihao-jiayuan`` for the 美好家园 campaign."""
    return node("campaign", "meihao-jiayuan" if "美好家园" in name else slugify(name))


def concept(scheme: str, key: str | None = None) -> URIRef:
    """A SKOS concept ``concept:{scheme}/{key}``, or the scheme ``concept:{scheme}`` itself."""
    return CONCEPT[f"{scheme}/{key}"] if key is not None else CONCEPT[scheme]
