"""Dated events: a date bound to the event of its own clause (founded, delivered...)."""

from __future__ import annotations

import re

from meihao_kg.extract.context import Ctx
from meihao_kg.models import (
    COMPOUND,
    DatedEvent,
    OrgKey,
)
from meihao_kg.text.numbers import DATE_RE, parse_date

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
    (re.compile(r"(?:建成交付|建成|竣工|交付使用|交付|始建|建)(?:于|在)$"), "completion"),
    (re.compile(r"(?:首次入伙|首批入住|入伙)(?:于|在)$"), "first-occupancy"),
]
# a date opening a sentence, with the founding later in it: "2019年3月,在社区指导下,小区依法成立业主委员会"
_EVENT_LATER = [
    (re.compile(r"^[^。;!?\n]{0,40}?(?:依法|正式)?成立(?:了)?(?:小区)?(?:业主委员会|业委会)"), "owners-committee-founded"),
    (re.compile(r"^[^。;!?\n]{0,40}?(?:正式)?成立(?:了)?(?:小区)?(?:党支部|党总支)"), "party-branch-founded"),
]


_EVENT_SUBJECT = {"owners-committee-founded": OrgKey.of_compound("owners-committee"),
                  "party-branch-founded": OrgKey.of_compound("party-branch"),
                  "first-owners-assembly": OrgKey.of_compound("owners-assembly")}


# events later in a date's scope (up to the next date or the sentence end): several may follow
# one date — "2016年3月,召开首次业主大会,选举产生业主委员会"
_NOT_FIRST = r"(?<!新一届)(?<!换届)(?<!新一任)"
_SCOPE_EVENTS: list[tuple[str, re.Pattern[str], OrgKey]] = [
    ("first-owners-assembly", re.compile(
        r"(?:召开|举行|成立)(?:了)?(?:小区)?(?:首次|第一次|首届|第一届)?业主大会(?:首次会议|第一次会议)?"
        r"|(?:首次|第一次|首届)业主大会(?:召开|举行)"), OrgKey.of_compound("owners-assembly")),
    ("owners-committee-founded", re.compile(
        r"(?:成立|选举产生|选举成立|组建|选出|产生|选举)(?:了)?(?:首届|第一届)?(?:小区)?" + _NOT_FIRST
        + r"(?:业主委员会|业委会)(?!换届|改选)|(?<!新一届)(?:业主委员会|业委会)(?:正式|依法)?(?:成立|组建|选举产生)"),
     OrgKey.of_compound("owners-committee")),
    ("party-branch-founded", re.compile(
        r"成立(?:了)?(?:小区)?(?:功能型|联合)?(?:党支部|党总支)|(?:小区)?(?:党支部|党总支)(?:正式)?(?:成立|组建)"),
     OrgKey.of_compound("party-branch")),
    ("organisation-founded", re.compile(
        r"(?:成立|组建|设立)(?:了)?(?:小区)?(?:物业管理委员会|物管会|业主自管会|自管会|[^,。;]{0,8}?志愿服务队"
        r"|协商议事委员会|议事会)"), COMPOUND),
    ("renovation-started", re.compile(
        r"(?:启动|开始|实施|开展|进行|开工)(?:了)?[^,。;]{0,10}?(?:改造|整治)"
        r"|(?:改造|整治)(?:工程|项目)?(?:正式)?(?:启动|开工|开始)"), COMPOUND),
    ("renovation-completed", re.compile(
        r"(?:改造|整治|改建|更新|加装)(?:工程|项目)?(?:全面|顺利|全部|已)?(?:完成|完工|竣工)"
        r"|完成(?:了)?[^,。;]{0,10}?(?:改造|整治)"), COMPOUND),
    ("property-service-started", re.compile(
        r"(?:物业(?:公司|服务企业|企业)|公司)(?:正式)?(?:进驻|入驻|接管|承接)|(?:进驻|入驻|接管)(?:了)?(?:该|本)?小区"),
     COMPOUND),
    ("recognition-received", re.compile(
        r"(?:荣获|获评|被评为|评为|入选|获得[^,。;]{0,16}?(?:称号|荣誉|表彰|奖|示范|先进))"), COMPOUND),
    ("initiative-started", re.compile(
        r"(?:推行|推出|实行|建立|创建|创立|启动|引入|试行|探索|设立|打造|开设|推广)(?:了)?[^,。;]{0,16}?"
        r"(?:机制|制度|模式|工作法|议事厅|积分制|积分超市|平台|服务站|服务队)"), COMPOUND),
]
_FOUNDED_AFTER = re.compile(r"(?:正式|依法)?(?:成立|组建|产生|建立)")
_SUBJECT_BEFORE = re.compile(
    r"(?P<who>业主委员会|业委会|党支部|党总支|业主大会)(?:正式|依法)?(?:于|在)?$")
