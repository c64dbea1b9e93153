"""Score extraction against the development corpus, through the saved-query contract.

    python bench/score_extraction.py [CORPUS_DIR] [--json] [--verbose] [--article NAME]

Each article ``CORPUS_DIR/<name>/input.txt`` is built into its own temporary store with the
real pipeline (``meihao_kg.pipeline.build_kg``, SHACL validation on).  The facts are read back
through the saved queries (``projects-in-place``, ``project-organisations``,
``project-initiatives``, ``projects-by-initiative``, ``indicators``, ``project-dates``) and
matched against the full-reading facts in ``expected.toml`` (format: tests/corpus/README.md).
Precision, recall and F1 are micro-averaged over the corpus, per fact kind (projects, places,
organisations, initiatives, indicators, dates) and overall.  Negative facts (things that must
not be produced) are checked separately, and every evidence quote is compared with the raw
text at its offsets.

Only the project list and the concept labels used for matching are read with small ad-hoc
queries (there is no saved query listing all projects); every fact comes from a saved query.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "tests" / "corpus"
KINDS = ("projects", "places", "organisations", "initiatives", "indicators", "dates")

MH = "https://w3id.org/meihao-kg/ontology#"
PREFIXES = f"""PREFIX mh: <{MH}>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

# --------------------------------------------------------------------------- normalisation


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def norm(text: str) -> str:
    """Simplified, half-width, lower case; no spaces, quote marks or middle dots."""
    s = unicodedata.normalize("NFKC", str(text))
    s = _t2s().convert(s)
    return re.sub(r"[\s\"'“”‘’「」『』《》·•・]+", "", s).lower()


_ORG_ABBREV = (
    ("业委会", "业主委员会"),
    ("居委会", "居民委员会"),
    ("物管会", "物业管理委员会"),
    ("自管会", "自管委员会"),
    ("党工委", "工作委员会"),
    ("中共", ""),
    ("中国共产党", ""),
)


def norm_org(text: str) -> str:
    s = norm(text)
    for short, long in _ORG_ABBREV:
        s = s.replace(short, long)
    return s


_PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "街道", "社区", "省", "市", "区", "县", "镇", "乡", "村")


def split_place(text: str) -> tuple[str, str]:
    """(stem, suffix): 和平区 → (和平, 区); 天津 → (天津, '')."""
    s = norm(text)
    for suf in _PLACE_SUFFIXES:
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[: -len(suf)], suf
    return s, ""


def norm_project(text: str) -> str:
    s = norm(text)
    for suf in ("小区", "项目"):
        s = s.removesuffix(suf)
    return s


def as_list(v: Any) -> list[Any]:
    return list(v) if isinstance(v, (list, tuple)) else [v]


def num_eq(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)
    return abs(x - y) <= max(0.01, 1e-4 * abs(y))


# --------------------------------------------------------------------------- matching


