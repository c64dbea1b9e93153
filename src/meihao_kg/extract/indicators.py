"""Indicators: figures bound to their noun within one clause (households, areas, rates...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from meihao_kg.extract.context import Ctx
from meihao_kg.models import (
    Observation,
)
from meihao_kg.text.numbers import DATE_RE, NUM, parse_date, parse_number

# --------------------------------------------------------------------------- indicators

_AREA_UNIT = r"(?:平方米|平米|㎡|m2|m²|平方公里|平方千米|平方|亩|公顷)"
# units converted to the indicator's canonical unit; the wording is kept in the expression
_FACTORS = {"亩": Decimal(2000) / Decimal(3), "平方公里": Decimal(1000000), "平方千米": Decimal(1000000),
            "公顷": Decimal(10000), "成": Decimal(10)}
_QUAL_BEFORE = [
    (re.compile(r"(不少于|至少|不低于)$"), "ge"),
    (re.compile(r"(不高于|不超过|最多)$"), "le"),
    (re.compile(r"(不到|不足|少于|低于)$"), "lt"),
    (re.compile(r"(超过|超|逾|高于|多于|突破)$"), "gt"),
    (re.compile(r"(约|大约|近|将近|接近|约为)$"), "approx"),
]
_QUAL_AFTER = [("以上", "ge"), ("左右", "approx"), ("以下", "le"), ("以内", "le"), ("内", "le"),
               ("余", "gt"), ("多", "gt")]

# a change: 由85%提升至96.8%, 从不足30%提高到88%, 由156件下降至31件
_BASE = (rf"(?:(?:由|从)(?:(?:19|20)\d{{2}}年的?|[^,;。\d%]{{1,6}}?的)?(?P<bq>不足|不到|约|近|超过)?(?:百分之)?(?P<base>{NUM})\s*"
         r"(?:%|成|件|户|个|起|次|人|名|位|分钟|小时|元|万元)?\s*(?:左右|多|余)?\s*"
         r"(?:提升|提高|上升|增长|增加|下降|降低|减少|缩短|压缩|降)(?:至|到|为))")
_LEAD = (r"(?P<lead>提升至|提高至|提高到|提升到|下降至|下降到|降至|降低至|减少至|缩短至|保持在|稳定在|维持在|达到了|"
         r"达到|达|为|已达|已达到|约为|约|超过|超|逾|近|将近|接近|不少于|至少|不低于|不高于|不超过|不足|不到|高达|"
         r"共|共计|合计|总计|累计|有|共有|占)?")
_RANGE = r"(?:—|–|-|~|～|至|到)"
_IS_BASELINE = re.compile(r"\s*(?:左右|多|余)?\s*(?:提升|提高|上升|增长|增加|下降|降低|减少|缩短|压缩|降)(?:至|到|为)")


@dataclass(frozen=True)
class _IndicatorRule:
    notation: str
    unit: str
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] = ()  # literal words one of which must occur (a fast prefilter)
    zero: bool = False  # a zero fact (零投诉, 未发生安全事故): the value is 0
    keyword: str = ""  # the keyword alternation of a keyword-first rule
    skip_before: str = ""  # the rule does not apply after these words in the clause (每, 负责)

    def applies(self, body: str) -> bool:
        return not self.triggers or any(t in body for t in self.triggers)


def _literals(alternation: str) -> tuple[str, ...]:
    """The words of a plain ``a|b|c`` alternation; () if it holds any other regex syntax."""
    words = tuple(alternation.split("|"))
    return () if any(re.search(r"[\\()\[\]?*+{}.^$]", w) for w in words) else words


def _rule(notation: str, unit: str, keyword: str, unit_re: str, gap: int = 6) -> _IndicatorRule:
    """Keyword, then (within ``gap`` characters) the figure: a number, a range or a change."""
    percent = unit == "PERCENT"
    unit_re = r"%|成" if percent else unit_re
    pct = r"(?P<pct>百分之)?" if percent else ""
    pat = (
        rf"(?P<kw>{keyword})[^,;。\d%]{{0,{gap}}}?{_BASE}?\s*{_LEAD}\s*{pct}"
        rf"(?P<num>{NUM})\s*(?P<mult>万|亿)?\s*(?P<more>余|多)?\s*"
        rf"(?:(?:{unit_re})?\s*{_RANGE}\s*{pct.replace('pct', 'pct2')}(?P<hi>{NUM})\s*(?:万|亿)?\s*)?"
        rf"(?P<unit>{unit_re}){'?(?(unit)|(?(pct)|(?!)))' if percent else ''}"
        r"(?P<after>以上|左右|以下|以内)?"
    )
    return _IndicatorRule(notation, unit, re.compile(pat), _literals(keyword), keyword=keyword)


def _rule_after(notation: str, unit: str, pattern: str, triggers: tuple[str, ...] = (),
                skip_before: str = "") -> _IndicatorRule:
    return _IndicatorRule(notation, unit, re.compile(pattern), triggers, skip_before=skip_before)


def _zero(notation: str, words: str) -> tuple[_IndicatorRule, ...]:
    """Zero facts in any phrasing: 实现“零投诉”, 安全事故零发生, 未发生一起安全事故, 无一起…"""
    return (
        _IndicatorRule(notation, "NUM", re.compile(
            rf"(?:实现|做到|保持|达到)?[“\"]?(?P<num>零)(?P<kw>{words})[”\"]?"), ("零",), zero=True),
        _IndicatorRule(notation, "NUM", re.compile(
            rf"(?P<kw>{words})(?:实现|保持)?(?P<num>零发生|零|为零|未发生|没有发生)"), (), zero=True),
        _IndicatorRule(notation, "NUM", re.compile(
            rf"(?P<num>未发生|没有发生|无|未出现|没有出现)(?:过)?(?:一起|一例|一件|任何)?"
            rf"(?:电动车|电动自行车|电瓶车|燃气|消防|重大|较大|安全)?(?P<kw>{words})"),
            ("未发生", "没有发生", "无一起", "无", "未出现", "没有出现"), zero=True),
    )


_INCIDENTS = r"安全责任事故|安全事故|火灾事故|火灾|消防事故|电梯事故|燃气事故|供暖事故|高空抛物事件|高空抛物"
_CRIMES = r"刑事案件|治安案件|盗窃案件|入室盗窃|发案|刑事治安案件"
_COMPLAINTS = r"有效投诉|投诉|越级上访|上访"

INDICATOR_RULES: tuple[_IndicatorRule, ...] = (
    _rule("households-benefited", "NUM", r"惠及(?:户数|居民|业主)?|受益(?:户数|居民|业主)?", r"户"),
    _rule("building-area", "M2", r"总建筑面积|建筑面积|建面", _AREA_UNIT),
    _rule("land-area", "M2", r"占地面积|占地总面积|占地", _AREA_UNIT),
    _rule("service-area", "M2", r"物业服务面积|服务面积|管理面积|在管面积", _AREA_UNIT),
    _rule("green-area", "M2", r"绿化面积|绿地面积", _AREA_UNIT),
    _rule("greening-rate", "PERCENT", r"绿化率|绿地率|绿化覆盖率", r"%", gap=10),
    _rule("fee-collection-rate", "PERCENT", r"收缴率|收费率|缴费率|缴纳率|收取率", r"%", gap=10),
    _rule("owner-satisfaction", "PERCENT", r"满意度|满意率", r"%", gap=10),
    _rule("party-member-share", "PERCENT", r"党员(?:业主)?(?:占比|比例|比重)|党员(?:业主)?占", r"%", gap=10),
    _rule("elderly-share", "PERCENT",
          r"老年人(?:口)?(?:占比|比例)|老龄化率|(?:60|六十|65|六十五)岁以上(?:老年人|老人|居民)", r"%", gap=10),
    _rule("coverage-rate", "PERCENT", r"覆盖率", r"%", gap=10),
    _rule("mediation-success-rate", "PERCENT", r"调解成功率|调处成功率|纠纷调处率|调处率|化解率", r"%", gap=10),
    _rule("vote-turnout", "PERCENT", r"参与投票(?:的)?(?:业主)?(?:比例|比率)|投票率|参会率|参与率", r"%", gap=10),
    _rule("waste-sorting-accuracy", "PERCENT", r"分类准确率|投放准确率|准确投放率|垃圾分类准确率", r"%", gap=10),
    _rule("online-payment-rate", "PERCENT", r"线上缴费(?:比例|率)|网上缴费(?:比例|率)|线上缴费业主比例", r"%", gap=10),
    _rule("occupancy-rate", "PERCENT", r"入住率", r"%", gap=10),
    _rule("repair-timeliness-rate", "PERCENT", r"维修及时率|报修及时率|维修及时完成率|报修响应率|维修完成率", r"%", gap=10),
    _rule("complaint-handling-rate", "PERCENT", r"投诉处理率|投诉办结率|诉求办结率|办结率|解决率|接诉响应率|响应率",
          r"%", gap=10),
    *_zero("complaints", _COMPLAINTS),
    *_zero("criminal-cases", _CRIMES),
    *_zero("safety-incidents", _INCIDENTS),
    _rule("complaints", "NUM", r"投诉(?:量|数|件数|数量)?", r"件|起|次|宗"),
    _rule("households", "NUM", r"总户数|户数|(?<!党员)住户|居民|业主|入住|共计|共有|共", r"户"),
    _rule_after(
        "households", "NUM",
        rf"(?:(?P<kw>共有|共|有|居住(?:着)?|入住(?:了)?|、)\s*{_LEAD}\s*|(?<=,))(?P<num>{NUM})\s*(?P<mult>万)?\s*"
        r"(?P<more>余|多)?\s*(?P<unit>户)(?(kw)(?:居民|业主|住户|人家|家庭)?|(?:居民|业主|住户|人家|家庭))(?!委员会)",
        ("户",), skip_before="每|负责|惠及|受益|服务|帮助|走访|慰问|入户|涉及|覆盖|党员",
    ),
    _rule("public-income", "CCY_CNY", r"公共收益(?:收入)?", r"元", gap=6),
    _rule("investment", "CCY_CNY", r"总投资|投资|投入资金|投入|资金|出资|筹集|花费|拨付|争取|募集|使用", r"元"),
    _rule("commendations", "NUM", r"表扬信|锦旗|感谢信", r"次|面|封"),
    _rule_after("commendations", "NUM",
                rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>面|封)(?P<kw>锦旗|表扬信|感谢信)",
                ("锦旗", "表扬信", "感谢信")),
    _rule("ev-chargers", "NUM", r"充电桩|充电车位|充电端口|充电插座|充电口|充电设施", r"个|台|根|处|组|套|座"),
    _rule_after("ev-chargers", "NUM",
                rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>个|台|根|处|组|套|座)"
                r"(?:新能源汽车|新能源|电动汽车|电动自行车|电动车|智能)?(?P<kw>充电桩|充电车位|充电端口|充电插座|充电口)",
                ("充电",)),
    _rule("parking-spaces", "NUM", r"停车位|车位", r"个"),
    _rule_after("parking-spaces", "NUM",
                rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>个)(?:地下|地面|机动车|临时)?(?P<kw>停车位|车位)",
                ("车位",)),
    _rule("elevators", "NUM", r"电梯", r"部|台", gap=4),
    _rule_after("elevators", "NUM",
                rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>部|台)(?:加装|新装|老旧)?(?P<kw>电梯)", ("电梯",)),
    _rule("buildings", "NUM", r"楼栋数|楼栋|楼宇|住宅楼|楼房|单体楼", r"栋|幢|座", gap=4),
    _rule_after(
        "buildings", "NUM",
        rf"(?P<kw>共计|共有|总计|共|拥有|包括|含|计|有)\s*(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>栋|幢|座)"
        r"(?:楼|住宅楼|高层|住宅|多层|小高层)?",
        ("栋", "幢", "座"),
    ),
    _rule_after(
        "grids", "NUM",
        rf"(?P<kw>划分(?:为|成)?|分为|设立|设置|建立)\s*(?P<num>{NUM})\s*(?P<unit>个)(?:微)?(?:网格|管理网格|服务网格)",
        ("网格",),
    ),
    _rule("grids", "NUM", r"网格", r"个", gap=2),
    _rule_after(
        "party-members", "NUM",
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|位)(?:在册|在职|退休|流动|在职党员和)?(?P<kw>党员)(?!中心户|楼长|楼栋长)",
        ("党员",), skip_before="每",
    ),
    _rule("party-members", "NUM", r"党员(?:业主)?(?:人数)?", r"名|人|位", gap=3),
    _rule_after(
        "staff", "NUM",
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|位)(?P<kw>管家|员工|工作人员|物业服务人员|物业人员|保安|保洁员|秩序维护员|客服人员|客服)",
        ("名", "位"),
    ),
    _rule_after(
        "staff", "NUM",
        rf"(?P<kw>管家|员工|工作人员|物业服务人员|物业人员|保安员|保安|保洁员|秩序维护员|客服人员|维修工|维修人员|电工)(?:队伍)?(?:共|共有|共计|有|达)?\s*"
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|人)",
        ("名", "人"),
    ),
    _rule_after(
        "volunteers", "NUM",
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>名|位|人)(?:的)?(?:党员)?(?P<kw>志愿者)",
        ("志愿者",),
    ),
    _rule("volunteers", "NUM", r"志愿者(?:队伍)?|志愿服务队(?:伍)?", r"名|人|位", gap=4),
    _rule_after(
        "issues-resolved", "NUM",
        rf"(?P<kw>解决|化解|办理|处理|办结|受理|调解)(?:了)?(?:[^,。;\d]{{0,12}}?(?:问题|诉求|难题|事项|工单|难事|实事))?"
        r"(?:共|共计|累计)?\s*"
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>件|个|起|项|宗)",
        ("解决", "化解", "办理", "处理", "办结", "受理", "调解"),
    ),
    _rule_after(
        "disputes-resolved", "NUM",
        rf"(?P<kw>化解|调解|调处|处理)(?:了)?(?:各类)?(?:邻里|物业|家庭)?(?:纠纷|矛盾)(?:和(?:邻里|物业)?(?:纠纷|矛盾))?"
        rf"(?:共|共计|累计)?\s*(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>起|件|宗|次)",
        ("纠纷", "矛盾"),
    ),
    _rule_after(
        "people-served", "NUM",
        rf"(?P<kw>服务|惠及|参与)(?:居民|群众|业主|老人|人员)?(?:共|累计)?\s*(?P<num>{NUM})\s*(?P<mult>万)?\s*(?P<more>余|多)?\s*"
        r"(?P<unit>人次)",
        ("人次",),
    ),
    _rule_after(
        "residents", "NUM",
        rf"(?P<kw>居民|人口|常住人口|住户人口|居住人口)(?:约|近|共|有|达)?\s*(?P<lead>约|近|超过|超)?(?P<num>{NUM})\s*(?P<mult>万)?\s*"
        r"(?P<more>余|多)?\s*(?P<unit>人)(?!次)",
        ("人",), skip_before="每|党员",
    ),
    _rule_after(
        "elderly-residents", "NUM",
        rf"(?:(?:60|六十|65|六十五)岁以上)?(?P<kw>老年人|老人|高龄老人|独居老人|空巢老人)(?:有|共|达)?\s*(?P<num>{NUM})\s*"
        r"(?P<more>余|多)?\s*(?P<unit>人|名|位)",
        ("老",), skip_before="每",
    ),
    _rule_after(
        "activities", "NUM",
        rf"(?P<kw>开展|举办|组织|举行)(?:了)?(?:[^,。;\d]{{0,8}}?活动)?(?:共|共计|累计)?\s*"
        rf"(?P<num>{NUM})\s*(?P<more>余|多)?\s*(?P<unit>场|次|期)(?:次)?",
        ("开展", "举办", "组织", "举行"), skip_before="每",
    ),
    _rule_after("coverage-rate", "PERCENT", rf"(?P<num>{NUM})\s*(?P<unit>%)(?P<kw>覆盖)", ("%覆盖",)),
    _rule_after(
        "response-time", "MIN",
        rf"(?P<num>{NUM})\s*(?P<unit>分钟)(?P<after>内|以内)?(?P<kw>响应|到场|到达|上门|赶到|处置|回复)",
        ("分钟",),
    ),
    _rule_after(
        "satisfaction-rank", "NUM",
        rf"(?P<kw>位列|排名|名列|位居|排在)(?P<scope>全县|全市|全区|全省|全国|全街道)?[^,。]{{0,6}}?第(?P<num>{NUM})(?P<unit>名|位)?",
        ("位列", "排名", "名列", "位居", "排在"),
    ),
)


def _qualifier(m: re.Match[str], text: str) -> str:
    gd = m.groupdict()
    if gd.get("hi"):
        return "ge"  # a range: the lower bound as minimum, the upper bound kept too
    if gd.get("more"):
        return "gt"
    after = gd.get("after")
    if after:
        return dict(_QUAL_AFTER)[after]
    at = m.start("pct") if gd.get("pct") else m.start("num")
    before = text[max(0, at - 6): at].strip()
    before = re.sub(r"(?:占|为|达到|达|是|在|了|有|共)+$", "", before)
    for pat, q in _QUAL_BEFORE:
        if pat.search(before):
            return q
    return "eq"


def _value(m: re.Match[str], group: str, rule: _IndicatorRule) -> Decimal:
    gd = m.groupdict()
    value = parse_number(m.group(group), gd.get("mult"))
    factor = _FACTORS.get(gd.get("unit") or "")
    if factor is not None:
        value = parse_number(str(round(value * factor, 2)))
    return value


_RESPECTIVELY = re.compile(r"分别(?:为|是|达到|达|保持在|提升至|提高到|提高至|提升到|占)?")
_UNIT_AFTER = re.compile(r"\s*(?P<mult>万|亿)?\s*(?P<more>余|多)?\s*(?P<unit>%|成|平方米|平米|㎡|户|栋|幢|部|台|个|名|人|元|件|起|场|次)?")


def _respectively(ctx: Ctx, lo: int, hi: int, taken: list[tuple[int, int]]) -> list[Observation]:
    """A list of nouns and a list of figures: "收缴率、满意度分别达到97%和98%"."""
    text = ctx.norm.text
    out: list[Observation] = []
    for m in _RESPECTIVELY.finditer(text, lo, hi):
        cs, ce = ctx.clause(m.start(), m.end(), lo, hi)
        pieces = [x for x in re.split(r"[、和与及]", text[cs:m.start()]) if x]
        nums = []
        for nm in re.finditer(NUM, text[m.end():ce]):
            a = m.end() + nm.start()
            um = _UNIT_AFTER.match(text, a + len(nm.group(0)))
            nums.append((a, a + len(nm.group(0)), nm.group(0), um))
        if len(pieces) < 2 or len(nums) != len(pieces):
            continue
        rules = []
        for piece in pieces:
            rule = next((r for r in INDICATOR_RULES if r.keyword
                         and re.search(rf"(?:{r.keyword})$", piece)), None)
            rules.append(rule)
        if any(r is None for r in rules):
            continue
        for rule, (a, b, num, um) in zip(rules, nums, strict=False):
            assert rule is not None and um is not None
            unit = um.group("unit") or next((u.group("unit") for *_, u in nums if u and u.group("unit")), None)
            if rule.unit == "PERCENT" and unit not in ("%", "成"):
                continue
            try:
                value = parse_number(num, um.group("mult"))
            except ValueError:
                continue
            if unit == "成":
                value *= 10
            taken.append((a, b))
            out.append(Observation(indicator=rule.notation, value=value, unit=rule.unit,
                                   qualifier="gt" if um.group("more") else "eq",
                                   expression=text[a:um.end()], evidence=ctx.evidence(cs, ce),
                                   date=date_in_clause(text, cs, a)))
    return out


_ALL_ZERO = re.compile(r"[“\"]?(?:双零|三零|零发生|均为零|均为0|均未发生)[”\"]?")
_ZERO_KINDS = ((re.compile(_CRIMES), "criminal-cases"), (re.compile(_INCIDENTS), "safety-incidents"),
               (re.compile(_COMPLAINTS), "complaints"))


def _all_zero(ctx: Ctx, lo: int, hi: int, taken: list[tuple[int, int]]) -> list[Observation]:
    """Several kinds zero at once: "刑事案件、火灾事故“双零”"."""
    text = ctx.norm.text
    out: list[Observation] = []
    for m in _ALL_ZERO.finditer(text, lo, hi):
        cs, ce = ctx.clause(m.start(), m.end(), lo, hi)
        items = [x for x in re.split(r"[、和与及]", text[cs:m.start()]) if x]
        if len(items) < 2:
            continue
        for item in items:
            notation = next((n for pat, n in _ZERO_KINDS if pat.search(item)), None)
            if notation is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(Observation(indicator=notation, value=Decimal(0), unit="NUM", qualifier="eq",
                                   expression=text[cs:m.end()], evidence=ctx.evidence(cs, ce),
                                   date=date_in_clause(text, cs, m.start())))
    return out


def find_observations(ctx: Ctx, lo: int, hi: int) -> list[Observation]:
    text = ctx.norm.text
    body = text[lo:hi]
    taken: list[tuple[int, int]] = []
    out: list[Observation] = _respectively(ctx, lo, hi, taken) if "分别" in body else []
    if "零" in body or "均" in body:
        out += _all_zero(ctx, lo, hi, taken)
    for rule in INDICATOR_RULES:
        if not rule.applies(body):
            continue
        for m in rule.pattern.finditer(body):
            num_span = (lo + m.start("num"), lo + m.end("num"))
            if any(a < num_span[1] and num_span[0] < b for a, b in taken):
                continue
            gd = m.groupdict()
            if rule.unit == "PERCENT" and not (gd.get("unit") or gd.get("pct")):
                continue  # a percentage needs %, 成 or 百分之
            if rule.notation == "buildings" and body[max(0, m.start() - 1): m.start()] == "每":
                continue
            if rule.notation in ("staff", "volunteers") and "+" in (
                body[max(0, m.start() - 1): m.start()] + body[m.end(): m.end() + 1]
            ):
                continue  # "一名社区工作人员+一名物业服务人员+一名楼长" names a formula, not a headcount
            start = lo + m.start()
            end = lo + m.end()
            cs, ce = ctx.clause(start, end, lo, hi)
            if rule.skip_before and re.search(rule.skip_before, text[cs:start]):
                continue
            try:
                value = Decimal(0) if rule.zero else _value(m, "num", rule)
                upper = _value(m, "hi", rule) if gd.get("hi") else None
                baseline = parse_number(gd["base"]) if gd.get("base") else None
            except ValueError:
                continue
            if _IS_BASELINE.match(text, end):
                continue  # the starting point of a change whose end the rule did not reach
            taken.append(num_span)
            expression = text[start:end]
            out.append(
                Observation(
                    indicator=rule.notation,
                    value=value,
                    unit=rule.unit,
                    qualifier="eq" if rule.zero else _qualifier(m, body),
                    expression=expression,
                    evidence=ctx.evidence(cs, ce),
                    baseline=baseline,
                    date=date_in_clause(text, cs, start),
                    upper=upper,
                )
            )
    out.sort(key=lambda o: o.evidence.start)
    return out


def date_in_clause(text: str, clause_start: int, pos: int) -> str | None:
    m = DATE_RE.search(text, clause_start, pos)
    return parse_date(m)[0] if m else None
