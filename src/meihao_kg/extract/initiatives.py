"""Initiatives: lexicon mechanisms and discovered formula mechanisms, with negation."""

from __future__ import annotations

import bisect
import re

from meihao_kg.extract.context import Ctx, contrasted
from meihao_kg.extract.lexicon import Lexicon
from meihao_kg.models import (
    InitiativeFact,
    InitiativeType,
    OrgKey,
)
from meihao_kg.text.numbers import DATE_RE, parse_date

# --------------------------------------------------------------------------- initiatives

_FORMULA_RE = re.compile(
    r"[“\"](?P<f>\d\s*\+\s*[\dNn](?:\s*\+\s*[\dNn]){0,4})[”\"](?P<tail>[^,。;]{0,6}?(?:机制|模式|体系|联动|工作法|格局|密码|治理|服务))?"
    r"|(?P<f2>\d\s*\+\s*[\dNn](?:\s*\+\s*[\dNn]){0,4})(?P<tail2>(?:联动)?(?:机制|模式|体系|工作法))"
    r"|(?P<cn>[一二三四五六七八九十两多](?:方|位|驾|级|网|员|长|心|联))(?P<cntail>联动|一体|马车|合一|共治|协同|共建|融合|议事|共商|共管|联建)"
)
_NEGATION = re.compile(r"(?:无|没有|未|不再|杜绝|禁止)$")
# a negation earlier in the same clause: "没有照搬其他小区的“吹哨报到”做法"
_CLAUSE_NEGATION = re.compile(
    r"没有|并未|尚未|未曾|并非|而非|不同于|区别于|有别于|不是|无需|不再|"
    # learning from elsewhere is not doing: "借鉴…的经验", "参观学习…"
    r"借鉴|参照|效仿|取经|参观学习|考察学习|学习借鉴|学习了|观摩|"
    # what other places do: "其他小区的…做法", "外地的…模式"
    r"(?:其他|其它|别的|兄弟|外地|周边|一些|不少)(?:小区|社区|地方|城市|地区)"
)


def _formula_key(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("n", "N")


_NUM_EN = {"一": "one", "两": "two", "二": "two", "三": "three", "四": "four", "五": "five", "六": "six",
           "七": "seven", "八": "eight", "九": "nine", "十": "ten", "多": "multi"}
_PART_EN = {"方": "party", "位": "in-one", "驾": "horse", "级": "level", "网": "network", "员": "member",
            "长": "head", "心": "heart", "联": "way"}
_TAIL_EN = {"联动": "linkage", "一体": "integration", "马车": "carriage", "合一": "integration",
            "共治": "co-governance", "协同": "coordination", "共建": "joint building", "融合": "integration",
            "议事": "deliberation", "共商": "consultation", "共管": "co-management", "联建": "joint building",
            "联席": "joint meeting"}


def formula_label_en(formula: str) -> str:
    """An English label built from a formula, never from pinyin: 1+3+N → the “1+3+N”
    mechanism; 四方联动 → the “four-party linkage” mechanism."""
    if re.match(r"\d", formula):
        return f"the “{formula}” mechanism"
    num, part, tail = formula[0], formula[1], formula[2:]
    words = f"{_NUM_EN.get(num, num)}-{_PART_EN.get(part, part)} {_TAIL_EN.get(tail, tail)}"
    return f"the “{words}” mechanism"


def _discovered_type(formula: str, wording: str) -> InitiativeType:
    from meihao_kg.graph import iri as mint
    from meihao_kg.graph.iri import slugify

    if re.match(r"\d", formula):
        slug = "formula-" + formula.replace("+", "-").lower()
        notation = "X." + formula.replace("+", "-")
    else:
        slug = "formula-" + slugify(formula)
        notation = "X." + slug.removeprefix("formula-")
    label_en = formula_label_en(formula)
    label_zh = wording
    return InitiativeType(slug=slug, iri=str(mint.concept("initiative", slug)), label_zh=label_zh,
                          label_en=label_en, mechanism=True, discovered=True,
                          broader=str(mint.concept("initiative", "co-governance")), notation=notation)


def find_initiatives(ctx: Ctx, lo: int, hi: int, lex: Lexicon) -> tuple[list[InitiativeFact], dict[OrgKey, str]]:
    """Initiatives the project carries out; also the formula mechanisms found (key → formula)."""
    text = ctx.norm.text
    seen: dict[str, InitiativeFact] = {}
    formulas: dict[OrgKey, str] = {}

    def start_date(pos: int) -> str | None:
        k = bisect.bisect_right(ctx.sent_starts, pos) - 1
        a = max(lo, ctx.sent_starts[k])
        m = DATE_RE.search(text, a, pos)
        return parse_date(m)[0] if m and pos - m.start() < 40 else None

    for m in lex.pattern.finditer(text, lo, hi):
        if _NEGATION.search(text[max(lo, m.start() - 3): m.start()]):
            continue
        clause_start, _ = ctx.clause(m.start(), m.end(), lo, hi)
        if _CLAUSE_NEGATION.search(text, clause_start, m.start()) or contrasted(ctx, m.start(), m.end(), lo, hi):
            continue
        t = lex.by_form(m.group(0))
        if t is None or t.slug in seen:
            continue
        seen[t.slug] = InitiativeFact(t, ctx.clause_evidence(m.start(), m.end(), lo, hi),
                                      start_date=start_date(m.start()))
    for pat, t in lex.gapped:
        if t.slug in seen:
            continue
        for m in pat.finditer(text, lo, hi):
            clause_start, _ = ctx.clause(m.start(), m.end(), lo, hi)
            if _CLAUSE_NEGATION.search(text, clause_start, m.start()) or contrasted(ctx, m.start(), m.end(), lo, hi):
                continue
            seen[t.slug] = InitiativeFact(t, ctx.clause_evidence(m.start(), m.end(), lo, hi),
                                          start_date=start_date(m.start()))
            break
    for m in _FORMULA_RE.finditer(text, lo, hi):
        f = m.group("f") or m.group("f2")
        if f:
            formula = _formula_key(f)
            wording = f"“{formula}”" + ((m.group("tail") or m.group("tail2") or "机制").lstrip("的"))
        else:
            formula = m.group("cn") + m.group("cntail")
            wording = formula
        t = lex.by_form(formula) or lex.by_form(wording)
        if t is None:
            t = _discovered_type(formula, wording)
        formulas[OrgKey.of_compound(f"formula-{t.slug}")] = formula if f else ""
        if t.slug not in seen:
            seen[t.slug] = InitiativeFact(t, ctx.clause_evidence(m.start(), m.end(), lo, hi),
                                          start_date=start_date(m.start()))
    facts = sorted(seen.values(), key=lambda f: (f.evidence.start, f.type.slug))
    return facts, {k: v for k, v in formulas.items() if v}