def max_matching(n_left: int, n_right: int, ok: Any) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn); returns right index -> left index."""
    owner: dict[int, int] = {}

    def try_left(i: int, seen: set[int]) -> bool:
        for j in range(n_right):
            if j in seen or not ok(i, j):
                continue
            seen.add(j)
            if j not in owner or try_left(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_left):
        try_left(i, set())
    return owner


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fps: list[str] = field(default_factory=list)
    fns: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.fps += other.fps
        self.fns += other.fns

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def match_items(expected: list[dict[str, Any]], got: list[Any], ok: Any, show_e: Any, show_g: Any,
                where: str) -> Tally:
    """Required expected items are matched first, then optional ones soak up the rest."""
    req = [e for e in expected if not e.get("optional")]
    opt = [e for e in expected if e.get("optional")]
    m1 = max_matching(len(req), len(got), lambda i, j: ok(req[i], got[j]))
    free = [j for j in range(len(got)) if j not in m1]
    m2 = max_matching(len(opt), len(free), lambda i, j: ok(opt[i], got[free[j]]))
    used_opt = {free[j] for j in m2}
    t = Tally()
    t.tp = len(m1)
    matched_req = set(m1.values())
    for i, e in enumerate(req):
        if i not in matched_req:
            t.fn += 1
            t.fns.append(f"{where}: {show_e(e)}")
    for j, g in enumerate(got):
        if j not in m1 and j not in used_opt:
            t.fp += 1
            t.fps.append(f"{where}: {show_g(g)}")
    return t


# --------------------------------------------------------------------------- reading the store


@dataclass
class ToolProject:
    iri: str
    name: str
    number: str
    places: list[str] = field(default_factory=list)
    organisations: list[dict[str, str]] = field(default_factory=list)
    initiatives: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, str]] = field(default_factory=list)
    dates: list[dict[str, str]] = field(default_factory=list)


def _rows(store: Any, name: str, **params: str) -> list[dict[str, str]]:
    from meihao_kg.query.saved import find_query, run_query

    res = run_query(store, find_query(name), params or None)
    return [dict(zip(res.columns, row, strict=False)) for row in res.rows]


def _select_vars(store: Any, sparql: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for sol in store.query(PREFIXES + sparql):
        out.append({n: (sol[n].value if sol[n] is not None else "") for n in names})
    return out


def read_store(store: Any) -> list[ToolProject]:
    projects = {
        r["p"]: ToolProject(r["p"], r["name"], r["n"])
        for r in _select_vars(store, """SELECT ?p ?name ?n WHERE {
            ?p mh:compound ?c ; schema:name ?name . OPTIONAL { ?p mh:showcaseNumber ?n } }""",
                              ("p", "name", "n"))
    }
    # places: every place node, asked for through projects-in-place with its own label
    places = _select_vars(store, """SELECT ?w ?label (GROUP_CONCAT(?k; separator="|") AS ?keys) WHERE {
        ?w mh:lexicalKey ?k . OPTIONAL { ?w rdfs:label ?label }
        FILTER(CONTAINS(STR(?w), "/place/")) } GROUP BY ?w ?label""", ("w", "label", "keys"))
    seen_place: dict[str, set[str]] = {}
    for pl in places:
        keys = [k for k in pl["keys"].split("|") if k]
        label = pl["label"] or max(keys, key=len)
        param = label if norm(label) in {norm(k) for k in keys} else max(keys, key=len)
        try:
            rows = _rows(store, "projects-in-place", place=param)
        except Exception:  # noqa: BLE001 - a query error is reported as no rows
            rows = []
        for r in rows:
            p = projects.get(r["project"])
            if p is None:
                continue
            key = norm(label)
            if key not in seen_place.setdefault(p.iri, set()):
                seen_place[p.iri].add(key)
                p.places.append(label)
    for p in projects.values():
        seen: set[tuple[str, str]] = set()
        for r in _rows(store, "project-organisations", project=p.iri):
            k = (r["type"], norm_org(r["name"]))
            if k not in seen:
                seen.add(k)
                p.organisations.append({"name": r["name"], "type": r["type"], "quote": r.get("quote", "")})
        for r in _rows(store, "project-initiatives", project=p.iri):
            p.initiatives.append({"iri": r["initiative"], "label": r["label_zh"], "quote": r.get("quote", ""),
                                  "labels": concept_labels(store, r["initiative"])})
        seen_i: set[tuple[str, str, str, str]] = set()
        for r in _rows(store, "indicators", project=p.iri):
            ki = (r["indicator"], str(float(r["value"])) if _isnum(r["value"]) else r["value"], r["unit"], r["qualifier"])
            if ki not in seen_i:
                seen_i.add(ki)
                p.indicators.append(r)
        seen_d: set[tuple[str, str]] = set()
        for r in _rows(store, "project-dates", project=p.iri):
            kd = (r["event"], r["date"])
            if kd not in seen_d:
                seen_d.add(kd)
                p.dates.append(r)
    return list(projects.values())


def _isnum(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


_LABEL_CACHE: dict[tuple[int, str], dict[str, list[str]]] = {}


def concept_labels(store: Any, iri: str) -> dict[str, list[str]]:
    """Normalised labels (zh, zh-Hant, en prefLabel and altLabel) and notations (with the
    IRI's last segment) of an initiative concept."""
    key = (id(store), iri)
    if key not in _LABEL_CACHE:
        rows = _select_vars(store, f"""SELECT ?l ?n WHERE {{
            {{ <{iri}> skos:prefLabel ?l }} UNION {{ <{iri}> skos:altLabel ?l }} UNION {{ <{iri}> skos:notation ?n }} }}""",
                            ("l", "n"))
        _LABEL_CACHE[key] = {
            "labels": [norm(r["l"]) for r in rows if r["l"]],
            "notations": [norm(r["n"]) for r in rows if r["n"]] + [norm(iri.rsplit("/", 1)[-1])],
        }
    return _LABEL_CACHE[key]


def evidence_mismatches(store: Any, raw: str) -> tuple[int, list[str]]:
    """(number of evidence quotes checked, the ones that differ from the raw text)."""
    rows = _select_vars(store, """SELECT DISTINCT ?ev ?s ?e ?x WHERE {
        ?ev oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e .
        ?ev oa:hasSelector ?q . ?q oa:exact ?x . }""", ("ev", "s", "e", "x"))
    bad = []
    for r in rows:
        s, e = int(r["s"]), int(r["e"])
        if raw[s:e] != r["x"]:
            bad.append(f"[{s},{e}) quote {r['x'][:30]!r} != raw {raw[s:e][:30]!r}")
    return len(rows), bad


# --------------------------------------------------------------------------- expected facts


_NOTATION = re.compile(r"^[A-Za-z]{1,4}(\.[A-Za-z0-9-]+)*$")


def initiative_ok(e: dict[str, Any], g: dict[str, Any]) -> bool:
    """A key like SV.PARK or FT must equal a notation; any other key must be contained in a
    label (so 停车管理 finds 停车秩序治理's altLabel 停车管理)."""
    for key in as_list(e["keys"]):
        k = norm(key)
        if _NOTATION.match(key):
            if k in g["labels"]["notations"]:
                return True
        elif any(k in lab for lab in g["labels"]["labels"]):
            return True
    return False


def org_ok(e: dict[str, Any], g: dict[str, str]) -> bool:
    if g["type"] not in as_list(e["type"]):
        return False
    name = norm_org(g["name"])
    return any(norm_org(n) in name for n in as_list(e["name"]))


def indicator_ok(e: dict[str, Any], g: dict[str, str]) -> bool:
    return (g["indicator"] in as_list(e["indicator"]) and num_eq(g["value"], e["value"])
            and g["unit"] == e["unit"] and g["qualifier"] in as_list(e["qualifier"]))


def date_ok(e: dict[str, Any], g: dict[str, str]) -> bool:
    return g["event"] in as_list(e["event"]) and g["date"] == str(e["date"])


def place_ok(e: dict[str, Any], g: str) -> bool:
    """Equal with or without the suffix; a label that prefixes its city (大连金普新区) also
    matches the bare name (金普新区) when that has at least three characters."""
    a, b = norm(e["name"]), norm(g)
    (sa, xa), (sb, xb) = split_place(a), split_place(b)
    if a == b or (sa == sb and (xa == xb or not xa or not xb)):
        return True  # 和平区 never equals 和平街道
    return len(a) >= 3 and len(b) >= 3 and (b.endswith(a) or a.endswith(b))


def _initiative_items(p: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"keys": as_list(k)} for k in p.get("initiatives", [])]
    items += [{"keys": as_list(k), "optional": True} for k in p.get("optional_initiatives", [])]
    return items