_SUBJECT_EVENT = {"业主委员会": "owners-committee-founded", "业委会": "owners-committee-founded",
                  "党支部": "party-branch-founded", "党总支": "party-branch-founded",
                  "业主大会": "first-owners-assembly"}
_WORK_AFTER = re.compile(r"(?:底|初|中|份)?[^,。;]{0,3}?(?P<w>竣工|完工|开工|动工|启动|全部完成|完成)")
_SCOPE_NEG = re.compile(r"(?:未|没有|尚未|并未|无)$")
_ORG_FOUNDED = (("物业管理委员会", OrgKey.of_compound("property-management-committee")),
                ("物管会", OrgKey.of_compound("property-management-committee")),
                ("自管会", OrgKey.of_compound("owners-self-management-committee")))
# a relative year: "次年" is the year after the last date given
_RELATIVE = re.compile(r"(?P<rel>次年|翌年|第二年|同年|当年)(?:(?P<m>\d{1,2})月)?")
_RENOVATION = re.compile(r"改造|整治|改建|更新|加装|翻新|修缮")


def _dates(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, iso) of every date in ``[lo, hi)``, relative years resolved."""
    out: list[tuple[int, int, str]] = []
    for m in DATE_RE.finditer(text, lo, hi):
        out.append((m.start(), m.end(), parse_date(m)[0]))
    for m in _RELATIVE.finditer(text, lo, hi):
        prev = [d for d in out if d[1] <= m.start()]
        if prev:
            year = int(max(prev)[2][:4]) + (0 if m.group("rel") in ("同年", "当年") else 1)
            month = m.group("m")
            iso = f"{year}-{int(month):02d}" if month and 1 <= int(month) <= 12 else str(year)
            out.append((m.start(), m.end(), iso))
    return sorted(out)


def find_events(ctx: Ctx, lo: int, hi: int) -> list[DatedEvent]:
    text = ctx.norm.text
    out: list[DatedEvent] = []
    dates = _dates(text, lo, hi)
    for k, (ds, de, iso) in enumerate(dates):
        after = text[de: min(hi, de + 16)]
        kind = None
        for pat, kd in _EVENT_AFTER:
            if pat.search(after):
                kind = kd
                break
        if kind is None:
            before = text[max(lo, ds - 12): ds]
            for pat, kd in _EVENT_BEFORE:
                if pat.search(before):
                    kind = kd
                    break
        if kind is None and _FOUNDED_AFTER.match(after):
            # the body named before the date: "小区党支部于2018年成立", "业委会在2017年组建"
            sm = _SUBJECT_BEFORE.search(text, max(lo, ds - 16), ds)
            if sm:
                kind = _SUBJECT_EVENT[sm.group("who")]
        if kind in ("completion", None):
            # 竣工/完工/开工 of works the sentence is about: the renovation, not the compound
            sent_start = max([lo] + [i + 1 for i in (text.rfind(c, lo, ds) for c in "。;!?\n") if i >= 0])
            work = _WORK_AFTER.match(text, de, min(hi, de + 10))
            if work and _RENOVATION.search(text, sent_start, de + 10):
                kind = "renovation-started" if work.group("w") in ("开工", "动工", "启动") else "renovation-completed"
        kinds: set[str] = set()
        if kind is not None:
            kinds.add(kind)
            out.append(DatedEvent(kind, iso, _EVENT_SUBJECT.get(kind, COMPOUND),
                                  ctx.clause_evidence(ds, de, lo, hi)))
        # the date's scope: to the next date or the end of the sentence
        end = dates[k + 1][0] if k + 1 < len(dates) else hi
        sent = re.search(r"[。;!?\n]", text[de:end])
        end = min(end, de + sent.start() if sent else end, de + 80)
        taken: list[tuple[int, int]] = []
        for kd, pat, subject in _SCOPE_EVENTS:
            if kd in kinds:
                continue
            for hit in pat.finditer(text, de, end):
                if any(a < hit.end() and hit.start() < b for a, b in taken):
                    continue
                if _SCOPE_NEG.search(text, max(lo, hit.start() - 3), hit.start()):
                    continue
                if kd == "initiative-started" and kinds:
                    continue  # one event per date when the clause also founds a body
                if kd == "renovation-completed" and "renovation-started" in kinds:
                    continue  # "启动改造…完成管网更新": the works of the start, not their end
                if kd == "organisation-founded":
                    subject = next((key for word, key in _ORG_FOUNDED if word in hit.group(0)), COMPOUND)
                kinds.add(kd)
                taken.append((hit.start(), hit.end()))
                out.append(DatedEvent(kd, iso, subject, ctx.evidence(ds, hit.end())))
                break
    return out
