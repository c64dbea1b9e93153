"""Curation decisions that survive rebuilds: ``data/curation.toml``.

Decisions name facts and entities by IRI (IRIs are deterministic, so they stay valid
across rebuilds) and are applied to each source's graph on every build::

    [[reject]]                      # drop a wrong fact (and its evidence links)
    node = "https://w3id.org/meihao-kg/id/obs/210211/yan-hai-jian-zhu/households/…"
    reason = "counts flats, not households"

    [[correct]]                     # replace a value
    node = "…/obs/…"
    property = "schema:value"       # prefixed or full IRI
    value = "96.3"                  # typed like the value it replaces
    reason = "typo in the source"

    [[merge]]                       # one entity under several IRIs
    keep = "https://w3id.org/meihao-kg/id/org/named/…"
    merge = ["https://w3id.org/meihao-kg/id/org/named/…"]

Curated nodes get ``mh:curated true`` and a ``skos:editorialNote`` with the reason.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from meihao_kg.errors import CurationError
from meihao_kg.graph.namespaces import MH, PREFIXES

__all__ = ["Curation", "DEFAULT_CURATION", "load_curation"]

DEFAULT_CURATION = Path("data") / "curation.toml"


@dataclass(frozen=True)
class Curation:
    path: Path
    rejects: tuple[tuple[str, str], ...]
    corrections: tuple[tuple[str, str, str, str], ...]
    merges: tuple[tuple[str, tuple[str, ...]], ...]

    def apply(self, g: Graph, doc_id: str) -> Graph:
        """Apply the decisions to one source's graph (in place) and return it."""
        for node, _reason in self.rejects:
            n = URIRef(node)
            for t in list(g.triples((n, None, None))) + list(g.triples((None, None, n))):
                g.remove(t)
        for node, prop, value, reason in self.corrections:
            n, p = URIRef(node), URIRef(_expand(prop, self.path))
            olds = list(g.objects(n, p))
            if not olds:
                continue
            for o in olds:
                g.remove((n, p, o))
            first = olds[0]
            dt = first.datatype if isinstance(first, Literal) else None
            lang = first.language if isinstance(first, Literal) else None
            g.add((n, p, Literal(value, datatype=dt, lang=lang) if dt or lang else Literal(value)))
            g.add((n, MH.curated, Literal(True)))
            if reason:
                g.add((n, SKOS.editorialNote, Literal(reason)))
        for keep, merged in self.merges:
            k = URIRef(keep)
            for m in map(URIRef, merged):
                for t in list(g.triples((m, None, None))):
                    g.remove(t)
                    g.add((k, t[1], t[2]) if t[1] != SKOS.prefLabel else (k, SKOS.altLabel, t[2]))
                for t in list(g.triples((None, None, m))):
                    g.remove(t)
                    g.add((t[0], t[1], k))
            if merged and any(True for _ in g.triples((k, None, None))):
                g.add((k, MH.curated, Literal(True)))
        return g


def _expand(name: str, path: Path) -> str:
    if name.startswith(("http://", "https://")):
        return name
    prefix, _, local = name.partition(":")
    if prefix not in PREFIXES or not local:
        raise CurationError(f"{path}: unknown property {name!r}", hint="use a full IRI or mh:, schema:, rdfs: …")
    return PREFIXES[prefix] + local


def load_curation(path: str | Path | None = None) -> Curation | None:
    """Read the curation file (default ``data/curation.toml``); ``None`` if there is none.

    Raises:
        CurationError: the file is not valid TOML or a decision lacks a field.
    """
    p = Path(path) if path else DEFAULT_CURATION
    if not p.exists():
        if path:
            raise CurationError(f"{p}: no such curation file")
        return None
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CurationError(f"{p}: {exc}") from None
    try:
        rejects = tuple((d["node"], d.get("reason", "")) for d in data.get("reject", []))
        corrections = tuple((d["node"], d["property"], str(d["value"]), d.get("reason", ""))
                            for d in data.get("correct", []))
        merges = tuple((d["keep"], tuple(d["merge"])) for d in data.get("merge", []))
    except (KeyError, TypeError) as exc:
        raise CurationError(f"{p}: a decision lacks the field {exc}") from None
    for _, prop, _, _ in corrections:
        _expand(prop, p)
    return Curation(p, rejects, corrections, merges)
