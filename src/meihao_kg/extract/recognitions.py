"""Recognitions (awards, titles) a project received."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meihao_kg.extract.context import Ctx
from meihao_kg.models import (
    COMPOUND,
    Recognition,
)

if TYPE_CHECKING:
    from meihao_kg.extract.gazetteer import Division

# --------------------------------------------------------------------------- recognitions

def find_recognitions(ctx: Ctx, lo: int, hi: int) -> list[Recognition]:
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
            out.append(Recognition(item, level, COMPOUND, ctx.evidence(i, i + len(item))))
    return out


# --------------------------------------------------------------------------- selections
# (news reports and lists: the national 100, 美好家园 and 红色物业 selections, other honours)

_HAN = "\u4e00-\u9fff"
# the campaign's own name is not a selection: 加强物业管理 共建美好家园 / 共建美好家园
_CAMPAIGN = re.compile(r"(?:深化共同缔造\s*)?加强物业管理[\s,、]*共建美好家园|共建美好家园|美好家园创建|创建美好家园")
_NATIONAL = re.compile(r"典型案例")
_NATIONAL_CTX = re.compile(r"住建部|住房和城乡建设部|住房城乡建设部|中央文明办|100个|一百个|加强物业管理")
_MEIHAO = re.compile(r"美好家园")
_MEIHAO_CTX = re.compile(r"名单|称号|荣誉|上榜|位列|入选|入围|获评|荣获|获得|确定|评为|命名|年度|省级|市级|区级|县级|殊荣")
_RED = re.compile(r"红色物业[”\"]?(?P<what>典范|标杆|示范(?:小区|项目|点)?|项目|样板|品牌|星级|先锋)")
_LEVEL_WORD = re.compile(r"(?P<w>国家级|全国|省级|自治区级|市级|区级|县级|街道级|全省|全市|全县)")
_LEVELS = {"国家级": "national", "全国": "national", "省级": "provincial", "自治区级": "provincial",
           "市级": "city", "区级": "district", "县级": "county", "街道级": "street", "全省": "provincial",
           "全市": "city", "全县": "county"}
BODY_NAME = re.compile(
    rf"(?P<body>[{_HAN}]{{0,14}}?(?:住房和城乡建设(?:部办公厅|部|厅|局)|住房城乡建设(?:部办公厅|部|厅|局)|"
    rf"住建(?:部办公厅|部|厅|局|委)|中央文明办(?:秘书局)?|文明办|精神文明建设指导委员会|组织部|民政(?:部|厅|局)|"
    rf"住房保障和房产管理局|房产管理局|房地产管理局|房管局|住房和城乡建设委员会|城乡建设委员会|建委))")
_BODY_TRIM = re.compile(r"^.*(?:日前|近日|近期|目前|此前|日|在|由|经|从|获评|荣获|被评为|评为|入选)(?=[^日在由经从]{2,})")
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_YEAR_OF = re.compile(r"(?P<y>(?:19|20)\d{2})年度")
_YEAR_AT = re.compile(r"(?P<y>(?:19|20)\d{2})年(?:\d{1,2}月)?(?:\d{1,2}日)?[^,。;\n]{0,4}?(?:获评|被评为|荣获|评为|获得|入选|入围|公布)")
_HONOUR = re.compile(
    r"(?:先后|曾|多次|还|同时)?(?:获评|荣获|被评为|评为|被授予|获得)(?:了)?[,]?(?P<title>[^,。;\n]{3,40}?)(?:等)?(?:荣誉称号|称号|殊荣|荣誉|奖项|表彰)?(?=[,。;\n]|$)")
_ORG_SUBJECT = re.compile(r"(?:党支部|党总支|党委|公司|集团|物业(?!服务)|业委会|居委会|中心|协会|员工|个人|同志|书记|经理)")


def _year_in(text: str, dateline: int | None) -> int | None:
    m = _YEAR_OF.search(text)
    if m:
        return int(m.group("y"))
    if dateline is not None:
        if "去年" in text:
            return dateline - 1
        if "今年" in text or "本年" in text:
            return dateline
    m = _YEAR_AT.search(text)
    if m:
        return int(m.group("y"))
    return None


def _bodies(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for m in BODY_NAME.finditer(text):
        body = m.group("body")
        start = m.start("body")
        t = _BODY_TRIM.match(body)
        if t:
            start += t.end()
            body = body[t.end():]
        if len(body) >= 2 and body not in {b for b, _ in out}:
            out.append((body, start))
    return out


def _level_of(text: str, bodies: list[str], scheme: str) -> str | None:
    if scheme == "national-typical-case":
        return "national"
    m = _LEVEL_WORD.search(text)
    if m:
        return _LEVELS[m.group("w")]
    for b in bodies:
        if b.endswith("部") or "中央" in b or "部办公厅" in b:
            return "national"
        if b.endswith("厅") or b.startswith(("省", "自治区")):
            return "provincial"
        if "区" in b[:6] and b.endswith("局") and "市" not in b[:4]:
            return "district"
        if "县" in b[:6] and b.endswith("局"):
            return "county"
        if b.endswith("局") or re.search(r"市委|市[^,]{0,6}(?:部|委)$", b):
            return "city"
    return None


@dataclass(frozen=True)
class Selection:
    """A selection statement in a span of text: the scheme, level, year, bodies, document."""

    scheme: str
    title: str
    level: str | None
    year: int | None
    bodies: tuple[str, ...]
    document: str | None
    start: int  # of the phrase naming the selection, in the normalised text
    end: int


_LEVEL_ZH = {"national": "全国", "provincial": "省级", "city": "市级", "district": "区级", "county": "县级",
             "street": "街道级"}


def _best_meihao(masked: str) -> re.Match[str] | None:
    """The mention of 美好家园 that names the selection: the one with a year, a level or a
    list word nearest to it; the later one on a tie."""
    best = None
    best_score = -1
    for m in _MEIHAO.finditer(masked):
        window = masked[max(0, m.start() - 16):m.end() + 10]
        score = len(_MEIHAO_CTX.findall(window)) + (2 if _YEAR_OF.search(window) else 0)
        if "创建标准" in window or "打造" in window:
            score -= 2
        if score >= best_score:
            best, best_score = m, score
    return best


def find_selections(ctx: Ctx, lo: int, hi: int, dateline: int | None = None,
                    context: tuple[int, int] | None = None) -> list[Selection]:
    """Selections named in ``text[lo:hi]`` (one sentence).  ``context`` (a wider span, e.g. the
    sentence that announces a list) supplies bodies, year and document when the sentence has
    none."""
    text = ctx.norm.text
    seg = text[lo:hi]
    masked = _CAMPAIGN.sub(lambda m: "＿" * len(m.group(0)), seg)
    wide = text[context[0]:context[1]] if context else seg
    bodies = [b for b, _ in _bodies(seg)] or ([b for b, _ in _bodies(wide)] if context else [])
    doc_m = DOCUMENT_NUMBER.search(seg) or (DOCUMENT_NUMBER.search(wide) if context else None)
    document = doc_m.group(0) if doc_m else None
    out: list[Selection] = []
    nat = _NATIONAL.search(masked)
    if nat and (_NATIONAL_CTX.search(seg) or _NATIONAL_CTX.search(wide)):
        out.append(Selection("national-typical-case", "“加强物业管理 共建美好家园”典型案例", "national", 2022,
                             tuple(bodies), document, lo + nat.start(), lo + nat.end()))
    mh = _best_meihao(masked)
    if mh and not nat and (_MEIHAO_CTX.search(masked)):
        local = masked[max(0, mh.start() - 16):mh.end() + 10]
        level = _level_of(local, [], "meihao-jiayuan") or _level_of(masked, bodies, "meihao-jiayuan")
        if level is None:
            # 2021年度广西“美好家园”: a province's name before the title
            from meihao_kg.extract import gazetteer as gz

            before = masked[max(0, mh.start() - 8):mh.start()]
            for full, alias in gz.provinces():
                if full in before or alias in before:
                    level = "provincial"
                    break
            else:  # 2023年度武汉市“美好家园”: a city's or district's name before the title
                level = _place_level(masked[max(0, mh.start() - 16):mh.start()], r"(?:\d{4}年度?)?[“\"]?")
        year = _year_in(local, dateline) or _year_in(masked, dateline)
        if year is None and context:
            year = _year_in(wide, dateline)
        title = f"{_LEVEL_ZH.get(level or '', '')}“美好家园”" + (f"({year}年度)" if year else "")
        out.append(Selection("meihao-jiayuan", title, level, year, tuple(bodies), document,
                             lo + mh.start(), lo + mh.end()))
    for red in _RED.finditer(masked):
        before = masked[max(0, red.start() - 12):red.start()]
        lm = _LEVEL_WORD.search(before)
        level = _LEVELS[lm.group("w")] if lm else None
        if level is None:
            level = _place_level(before, r"[“\"]?")
        window = masked[max(0, red.start() - 24):red.end()]
        ym_red = None
        for ym_red in re.finditer(r"(?P<y>(?:19|20)\d{2})年", window):  # noqa: B007 (the last year)
            pass
        # the bodies of the sentence conferred the recognition of their own level
        own = tuple(b for b in bodies if _level_of("", [b], "red-property") == level) if level else ()
        title = f"{_LEVEL_ZH.get(level or '', '')}“红色物业”{red.group('what')}"
        out.append(Selection("red-property", title, level, int(ym_red.group("y")) if ym_red else None,
                             own, None, lo + red.start(), lo + red.end()))
    return out


def _division_level(d: Division) -> str:
    """The level a division confers at: provincial, city, district or county."""
    if d.level == "province":
        return "provincial"
    if d.level == "prefecture":
        return "city"
    return "district" if d.name.endswith("区") else "county"


def _place_level(before: str, tail: str) -> str | None:
    """The level of the city, district or county named at the end of ``before`` (followed
    only by what ``tail``, a pattern, allows): 武汉市 → city."""
    from meihao_kg.extract import gazetteer as gz

    m = re.search(rf"[{_HAN}]{{2,8}}(?:市|区|县)(?={tail}$)", before)
    if m is None:
        return None
    word = m.group(0)
    d = next((x for x in (gz.division_named(word[k:]) for k in range(len(word) - 2)) if x is not None), None)
    return None if d is None else _division_level(d)


def find_honours(ctx: Ctx, lo: int, hi: int, dateline: int | None = None) -> list[Selection]:
    """Other honours the compound itself received (获评…, 被评为…): scheme ``other``.  An
    honour whose clause has an organisation as its subject (…党支部荣获…) is not the
    compound's."""
    text = ctx.norm.text
    out: list[Selection] = []
    for m in _HONOUR.finditer(text, lo, hi):
        title = m.group("title").strip("“”\"")
        if _MEIHAO.search(title) or _NATIONAL.search(title) or "红色物业" in title:
            continue  # a selection, found by find_selections
        clause_start = max(text.rfind(c, lo, m.start()) for c in "。;!?\n") + 1
        clause_start = max(clause_start, lo)
        subject = text[clause_start:m.start()]
        if _ORG_SUBJECT.search(subject):
            continue
        if len(title) < 3 or re.fullmatch(r"[\d一二三四五六七八九十]+.*", title) or title.startswith(
                ("小区", "本", "该", "其")) or "珍惜" in title:
            continue
        lm = re.match(r"(?P<p>[\u4e00-\u9fff]{0,6}?)(?P<w>国家级|全国|省级|市级|区级|县级|街道级)", title)
        level = _LEVELS[lm.group("w")] if lm else None
        if level is None:
            from meihao_kg.extract import gazetteer as gz

            cm = re.match(rf"([{_HAN}]{{2,6}}?)(省|市|区|县)", title)
            d = gz.division_named(cm.group(0)) if cm else None
            if d is not None:
                level = _division_level(d)
            elif "园区" in subject + title:
                level = "district"
        window = text[max(lo, m.start() - 12):m.end()]
        ym = _YEAR_AT.search(window) or _YEAR_OF.search(window)
        year = int(ym.group("y")) if ym else None
        s = m.start("title") + (1 if text[m.start("title")] in "“\"" else 0)
        out.append(Selection("other", title, level, year, (), None, s, s + len(title)))
    return out


def to_recognition(ctx: Ctx, sel: Selection, clause: tuple[int, int] | None = None) -> Recognition:
    """A selection as a compound's recognition; the evidence is the clause naming it."""
    a, b = clause if clause else ctx.clause(sel.start, sel.end)
    return Recognition(sel.title, None, COMPOUND, ctx.evidence(a, b), scheme=sel.scheme,
                       selection_level=sel.level, year=sel.year, bodies=sel.bodies, document=sel.document)