SHOW: dict[str, Any] = {
    "places": lambda g: g,
    "organisations": lambda g: f"{g['type']} {g['name']}",
    "initiatives": lambda g: f"{g['label']} <{g['iri'].rsplit('/', 1)[-1]}>",
    "indicators": lambda g: f"{g['indicator']}={g['value']} {g['unit']} {g['qualifier']} «{g.get('quote', '')[:40]}»",
    "dates": lambda g: f"{g['event']} {g['date']} «{g.get('quote', '')[:40]}»",
}


def _organisation_items(p: dict[str, Any]) -> list[dict[str, Any]]:
    """The expected organisations, plus the residents' committee of each community the
    compound lies in as an optional item: the ontology mints a 社区 both as a place and as
    an organisation (ontology-notes §12), so it is neither required nor wrong."""
    items = [dict(o) for o in p.get("organisations", [])]
    for place in p.get("places", []):
        if norm(place).endswith(("社区", "村")):
            items.append({"type": "residents-committee", "name": place, "optional": True})
    return items


def _place_items(p: dict[str, Any]) -> list[dict[str, Any]]:
    items = [{"name": n} for n in p.get("places", [])]
    items += [{"name": n, "optional": True} for n in p.get("optional_places", [])]
    return items


def same_project(e: dict[str, Any], t: ToolProject) -> bool:
    names = [e["name"], *e.get("aliases", [])]
    return any(norm_project(n) == norm_project(t.name) for n in names)


