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
from meihao_kg.graph.namespaces import ID

__all__ = ["node", "slugify", "span_iri"]



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
