"""Score the extraction of news reports, lists and tallies against tests/news, through the
saved-query contract.

    python bench/score_news.py [NEWS_DIR] [--json] [--verbose] [--text NAME] [--markdown]

Each text ``NEWS_DIR/<name>/input.txt`` is built with the real pipeline
(``meihao_kg.pipeline.build_kg``, SHACL validation on) into a store that already holds the
seed instalment (data/raw/), so that cross-source resolution runs as in real use; only the
text's own compounds are scored.  Facts are read back through the saved queries
(``projects-in-place``, ``project-organisations``, ``project-initiatives``, ``indicators``,
``project-dates``, ``recognitions``, ``tallies``) and matched against ``expected.toml``
(format: tests/news/README.md).  Precision, recall and F1 are micro-averaged per kind
(kind of source, compounds, places, recognitions, organisations, initiatives, indicators,
dates, tallies).  Negatives (names that must not become compounds, facts that must not
attach to a compound, counts that must not be tallies) are counted separately, and every
evidence quote is compared with the raw text at its offsets.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import score_extraction as se  # noqa: E402  (the matching rules are shared)

DEFAULT_NEWS = ROOT / "tests" / "news"
SEED = ROOT / "data" / "raw"
KINDS = ("kind", "compounds", "places", "recognitions", "organisations", "initiatives", "indicators",
         "dates", "tallies")
FACT_KINDS = ("places", "organisations", "initiatives", "indicators", "dates")


# --------------------------------------------------------------------------- matching rules

_BODY_FORMS = (("住房和城乡建设", "住建"), ("住房城乡建设", "住建"), ("精神文明建设指导委员会办公室", "文明办"))


def norm_body(text: str) -> str:
    s = se.norm(text)
    for long, short in _BODY_FORMS:
        s = s.replace(long, short)
    return s


def compound_key(text: str) -> str:
    return se.norm_project(text)


def same_compound(e: dict[str, Any], names: list[str]) -> bool:
    want = {compound_key(n) for n in [e["name"], *e.get("aliases", [])]}
    return any(compound_key(n) in want for n in names)


def _years(v: Any) -> list[int]:
    return [int(x) for x in se.as_list(v)]


def recognition_ok(e: dict[str, Any], g: dict[str, str]) -> bool:
    if g["scheme"] not in se.as_list(e["scheme"]):
        return False
    levels = se.as_list(e.get("level", []))
    if levels and g["level"] not in levels:
        return False
    year = int(g["year"]) if g["year"] else 0
    if "year" in e and year not in _years(e["year"]):
        return False
    got = [norm_body(b) for b in g["body"].split("、") if b]
    for b in se.as_list(e.get("body", [])):
        if not any(norm_body(b) == x or norm_body(b) in x or x in norm_body(b) for x in got):
            return False
    doc = e.get("document", "")
    return se.norm(doc) == se.norm(g["document"]) if doc else not g["document"]


def tally_ok(e: dict[str, Any], g: dict[str, str]) -> bool:
    if not any(se.place_ok({"name": p}, g["area"]) or se.norm(p) in se.norm(g["area"]) or
               (p in ("全国", "中国", "中华人民共和国") and g["area"] in ("中华人民共和国", "全国", "中国"))
               for p in se.as_list(e["place"])):
        return False
    if int(float(g["count"])) != int(e["count"]):
        return False
    if int(e.get("of", 0) or 0) != (int(float(g["candidates"])) if g["candidates"] else 0):
        return False
    if "year" in e and (int(g["year"]) if g["year"] else 0) not in _years(e["year"]):
        return False
    if "scheme" in e and g["scheme"] not in se.as_list(e["scheme"]):
        return False
    return not ("level" in e and se.as_list(e["level"]) and g["level"] not in se.as_list(e["level"]))


SHOW: dict[str, Any] = {
    **se.SHOW,
    "recognitions": lambda g: f"{g['scheme']} {g['level'] or '-'} {g['year'] or '-'} [{g['body']}] "
                              f"{g['document']} «{g['recognition']}»",
    "tallies": lambda g: f"{g['area']} {g['count']} of {g['candidates'] or '-'} {g['scheme']} {g['level']} "
                         f"{g['year'] or '-'}",
}


# --------------------------------------------------------------------------- reading the store


@dataclass
class ToolCompound:
    project: se.ToolProject
    compound: str
    aliases: list[str]
    recognitions: list[dict[str, str]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.project.name, *self.aliases]


def read_text(store: Any, doc_id: str, raw: str) -> tuple[str, list[ToolCompound], list[dict[str, str]]]:
    """(the source's kind, its compounds with their facts, the tallies it gave)."""
    from meihao_kg.export.writers import store_info

    kind = next((k for d, k, _ in store_info(store).kinds if d == doc_id), "")
    rows = se._select_vars(store, f"""SELECT ?p ?c WHERE {{
        ?p mh:compound ?c ; <http://purl.org/dc/terms/source>/<http://purl.org/dc/terms/identifier> "{doc_id}" }}""",
                           ("p", "c"))
    mine = {r["p"]: r["c"] for r in rows}
    projects = [p for p in se.read_store(store) if p.iri in mine]
    # a compound shared with the seed carries the seed's facts too: only this source's are
    # scored (a fact's quote is in this source's text; a place the seed already gave is
    # not this source's)
    seed_places = _seed_places()
    for p in projects:
        p.seed_places = seed_places.get(mine[p.iri], set())  # type: ignore[attr-defined]
        for attr in ("organisations", "initiatives", "indicators", "dates"):
            setattr(p, attr, [r for r in getattr(p, attr) if not r.get("quote") or r["quote"] in raw])
    recs = _all_columns(store, "recognitions")
    out = []
    for p in projects:
        aliases = [r["a"] for r in se._select_vars(store, f"SELECT ?a WHERE {{ <{p.iri}> skos:altLabel ?a }}", ("a",))]
        tc = ToolCompound(p, mine[p.iri], aliases)
        # the recognitions this source gives the compound (evidence in this source)
        quotes = _quotes_of(store, doc_id)
        seen: set[tuple[str, ...]] = set()
        for r in recs:
            if r["compound"] != tc.compound or (r["quote"], r["recognition"]) not in quotes:
                continue
            k = (r["recognition"], r["scheme"], r["level"], r["year"])
            if k not in seen:
                seen.add(k)
                tc.recognitions.append(r)
        out.append(tc)
    tallies = [r for r in _all_columns(store, "tallies") if (r["quote"], None) in _tally_quotes(store, doc_id)]
    return kind, out, tallies


def evidence_mismatches(store: Any, doc_id: str, raw: str) -> tuple[int, list[str]]:
    """(evidence quotes of the source checked, those that differ from its raw text)."""
    rows = se._select_vars(store, f"""SELECT DISTINCT ?ev ?s ?e ?x WHERE {{
        ?ev oa:hasSource/<http://purl.org/dc/terms/identifier> "{doc_id}" ;
            oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e .
        ?ev oa:hasSelector ?q . ?q oa:exact ?x . }}""", ("ev", "s", "e", "x"))
    bad = [f"[{r['s']},{r['e']}) quote {r['x'][:30]!r} != raw {raw[int(r['s']):int(r['e'])][:30]!r}"
           for r in rows if raw[int(r["s"]):int(r["e"])] != r["x"]]
    return len(rows), bad


def _all_columns(store: Any, name: str) -> list[dict[str, str]]:
    """A saved query's rows with every variable it projects (the scheme and document of a
    recognition ride along with the columns the header shows)."""
    from dataclasses import replace

    from meihao_kg.query.saved import find_query, run_query

    res = run_query(store, replace(find_query(name), columns=()))
    return [dict(zip(res.columns, row, strict=False)) for row in res.rows]


def _quotes_of(store: Any, doc_id: str) -> set[tuple[str, str]]:
    rows = se._select_vars(store, f"""SELECT ?q ?l WHERE {{
        ?r a mh:Recognition ; rdfs:label ?l ; mh:evidence ?ev .
        ?ev oa:hasSource/<http://purl.org/dc/terms/identifier> "{doc_id}" ; oa:hasSelector ?s . ?s oa:exact ?q }}""",
                           ("q", "l"))
    return {(r["q"], r["l"]) for r in rows}


def _tally_quotes(store: Any, doc_id: str) -> set[tuple[str, None]]:
    rows = se._select_vars(store, f"""SELECT ?q WHERE {{
        ?t a mh:SelectionTally ; mh:evidence ?ev .
        ?ev oa:hasSource/<http://purl.org/dc/terms/identifier> "{doc_id}" ; oa:hasSelector ?s . ?s oa:exact ?q }}""",
                           ("q",))
    return {(r["q"], None) for r in rows}


# --------------------------------------------------------------------------- one text


@dataclass
class TextResult:
    name: str
    real: bool
    kind_expected: list[str]
    kind_got: str = ""
    built: bool = False
    error: str = ""
    conforms: bool | None = None
    tallies: dict[str, se.Tally] = field(default_factory=lambda: {k: se.Tally() for k in KINDS})
    negatives_checked: int = 0
    negative_violations: list[str] = field(default_factory=list)
    negatives_skipped: list[str] = field(default_factory=list)
    false_compounds: list[str] = field(default_factory=list)
    evidence_quotes: int = 0
    evidence_bad: list[str] = field(default_factory=list)


_SEED_STORE: dict[str, Path] = {}


def _seed_store_path() -> Path:
    from meihao_kg.pipeline import build_kg

    if "path" not in _SEED_STORE:
        base = Path(tempfile.mkdtemp(prefix="score-news-seed-"))
        build_kg([SEED], store=base / "kg")
        _SEED_STORE["path"] = base / "kg"
    return _SEED_STORE["path"]


def _seed_store(workdir: Path) -> Path:
    """A store holding the seed, built once per run and copied for each text."""
    _seed_store_path()
    dest = workdir / "kg"
    shutil.copytree(_SEED_STORE["path"], dest, symlinks=True)
    return dest


def _seed_places() -> dict[str, set[str]]:
    """Compound IRI → the places the seed alone gives it."""
    if "places" not in _SEED_STORE:
        from meihao_kg.store.local import open_store

        _seed_store_path()
        with open_store(_SEED_STORE["path"]) as st:
            rows = se._select_vars(st, "SELECT ?p ?c WHERE { ?p mh:compound ?c }", ("p", "c"))
            comp = {r["p"]: r["c"] for r in rows}
            _SEED_STORE["places"] = {comp[p.iri]: set(p.places) for p in se.read_store(st)}  # type: ignore[assignment]
    return _SEED_STORE["places"]  # type: ignore[return-value]


def build_text(path: Path, workdir: Path) -> tuple[Any, str, bool | None]:
    from meihao_kg.errors import MeihaoError, ValidationError
    from meihao_kg.pipeline import build_kg
    from meihao_kg.store.local import open_store

    root = _seed_store(workdir)
    try:
        build_kg([path], store=root)
        return open_store(root), "", True
    except ValidationError:
        build_kg([path], store=root, keep_invalid=True)
        return open_store(root), "", False
    except MeihaoError as exc:
        return None, f"{type(exc).__name__}: {exc}", None


def score_text(folder: Path) -> TextResult:
    from meihao_kg.text.normalise import doc_id_for, read_source

    exp = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    res = TextResult(folder.name, bool(exp.get("real")), [str(k) for k in se.as_list(exp.get("kind", "report"))])
    T = res.tallies
    path = folder / "input.txt"
    doc_id = doc_id_for(path)
    with tempfile.TemporaryDirectory(prefix=f"score-news-{folder.name}-") as tmp:
        store, err, conforms = build_text(path, Path(tmp))
        res.error, res.conforms = err, conforms
        kind, tool, tallies = "", [], []
        if store is not None:
            res.built = True
            kind, tool, tallies = read_text(store, doc_id, read_source(path).raw)
            res.evidence_quotes, res.evidence_bad = evidence_mismatches(store, doc_id, read_source(path).raw)
        elif "other" in res.kind_expected and "not about compounds" in err:
            kind = "other"  # refused with its reason: what an "other" text without tallies gets
        res.kind_got = kind
        if kind in res.kind_expected:
            T["kind"].tp += 1
        else:
            T["kind"].fp += 1
            T["kind"].fn += 1
            T["kind"].fps.append(f"{folder.name}: kind {kind or '(not built)'} {err[:80]}")
            T["kind"].fns.append(f"{folder.name}: kind {res.kind_expected[0]}")
        expected = exp.get("compounds", [])
        used: set[int] = set()
        mapping: dict[int, ToolCompound] = {}
        for i, e in enumerate(expected):
            # by name; among compounds of one name (two 翡翠湾花园), the one placed alike
            cands = [j for j, t in enumerate(tool) if j not in used and same_compound(e, t.names)]
            if cands:
                j = max(cands, key=lambda j: sum(1 for x in e.get("places", []) for g in tool[j].project.places
                                                 if se.place_ok({"name": x}, g)))
                mapping[i] = tool[j]
                used.add(j)
        for i, e in enumerate(expected):
            where = f"{folder.name} {e['name']}"
            t = mapping.get(i)
            if t is None:
                T["compounds"].fn += 1
                T["compounds"].fns.append(f"{where}: compound")
                empty = se.ToolProject("", "", "")
                t = ToolCompound(empty, "", [])
            else:
                T["compounds"].tp += 1
            p = t.project
            # a place the seed already gave this compound counts only where this text gives it too
            wanted = e.get("places", []) + e.get("optional_places", [])
            p.places = [x for x in p.places if x not in getattr(p, "seed_places", set())
                        or any(se.place_ok({"name": w}, x) for w in wanted)]
            T["places"].add(se.match_items(se._place_items(e), p.places, se.place_ok,
                                           lambda x: x["name"], SHOW["places"], where))
            recs = [dict(x) for x in e.get("recognitions", [])]
            T["recognitions"].add(se.match_items(recs, t.recognitions, recognition_ok,
                                                 lambda x: f"{x['scheme']} {x.get('level')} {x.get('year')}",
                                                 SHOW["recognitions"], where))
            T["organisations"].add(se.match_items(se._organisation_items(e), p.organisations, se.org_ok,
                                                  lambda x: f"{x['type']} {x['name']}", SHOW["organisations"], where))
            T["initiatives"].add(se.match_items(se._initiative_items(e), p.initiatives, se.initiative_ok,
                                                lambda x: "/".join(x["keys"]), SHOW["initiatives"], where))
            T["indicators"].add(se.match_items([dict(x) for x in e.get("indicators", [])], p.indicators,
                                               se.indicator_ok,
                                               lambda x: f"{x['indicator']}={x['value']} {x['unit']} {x['qualifier']}",
                                               SHOW["indicators"], where))
            T["dates"].add(se.match_items([dict(x) for x in e.get("dates", [])], p.dates, se.date_ok,
                                          lambda x: f"{x['event']} {x['date']}", SHOW["dates"], where))
        for j, t in enumerate(tool):
            if j in used:
                continue
            where = f"{folder.name} (unexpected) {t.project.name}"
            T["compounds"].fp += 1
            T["compounds"].fps.append(f"{where}: compound")
            res.false_compounds.append(t.project.name)
            for k, items in (("places", t.project.places), ("organisations", t.project.organisations),
                             ("initiatives", t.project.initiatives), ("indicators", t.project.indicators),
                             ("dates", t.project.dates), ("recognitions", t.recognitions)):
                T[k].fp += len(items)
                T[k].fps += [f"{where}: {SHOW[k](x)}" for x in items]
        T["tallies"].add(se.match_items([dict(x) for x in exp.get("tallies", [])], tallies, tally_ok,
                                        lambda x: f"{x['place']} {x['count']}", SHOW["tallies"], folder.name))
        neg = exp.get("negatives", {})
        wanted = {compound_key(n) for e in expected for n in [e["name"], *e.get("aliases", [])]}
        for s in neg.get("not_compounds", []):
            if compound_key(s) in wanted:
                # the string is also an expected name once 小区 is set aside: the negative
                # cannot be told apart from the positive by name
                res.negatives_skipped.append(f"{folder.name}: not_compounds {s!r} = an expected name")
                continue
            res.negatives_checked += 1
            for t in tool:
                if any(compound_key(n) == compound_key(s) for n in t.names):
                    res.negative_violations.append(f"{folder.name}: {s!r} became a compound ({t.project.name})")
        back = {id(t): expected[i] for i, t in mapping.items()}
        for na in neg.get("not_attached", []):
            res.negatives_checked += 1
            for t in (t for t in tool if same_compound({"name": na["compound"]}, t.names)):
                e = back.get(id(t))
                if e is not None and expected_has(e, na):
                    continue  # two compounds of one name: the fact is the other one's, expected here
                bad = attached(na, t)
                if bad:
                    res.negative_violations.append(f"{folder.name} {na['compound']}: {bad} ({na.get('why', '')})")
                    break
        for nt in neg.get("not_tallies", []):
            res.negatives_checked += 1
            for g in tallies:
                if se.place_ok({"name": nt["place"]}, g["area"]) and int(float(g["count"])) == int(nt["count"]):
                    res.negative_violations.append(f"{folder.name}: tally {g['area']} {g['count']} ({nt.get('why', '')})")
    return res


def expected_has(e: dict[str, Any], na: dict[str, Any]) -> bool:
    """Whether the expected compound ``e`` itself carries the fact a negative names."""
    kind, fact = na.get("kind", ""), str(na["fact"])
    if kind == "place":
        return any(se.place_ok({"name": fact}, p) for p in e.get("places", []) + e.get("optional_places", []))
    if kind == "indicator":
        return any(fact in se.as_list(x["indicator"]) for x in e.get("indicators", []))
    if kind == "organisation":
        return any(se.norm_org(fact) in se.norm_org(n) or se.norm_org(n) in se.norm_org(fact)
                   for x in e.get("organisations", []) for n in se.as_list(x["name"]))
    if kind == "date":
        return any(str(x["date"]).startswith(fact) for x in e.get("dates", []))
    return False


def attached(na: dict[str, Any], t: ToolCompound) -> str:
    """What of a not_attached fact the compound carries ('' when nothing)."""
    kind, fact = na.get("kind", ""), str(na["fact"])
    p = t.project
    if kind == "place":
        return f"placed in {fact}" if any(se.place_ok({"name": fact}, g) for g in p.places) else ""
    if kind == "recognition":
        tokens = fact.split()
        for r in t.recognitions:
            hay = " ".join((r["recognition"], r["scheme"], r["level"], r["year"], r["body"], r["document"]))
            if all(se.norm(tok) in se.norm(hay) for tok in tokens):
                return f"recognition {r['recognition']} {r['scheme']} {r['year']}"
        return ""
    if kind == "initiative":
        for g in p.initiatives:
            if se.initiative_ok({"keys": [fact]}, g):
                return f"initiative {g['label']}"
        return ""
    if kind == "organisation":
        for g in p.organisations:
            if se.norm_org(fact) in se.norm_org(g["name"]):
                return f"organisation {g['type']} {g['name']}"
        return ""
    if kind == "indicator":
        for g in p.indicators:
            if g["indicator"] == fact:
                return f"indicator {g['indicator']}={g['value']}"
        return ""
    if kind == "date":
        for g in p.dates:
            if g["date"].startswith(fact) or g["event"] == fact:
                return f"date {g['event']} {g['date']}"
        return ""
    raise ValueError(f"unknown not_attached kind {kind!r}")


# --------------------------------------------------------------------------- all texts


def texts(folder: Path, only: list[str] | None = None) -> list[Path]:
    found = sorted(p for p in folder.iterdir() if (p / "expected.toml").is_file() and (p / "input.txt").is_file())
    return [p for p in found if not only or p.name in only]


def score_news(folder: Path, only: list[str] | None = None) -> dict[str, Any]:
    results = [score_text(t) for t in texts(folder, only)]
    total = {k: se.Tally() for k in KINDS}
    for r in results:
        for k in KINDS:
            total[k].add(r.tallies[k])
    facts = se.Tally()
    for k in KINDS[1:]:
        facts.add(total[k])
    return {
        "folder": str(folder),
        "texts": len(results),
        "kinds": {k: total[k].scores() for k in KINDS},
        "overall": facts.scores(),
        "false_compounds_real": [f"{r.name}: {n}" for r in results if r.real for n in r.false_compounds],
        "negatives": {"checked": sum(r.negatives_checked for r in results),
                      "violated": sum(len(r.negative_violations) for r in results),
                      "violations": [v for r in results for v in r.negative_violations],
                      "skipped": [v for r in results for v in r.negatives_skipped]},
        "evidence": {"quotes_checked": sum(r.evidence_quotes for r in results),
                     "mismatches": [f"{r.name}: {b}" for r in results for b in r.evidence_bad]},
        "per_text": [{"text": r.name, "real": r.real, "kind_expected": r.kind_expected, "kind": r.kind_got,
                      "built": r.built, "error": r.error, "shacl_conforms": r.conforms,
                      "kinds": {k: r.tallies[k].scores() for k in KINDS}} for r in results],
        "false_positives": {k: total[k].fps for k in KINDS},
        "false_negatives": {k: total[k].fns for k in KINDS},
    }


def render(report: dict[str, Any], verbose: bool) -> str:
    lines = [f"news texts: {report['folder']}  ({report['texts']} texts)", ""]
    lines.append(f"{'kind':<14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")
    for k in (*KINDS, "overall"):
        s = report["overall"] if k == "overall" else report["kinds"][k]
        lines.append(f"{k:<14}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")
    lines.append("(overall pools every kind of fact, not the kind of source)")
    lines.append("")
    for t in report["per_text"]:
        status = ("SHACL ok" if t["shacl_conforms"] else "SHACL VIOLATIONS") if t["built"] else "refused: " + t["error"][:70]
        ok = "ok" if t["kind"] in t["kind_expected"] else f"WRONG (expected {'/'.join(t['kind_expected'])})"
        lines.append(f"  {t['text']:<34} kind {t['kind'] or '-':<10} {ok:<8} {status}")
    neg = report["negatives"]
    lines.append("")
    lines.append(f"false compounds on real texts: {len(report['false_compounds_real'])}")
    lines.append(f"negatives: {neg['violated']} of {neg['checked']} violated"
                 + (f" ({len(neg['skipped'])} skipped: the same string is an expected name)" if neg["skipped"] else ""))
    ev = report["evidence"]
    lines.append(f"evidence: {len(ev['mismatches'])} quote/offset mismatches among {ev['quotes_checked']} quotes")
    if verbose:
        for v in neg["violations"]:
            lines.append(f"  NEG  {v}")
        for v in neg["skipped"]:
            lines.append(f"  SKIP {v}")
        for m in ev["mismatches"]:
            lines.append(f"  EVID {m}")
        lines += se.error_lines(report, KINDS)
    return "\n".join(lines)


def markdown_table(report: dict[str, Any]) -> str:
    return se.markdown_table(report, KINDS)


def main(argv: list[str] | None = None) -> int:
    return se.run_cli(argv, doc=__doc__, default=DEFAULT_NEWS, what="texts", item="text",
                      score=score_news, render=render, markdown=markdown_table)


if __name__ == "__main__":
    sys.exit(main())