def map_projects(expected: list[dict[str, Any]], tool: list[ToolProject]) -> dict[int, ToolProject]:
    """Expected index -> tool project: by name first, then by contained name, then by number."""
    out: dict[int, ToolProject] = {}
    used: set[str] = set()
    rules = (
        lambda e, t: same_project(e, t) and str(e.get("number", "")) == str(t.number),
        lambda e, t: same_project(e, t),
        lambda e, t: len(norm_project(t.name)) >= 3 and (
            norm_project(e["name"]) in norm_project(t.name) or norm_project(t.name) in norm_project(e["name"])),
        lambda e, t: str(e.get("number", "")) == str(t.number),
    )
    for rule in rules:
        for i, e in enumerate(expected):
            if i in out:
                continue
            cands = [t for t in tool if t.iri not in used and rule(e, t)]
            if len(cands) >= 1:
                out[i] = cands[0]
                used.add(cands[0].iri)
    return out


# --------------------------------------------------------------------------- one article


@dataclass
class ArticleResult:
    name: str
    kind: str
    built: bool
    error: str = ""
    conforms: bool | None = None
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    negatives_checked: int = 0
    negative_violations: list[str] = field(default_factory=list)
    evidence_checked: bool = False
    evidence_bad: list[str] = field(default_factory=list)
    evidence_quotes: int = 0
    refusal_ok: bool | None = None


def build_article(path: Path, workdir: Path) -> tuple[Any, str, bool | None]:
    """(store or None, error text, SHACL conforms)."""
    from meihao_kg.errors import MeihaoError, ValidationError
    from meihao_kg.pipeline import build_kg
    from meihao_kg.store.local import open_store

    root = workdir / "kg"
    try:
        build_kg([path], store=root)
        return open_store(root), "", True
    except ValidationError:
        build_kg([path], store=root, keep_invalid=True)
        return open_store(root), "", False
    except MeihaoError as exc:
        return None, f"{type(exc).__name__}: {exc}", None


def score_article(art: Path) -> ArticleResult:
    exp = tomllib.loads((art / "expected.toml").read_text(encoding="utf-8"))
    kind = exp.get("kind", "instalment")
    res = ArticleResult(art.name, kind, built=False)
    with tempfile.TemporaryDirectory(prefix=f"score-{art.name}-") as tmp:
        store, err, conforms = build_article(art / "input.txt", Path(tmp))
        res.error, res.conforms = err, conforms
        tool: list[ToolProject] = []
        if store is not None:
            res.built = True
            tool = read_store(store)
            from meihao_kg.text.normalise import read_source

            res.evidence_quotes, res.evidence_bad = evidence_mismatches(store, read_source(art / "input.txt").raw)
            res.evidence_checked = True
        if kind == "refusal":
            res.refusal_ok = store is None or not tool
        expected = exp.get("projects", [])
        mapping = map_projects(expected, tool)
        mapped_iris = {t.iri for t in mapping.values()}
        T = res.tallies
        for i, e in enumerate(expected):
            where = f"{art.name} #{e.get('number', '?')} {e['name']}"
            t = mapping.get(i)
            if t is not None and str(t.number) == str(e.get("number")) and same_project(e, t):
                T["projects"].tp += 1
            else:
                T["projects"].fn += 1
                T["projects"].fns.append(f"{where}: project")
                if t is not None:
                    T["projects"].fp += 1
                    T["projects"].fps.append(f"{where}: tool project #{t.number} {t.name}")
            empty = ToolProject("", "", "")
            tp = t or empty
            T["places"].add(match_items(_place_items(e), tp.places, place_ok,
                                        lambda x: x["name"], SHOW["places"], where))
            T["organisations"].add(match_items(
                _organisation_items(e), tp.organisations, org_ok,
                lambda x: f"{x['type']} {x['name']}", SHOW["organisations"], where))
            T["initiatives"].add(match_items(
                _initiative_items(e), tp.initiatives, initiative_ok,
                lambda x: "/".join(x["keys"]), SHOW["initiatives"], where))
            T["indicators"].add(match_items(
                [dict(x) for x in e.get("indicators", [])], tp.indicators, indicator_ok,
                lambda x: f"{x['indicator']}={x['value']} {x['unit']} {x['qualifier']}",
                SHOW["indicators"], where))
            T["dates"].add(match_items(
                [dict(x) for x in e.get("dates", [])], tp.dates, date_ok,
                lambda x: f"{x['event']} {x['date']}",
                SHOW["dates"], where))
        # projects the tool made that match nothing expected: they and all their facts are wrong
        for t in tool:
            if t.iri in mapped_iris:
                continue
            where = f"{art.name} (unexpected) #{t.number} {t.name}"
            T["projects"].fp += 1
            T["projects"].fps.append(f"{where}: project")
            for k, items in (("places", t.places), ("organisations", t.organisations),
                             ("initiatives", t.initiatives), ("indicators", t.indicators), ("dates", t.dates)):
                T[k].fp += len(items)
                T[k].fps += [f"{where}: {SHOW[k](x)}" for x in items]
        # negatives
        for neg in exp.get("negatives", []):
            res.negatives_checked += 1
            idx = [i for i, e in enumerate(expected) if norm_project(e["name"]) == norm_project(neg["project"])
                   and ("number" not in neg or str(e.get("number")) == str(neg["number"]))]
            t = mapping.get(idx[0]) if len(idx) == 1 else None
            if t is None or store is None:
                continue
            bad = check_negative(store, neg, t)
            if bad:
                res.negative_violations.append(f"{art.name} {neg['project']}: {bad} ({neg.get('why', '')})")
    return res


