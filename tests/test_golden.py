"""Golden graphs: for each project of the seed, the expected facts compared as graphs.

``tests/golden/seed/<slug>.ttl`` holds everything the build says about one project: the
project and its compound, places, organisations, initiatives, observations, dates,
recognitions, coverage, reified assertions, and the evidence spans with their offsets and
quotes.  A difference is printed as "only in expected / only in actual" triples.

Regenerate after a deliberate change with ``MEIHAO_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff in git.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import RDF, XSD

from meihao_kg.graph.build import bind_prefixes
from meihao_kg.graph.namespaces import ID, MH, ORG

GOLDEN = Path(__file__).parent / "golden" / "seed"
SLUGS = {
    15: "210102/he-ping-zhi-men-shang-he-fu",
    16: "210114/yin-he-cheng-du-hui",
    17: "210200/da-hua-jin-xiu-hua-cheng-bo-ya-yuan",
    18: "210211/yan-hai-jian-zhu",
    19: "210522/jin-sheng-jia-yuan-shou-fu",
}


@pytest.fixture(scope="module")
def seed_graph(seed_store) -> Graph:  # type: ignore[no-untyped-def]
    from meihao_kg.export.writers import store_dataset

    ds = store_dataset(seed_store, inferred=False, ontology=False)
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def project_subgraph(g: Graph, scope_slug: str) -> Graph:
    """The triples about one project, following links within the instance namespace."""
    project = ID[f"project/{scope_slug}"]
    compound = ID[f"compound/{scope_slug}"]
    start: set[URIRef] = {project, compound}
    orgs = {s for s in g.subjects(MH.servesCompound, compound) if isinstance(s, URIRef)}
    start |= orgs
    for target in (compound, *orgs):
        for s, p, _ in g.triples((None, None, target)):
            if isinstance(s, URIRef) and p != MH.servesCompound:
                start.add(s)
    for s in list(g.subjects(RDF.subject, compound)):
        start.add(s)  # type: ignore[arg-type]
    for s in list(g.subjects(ORG.organization, None)):
        if g.value(s, ORG.organization) in start:
            start.add(s)  # type: ignore[arg-type]
    out = Graph()
    bind_prefixes(out)
    base = str(ID)

    def follow(o: object) -> bool:
        if not isinstance(o, URIRef) or not str(o).startswith(base):
            return False
        iri = str(o)
        if iri.startswith(str(ID["project/"])):
            return False
        if iri.startswith(str(ID["compound/"])) and o != compound:
            return False
        return not re.fullmatch(re.escape(str(ID["source/"])) + r"[^/]+", iri)  # the document

    seen: set[URIRef] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in g.triples((node, None, None)):
            out.add((s, p, o))
            if follow(o) and o not in seen:
                todo.append(o)  # type: ignore[arg-type]
    return out


def _canonical(g: Graph) -> Graph:
    """Decimals by value: Turtle writes ``99`` as ``99.0``."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def _describe(triples: set) -> str:  # type: ignore[type-arg]
    return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in triples)) or "  (none)"


@pytest.mark.parametrize("number", sorted(SLUGS))
def test_project_golden(seed_graph: Graph, number: int) -> None:
    scope_slug = SLUGS[number]
    actual = project_subgraph(seed_graph, scope_slug)
    path = GOLDEN / f"{number}-{scope_slug.split('/')[1]}.ttl"
    if os.environ.get("MEIHAO_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.serialize(format="longturtle", encoding="utf-8"))
    assert path.exists(), f"{path} missing: run with MEIHAO_UPDATE_GOLDEN=1"
    expected = Graph().parse(path, format="turtle")
    assert len(actual) > 100
    iso_a, iso_e = to_isomorphic(_canonical(actual)), to_isomorphic(_canonical(expected))
    if iso_a != iso_e:
        _, only_expected, only_actual = graph_diff(iso_e, iso_a)
        pytest.fail(
            f"project {number} differs from {path.name}\n"
            f"only in expected ({len(only_expected)}):\n{_describe(set(only_expected))}\n"
            f"only in actual ({len(only_actual)}):\n{_describe(set(only_actual))}"
        )


def test_golden_files_cover_the_seed_inventory() -> None:
    """Spot checks that the golden files hold the inventory's facts (not just anything)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.ttl")))
    for needle in (' 52391.15 ', ' 204873.76 ', ' 250400', ' 97.25 ', ' 99.7 ', ' 131300',
                   ' 961', ' 170000', ' 1548', ' 570000', ' 96.3 ', ' 23', ' 1147',
                   ' 91738', ' 98', '"2019-11-25"', '"2020-12-30"', '"2011-10"', '"2015"',
                   '"区红色物业示范基地"', '"优秀红色物业调解室"', "approvedBy", "guidedBy",
                   "whistle-and-report", "one-one-one", "one-four-n", "maintenance-fund",
                   "free-medical-consultation", "exam-support", "festival-events", "last-kilometre-service", "formulaRole", "辽沈晚报"):
        assert needle in text, needle
