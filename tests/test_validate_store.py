"""Validation of real stores through the CLI (issue: ontology, taxonomy and SHACL validation).

The seed build conforms; a store edited to hold four kinds of fault is reported with each
named; a build whose facts are invalid leaves the previous store answering; subclass-aware
queries find organisations by the top class and projects by an initiative facet.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from meihao_kg.cli import cli
from meihao_kg.graph.namespaces import CONCEPT, ID, MH, OA, QUDT, SCHEMA, UNIT
from meihao_kg.store.local import GraphData, open_store, write_store

SEED_DOC = "000_c1cc9ca213bfcef2"
COMPOUND = ID["compound/210211/yan-hai-jian-zhu"]


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in res.output
    return res.exit_code, res.output


def test_seed_build_validates(seed_store_path: Path) -> None:
    code, out = _run("validate", "--store", str(seed_store_path))
    assert code == 0, out
    code, out = _run("validate", "--store", str(seed_store_path), "--format", "json")
    assert code == 0
    assert json.loads(out)["conforms"] is True


def _tampered_graph(raw: str) -> Graph:
    """Four faults: a percent of 963, a fact without evidence, a quote that does not match its
    offsets, an indicator in the wrong unit."""
    g = Graph()
    doc = ID[f"source/{SEED_DOC}"]
    span = ID[f"source/{SEED_DOC}/char/100-104"]
    g.add((span, RDF.type, MH.EvidenceSpan))
    g.add((span, OA.hasSource, doc))
    pos, quote = URIRef(f"{span}#position"), URIRef(f"{span}#quote")
    g.add((span, OA.hasSelector, pos))
    g.add((span, OA.hasSelector, quote))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(100)))
    g.add((pos, OA.end, Literal(104)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    assert raw[100:104] != "伪造引文"
    g.add((quote, OA.exact, Literal("伪造引文")))  # fault 3: not the raw text at 100-104

    good = ID[f"source/{SEED_DOC}/char/0-1"]  # an existing, valid span of the seed build

    def obs(name: str, indicator: str, value: str, unit: URIRef, evidence: URIRef | None) -> None:
        o = ID[f"obs/test/{name}"]
        g.add((o, RDF.type, MH.IndicatorObservation))
        g.add((o, SCHEMA.observationAbout, COMPOUND))
        g.add((o, MH.indicator, CONCEPT[f"indicator/{indicator}"]))
        g.add((o, SCHEMA.value, Literal(value, datatype=XSD.decimal)))
        g.add((o, QUDT.unit, unit))
        g.add((o, MH.valueQualifier, CONCEPT["qualifier/eq"]))
        g.add((o, MH.originalExpression, Literal(f"测试 {name}", lang="zh")))
        if evidence is not None:
            g.add((o, MH.evidence, evidence))

    obs("percent-963", "fee-collection-rate", "963", UNIT.PERCENT, good)  # fault 1
    obs("no-evidence", "households", "12", UNIT.NUM, None)  # fault 2
    obs("bad-quote", "households", "13", UNIT.NUM, span)
    obs("wrong-unit", "building-area", "170000", UNIT.PERCENT, good)  # fault 4
    return g


def test_tampered_store_names_each_fault(store_copy: Path, seed_raw: str) -> None:
    g = _tampered_graph(seed_raw)
    write_store(store_copy, [GraphData(str(ID["graph/source/tampered"]), g.serialize(format="nt", encoding="utf-8"))])
    code, out = _run("validate", "--store", str(store_copy))
    assert code == 1, out
    assert "963" in out and "0–100" in out  # percent out of range
    assert "fact without evidence" in out  # no evidence
    assert "伪造引文" in out and "does not match the raw text" in out  # quote vs offsets
    assert "differs from the indicator's canonical unit" in out  # wrong unit
    # the report names the focus nodes
    for name in ("percent-963", "no-evidence", "wrong-unit"):
        assert name in out


def test_validate_exit_2_when_store_missing(tmp_path: Path) -> None:
    code, out = _run("validate", "--store", str(tmp_path / "nothing"))
    assert code == 2
    assert "no knowledge graph here yet" in out


def test_invalid_build_keeps_previous_store(store_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "辽 宁\n20\n测试家园:标语\n概况及亮点\n测试家园小区位于沈阳市和平区,业主满意度达到963%。\n",
        encoding="utf-8",
    )
    before = len(open_store(store_copy))
    code, out = _run("build", str(bad), "--store", str(store_copy))
    assert code == 1
    assert "963" in out and "previous store is unchanged" in out
    st = open_store(store_copy)
    assert len(st) == before
    code, out = _run("query", "projects-in-place", "-p", "place=沈阳", "--store", str(store_copy), "--format", "csv")
    assert code == 0
    assert "测试家园" not in out and "和平之门上和府" in out
    # --keep-invalid swaps it in anyway, for inspection
    code, out = _run("build", str(bad), "--store", str(store_copy), "--keep-invalid")
    assert code == 0, out
    assert "INVALID" in out


def test_organisations_by_top_class(seed_store_path: Path) -> None:
    code, out = _run("query", "organisations", "--store", str(seed_store_path), "--format", "csv")
    assert code == 0
    types = {line.split(",")[2] for line in out.strip().splitlines()[1:]}
    assert {"party-branch", "owners-committee", "property-service-unit", "general-party-branch",
            "residents-committee", "police-station", "coordination-body"} <= types


def test_party_building_facet_finds_narrower_types(seed_store_path: Path) -> None:
    def names(initiative: str) -> set[str]:
        code, out = _run("query", "projects-by-initiative", "-p", f"initiative={initiative}",
                         "--store", str(seed_store_path), "--format", "csv")
        assert code == 0, out
        return {line.split(",")[1] for line in out.strip().splitlines()[1:]}

    red = names("红色物业") | names("党员示范岗")
    assert {"银河城都荟", "沿海鉴筑", "金盛佳园首府"} <= red
    facet = names("PB")
    assert red <= facet
    assert names("party-building leadership") == facet


def test_store_checked_graph_by_graph_reports_what_a_whole_check_reports(store_copy: Path, seed_raw: str) -> None:
    """``validate`` reads a local store graph by graph (it may hold thousands): the faults
    of a tampered graph, and a conflict only the union has (a second showcase number for a
    seed project, stated by another graph), come out as validating the whole store does."""
    import pyoxigraph

    from meihao_kg.export.writers import store_dataset
    from meihao_kg.graph.validate import validate_graph, validate_store

    g = _tampered_graph(seed_raw)
    project = str(ID["project/210211/yan-hai-jian-zhu"])
    extra = f'<{project}> <{MH.showcaseNumber}> "99"^^<{XSD.integer}> .\n'.encode()
    write_store(store_copy, [GraphData(str(ID["graph/source/tampered"]), g.serialize(format="nt", encoding="utf-8")),
                             GraphData(str(ID["graph/source/other-number"]), extra)])
    st = open_store(store_copy)
    whole = validate_graph(store_dataset(st, inferred=False))
    staged = validate_store(st.raw, batch=1)
    key = lambda r: (r.focus, r.shape, r.message_en, r.value, r.quote)  # noqa: E731
    assert sorted(map(key, staged.results)) == sorted(map(key, whole.results))
    assert (project, "mhs:ShowcaseProjectShape-number") in {(r.focus, r.shape) for r in staged.violations}
    assert len(staged.violations) >= 5
    assert isinstance(st.raw, pyoxigraph.Store)