def check_negative(store: Any, neg: dict[str, Any], t: ToolProject) -> str:
    k = neg["kind"]
    if k == "place":
        if any(place_ok({"name": neg["place"]}, g) for g in t.places):
            return f"placed in {neg['place']}"
    elif k == "initiative":
        from meihao_kg.errors import QueryError

        try:
            rows = _rows(store, "projects-by-initiative", initiative=neg["initiative"])
        except QueryError:  # no concept of the scheme matches the key: nothing to violate
            rows = []
        if any(r["project"] == t.iri for r in rows):
            return f"initiative {neg['initiative']}"
    elif k == "indicator":
        for g in t.indicators:
            if g["indicator"] in as_list(neg["indicator"]) and ("value" not in neg or num_eq(g["value"], neg["value"])):
                return f"indicator {g['indicator']}={g['value']}"
    elif k == "organisation":
        for g in t.organisations:
            if org_ok(neg, g):
                return f"organisation {g['type']} {g['name']}"
    elif k == "date":
        for g in t.dates:
            if g["event"] in as_list(neg["event"]) and ("date" not in neg or g["date"] == str(neg["date"])):
                return f"date {g['event']} {g['date']}"
    else:
        raise ValueError(f"unknown negative kind {k!r}")
    return ""


# --------------------------------------------------------------------------- corpus


def articles(corpus: Path, only: list[str] | None = None) -> list[Path]:
    arts = sorted(p for p in corpus.iterdir() if (p / "expected.toml").is_file() and (p / "input.txt").is_file())
    if only:
        arts = [a for a in arts if a.name in only]
    return arts


def score_corpus(corpus: Path, only: list[str] | None = None) -> dict[str, Any]:
    results = [score_article(a) for a in articles(corpus, only)]
    total = {k: Tally() for k in KINDS}
    for r in results:
        for k in KINDS:
            total[k].add(r.tallies[k])
    overall = Tally()
    for k in KINDS:
        overall.add(total[k])
    return {
        "corpus": str(corpus),
        "articles": len(results),
        "kinds": {k: total[k].scores() for k in KINDS},
        "overall": overall.scores(),
        "negatives": {"checked": sum(r.negatives_checked for r in results),
                      "violated": sum(len(r.negative_violations) for r in results),
                      "violations": [v for r in results for v in r.negative_violations]},
        "evidence": {"articles_checked": sum(r.evidence_checked for r in results),
                     "quotes_checked": sum(r.evidence_quotes for r in results),
                     "mismatches": [f"{r.name}: {b}" for r in results for b in r.evidence_bad]},
        "per_article": [
            {"article": r.name, "kind": r.kind, "built": r.built, "error": r.error, "shacl_conforms": r.conforms,
             "refusal_ok": r.refusal_ok,
             "overall": _sum_tallies(r.tallies).scores(),
             "kinds": {k: r.tallies[k].scores() for k in KINDS}}
            for r in results
        ],
        "false_positives": {k: total[k].fps for k in KINDS},
        "false_negatives": {k: total[k].fns for k in KINDS},
    }


