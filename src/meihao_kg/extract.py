"""Stage 3: a segmented, normalised article → :class:`~meihao_kg.models.Extraction`.

Deterministic: patterns over the normalised (Simplified, half-width, annotation-free) text,
the jionlp gazetteer for places, and the SKOS labels of ``ontology/initiatives.ttl`` as the
initiative lexicon.  Every fact gets an :class:`Evidence` mapped back to the raw text.

How each kind of fact is found is documented in the README ("How facts are found").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import gazetteer as gz
from .lexicon import Lexicon, load_lexicon
from .models import (
    DatedEvent,
    Evidence,
    Extraction,
    InitiativeFact,
    InitiativeType,
    MediaReport,
    Membership,
    Observation,
    OrgMention,
    PlaceRef,
    ProjectFacts,
    Recognition,
    Relation,
)
from .normalise import ANNOTATION_RE, NormalisedText, SourceText, normalise
from .numbers import DATE_RE, NUM, parse_date, parse_number
from .segment import ProjectSection, segment

__all__ = ["extract", "extract_source"]

HAN = r"\u4e00-\u9fff"
_SENT_END = "。!?;\n"
_CLAUSE_END = ",;。!?\n:"
COMPOUND_SUFFIXES = ("小区", "项目", "园区", "社区")


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    src: SourceText
    norm: NormalisedText
    sent_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        text = self.norm.text
        self.sent_starts = [0] + [i + 1 for i, c in enumerate(text) if c in _SENT_END]

    def evidence(self, start: int, end: int) -> Evidence:
        text = self.norm.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        rs, re_ = self.norm.raw_span(start, end)
        k = bisect.bisect_right(self.sent_starts, start) - 1
        s0 = self.sent_starts[k]
        s1 = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(text)
        return Evidence(
            doc_id=self.src.doc_id,
            start=rs,
            end=re_,
            quote=self.src.raw[rs:re_],
            normalized=text[start:end],
            sentence=text[s0:s1].strip(),
            sentence_index=k,
            damaged=self.norm.overlaps_damage(rs, re_),
        )

    def clause(self, start: int, end: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
        """Widen ``[start, end)`` to its clause (between , ; 。 etc.), within ``[lo, hi)``."""
        text = self.norm.text
        hi = len(text) if hi is None else hi
        a = start
        while a > lo and text[a - 1] not in _CLAUSE_END and start - a < 40:
            a -= 1
        b = end
        while b < hi and text[b] not in _CLAUSE_END and b - end < 40:
            b += 1
        return a, b

    def clause_evidence(self, start: int, end: int, lo: int = 0, hi: int | None = None) -> Evidence:
        return self.evidence(*self.clause(start, end, lo, hi))


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


def _observations(ctx: _Ctx, lo: int, hi: int) -> list[Observation]:
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
                    date=_date_in_clause(text, cs, start),
                )
            )
    out.sort(key=lambda o: o.evidence.start)
    return out


def _date_in_clause(text: str, clause_start: int, pos: int) -> str | None:
    m = DATE_RE.search(text, clause_start, pos)
    return parse_date(m)[0] if m else None


# --------------------------------------------------------------------------- events

_EVENT_AFTER = [
    (re.compile(r"^[^,。;]{0,4}?(首次入伙|首次交付|首批入住)"), "first-occupancy"),
    (re.compile(r"^[^,。;]{0,4}?(末次入伙|封园)"), "final-occupancy"),
    (re.compile(r"^[^,。;]{0,4}?(建成交付|建成|竣工|交付使用|交付)"), "completion"),
    (re.compile(r"^[^,。;]{0,4}?成立(?:了)?(?:小区)?(业主委员会|业委会)"), "owners-committee-founded"),
    (re.compile(r"^[^,。;]{0,4}?成立(?:了)?(?:小区)?(党支部|党总支|党小组)"), "party-branch-founded"),
    (re.compile(r"^[^,。;]{0,4}?(?:开展|参与|参加|启动)[“\"]?美好家园"), "campaign-joined"),
]
_EVENT_BEFORE = [  # the event word before the date: 业委会成立于2018年, 建成于2012年
    (re.compile(r"(?:业主委员会|业委会)(?:正式)?(?:依法)?成立(?:于|在)?$"), "owners-committee-founded"),
    (re.compile(r"(?:党支部|党总支)(?:正式)?成立(?:于|在)?$"), "party-branch-founded"),
    (re.compile(r"(?:建成交付|建成|竣工|交付使用|交付)(?:于|在)$"), "completion"),
    (re.compile(r"(?:首次入伙|首批入住|入伙)(?:于|在)$"), "first-occupancy"),
]
# a date opening a sentence, with the founding later in it: "2019年3月,在社区指导下,小区依法成立业主委员会"
_EVENT_LATER = [
    (re.compile(r"^[^。;!?\n]{0,40}?(?:依法|正式)?成立(?:了)?(?:小区)?(?:业主委员会|业委会)"), "owners-committee-founded"),
    (re.compile(r"^[^。;!?\n]{0,40}?(?:正式)?成立(?:了)?(?:小区)?(?:党支部|党总支)"), "party-branch-founded"),
]


_EVENT_SUBJECT = {"owners-committee-founded": "compound/owners-committee",
                  "party-branch-founded": "compound/party-branch"}


def _events(ctx: _Ctx, lo: int, hi: int) -> list[DatedEvent]:
    text = ctx.norm.text
    out: list[DatedEvent] = []
    for m in DATE_RE.finditer(text, lo, hi):
        iso, _ = parse_date(m)
        after = text[m.end(): min(hi, m.end() + 16)]
        kind = None
        for pat, k in _EVENT_AFTER:
            if pat.search(after):
                kind = k
                break
        if kind is None:
            before = text[max(lo, m.start() - 12): m.start()]
            for pat, k in _EVENT_BEFORE:
                if pat.search(before):
                    kind = k
                    break
        if kind is None:
            nxt = DATE_RE.search(text, m.end(), hi)
            rest = text[m.end(): min(hi, nxt.start() if nxt else hi, m.end() + 48)]
            for pat, k in _EVENT_LATER:
                hit = pat.search(rest)
                if hit:
                    kind = k
                    out.append(DatedEvent(k, iso, _EVENT_SUBJECT.get(k, "compound"),
                                          ctx.evidence(m.start(), m.end() + hit.end())))
                    break
            if kind is not None:
                continue
        if kind is None:
            continue
        subject = _EVENT_SUBJECT.get(kind, "compound")
        out.append(DatedEvent(kind, iso, subject, ctx.clause_evidence(m.start(), m.end(), lo, hi)))
    return out


# --------------------------------------------------------------------------- organisations

_GENERIC_UNIT = re.compile(
    r"物业服务企业|物业服务公司|物业企业|物业公司|物业服务中心|物业项目部|物业服务处|物业管理处|物业服务团队"
)
_NAMED_FIRM = re.compile(
    rf"[{HAN}A-Za-z()]{{2,24}}?物业(?:服务|管理)?(?:集团)?(?:股份)?(?:有限(?:责任)?公司|集团|公司)(?:[{HAN}]{{2,8}}分公司)?"
)
_FIRM_CUT = re.compile(r"^.*(?:由|是|为|与|和|及|的|在|请|聘|选聘|引入|委托|通过|经|向|对|将|了|被)")
_TOKEN_SPLIT = re.compile(r"[、和与及]")


_AGENCY_WORDS = ("环卫垃圾办", "垃圾分类办", "城管局", "城市管理局", "综合行政执法局", "综合执法局",
                 "综合执法部门", "住建局", "住房和城乡建设局", "房产局", "市场监管局", "应急管理局", "卫健委",
                 "环卫所")
_AGENCY_RE = re.compile(rf"([{HAN}]{{0,6}}?)({'|'.join(_AGENCY_WORDS)})")


def _org(ctx: _Ctx, key: str, type_code: str, label: str, scope: str, s: int, e: int,
         lo: int, hi: int, place: PlaceRef | None = None) -> OrgMention:
    """An organisation mention; the wording in the text (业委会) is kept as an alias of the
    canonical label (业主委员会)."""
    surface = ctx.norm.text[s:e]
    aliases = (surface,) if surface and surface != label else ()
    return OrgMention(key, type_code, label, scope, ctx.clause_evidence(s, e, lo, hi),
                      aliases=aliases, place=place)


def _orgs(ctx: _Ctx, lo: int, hi: int, places: dict[str, PlaceRef]) -> list[OrgMention]:
    text = ctx.norm.text
    body = text[lo:hi]
    found: dict[str, OrgMention] = {}

    def add(o: OrgMention) -> None:
        if o.key not in found:
            found[o.key] = o
            return
        f = found[o.key]
        extra = tuple(a for a in (o.label, *o.aliases) if a != f.label and a not in f.aliases)
        if extra:
            found[o.key] = replace(f, aliases=(*f.aliases, *extra))

    for m in _NAMED_FIRM.finditer(body) if "公司" in body or "集团" in body else ():
        name = _FIRM_CUT.sub("", m.group(0))
        if len(name) < 6 or name.startswith(("物业", "小区")):
            continue
        add(_org(ctx, f"named/{name}", "property-service-enterprise", name, "named",
                 lo + m.end() - len(name), lo + m.end(), lo, hi))
    for m in _GENERIC_UNIT.finditer(body):
        add(_org(ctx, "compound/property-service-unit", "property-service-unit", "物业服务企业",
                 "compound", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(社区|小区)?(党总支|党支部)(委员会)?", body) if "党" in body else ():
        community = m.group(1) == "社区"
        kind = "general-party-branch" if m.group(2) == "党总支" else "party-branch"
        owner = "community" if community else "compound"
        label = ("社区" if community else "小区") + m.group(2)
        add(_org(ctx, f"{owner}/{kind}", kind, label, owner, lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"业主委员会|业委会", body):
        add(_org(ctx, "compound/owners-committee", "owners-committee", "业主委员会", "compound",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(?:社区)?(?:居民委员会|居委会)", body) if "居" in body else ():
        add(_org(ctx, "community/residents-committee", "residents-committee", "社区居民委员会",
                 "community", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"协商议事委员会|议事协商委员会|协商议事会", body) if "议事" in body else ():
        add(_org(ctx, "compound/consultation-committee", "coordination-body", m.group(0),
                 "compound", lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"派出所", body) if "派出所" in body else ():
        add(_org(ctx, "local/police-station", "police-station", "派出所", "local",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in re.finditer(r"(县|区|市)?消防(?:救援)?(大队|支队|中队|站)", body) if "消防" in body else ():
        label = m.group(0)
        add(_org(ctx, f"local/fire-brigade/{label}", "fire-brigade", label, "local",
                 lo + m.start(), lo + m.end(), lo, hi))
    for m in _AGENCY_RE.finditer(body) if any(w in body for w in _AGENCY_WORDS) else ():
        prefix = m.group(1)
        prefix = re.sub(r"^.*(?:邀请|会同|联合|与|和|由|请|同)", "", prefix)
        label = prefix + m.group(2)
        add(_org(ctx, f"local/agency/{label}", "government-agency", label, "local",
                 lo + m.end() - len(label), lo + m.end(), lo, hi))
    # 街道 / 社区 named through the gazetteer
    for name, pref in places.items():
        if pref.division is None or pref.kind != "division":
            continue
        level = pref.division.level
        if level not in ("township", "community"):
            continue
        for m in re.finditer(re.escape(name), body):
            after = body[m.end(): m.end() + 5]
            if after.startswith(("工作委员会", "党工委", "党委", "党总支", "党支部")):
                continue  # part of a party body's name, not the street office itself
            if level == "township" and name.endswith("街道"):
                label = name + "办事处"
                add(_org(ctx, f"place/{name}/subdistrict-office", "subdistrict-office", label,
                         f"place:{name}", lo + m.start(), lo + m.end(), lo, hi, place=pref))
            elif level == "community" and not after.startswith(("党", "居")):
                label = name + "居民委员会"
                add(_org(ctx, f"place/{name}/residents-committee", "residents-committee", label,
                         f"place:{name}", lo + m.start(), lo + m.end(), lo, hi, place=pref))
    # bare 街道 / 社区 in an enumeration of actors: "与街道、社区进行深度合作"
    for m in re.finditer(r"(?<![\u4e00-\u9fff])?(街道|社区)(?=[、和与及]|进行|联动|共同|三方|携手|组织)", body):
        prev = body[max(0, m.start() - 1): m.start()]
        if prev and re.match(rf"[{HAN}]", prev) and prev not in "与和及同、":
            continue
        if m.group(1) == "街道":
            add(_org(ctx, "local/subdistrict-office", "subdistrict-office", "街道办事处", "local",
                     lo + m.start(), lo + m.end(), lo, hi))
        else:
            add(_org(ctx, "community/residents-committee", "residents-committee", "社区居民委员会",
                     "community", lo + m.start(), lo + m.end(), lo, hi))
    return list(found.values())


def _party_committees(ctx: _Ctx, lo: int, hi: int) -> list[tuple[OrgMention, Relation | None]]:
    """党工委 named in the text; with 经…批准 the approval relation of the branch it approved."""
    text = ctx.norm.text
    out: list[tuple[OrgMention, Relation | None]] = []
    for m in re.finditer(
        rf"经(?P<org>(?:中共)?[{HAN}]{{2,30}}?(?:工作委员会|党工委|党委))批准,?(?P<rest>[^。;]{{0,30}}?)"
        r"成立(?:了)?(?P<what>党支部委员会|党支部|党总支|业主委员会)",
        text[lo:hi],
    ):
        name = m.group("org")
        s, e = lo + m.start("org"), lo + m.end("org")
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        org = OrgMention(f"named/{name}", "party-working-committee", name, "named",
                         ctx.evidence(s, e))
        what = m.group("what")
        subj = "compound/owners-committee" if what == "业主委员会" else (
            "compound/general-party-branch" if what == "党总支" else "compound/party-branch")
        out.append((org, Relation(subj, "approvedBy", org.key, ev)))
    return out


def _media(ctx: _Ctx, lo: int, hi: int) -> tuple[list[OrgMention], list[MediaReport]]:
    text = ctx.norm.text
    orgs: list[OrgMention] = []
    reports: list[MediaReport] = []
    for m in re.finditer(r"被(?P<list>[^。,被]{2,40}?)等?(?:主流|多家|各大)?(?:新闻)?媒体(?:报道|宣传|关注|转载)",
                         text[lo:hi]):
        names = [n.strip() for n in re.split(r"[、和及与]", m.group("list")) if n.strip()]
        keys = []
        pos = lo + m.start("list")
        for n in names:
            i = text.find(n, pos, lo + m.end())
            orgs.append(OrgMention(f"named/{n}", "media-outlet", n, "named", ctx.evidence(i, i + len(n))))
            keys.append(f"named/{n}")
        sent_ev = ctx.evidence(*_sentence(text, lo + m.start(), lo, hi))
        role_m = re.search(r"(管家|保安|保洁员|工作人员|物业经理|项目经理|客服)", sent_ev.sentence)
        reports.append(MediaReport(tuple(keys), role_m.group(1) if role_m else None, sent_ev))
    return orgs, reports


def _sentence(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    a = pos
    while a > lo and text[a - 1] not in _SENT_END:
        a -= 1
    b = pos
    while b < hi and text[b] not in _SENT_END:
        b += 1
    return a, b


# --------------------------------------------------------------------------- memberships

_ACTOR_WORDS = [
    (re.compile(r"^(?:社区)?党总支$"), "community/general-party-branch"),
    (re.compile(r"^(?:小区)?党支部(?:委员会)?$"), "compound/party-branch"),
    (re.compile(r"^(?:社区)?(?:居委会|居民委员会)$|^社区$"), "community/residents-committee"),
    (re.compile(r"^(?:小区)?物业(?:服务)?(?:企业|公司)$"), "compound/property-service-unit"),
    (re.compile(r"^(?:业主委员会|业委会)$"), "compound/owners-committee"),
    (re.compile(r"^派出所$"), "local/police-station"),
    (re.compile(r"^街道$"), "local/subdistrict-office"),
]


def _actor_keys(items: Iterable[str]) -> list[str]:
    keys = []
    for item in items:
        item = re.sub(r"^(?:以|是|发挥|由|与|和)", "", item.strip())
        item = re.sub(r"(?:为支撑|统领作用|统领|引领作用|引领|等)$", "", item)
        for pat, key in _ACTOR_WORDS:
            if pat.match(item):
                keys.append(key)
                break
    return keys


def _memberships(ctx: _Ctx, lo: int, hi: int, formula_bodies: dict[str, str]) -> list[Membership]:
    text = ctx.norm.text
    body = text[lo:hi]
    out: list[Membership] = []
    # 1+4+N style: “1”是…, “4”是以…为支撑 — each clause belongs to the nearest formula
    # mentioned before it that has that part
    mentions: list[tuple[int, str, list[str]]] = []
    for body_key, formula in formula_bodies.items():
        parts = re.split(r"\s*\+\s*", formula)
        for fm in re.finditer(r"\s*\+\s*".join(re.escape(p) for p in parts), body):
            mentions.append((fm.start(), body_key, parts))
    mentions.sort()
    for m in re.finditer(r"[“\"](?P<part>[\dN])[”\"]是(?P<what>[^;。]*?)(?=[,;。]\s*[“\"]|[;。])", body):
        owner = [bk for pos, bk, parts in mentions if pos < m.start() and m.group("part") in parts]
        if not owner:
            continue
        what = m.group("what")
        items = _TOKEN_SPLIT.split(re.sub(r"为支撑.*$|统领作用.*$|的统领.*$", "", what))
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        for key in _actor_keys(items):
            out.append(Membership(owner[-1], key, m.group("part"), ev))
    # “与A、B、C联动成立协商议事委员会”
    for m in re.finditer(r"(?P<subj>小区物业服务企业|物业服务企业|物业公司)?[^,。]{0,4}?与(?P<list>[^,。]{2,40}?)(?:联动|共同|联合)?(?:成立|组建)(?P<body>协商议事委员会|议事协商委员会|协商议事会)", body):
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        keys = _actor_keys(_TOKEN_SPLIT.split(m.group("list")))
        if m.group("subj"):
            keys.insert(0, "compound/property-service-unit")
        for key in keys:
            out.append(Membership("compound/consultation-committee", key, None, ev))
    return out


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
    from .iri import slugify
    from .namespaces import CONCEPT

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


def _initiatives(ctx: _Ctx, lo: int, hi: int, lex: Lexicon) -> tuple[list[InitiativeFact], dict[str, str]]:
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


# --------------------------------------------------------------------------- recognitions

def _recognitions(ctx: _Ctx, lo: int, hi: int) -> list[Recognition]:
    text = ctx.norm.text
    out: list[Recognition] = []
    for m in re.finditer(
        r"(?:先后|曾|多次)?(?:获得|荣获|获评|被评为|评为|获)(?:了)?(?P<list>[^,。;]{3,60}?)(?:等)?(?:殊荣|荣誉称号|荣誉|称号|奖项|表彰)",
        text[lo:hi],
    ):
        for item in re.split(r"[、和及与]", m.group("list")):
            item = item.strip().strip("“”\"")
            if len(item) < 3:
                continue
            i = text.find(item, lo + m.start("list"), lo + m.end("list"))
            level = None
            for prefix, lv in (("全国", "national"), ("省", "provincial"), ("市", "municipal"),
                               ("区", "district"), ("县", "county"), ("街道", "subdistrict")):
                if item.startswith(prefix):
                    level = lv
                    break
            out.append(Recognition(item, level, "compound", ctx.evidence(i, i + len(item))))
    return out


# --------------------------------------------------------------------------- places

_ADDR_RE = re.compile(r"(?:位于|地处|坐落于|坐落在|地址为|位处)(?P<addr>[^,。;:]{2,40})")
_ZONE_RE = re.compile(rf"[{HAN}]{{0,8}}?(?:高新技术产业开发区|高新园区|高新区|经济技术开发区|开发区|工业园区|新城|新区|园区|保税区)")
_TOWN_RE = re.compile(rf"[{HAN}]{{2,8}}?(?:街道|镇|乡)")
_COMMUNITY_RE = re.compile(rf"[{HAN}]{{2,6}}?社区")


def _place_from_address(ctx: _Ctx, addr: str, s: int, e: int, province: str | None,
                        lo: int, hi: int) -> tuple[list[PlaceRef], PlaceRef | None]:
    """Resolve an address string; return places (smallest first) and a street address."""
    div, detail = gz.parse_address(addr, province)
    if div is None:
        return [], None
    ev = ctx.evidence(s, e)
    chain: list[PlaceRef] = [PlaceRef(div.name, "division", div, ev)]
    address = None
    # the part of the address after the coded division
    rest = addr
    for d in div.chain():
        short = d.alias or gz.strip_suffix(d.name)
        suffixes = {"county": ("县", "区", "市"), "prefecture": ("市",), "province": ("省",)}
        forms = [d.name, *(short + x for x in suffixes.get(d.level, ())), short]
        for form in forms:
            if form and form in rest:
                rest = rest[rest.index(form) + len(form):]
                break
    if detail and detail not in rest:
        rest = detail
    rest = rest.strip()
    if rest:
        zone = _ZONE_RE.match(rest)
        town_names = gz.county_children(div) if div.level == "county" else {}
        town = None
        for t in sorted(town_names, key=len, reverse=True):
            if rest.startswith(t) or rest.startswith(gz.strip_suffix(t)) and len(gz.strip_suffix(t)) >= 2:
                town = t
                rest = rest[len(t) if rest.startswith(t) else len(gz.strip_suffix(t)):]
                break
        if town is None:
            tm = _TOWN_RE.match(rest)
            if tm and not zone:
                town = tm.group(0)
                rest = rest[len(town):]
        if zone and town is None:
            after_zone = rest[len(zone.group(0)):]
            tm = _TOWN_RE.match(after_zone)
            if tm:
                # 苏州市工业园区斜塘街道: a street inside the zone
                chain.insert(0, PlaceRef(tm.group(0), "division", gz.township(div, tm.group(0)), ev))
                rest = zone.group(0) + after_zone[len(tm.group(0)):]
            # 沈阳于洪新城: the zone's name starts with the county's short name
            zname: str = zone.group(0)
            for form in (div.alias or "", gz.strip_suffix(div.name)):
                if form and form + zname in addr and not zname.startswith(form):
                    zname = form + zname
            chain.insert(1 if chain[0].division and chain[0].division.level == "township" else 0,
                         PlaceRef(zname, "zone", div, ev))
            rest = rest[len(zone.group(0)):]
        elif town:
            chain.insert(0, PlaceRef(town, "division", gz.township(div, town), ev))
        rest = rest.strip()
        if rest and len(rest) >= 2:
            address = PlaceRef(rest, "address", chain[0].division, ev)
    return chain, address


def _places(ctx: _Ctx, sec: ProjectSection, names: list[str]) -> tuple[list[PlaceRef], PlaceRef | None]:
    text = ctx.norm.text
    lo, hi = sec.body_start, sec.end
    best: tuple[int, list[PlaceRef], PlaceRef | None] = (-1, [], None)
    rank = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "community": 4}
    candidates: list[tuple[str, int, int]] = []
    for m in _ADDR_RE.finditer(text, lo, hi):
        candidates.append((m.group("addr"), m.start("addr"), m.end("addr")))
    for name in names:
        for m in re.finditer(re.escape(name), text[lo:hi]):
            a = lo + m.start()
            b = a
            while b > lo and re.match(rf"[{HAN}]", text[b - 1]) and a - b < 16:
                b -= 1
            prefix = text[b:a]
            prefix = re.sub(r"^.*(?:的|在|于|是|为)", "", prefix)
            if prefix and re.search(r"[省市区县]", prefix):
                candidates.append((prefix, a - len(prefix), a))
    for addr, s, e in candidates:
        chain, address = _place_from_address(ctx, addr, s, e, sec.province, lo, hi)
        if not chain:
            continue
        first = chain[0]
        r = rank.get(first.division.level if first.division and first.kind == "division" else "", 2)
        if first.kind == "zone":
            r = rank.get(first.division.level if first.division else "", 1) + 0.5  # type: ignore[assignment]
        if address is not None:
            r += 0.25  # type: ignore[assignment]
        if r > best[0]:
            best = (r, chain, address)  # type: ignore[assignment]
    return best[1], best[2]


def _named_subplaces(ctx: _Ctx, lo: int, hi: int, places: list[PlaceRef]) -> dict[str, PlaceRef]:
    """Townships and communities named in the section, resolved under its county."""
    text = ctx.norm.text
    out: dict[str, PlaceRef] = {}
    county = next((p.division for p in places if p.division and p.division.level == "county"
                   and p.kind != "address"), None)
    if county is None:
        county = next((p.division.county_or_above() for p in places if p.division), None)
    children = gz.county_children(county) if county and county.level == "county" else {}
    body = text[lo:hi]
    for town, communities in children.items():
        for m in re.finditer(re.escape(town), body):
            tdiv = gz.township(county, town)  # type: ignore[arg-type]
            out.setdefault(town, PlaceRef(town, "division", tdiv, ctx.evidence(lo + m.start(), lo + m.end())))
            for c in communities:
                cm = re.search(re.escape(c), body)
                if cm:
                    out.setdefault(c, PlaceRef(c, "division", gz.community(tdiv, c),
                                               ctx.evidence(lo + cm.start(), lo + cm.end())))
    # a township inside an organisation's name: 中共桓仁满族自治县八卦城街道工作委员会
    return out


def _guided_by(ctx: _Ctx, lo: int, hi: int, places: dict[str, PlaceRef]) -> list[Relation]:
    text = ctx.norm.text
    out = []
    for m in re.finditer(r"在(?P<list>[^。,]{2,30}?)的(?:监督)?(?:指导|领导|监督)下", text[lo:hi]):
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        for item in re.split(r"[、和与及]", m.group("list")):
            p = places.get(item)
            if p is None or p.division is None:
                continue
            if p.division.level == "township":
                out.append(Relation("compound", "guidedBy", f"place/{item}/subdistrict-office", ev))
            elif p.division.level == "community":
                out.append(Relation("compound", "guidedBy", f"place/{item}/residents-committee", ev))
    return out


# --------------------------------------------------------------------------- projects

def _strip_compound_suffix(name: str) -> str:
    for suf in ("小区", "项目"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


def _aliases(text: str, lo: int, hi: int, name: str) -> list[str]:
    out: list[str] = []
    for m in re.finditer(rf"([{HAN}·]{{2,14}}?)小区", text[lo:hi]):
        cand = m.group(1)
        for k in range(len(cand) - 1):
            tail = cand[k:]
            if len(tail) >= 2 and tail in name:
                if tail != name and tail not in out:
                    out.append(tail)
                break
    return out


def _project(ctx: _Ctx, sec: ProjectSection, lex: Lexicon) -> ProjectFacts:
    from .iri import slugify

    text = ctx.norm.text
    lo, hi = sec.body_start, sec.end
    name = _strip_compound_suffix(sec.name)
    ev = ctx.evidence(*sec.name_span)
    source_name = ANNOTATION_RE.sub("", ev.quote).strip()
    aliases = _aliases(text, lo, hi, name)
    places, address = _places(ctx, sec, [name, *aliases])
    sub = _named_subplaces(ctx, sec.start, hi, places)
    orgs = _orgs(ctx, lo, hi, sub)
    relations = _guided_by(ctx, lo, hi, sub)
    for org, rel in _party_committees(ctx, lo, hi):
        # link the committee to its township when the gazetteer knows it
        for pname, pref in sub.items():
            if pname in org.label:
                org = replace(org, place=pref)
        orgs.append(org)
        if rel:
            relations.append(rel)
    media_orgs, media = _media(ctx, lo, hi)
    orgs.extend(media_orgs)
    initiatives, formulas = _initiatives(ctx, sec.start, hi, lex)
    formula_bodies = {k: f for k, f in formulas.items() if "+" in f}
    memberships = _memberships(ctx, lo, hi, formula_bodies)
    # a formula mechanism is also a coordination body when the text says who its parts are
    with_members = {mb.body for mb in memberships}
    for fact in initiatives:
        key = f"compound/formula-{fact.type.slug}"
        if key in with_members:
            orgs.append(OrgMention(key, "coordination-body", fact.type.label_zh, "compound", fact.evidence))
    keys = {o.key for o in orgs}
    memberships = [mb for mb in memberships if mb.member in keys or _ensure(mb.member, orgs, ctx, mb.evidence)]
    for e in _events(ctx, lo, hi):
        if e.subject != "compound" and e.subject not in {o.key for o in orgs}:
            t = e.subject.split("/")[-1]
            orgs.append(OrgMention(e.subject, t, {"owners-committee": "业主委员会",
                                                   "party-branch": "小区党支部"}[t], "compound", e.evidence))
    events = _events(ctx, lo, hi)
    # "社区" of a compound whose section names exactly one community is that community:
    # 社区居委会 / 社区党支部 then resolve to 新园社区居民委员会 / 新园社区党支部
    communities = [(n, p) for n, p in sub.items() if p.division and p.division.level == "community"]
    if len(communities) == 1:
        cname, cref = communities[0]
        orgs, relations, memberships = _bind_community(cname, cref, orgs, relations, memberships)
    firm = next((o for o in orgs if o.type_code == "property-service-enterprise"), None)
    if firm is not None and any(o.key == "compound/property-service-unit" for o in orgs):
        relations.append(Relation("compound/property-service-unit", "unitOf", firm.key, firm.evidence))
    loc_ev = places[0].evidence if places else None
    return ProjectFacts(
        slug=slugify(name),
        name=name,
        source_name=_strip_compound_suffix(source_name),
        number=sec.number,
        headline=sec.headline,
        province=sec.province,
        evidence=ev,
        places=tuple(places),
        address=address,
        aliases=tuple(aliases),
        orgs=tuple(orgs),
        relations=tuple(relations),
        memberships=tuple(memberships),
        initiatives=tuple(initiatives),
        observations=tuple(_observations(ctx, lo, hi)),
        events=tuple(events),
        recognitions=tuple(_recognitions(ctx, lo, hi)),
        media=tuple(media),
        headline_evidence=ctx.evidence(*sec.headline_span) if sec.headline_span else None,
        number_evidence=ctx.evidence(*sec.number_span) if sec.number_span else None,
        location_evidence=loc_ev,
    )


def _bind_community(
    name: str, place: PlaceRef, orgs: list[OrgMention], relations: list[Relation],
    memberships: list[Membership],
) -> tuple[list[OrgMention], list[Relation], list[Membership]]:
    def rekey(key: str) -> str:
        return f"place/{name}/{key.split('/', 1)[1]}" if key.startswith("community/") else key

    merged: dict[str, OrgMention] = {}
    for o in orgs:
        k = rekey(o.key)
        if k != o.key:
            suffix = o.label.removeprefix("社区")
            o = replace(o, key=k, label=name + suffix, scope=f"place:{name}", place=place,
                        aliases=(*o.aliases, o.label))
        if k in merged:
            first = merged[k]
            extra = tuple(a for a in (o.label, *o.aliases) if a != first.label and a not in first.aliases)
            merged[k] = replace(first, aliases=(*first.aliases, *extra))
        else:
            merged[k] = o
    rel = [replace(r, subject=rekey(r.subject), object=rekey(r.object)) for r in relations]
    mem = [replace(m, body=rekey(m.body), member=rekey(m.member)) for m in memberships]
    return list(merged.values()), rel, mem


def _ensure(key: str, orgs: list[OrgMention], ctx: _Ctx, ev: Evidence) -> bool:
    """Add an organisation named only as a coordination-body member."""
    labels = {
        "community/general-party-branch": ("general-party-branch", "社区党总支", "community"),
        "compound/party-branch": ("party-branch", "小区党支部", "compound"),
        "community/residents-committee": ("residents-committee", "社区居民委员会", "community"),
        "compound/property-service-unit": ("property-service-unit", "物业服务企业", "compound"),
        "compound/owners-committee": ("owners-committee", "业主委员会", "compound"),
        "local/police-station": ("police-station", "派出所", "local"),
        "local/subdistrict-office": ("subdistrict-office", "街道办事处", "local"),
    }
    if key not in labels:
        return False
    t, label, scope = labels[key]
    orgs.append(OrgMention(key, t, label, scope, ev))
    return True


# --------------------------------------------------------------------------- campaign

def _campaign(ctx: _Ctx, lo: int, hi: int) -> tuple[str | None, Evidence | None, list[OrgMention]]:
    text = ctx.norm.text
    name = None
    ev = None
    m = re.search(r"[“\"](?P<n>[^”\"]{4,30})[”\"](?:活动|行动|创建活动)", text[lo:hi])
    if m:
        name = m.group("n").replace(" ", " ").strip()
        ev = ctx.evidence(lo + m.start("n"), lo + m.end("n"))
    orgs: list[OrgMention] = []
    for pat, type_code in (
        (r"住房和城乡建设部|住建部", "government-agency"),
        (rf"[{HAN}]{{2,10}}?协会", "industry-association"),
        (r"《[^》]{2,20}》(?:杂志|期刊)?", "media-outlet"),
    ):
        for om in re.finditer(pat, text[lo:hi]):
            label = om.group(0)
            if type_code == "industry-association":
                label = re.sub(r"^.*(?:和|与|及|、)", "", label)
            s = lo + om.end() - len(label)
            key = "national/mohurd" if type_code == "government-agency" else f"named/{label}"
            if any(o.key == key for o in orgs):
                continue
            orgs.append(OrgMention(key, type_code, "住房和城乡建设部" if key == "national/mohurd" else label,
                                   "national" if key == "national/mohurd" else "named",
                                   ctx.evidence(s, lo + om.end())))
    return name, ev, orgs


# --------------------------------------------------------------------------- entry points

def extract_source(src: SourceText, lexicon: Lexicon | None = None) -> Extraction:
    """Normalise, segment and extract one source."""
    lex = lexicon or load_lexicon()
    norm = normalise(src)
    seg = segment(norm)
    ctx = _Ctx(src, norm)
    projects = [_project(ctx, sec, lex) for sec in seg.projects]
    warnings: list[str] = []
    if not projects:
        warnings.append(f"{src.path or src.doc_id}: no project sections found (expected a "
                        "number, a 'name:headline' line and 概况及亮点)")
    for a, b in norm.damaged:
        line = src.raw.count("\n", 0, a) + 1
        warnings.append(f"{src.path or src.doc_id}:{line}: damaged text at characters {a}-{b} "
                        f"({src.raw[a:b]!r}); facts overlapping it are flagged")
    name, cev, corgs = _campaign(ctx, *seg.intro)
    title = None
    first_line = norm.text.strip().split("\n", 1)[0]
    if projects and seg.intro[1] > 0:
        prov = next((p.province for p in projects if p.province), None)
        title = f"“美好家园”项目展示:{prov}" if prov else first_line[:40]
    new_types = {f.type.slug: f.type for p in projects for f in p.initiatives if f.type.discovered}
    return Extraction(
        doc_id=src.doc_id, path=src.path, raw=src.raw, encoding=src.encoding, sha256=src.sha256,
        byte_size=src.byte_size, title=title, damaged=norm.damaged, campaign_orgs=tuple(corgs),
        campaign_name=name, campaign_evidence=cev, projects=tuple(projects),
        new_types=tuple(new_types.values()), warnings=tuple(warnings),
    )


def extract(path: str) -> Extraction:
    from .normalise import read_source

    return extract_source(read_source(path))
