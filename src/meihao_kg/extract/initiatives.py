"""Initiatives: lexicon mechanisms and discovered formula mechanisms, with negation."""

from __future__ import annotations

import bisect
import re

from ..lexicon import Lexicon
from ..models import (
    InitiativeFact,
    InitiativeType,
)
from ..numbers import DATE_RE, parse_date
from .context import Ctx

# --------------------------------------------------------------------------- initiatives

_FORMULA_RE = re.compile(
    r"[“\"](?P<f>\d\s*\+\s*[\dNn](?:\s*\+\s*[\dNn]){0,4})[”\"](?P<tail>[^,。;]{0,6}?(?:机制|模式|体系|联动|工作法|格局|密码|治理|服务))?"
    r"|(?P<f2>\d\s*\+\s*[\dNn](?:\s*\+\s*[\dNn]){0,4})(?P<tail2>(?:联动)?(?:机制|模式|体系|工作法))"
    r"|(?P<cn>[一二三四五六七八九十两多](?:方|位|驾|级|网|员|长|心|联))(?P<cntail>联动|一体|马车|合一|共治|协同|共建|融合|议事|共商|共管|联建|联席)"
)
_NEGATION = re.compile(r"(?:无|没有|未|不再|杜绝|禁止)$")
# a negation earlier in the same clause: "没有照搬其他小区的“吹哨报到”做法"
_CLAUSE_NEGATION = re.compile(r"没有|并未|尚未|未曾|并非|而非|不同于|不是|无需|不再")


def _formula_key(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("n", "N")


def _discovered_type(formula: str, wording: str) -> InitiativeType:
    from ..iri import slugify
    from ..namespaces import CONCEPT

    if re.match(r"\d", formula):
        slug = "formula-" + formula.replace("+", "-").lower()
        label_en = f'"{formula}" mechanism'
        notation = "X." + formula.replace("+", "-")
    else:
        slug = "formula-" + slugify(formula)
        label_en = f"{slugify(formula).replace('-', ' ')} mechanism"
        notation = "X." + slug.removeprefix("formula-")
    label_zh = wording
    return InitiativeType(slug=slug, iri=str(CONCEPT[f"initiative/{slug}"]), label_zh=label_zh,
                          label_en=label_en, mechanism=True, discovered=True,
                          broader=str(CONCEPT["initiative/co-governance"]), notation=notation)


def find_initiatives(ctx: Ctx, lo: int, hi: int, lex: Lexicon) -> tuple[list[InitiativeFact], dict[str, str]]:
    """Initiatives the project carries out; also the formula mechanisms found (key → formula)."""
    text = ctx.norm.text
    seen: dict[str, InitiativeFact] = {}
    formulas: dict[str, str] = {}

    def start_date(pos: int) -> str | None:
        k = bisect.bisect_right(ctx.sent_starts, pos) - 1
        a = max(lo, ctx.sent_starts[k])
        m = DATE_RE.search(text, a, pos)
        return parse_date(m)[0] if m and pos - m.start() < 40 else None

    for m in lex.pattern.finditer(text, lo, hi):
        if _NEGATION.search(text[max(lo, m.start() - 3): m.start()]):
            continue
        clause_start, _ = ctx.clause(m.start(), m.end(), lo, hi)
        if _CLAUSE_NEGATION.search(text, clause_start, m.start()):
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
            if _CLAUSE_NEGATION.search(text, clause_start, m.start()):
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
        formulas[f"compound/formula-{t.slug}"] = formula if f else ""
        if t.slug not in seen:
            seen[t.slug] = InitiativeFact(t, ctx.clause_evidence(m.start(), m.end(), lo, hi),
                                          start_date=start_date(m.start()))
    facts = sorted(seen.values(), key=lambda f: (f.evidence.start, f.type.slug))
    return facts, {k: v for k, v in formulas.items() if v}
