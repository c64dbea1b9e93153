"""Indicators: figures bound to their noun within one clause (households, areas, rates...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..models import (
    Observation,
)
from ..numbers import DATE_RE, NUM, parse_date, parse_number
from .context import Ctx

# --------------------------------------------------------------------------- indicators

_AREA_UNIT = r"(?:平方米|平米|㎡|m2|m²|平方)"
_QUAL_BEFORE = [
    (re.compile(r"(不少于|至少)$"), "ge"),
    (re.compile(r"(不超过|不到|不足|少于|低于)$"), "lt"),
    (re.compile(r"(超过|超|逾|高于|多于|突破)$"), "gt"),
    (re.compile(r"(约|大约|近|将近|接近)$"), "approx"),
]
_QUAL_AFTER = [("以上", "ge"), ("左右", "approx"), ("以下", "le"), ("以内", "le"), ("余", "gt"), ("多", "gt")]

_BASE = rf"(?:(?:由|从)(?P<base>{NUM})\s*%?\s*(?:提升|提高|上升|增长|增加)(?:至|到))"
_LEAD = r"(?P<lead>提升至|提高至|提高到|提升到|保持在|稳定在|维持在|达到了|达到|达|为|已达|已达到|约为|约|超过|超|逾|近|将近|不少于|至少|不足|不到|高达|共|共计|合计|总计|累计)?"


@dataclass(frozen=True)
class _IndicatorRule:
    notation: str
    unit: str
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] = ()  # literal words one of which must occur (a fast prefilter)

    def applies(self, body: str) -> bool:
        return not self.triggers or any(t in body for t in self.triggers)


def _literals(alternation: str) -> tuple[str, ...]:
    """The words of a plain ``a|b|c`` alternation; () if it holds any other regex syntax."""
    words = tuple(alternation.split("|"))
    return () if any(re.search(r"[\\()\[\]?*+{}.^$]", w) for w in words) else words


def _rule(notation: str, unit: str, keyword: str, unit_re: str, gap: int = 6) -> _IndicatorRule:
    pat = (
        rf"(?P<kw>{keyword})[^,;。\d%]{{0,{gap}}}?{_BASE}?\s*{_LEAD}\s*"
        rf"(?P<num>{NUM})\s*(?P<mult>万|亿)?\s*(?P<more>余|多)?\s*(?P<unit>{unit_re})"
        r"(?P<after>以上|左右|以下|以内)?"
    )
    return _IndicatorRule(notation, unit, re.compile(pat), _literals(keyword))


def _rule_after(notation: str, unit: str, pattern: str, triggers: tuple[str, ...] = ()) -> _IndicatorRule:
    return _IndicatorRule(notation, unit, re.compile(pattern), triggers)


INDICATOR_RULES: tuple[_IndicatorRule, ...] = (
    _rule("households-benefited", "NUM", r"惠及(?:户数|居民|业主)?|受益(?:户数|居民|业主)?", r"户"),
    _rule("building-area", "M2", r"总建筑面积|建筑面积|建面", _AREA_UNIT),
    _rule("land-area", "M2", r"占地面积|占地总面积|占地", _AREA_UNIT),
    _rule("service-area", "M2", r"物业服务面积|服务面积|管理面积|在管面积", _AREA_UNIT),
    _rule("green-area", "M2", r"绿化面积|绿地面积", _AREA_UNIT),
    _rule("greening-rate", "PERCENT", r"绿化率|绿地率", r"%", gap=10),
    _rule("fee-collection-rate", "PERCENT", r"收缴率|收费率|缴费率|缴纳率|收取率", r"%", gap=10),
    _rule("owner-satisfaction", "PERCENT", r"满意度|满意率", r"%", gap=10),
    _rule("coverage-rate", "PERCENT", r"覆盖率", r"%", gap=10),
    _rule("occupancy-rate", "PERCENT", r"入住率", r"%", gap=10),
    _rule("repair-timeliness-rate", "PERCENT", r"维修及时率|报修及时率|维修及时完成率|报修响应率", r"%", gap=10),
    _rule("complaint-handling-rate", "PERCENT", r"投诉处理率|投诉办结率|诉求办结率", r"%", gap=10),
    _rule("households", "NUM", r"总户数|户数|住户|居民|业主|入住|共计|共有|共", r"户"),
    _rule("investment", "CCY_CNY", r"总投资|投资|投入资金|投入|资金|出资|筹集|花费|拨付", r"元"),
    _rule("commendations", "NUM", r"表扬信|锦旗|感谢信", r"次|面|封"),
    _rule("parking-spaces", "NUM", r"停车位|车位", r"个"),
    _rule("buildings", "NUM", r"楼栋数|楼栋|楼宇|住宅楼|楼房", r"栋|幢|座", gap=4),
    _rule_after(
        "buildings", "NUM",
        rf"(?P<kw>共计|共有|总计|共|拥有|包括|含|计)\s*(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>栋|幢|座)(?:楼|住宅楼|高层|住宅)?",
        ("栋", "幢", "座"),
    ),
    _rule_after(
        "staff", "NUM",
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|位)(?P<kw>管家|员工|工作人员|物业服务人员|物业人员|保安|保洁员|秩序维护员|客服人员|客服)",
        ("名", "位"),
    ),
    _rule_after(
        "staff", "NUM",
        rf"(?P<kw>管家|员工|工作人员|物业服务人员|物业人员|保安员|保洁员|秩序维护员|客服人员)(?:队伍)?(?:共|共有|共计|有|达)?\s*"
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|人)",
        ("名", "人"),
    ),
    _rule_after(
        "volunteers", "NUM",
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|位|人)(?:的)?(?P<kw>志愿者)",
        ("志愿者",),
    ),
    _rule_after("coverage-rate", "PERCENT", rf"(?P<num>{NUM})\s*(?P<unit>%)(?P<kw>覆盖)", ("%覆盖",)),
    _rule_after(
        "satisfaction-rank", "NUM",
        rf"(?P<kw>位列|排名|名列|位居|排在)(?P<scope>全县|全市|全区|全省|全国|全街道)?[^,。]{{0,6}}?第(?P<num>{NUM})(?P<unit>名|位)?",
        ("位列", "排名", "名列", "位居", "排在"),
    ),
    _rule_after(
        "safety-incidents", "NUM",
        r"(?P<kw>安全事故|安全责任事故|火灾事故|刑事案件)(?:实现)?(?P<num>零)(?P<unit>发生|事故|起)?",
        ("零",),
    ),
)


def _qualifier(m: re.Match[str], text: str) -> str:
    gd = m.groupdict()
    if gd.get("more"):
        return "gt"
    after = gd.get("after")
    if after:
        return dict(_QUAL_AFTER)[after]
    lead = gd.get("lead") or ""
    before = (lead or text[max(0, m.start("num") - 4): m.start("num")]).strip()
    for pat, q in _QUAL_BEFORE:
        if pat.search(before):
            return q
    return "eq"


def find_observations(ctx: Ctx, lo: int, hi: int) -> list[Observation]:
    text = ctx.norm.text
    body = text[lo:hi]
    taken: list[tuple[int, int]] = []
    out: list[Observation] = []
    for rule in INDICATOR_RULES:
        if not rule.applies(body):
            continue
        for m in rule.pattern.finditer(body):
            num_span = (lo + m.start("num"), lo + m.end("num"))
            if any(a < num_span[1] and num_span[0] < b for a, b in taken):
                continue
            if rule.notation == "buildings" and body[max(0, m.start() - 1): m.start()] == "每":
                continue
            if rule.notation in ("staff", "volunteers") and "+" in (
                body[max(0, m.start() - 1): m.start()] + body[m.end(): m.end() + 1]
            ):
                continue  # "一名社区工作人员+一名物业服务人员+一名楼长" names a formula, not a headcount
            try:
                value = parse_number(m.group("num"), m.groupdict().get("mult"))
            except ValueError:
                continue
            if rule.notation == "safety-incidents":
                value = Decimal(0)
            base = m.groupdict().get("base")
            baseline = parse_number(base) if base else None
            start = lo + m.start()
            end = lo + m.end()
            taken.append(num_span)
            cs, ce = ctx.clause(start, end, lo, hi)
            expression = text[start:end]
            out.append(
                Observation(
                    indicator=rule.notation,
                    value=value,
                    unit=rule.unit,
                    qualifier=_qualifier(m, body),
                    expression=expression,
                    evidence=ctx.evidence(cs, ce),
                    baseline=baseline,
                    date=date_in_clause(text, cs, start),
                )
            )
    out.sort(key=lambda o: o.evidence.start)
    return out


def date_in_clause(text: str, clause_start: int, pos: int) -> str | None:
    m = DATE_RE.search(text, clause_start, pos)
    return parse_date(m)[0] if m else None
