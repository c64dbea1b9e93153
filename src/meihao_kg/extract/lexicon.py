"""The extractor's lexicon of initiative types, read from ``ontology/initiatives.ttl``.

The SKOS labels are the one place to add a new initiative type: every zh prefLabel and
altLabel (and the notation) becomes a surface form matched in normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from meihao_kg import resources
from meihao_kg.models import InitiativeType

__all__ = ["Lexicon", "load_lexicon", "ontology_path"]

_QUOTES_RE = re.compile(r"[\"'“”‘’「」『』\s]")


def ontology_path(name: str) -> Path:
    """Path of a file of the ontology, in an installed package or a source checkout."""
    return resources.ontology_file(name)


@dataclass(frozen=True)
class Lexicon:
    types: tuple[InitiativeType, ...]
    forms: tuple[tuple[str, InitiativeType], ...]  # surface form (no quote marks) → type
    pattern: re.Pattern[str]
    # skos:hiddenLabel patterns with "…" (any few characters of the same clause):
    # "公示…收支" finds 公示物业服务收支情况
    gapped: tuple[tuple[re.Pattern[str], InitiativeType], ...] = ()

    def by_form(self, form: str) -> InitiativeType | None:
        return self._index.get(_QUOTES_RE.sub("", form))

    @property
    def _index(self) -> dict[str, InitiativeType]:
        index: dict[str, InitiativeType] | None = self.__dict__.get("_index_cache")
        if index is None:
            index = dict(self.forms)
            object.__setattr__(self, "_index_cache", index)
        return index


_SEP = r"[\"“”'‘’]?\s?"  # quote marks or a space may sit between characters: “1+1+1”联动


def _form_regex(form: str) -> str:
    return _SEP.join(re.escape(c) for c in form)


def _trie_regex(forms: list[str]) -> str:
    """One regex for many literal forms, shaped as a trie so that the engine follows one
    branch per character instead of trying every form at every position (much faster
    than a flat alternation); longest match first."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for f in forms:
        node = trie
        for c in f:
            node = node.setdefault(c, {})
        node[""] = {}

    def branches(node: dict) -> str:  # type: ignore[type-arg]
        return "|".join(re.escape(c) + tail(node[c]) for c in sorted(k for k in node if k))

    def tail(node: dict) -> str:  # type: ignore[type-arg]
        """What may follow a character: nothing, or a separator and the next characters."""
        if not any(k for k in node):
            return ""
        more = f"(?:{_SEP}(?:{branches(node)}))"
        return more + "?" if "" in node else more

    return f"(?:{branches(trie)})"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from meihao_kg.graph.namespaces import MH

    g = Graph()
    g.parse(ontology_path("initiatives.ttl"), format="turtle")
    types: list[InitiativeType] = []
    forms: dict[str, InitiativeType] = {}
    gapped: list[tuple[re.Pattern[str], InitiativeType]] = []
    concepts = sorted({c for c in g.subjects(SKOS.inScheme, None) if isinstance(c, URIRef)})
    for concept in concepts:
        labels = {(getattr(lit, "language", None) or ""): str(lit) for lit in g.objects(concept, SKOS.prefLabel)}
        broader = g.value(concept, SKOS.broader)
        notation = g.value(concept, SKOS.notation)
        t = InitiativeType(
            slug=str(concept).rsplit("/", 1)[-1],
            iri=str(concept),
            label_zh=labels.get("zh", ""),
            label_en=labels.get("en", ""),
            mechanism=str(g.value(concept, MH.typeCode) or "") == "mechanism",
            broader=str(broader) if broader else None,
            notation=str(notation) if notation else None,
        )
        types.append(t)
        for hidden in g.objects(concept, SKOS.hiddenLabel):
            if "…" in str(hidden):
                parts = [_form_regex(_QUOTES_RE.sub("", x)) for x in str(hidden).split("…")]
                gapped.append((re.compile(r"[^,;。!?\n]{0,12}?".join(parts)), t))
        surface = [labels.get("zh", "")]
        surface += [str(a) for a in g.objects(concept, SKOS.altLabel) if getattr(a, "language", None) == "zh"]
        for s in surface:
            key = _QUOTES_RE.sub("", s)
            if len(key) >= 2 and key not in forms:
                forms[key] = t
    ordered = sorted(forms.items(), key=lambda kv: -len(kv[0]))
    pattern = re.compile(_trie_regex([f for f, _ in ordered]))
    return Lexicon(types=tuple(types), forms=tuple(ordered), pattern=pattern, gapped=tuple(gapped))
