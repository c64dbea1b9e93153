"""A plain set of rdflib triples for the build's hot path, and its N-Triples.

Building one source's graph in an ``rdflib.Graph`` costs most of a large build: every
``add`` goes through rdflib's event, context and three-index machinery, and serialising
walks them again.  :class:`TripleSet` keeps the same rdflib terms in a dict (insertion
ordered, set semantics: rdflib terms hash and compare as rdflib's store does), offers the
few ``Graph`` operations the builder and the inference use, and writes N-Triples line by
line with rdflib's own row function, so the bytes are those ``Graph.serialize(format="nt")``
gives.  :func:`meihao_kg.graph.build.build_graph` still returns an ``rdflib.Graph``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["TripleSet", "ntriples"]

Triple = tuple[Any, Any, Any]


class TripleSet:
    """Just enough of ``rdflib.Graph`` for building triples: ``add``, ``in`` (a triple, or
    ``(s, p, None)``), ``triples(pattern)``, ``subjects()``, iteration and ``len``."""

    __slots__ = ("_sp", "_t")

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._t: dict[Triple, None] = {}
        self._sp: set[tuple[Any, Any]] = set()
        for t in triples:
            self.add(t)

    def add(self, triple: Triple) -> TripleSet:
        s, p, o = triple
        if s is None or p is None or o is None:
            raise ValueError(f"incomplete triple: {triple!r}")
        self._t[triple] = None
        self._sp.add((s, p))
        return self

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        s, p, o = triple
        if o is None and s is not None and p is not None:
            return (s, p) in self._sp
        if s is None or p is None or o is None:
            return any(True for _ in self.triples((s, p, o)))
        return triple in self._t

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._t)

    def __len__(self) -> int:
        return len(self._t)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None and p is not None and o is not None:
            if pattern in self._t:
                yield pattern
            return
        for t in self._t:
            if (s is None or t[0] == s) and (p is None or t[1] == p) and (o is None or t[2] == o):
                yield t

    def subjects(self) -> Iterator[Any]:
        seen: set[Any] = set()
        for s, _, _ in self._t:
            if s not in seen:
                seen.add(s)
                yield s

    def ntriples(self) -> bytes:
        return ntriples(self._t)


def ntriples(triples: Iterable[Triple]) -> bytes:
    """N-Triples of rdflib triples, row by row as rdflib's serializer writes them."""
    from rdflib import Literal
    from rdflib.plugins.serializers.nt import _nt_row, _quoteLiteral

    names: dict[Any, str] = {}  # IRIs and blank nodes repeat: their N3 form, once each

    def n3(term: Any) -> str:
        out = names.get(term)
        if out is None:
            out = names[term] = term.n3()
        return out

    rows = []
    for t in triples:
        s, p, o = t
        if isinstance(s, Literal) or isinstance(p, Literal):
            rows.append(_nt_row(t))  # not RDF; rdflib writes it anyway
            continue
        obj = _quoteLiteral(o) if isinstance(o, Literal) else n3(o)
        rows.append(f"{n3(s)} {n3(p)} {obj} .\n")
    return "".join(rows).encode("utf-8")