def _sum_tallies(ts: dict[str, Tally]) -> Tally:
    t = Tally()
    for k in KINDS:
        t.add(ts[k])
    return t


def render(report: dict[str, Any], verbose: bool) -> str:
    lines = [f"corpus: {report['corpus']}  ({report['articles']} articles)", ""]
    lines.append(f"{'kind':<14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")
    for k in (*KINDS, "overall"):
        s = report["overall"] if k == "overall" else report["kinds"][k]
        lines.append(f"{k:<14}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")
    lines.append("")
    lines.append("per article (overall P/R/F1):")
    for a in report["per_article"]:
        s = a["overall"]
        status = "refused: " + a["error"][:80] if not a["built"] else (
            "SHACL ok" if a["shacl_conforms"] else "SHACL VIOLATIONS")
        if a["kind"] == "refusal":
            status = "refusal expected: " + ("ok" if a["refusal_ok"] else "NOT REFUSED")
        lines.append(f"  {a['article']:<34} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  {status}")
    neg = report["negatives"]
    lines.append("")
    lines.append(f"negatives: {neg['violated']} of {neg['checked']} violated")
    ev = report["evidence"]
    lines.append(f"evidence: {len(ev['mismatches'])} quote/offset mismatches among {ev['quotes_checked']} quotes "
                 f"in {ev['articles_checked']} built articles")
    if verbose:
        for v in neg["violations"]:
            lines.append(f"  NEG  {v}")
        for m in ev["mismatches"]:
            lines.append(f"  EVID {m}")
        lines += error_lines(report, KINDS)
    return "\n".join(lines)


def error_lines(report: dict[str, Any], kinds: tuple[str, ...]) -> list[str]:
    """Every false positive and negative, by fact kind (the verbose part of a report)."""
    lines: list[str] = []
    for k in kinds:
        fps, fns = report["false_positives"][k], report["false_negatives"][k]
        if fps or fns:
            lines.append("")
            lines.append(f"== {k}: {len(fps)} false positives, {len(fns)} false negatives")
            lines += [f"  FP {x}" for x in fps]
            lines += [f"  FN {x}" for x in fns]
    return lines


def markdown_table(report: dict[str, Any], kinds: tuple[str, ...] = KINDS) -> str:
    """The per-kind P/R/F1 table as Markdown."""
    lines = ["| kind | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    for k in (*kinds, "overall"):
        s = report["overall"] if k == "overall" else report["kinds"][k]
        name = f"**{k}**" if k == "overall" else k
        lines.append(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp']} | {s['fp']} | {s['fn']} |")
    return "\n".join(lines)


def run_cli(argv: list[str] | None, *, doc: str | None, default: Path, what: str, item: str,
            score: Callable[[Path, list[str] | None], dict[str, Any]],
            render: Callable[[dict[str, Any], bool], str],
            markdown: Callable[[dict[str, Any]], str]) -> int:
    """The command line every scorer shares: a folder (``what``), ``--json``, ``--verbose``,
    ``--markdown`` and ``--ITEM`` (repeatable) to score only some texts."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    ap.add_argument("folder", nargs="?", default=str(default), help=f"{what} folder (default tests/{default.name})")
    ap.add_argument("--json", action="store_true", help="machine-readable report on stdout")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every false positive / negative")
    ap.add_argument("--markdown", action="store_true", help="the per-kind table as Markdown (for the README)")
    ap.add_argument(f"--{item}", action="append", dest="items", metavar=item.upper(),
                    help=f"score only this {item} (repeatable)")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    report = score(folder, args.items)
    if args.markdown:
        print(markdown(report))
    elif args.json:
        if not args.verbose:
            report.pop("false_positives")
            report.pop("false_negatives")
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render(report, args.verbose))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_cli(argv, doc=__doc__, default=DEFAULT_CORPUS, what="corpus", item="article",
                   score=score_corpus, render=render, markdown=markdown_table)


if __name__ == "__main__":
    sys.exit(main())
