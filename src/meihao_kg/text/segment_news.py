"""Stage 2 for news reports and lists: normalised text → compounds named and the sentences
about each.

Input: :class:`~meihao_kg.normalise.NormalisedText` of a text that is not a series
instalment.  Output: :class:`ReportSegmentation`, offsets into the *tidied* normalised text
(:func:`tidy_report`), which keeps the offset map to the raw text exact.

What a real report looks like, and what is done about it:

* **spurious spaces** inside words (``物业 费``, ``省住建 厅``): a space between two Han
  characters is deleted when a word of the tool's vocabulary spans it; any other space
  between Han characters (or after a full stop) is where the mirror collapsed a paragraph
  break, and becomes a line break;
* **one phrase per line** (WeChat style): a line break after a line that does not end a
  sentence becomes a comma;
* **site chrome** (登录, 评论, 相关阅读, 扫一扫, upload metadata…): whole lines recognised as
  chrome are left out of every sentence;
* **truncated endings**: the last sentence may stop mid-word; nothing is completed.

All three edits delete a character or replace one character by one character, the two
operations the offset map allows (see :mod:`meihao_kg.normalise`), so evidence quotes stay
exact.

Compounds are named as ``XX小区`` (the left edge found by trimming verbs, particles, places
and organisation names off the run of characters before 小区), as ``XX花园/家园/苑/府…``
when that name recurs or is placed, or as items of an enumerated list (``A、B、C…10个住宅
小区``).  Generic phrases (老旧小区, 高端小区, “三零小区”, 美好家园小区, 87个小区) are not
compounds.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field, replace
from functools import lru_cache

from meihao_kg.text.normalise import NormalisedText

__all__ = [
    "CompoundMention",
    "ReportCompound",
    "ReportSegmentation",
    "Sentence",
    "chrome_lines",
    "find_mentions",
    "segment_report",
    "tidy_report",
]

HAN = "\u4e00-\u9fff"
_HAN_CH = re.compile(f"[{HAN}]")
SENT_END = "。!?;\n"

# --------------------------------------------------------------------------- tidying

# words of the domain that mirrors split with a space (the extractors' keywords are added)
_BASE_WORDS = (
    "物业", "物业费", "物业服务", "物业管理", "维修基金", "维修资金", "住建厅", "住建局", "住建部",
    "业主", "业委会", "委员会", "居委会", "党支部", "党总支", "党委", "社区", "街道", "小区",
    "满意度", "收费率", "收缴率", "入住率", "覆盖率", "服务", "管理", "治理", "建设", "基金",
    "红色", "党建", "党员", "志愿", "活动", "公司", "企业", "行业", "平方米", "万平方米", "总户数",
    "户数", "人口", "老人", "居民", "文明", "美好家园", "典型案例", "愿景", "环境", "安全",
    "管理共建", "物业管理共建美好家园",
)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words = set(_BASE_WORDS)
    try:
        from meihao_kg.extract.lexicon import load_lexicon

        for form, _type in load_lexicon().forms:
            if 2 <= len(form) <= 8 and _HAN_CH.match(form):
                words.add(form)
    except Exception:  # noqa: BLE001 - the base words are enough
        pass
    return frozenset(w for w in words if len(w) >= 2)


def _spans_word(text: str, i: int) -> bool:
    """True when a vocabulary word reads across the space at ``text[i]``."""
    left = text[max(0, i - 5):i]
    right = text[i + 1:i + 6]
    joined = left + right
    cut = len(left)
    for w in _vocabulary():
        k = joined.find(w)
        while k != -1:
            if k < cut < k + len(w):
                return True
            k = joined.find(w, k + 1)
    return False


_CHROME_LINE = re.compile(
    r"^(?:登录|注册|登录注册|评论|网友评论|发表评论|相关阅读|相关新闻|相关推荐|推荐阅读|热门推荐|大家都在看|"
    r"扫一扫|分享|分享到|收藏|点赞|打印|关闭|返回|返回顶部|Top|TOP|上一篇.*|下一篇.*|下载.{0,12}APP|"
    r"体验更多精彩|责任编辑.{0,12}|【?编辑[::].{0,12}】?|来源地址[::].*|来源[::].{0,30}|"
    r"上传人[::].*|下载\s*相关\s*举报|第\d+页\s*/\s*共\d+页|.{0,40}_第\d+页|资源描述|"
    r"亲,该文档.*|.{0,40}请在.{0,10}上搜索。?|栏目[::].{0,40}|.{0,30}主管|.{0,30}主办|"
    r"[•·\s]*·.{0,20}|社区版.{0,20}|[A-Z]\d+物业|[•·]\s*.{0,60}|首页\s*>.*|发布时间[::].*|分享到[::].*|"
    r"字号[::].*|【评论】.*|【打印本页】.*|网友评论.*|.*\|\s*注册.*)\s*$"
)


def chrome_lines(text: str) -> list[tuple[int, int]]:
    """Spans of whole lines that are site chrome, not text."""
    out = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and _CHROME_LINE.match(stripped):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


# a line ending in one of these does not end a phrase (公布了 / 被评为 / 也将)
_OPEN_END = frozenset("了为评在的将和与及是被把对向从于获")


def _phrase_per_line(lines: list[str]) -> bool:
    """WeChat style: most non-empty lines are short phrases without a sentence end."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if len(body) < 6:
        return False
    short = sum(1 for ln in body if len(ln) <= 24 and ln[-1] not in "。!?;:”\"")
    return short >= 0.6 * len(body)


def tidy_report(norm: NormalisedText) -> NormalisedText:
    """The normalised text of a report with spurious spaces, phrase-per-line breaks and
    collapsed paragraph breaks repaired (deletions and 1:1 replacements only)."""
    text = norm.text
    keep: list[int] = []
    out: list[str] = []
    lines = text.split("\n")
    per_line = _phrase_per_line(lines)
    n = len(text)
    # lines long enough to be paragraphs the mirror collapsed into one (a table row or a
    # heading keeps its spaces)
    long_line: list[bool] = []
    for ln in lines:
        long_line.extend([len(ln) >= 80] * (len(ln) + 1))
    for i, ch in enumerate(text):
        if ch == " ":
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if prev and nxt and _HAN_CH.match(prev) and _HAN_CH.match(nxt):
                if _spans_word(text, i):
                    continue  # 物业 费 → 物业费
                if long_line[i]:
                    out.append("\n")  # a paragraph break the mirror turned into a space
                    keep.append(i)
                    continue
            if long_line[i] and prev in "。!?" and nxt and nxt not in " \t\n" and _HAN_CH.match(nxt):
                out.append("\n")
                keep.append(i)
                continue
        elif ch == "\n" and per_line:
            k = i - 1
            while k >= 0 and text[k] in " \t":
                k -= 1
            m = i + 1
            while m < n and text[m] in " \t":
                m += 1
            this_line = text[text.rfind("\n", 0, i) + 1:i]
            next_line = text[m:text.find("\n", m) if "\n" in text[m:] else n]
            if _ROW_NUM.match(this_line) or _ROW_NUM.match(next_line) or "\t" in this_line + next_line \
                    or "  " in this_line.strip() + next_line.strip():
                pass  # rows of a numbered list or a table keep their line breaks
            elif k >= 0 and m < n and text[k] not in "\n。!?;:" and text[m] != "\n" \
                    and (_HAN_CH.match(text[k]) or text[k] in "”\")") and not _CHROME_LINE.match(
                        text[m:text.find("\n", m) if "\n" in text[m:] else n].strip()):
                if text[k] in _OPEN_END:
                    continue  # 公布了 / 2023年度: the phrase goes on, the break goes
                out.append(",")
                keep.append(i)
                continue
        out.append(ch)
        keep.append(i)
    if len(keep) == n and "".join(out) == text:
        return norm
    starts = array("l", (norm.starts[i] for i in keep))
    wide = {j: norm.wide[i] for j, i in enumerate(keep) if i in norm.wide}
    return replace(norm, text="".join(out), starts=starts, wide=wide)


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    chrome: bool = False


def sentences(text: str, chrome: list[tuple[int, int]]) -> list[Sentence]:
    out: list[Sentence] = []
    para = 0
    a = 0
    for i, ch in enumerate(text + "\n"):
        if ch in SENT_END:
            b = i + (0 if ch == "\n" else 1)
            s, e = a, b
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                is_chrome = any(c0 <= s and e <= c1 for c0, c1 in chrome)
                out.append(Sentence(s, e, para, is_chrome))
            if ch == "\n":
                para += 1
            a = i + 1
    return out


# --------------------------------------------------------------------------- compound names

# the run before 小区 is cut after the last of these (longest first)
_BOUNDARY_WORDS = sorted((
    "的", "在", "于", "到", "是", "为", "对", "将", "了", "把", "由", "从", "向", "让", "给", "等", "进",
    "和", "与", "及", "同", "跟", "并", "即", "就", "均", "也", "都", "还", "以", "被", "使", "其",
    "来到", "走进", "位于", "坐落", "地处", "打造", "启动", "参观", "服务", "成立", "建设", "获评", "入选",
    "包括", "确定", "公布", "其中", "如今", "这个", "该", "本", "此", "各", "每个", "整个", "作为",
    "成为", "评为", "荣获", "获得", "入围", "名列", "位列", "推荐", "走访", "调研", "考察", "视察",
    "辖区", "属于", "隶属", "所在", "全市", "全省", "全区", "全县", "全国", "我市", "我省", "我区",
    "一个", "多个", "这些", "那些", "其他", "所有", "涉及", "针对", "围绕", "通过", "经过", "实现",
    "开展", "组织", "指导", "帮助", "协助", "带领", "推动", "推进", "加强", "深化", "创建", "创成",
    "日前", "近日", "近期", "目前", "记者", "介绍", "表示", "来自", "居住", "生活", "入住", "住在",
), key=len, reverse=True)
# single characters cut only when they are not the first character of the run
_PARTICLES = frozenset("的在到是为对将了把由从向让给等进被该本此各")
# words that start with a particle: not cut there (和平里小区, 和谐家园)
_PARTICLE_WORDS = frozenset(("和平", "和谐", "和美", "和睦", "和顺", "和悦", "和园", "和府", "和苑", "和家",
                             "和光", "和风", "和信", "和泰", "和庭", "与城", "在水", "同德", "同心", "同乐",
                             "同济", "同安", "同和", "向阳", "向荣", "于洪", "各庄", "本溪", "由义"))
# a run ending in a verb is a clause, not a name (成立小区自管会, 参与小区治理)
_VERB_END = re.compile(
    r"(?:参与|配合|决策|确保|促进|成立|进|入|为|到|在|于|管理|治理|服务|建设|监督|推动|推进|加强|实现|开展|"
    r"提升|打造|覆盖|进驻|深入|成为|共建|共治|共享|联动|联系|包保|帮扶|对接|发展|走访|看望|慰问|创建|"
    r"组织|引导|带动|指导|落实|解决|改造|整治|美化|做好|保障|维护|参加|举办|开放|宣传|回到|返回|离开|"
    r"居住|生活|入住|选举|公示|投票|召开|完成|推广|复制|完善|规范|提高|增加|减少|进行|实施|继续|所有)$")

# stems that describe a compound rather than name it
_GENERIC_START = (
    "老旧", "高龄", "三零", "双零", "住宅", "商品房", "商品", "高档", "高端", "典型", "示范", "美好", "红色",
    "和谐", "健康", "文明", "平安", "智慧", "绿色", "无物业", "开放式", "封闭式", "全市",
    "全省", "全区", "全国", "这个", "其他", "所有", "多个", "辖区", "获评", "推荐", "创建", "入选", "星级",
    "新建", "新小区", "老小区", "老城区", "更多", "这", "那", "参评", "申报", "候选", "获奖", "上述", "以上",
    "下列", "部分", "一批", "首批", "若干", "其余", "全部", "各个",
    "样板", "标杆", "各", "整个", "涉及", "相关", "一个", "单个", "周边", "附近", "城市", "农村", "城中村",
    "保障房", "安置", "回迁", "幸福", "宜居宜业", "先进", "优秀", "五星", "四星", "三星", "精品", "品质",
    "模范", "特色", "该", "本", "此", "我们", "我", "你", "他", "她", "整个", "重点", "试点", "达标", "合格",
    "物业", "业主", "居民", "党建", "共建", "共治", "自治", "治理", "服务", "管理", "小区",
)
_GENERIC_ANY = ("获评", "推荐", "入选", "评选", "创建", "美好家园", "红色物业", "典型案例", "示范", "标准",
                "参考", "名单", "称号", "物业服务", "物业管理", "住宅", "这些", "等", "商品房", "新建", "老旧",
                "既有", "参评", "申报")
_ORG_END = re.compile(r"(?:物业|集团|公司|分公司|服务中心|管理处|办事处|居委会|党委|党支部|党总支|业委会|项目部)")
_PLACE_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|街道|社区|省|市|区|县|镇|乡|村)")
_PLACED_BEFORE = re.compile(r"(?:省|市|区|县|街道|镇|乡|社区|村)(?:辖区)?的$")
_BARE_SUFFIX = re.compile(r"(?:花园|家园|嘉园|佳园|雅苑|名苑|华庭|苑|府|庭|邸|湾|新村|山庄|公馆|公寓)$")
_DIGITS = re.compile(r"[0-9一二三四五六七八九十百千万两]+个")


@dataclass(frozen=True)
class PlacePrefix:
    """A place written right before a compound's name (河北省秦皇岛市海港区…)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class CompoundMention:
    name: str  # the stem, without 小区
    start: int  # of the stem
    end: int  # of the stem (小区, when written, follows)
    suffixed: bool  # written with 小区
    prefix: PlacePrefix | None = None
    listed: bool = False  # an item of an enumerated list
    group: int | None = None  # enumeration the mention belongs to (same sentence, 、/和)
    long_form: str | None = None  # the name with its place prefix (孝感碧桂园城市之光)
    inherited: bool = False  # the prefix is the previous item's of the same enumeration


def _quoted(text: str, pos: int, lo: int) -> bool:
    """Inside “…” (or ‘…’) opened after ``lo``."""
    seg = text[lo:pos]
    return seg.count("“") > seg.count("”") or seg.count("‘") > seg.count("’") or seg.count('"') % 2 == 1


def _trim_left(run: str) -> tuple[int, str | None]:
    """Where the name starts inside ``run``; and the organisation-prefixed long form."""
    cut = 0
    for i in range(len(run) - 1, 0, -1):  # the last boundary word that leaves ≥2 characters
        if len(run) - i < 2:
            continue
        hit = False
        for w in _BOUNDARY_WORDS:
            if len(w) == 1 and (w not in _PARTICLES or run[i - 1:i + 1] in _PARTICLE_WORDS):
                continue
            if i - len(w) >= 0 and run[i - len(w):i] == w:
                hit = True
                break
        if hit:
            cut = i
            break
    m = None
    for m in _ORG_END.finditer(run, cut):  # noqa: B007 (the last match)
        pass
    if m is not None and m.end() <= len(run) - 2 and m.start() > cut:
        cut = m.end()  # 通和物业易居天福小区: the firm's name is not the compound's
    return cut, None


def _strip_places(stem: str, province: str | None, city_hint: str | None, min_rest: int = 3) -> tuple[int, str]:
    """Length of the place names at the head of ``stem`` (河北省秦皇岛市海港区, 孝感) and
    the rest."""
    from meihao_kg.extract import gazetteer as gz

    pos = 0
    while True:
        rest = stem[pos:]
        took = 0
        for m in _PLACE_SUFFIX.finditer(rest[:12]):
            tok = rest[:m.end()]
            if len(tok) < 2 or len(rest) - len(tok) < 2:
                continue
            if tok.endswith(("街道", "镇", "乡", "社区", "村")):
                if len(tok) >= 3 and (pos > 0 or tok.endswith(("街道", "社区")) and len(rest) - len(tok) >= 3):
                    took = len(tok)
            elif gz.division_named(tok) is not None or tok in _province_forms():
                took = len(tok)
            elif pos > 0 and tok.endswith(("区", "县", "市")):
                # 沈阳市和平区: a district name several cities have, inside the city just read
                d, _rest = gz.parse_address(stem[:pos + len(tok)])
                if d is not None and d.name == tok:
                    took = len(tok)
            if took:
                break
        if not took and city_hint:
            # a short form of a division under the text's city (孝感碧桂园…, 汉川世纪新城)
            for k in (3, 2):
                head = rest[:k]
                d = gz.division_named(head)
                if d is not None and len(rest) - k >= min_rest and (
                        d.name == city_hint or d.parent is not None and d.parent.name == city_hint):
                    took = k
                    break
        if not took:
            return pos, stem[pos:]
        pos += took


@lru_cache(maxsize=1)
def _province_forms() -> dict[str, str]:
    from meihao_kg.extract import gazetteer as gz

    out = {}
    for full, alias in gz.provinces():
        out[full] = full
        out[alias] = full
    return out


def _generic(stem: str) -> bool:
    if len(stem) < 2 or _DIGITS.search(stem) or re.search(r"\d", stem):
        return True
    if not _HAN_CH.match(stem):
        return True
    if stem.startswith(_GENERIC_START) or any(g in stem for g in _GENERIC_ANY):
        return True
    if stem.endswith(("的", "了", "个", "些", "等")) or _VERB_END.search(stem):
        return True
    return stem in _province_forms()


_LIST_COUNT = re.compile(r"(?:等)?(?P<n>[0-9]{1,4}|[一二三四五六七八九十百两]{1,4})个(?:住宅|居民|物业)?(?:小区|项目)")
_ITEM = rf"[{HAN}·0-9A-Za-z()]{{2,16}}"


def _list_mentions(text: str, city_hint: str | None, province: str | None) -> list[CompoundMention]:
    """Items of ``A、B、C…N个住宅小区``: names even without a suffix."""
    from meihao_kg.text.numbers import parse_number

    out: list[CompoundMention] = []
    for m in _LIST_COUNT.finditer(text):
        a = m.start()
        # the run of 、-separated items ending at the count
        line_start = max(text.rfind(c, 0, a) for c in ",。;:!?\n(") + 1
        seg = text[line_start:a]
        items = re.split(r"、|和|及|与", seg)
        if len(items) < 3 or "、" not in seg:
            continue
        try:
            n = int(parse_number(m.group("n")))
        except ValueError:
            continue
        if not m.group(0).startswith("等") and n != len(items):
            continue
        pos = line_start
        group = a
        found: list[CompoundMention] = []
        for k, item in enumerate(items):
            s = text.find(item, pos)
            e = s + len(item)
            pos = e
            if k == 0:
                cut, _ = _trim_left(item)
                s += cut
                item = item[cut:]
            stem = item.removesuffix("小区")
            took, rest = _strip_places(stem, province, city_hint, min_rest=2)
            if not re.fullmatch(_ITEM, rest) or _generic(rest) and not rest.endswith(("花园", "家园")):
                found = []
                break
            prefix = PlacePrefix(stem[:took], s, s + took) if took else None
            found.append(CompoundMention(rest, s + took, s + took + len(rest), stem != item, prefix,
                                         listed=True, group=group, long_form=stem if took else None))
        out.extend(found)
    return out


_ROW_NUM = re.compile(r"^(?P<lead>\s*)(?P<num>\d{1,3})(?:[.、．)]\s*|\t+|\s+)(?P<rest>\S.*?)\s*$")
_CELL_SPLIT = re.compile(r"\t+|\s{2,}|\s")
_HEADER_NAME = re.compile(r"^(?:小区名称|小区|名称|项目名称|住宅小区)$")
_PLACE_CELL = re.compile(rf"^[{HAN}]{{2,12}}(?<!小)(?:省|市|区|县|街道|镇|乡|社区|村|开发区|园区|新区)$")
_FIRM_CELL = re.compile(r"(?:公司|物业|自管|集团|中心)$")


def _cells(line: str, start: int) -> list[tuple[str, int]]:
    out = []
    pos = 0
    for part in _CELL_SPLIT.split(line):
        k = line.find(part, pos) if part else -1
        if part:
            out.append((part, start + k))
            pos = k + len(part)
    return out


def _row_mentions(text: str) -> list[CompoundMention]:
    """Rows of a numbered list or a table (``1. 长沙市岳麓区 麓山枫林苑``,
    ``1<TAB>历下区<TAB>千佛山街道<TAB>佛山雅苑<TAB>…公司``): the name cell is a compound, the
    place cells before it its place.  Three rows at least."""
    lines: list[tuple[str, int]] = []
    pos = 0
    for ln in text.split("\n"):
        lines.append((ln, pos))
        pos += len(ln) + 1
    name_col: int | None = None
    rows: list[tuple[int, list[tuple[str, int]]]] = []
    for ln, start in lines:
        cells = _cells(ln, start)
        if len(cells) >= 3 and any(_HEADER_NAME.match(c) for c, _ in cells) and not _ROW_NUM.match(ln):
            name_col = next(i for i, (c, _) in enumerate(cells) if _HEADER_NAME.match(c))
            continue
        m = _ROW_NUM.match(ln)
        if m is None:
            continue
        rows.append((start, cells))
    if len(rows) < 3:
        return []
    out: list[CompoundMention] = []
    for _start, cells in rows:
        body = cells[1:]  # the number is the first cell
        idx: int | None = None
        if name_col is not None and 0 < name_col < len(cells):
            idx = name_col - 1
        else:
            cands = [i for i, (c, _) in enumerate(body) if not _PLACE_CELL.match(c) and not _FIRM_CELL.search(c)
                     and re.fullmatch(rf"[{HAN}·0-9()]{{2,20}}", c)]
            idx = cands[0] if cands else None
        if idx is None or idx >= len(body):
            continue
        cell, at = body[idx]
        name = cell.removesuffix("小区") if len(cell) > 4 and cell.endswith("小区") else cell
        if not re.fullmatch(rf"[{HAN}·0-9()]{{2,20}}", name) or _generic(name):
            continue
        places = [(c, a) for c, a in body[:idx] if _PLACE_CELL.match(c)]
        prefix = None
        if places:
            joined = "".join(c for c, _ in places)
            prefix = PlacePrefix(joined, places[0][1], places[-1][1] + len(places[-1][0]))
        out.append(CompoundMention(name, at, at + len(name), cell != name, prefix, listed=True, group=rows[0][0]))
    return out


def _block_mentions(text: str) -> list[CompoundMention]:
    """WeChat blocks, one per compound: 宁海路街道 / 山西路社区 / 颐和雅苑 (lines the tidying
    joined with commas): the place lines, then the name.  Two blocks at least."""
    found: list[CompoundMention] = []
    pos = 0
    for ln in text.split("\n"):
        start = pos
        pos += len(ln) + 1
        parts = ln.strip().split(",")
        if len(parts) < 2 or not all(re.fullmatch(rf"[{HAN}]{{2,16}}", x) for x in parts):
            continue
        places, name = parts[:-1], parts[-1]
        if not all(_PLACE_CELL.match(x) for x in places) or _PLACE_CELL.match(name) or _generic(name):
            continue
        a = start + ln.find(name, len(",".join(places)))
        stem = name.removesuffix("小区") if len(name) > 4 else name
        p0 = start + ln.find(places[0])
        found.append(CompoundMention(stem, a, a + len(stem), stem != name,
                                     PlacePrefix("".join(places), p0, p0 + len(",".join(places))),
                                     listed=True, group=-1))
    return found if len(found) >= 2 else []


_ENUM_HEAD = re.compile(r"(?:分别是|分别为|包括|名单如下|依次为|具体为)[::]?")
_ENUM_ITEM = re.compile(rf"^(?P<name>[{HAN}·0-9]{{2,24}}?)(?:\((?P<place>[^()]{{2,24}})\))?$")


def _enum_mentions(text: str) -> list[CompoundMention]:
    """``…共7个小区入选,分别是:A(江岸区后湖街道)、B(江汉区)…``: a count, then the names,
    each maybe with its place in parentheses."""
    from meihao_kg.text.numbers import parse_number

    out: list[CompoundMention] = []
    for h in _ENUM_HEAD.finditer(text):
        end = min([i for i in (text.find(c, h.end()) for c in "。;\n") if i != -1] or [len(text)])
        seg = text[h.end():end]
        before = text[max(0, h.start() - 30):h.start()]
        cm = None
        for cm in re.finditer(r"(?P<n>\d{1,4}|[一二三四五六七八九十百两]{1,4})个(?:住宅)?小区", before):  # noqa: B007
            pass
        if cm is None:
            continue
        try:
            n = int(parse_number(cm.group("n")))
        except ValueError:
            continue
        items = seg.split("、")
        if len(items) == n - 1:  # …、D和E: the last two joined by 和/及 (和平之门 keeps its 和)
            last = re.split(r"(?<=小区)(?:和|及)|(?:和|及)(?=[^和及]{2,}$)", items[-1], maxsplit=1)
            items = items[:-1] + last
        if len(items) != n or n < 2:
            continue
        found: list[CompoundMention] = []
        pos = h.end()
        for item in items:
            s0 = text.find(item, pos)
            pos = s0 + len(item)
            im = _ENUM_ITEM.match(item.strip())
            if im is None or _generic(_strip_places(im.group("name").removesuffix("小区"), None, None)[1]):
                found = []
                break
            name = im.group("name")
            stem = name.removesuffix("小区") if len(name) > 4 else name
            a = s0 + item.find(name)
            prefix = None
            took, rest = _strip_places(stem, None, None)
            if took:  # 沈阳市和平区和平之门上和府小区
                prefix = PlacePrefix(stem[:took], a, a + took)
                a += took
                stem = rest
            if im.group("place"):
                pa = s0 + item.find(im.group("place"))
                prefix = PlacePrefix(im.group("place"), pa, pa + len(im.group("place")))
            found.append(CompoundMention(stem, a, a + len(stem), stem != name, prefix, listed=True, group=h.start()))
        out.extend(found)
    return out


def find_mentions(text: str, *, city_hint: str | None = None, province: str | None = None,
                  skip: list[tuple[int, int]] = ()) -> list[CompoundMention]:  # type: ignore[assignment]
    """Every place in ``text`` where a compound is named."""
    mentions: list[CompoundMention] = _list_mentions(text, city_hint, province)
    taken = [(m.start, m.end) for m in mentions]
    for extra in (*_row_mentions(text), *_enum_mentions(text), *_block_mentions(text)):
        if not any(x < extra.end and extra.start < y for x, y in taken):
            mentions.append(extra)
            taken.append((extra.start, extra.end))

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken) and not any(x <= a and b <= y for x, y in skip)

    last_end = -1
    group_id = None
    for m in re.finditer("小区", text):
        a = m.start()
        b = a
        while b > 0 and (_HAN_CH.match(text[b - 1]) or text[b - 1] in "·0123456789") and a - b < 24:
            if b >= 2 and text[b - 2:b] == "小区":
                break
            b -= 1
        run = text[b:a]
        if not run:
            continue
        sent_lo = max(text.rfind(c, 0, b) for c in "。!?;\n") + 1
        if _quoted(text, b, sent_lo):
            continue
        enumerated = b >= 2 and text[b - 2:b] == "小区" or b >= 1 and text[b - 1] == "、"
        lead = 0
        if enumerated and run[0] in "和与及":
            lead = 1
        cut, long_form = _trim_left(run[lead:])
        cut += lead
        stem = run[cut:]
        took, rest = _strip_places(stem, province, None)
        if _generic(rest):
            continue
        s = b + cut + took
        if not free(s, a):
            continue
        prefix = PlacePrefix(stem[:took], b + cut, b + cut + took) if took else None
        gid = group_id if enumerated and group_id is not None and b - last_end <= 2 else b
        # 双旗杆东里小区等100个小区: one named item of a selection
        listed = bool(re.match(r"等(?:\d+|[一二三四五六七八九十百两]+)个", text[a + 2:a + 10]))
        mentions.append(CompoundMention(rest, s, a, True, prefix, group=gid, listed=listed,
                                        long_form=long_form.removesuffix("小区") if long_form else None))
        taken.append((s, a))
        last_end = a + 2
        group_id = gid
    # names without 小区 (花园, 家园…): accepted when the same name is also written with
    # 小区, recurs, or is placed
    bare: dict[str, list[tuple[int, int, PlacePrefix | None]]] = {}
    for sm in re.finditer(r"(?:花园|家园|嘉园|佳园|雅苑|名苑|华庭|苑|府|庭|邸|湾|新村|山庄|公馆|公寓)(?!小区)", text):
        e = sm.end()
        if _BARE_SUFFIX.search(text[e:e + 2]) or re.match(r"(?:花园|家园|嘉园|佳园|雅苑|名苑|华庭|苑|府|庭|邸|湾|新村|山庄|公馆|公寓)",
                                                         text[e:e + 2]):
            continue  # 翡翠湾花园: the name goes on
        a = sm.start()
        while a > 0 and (_HAN_CH.match(text[a - 1]) or text[a - 1] == "·") and sm.start() - a < 14:
            if a >= 2 and text[a - 2:a] == "小区":
                break
            a -= 1
        if sm.start() - a < 2:
            continue

        class _M:  # the run, as the regex match it replaces
            def __init__(self, a: int, e: int) -> None:
                self._a, self._e = a, e

            def group(self, _k: int = 0) -> str:
                return text[self._a:self._e]

            def start(self) -> int:
                return self._a

            def end(self) -> int:
                return self._e

        if a >= 2 and text[a - 2:a] == "小区" and text[a] in "和与及":
            a += 1  # 绿洲小区和春江花园: the second item of an enumeration
        m = _M(a, e)  # type: ignore[assignment]
        run = m.group(0)
        cut, _ = _trim_left(run)
        stem = run[cut:]
        took, rest = _strip_places(stem, province, None)
        if _generic(rest) or len(rest) < 3 or not free(a + cut + took, m.end()):
            continue
        if re.match(r"(?:物业|公司|集团|置业|地产|开发|有限)", text[m.end():m.end() + 2]):
            continue  # 济南绿城花园物业服务有限公司: a firm's name
        sent_lo = max(text.rfind(c, 0, a) for c in "。!?;\n") + 1
        if _quoted(text, a + cut, sent_lo):
            continue
        prefix = PlacePrefix(stem[:took], a + cut, a + cut + took) if took else None
        if prefix is None and _PLACED_BEFORE.search(text[max(0, a + cut - 12):a + cut]):
            # 下马陵社区的碑林小雁苑: a name the text places (the place is found later)
            prefix = PlacePrefix("", a + cut, a + cut)
        bare.setdefault(rest, []).append((a + cut + took, m.end(), prefix))
    # an item of an enumeration without a place of its own shares the previous item's
    # (秦皇岛市海港区A、B和邢台市信都区C: B is in 秦皇岛市海港区)
    mentions.sort(key=lambda x: x.start)
    for k in range(1, len(mentions)):
        cur, prev = mentions[k], mentions[k - 1]
        if cur.prefix is None and prev.prefix is not None and cur.group == prev.group and cur.suffixed:
            mentions[k] = replace(cur, prefix=prev.prefix, inherited=True)
    suffixed = {mm.name for mm in mentions}
    for name, spots in bare.items():
        if name in suffixed or len(spots) >= 2 or any(p is not None for _, _, p in spots):
            for s, e, p in spots:
                if free(s, e):
                    mentions.append(CompoundMention(name, s, e, False, p, group=s))
                    taken.append((s, e))
    return sorted(mentions, key=lambda x: x.start)


# --------------------------------------------------------------------------- compounds


@dataclass(frozen=True)
class ReportCompound:
    """One compound a report or list names: its name, other names, mentions, and the
    sentences that are about it alone."""

    name: str
    aliases: tuple[str, ...]
    mentions: tuple[CompoundMention, ...]
    sentences: tuple[Sentence, ...]  # sentences about this compound alone (or in focus)
    shared: tuple[Sentence, ...] = ()  # sentences naming it with other compounds
    listed_only: bool = False  # named only as an item of a list or selection


@dataclass(frozen=True)
class ReportSegmentation:
    text_len: int
    sentences: tuple[Sentence, ...]
    compounds: tuple[ReportCompound, ...]
    chrome: tuple[tuple[int, int], ...] = ()
    mentions: tuple[CompoundMention, ...] = field(default=())


def _group_names(mentions: list[CompoundMention]) -> list[tuple[str, list[str], list[CompoundMention]]]:
    """Mentions → compounds: a name that ends another (≥3 characters) is the same compound
    (通和易居天福 / 易居天福)."""
    names: dict[str, int] = {}
    for m in mentions:
        names[m.name] = names.get(m.name, 0) + 1
    canon: dict[str, str] = {}
    for n in sorted(names, key=len):
        for other in sorted(canon.values(), key=len):
            if len(other) >= 3 and (n.endswith(other) or n.startswith(other)) and n != other:
                canon[n] = canon[other]
                break
        else:
            canon[n] = n
    groups: dict[str, tuple[list[str], list[CompoundMention]]] = {}
    for m in mentions:
        c = canon[m.name]
        names_of, ms = groups.setdefault(c, ([], []))
        if m.name not in names_of:
            names_of.append(m.name)
        if m.long_form and m.long_form not in names_of:
            names_of.append(m.long_form)
        ms.append(m)
    out = []
    for names_of, ms in groups.values():
        # the name: the most frequent form, the longer one on a tie
        forms = [n for n in names_of if n in names]
        best = max(forms, key=lambda n: (names[n], len(n)))
        out.append((best, [n for n in names_of if n != best], ms))
    return out


def _mention_city(text: str, m: CompoundMention) -> str | None:
    """The city a mention is qualified by: its place prefix, or 合肥的 right before it."""
    from meihao_kg.extract import gazetteer as gz

    cands: list[str] = []
    if m.prefix is not None and m.prefix.text:
        cands.append(m.prefix.text)
    q = re.search(rf"([{HAN}]{{2,24}}?)(?:辖区)?的$", text[max(0, m.start - 25):m.start])
    if q:
        cands.append(q.group(1))
        div, _rest = gz.parse_address(q.group(1))
        if div is not None and div.level != "province" and re.match(rf"[{HAN}]{{2,4}}?(?:市|区|县)", q.group(1)):
            city = next((x for x in div.chain() if x.level == "prefecture"), div)
            return city.name
    for c in cands:
        d = gz.division_named(c) if len(c) <= 4 else None  # 合肥的…
        if d is None:
            d, _rest = gz.parse_address(c)
        if d is not None and d.level != "province":
            city = next((x for x in d.chain() if x.level == "prefecture"), d)
            return city.name
    return None


def _split_homonyms(text: str, grouped: list[tuple[str, list[str], list[CompoundMention]]]
                    ) -> list[tuple[str, list[str], list[CompoundMention]]]:
    """Two compounds of one name in two cities (合肥市…的翡翠湾花园和芜湖市…的翡翠湾花园):
    one compound per city; a mention that names no city belongs to neither."""
    out = []
    for name, aliases, ms in grouped:
        cities = {m.start: _mention_city(text, m) for m in ms}
        distinct = {c for c in cities.values() if c}
        if len(distinct) < 2:
            out.append((name, aliases, ms))
            continue
        for city in sorted(distinct):
            out.append((name, aliases, [m for m in ms if cities[m.start] == city]))
    return out


def text_city(text: str) -> str | None:
    """The city a text names most often (written with 市), when one stands out."""
    from meihao_kg.extract import gazetteer as gz

    counts: dict[str, int] = {}
    for m in re.finditer(rf"[{HAN}]{{2,4}}?市", text):
        word = m.group(0)
        for k in range(len(word) - 2, -1, -1):
            d = gz.city_named(word[k:])
            if d is not None:
                counts[d.name] = counts.get(d.name, 0) + 1
                break
    if not counts:
        # no city written with 市: a prefecture's short name (长沙发挥…, 在长沙,…)
        for d in gz.divisions("prefecture"):
            short = d.alias or gz.strip_suffix(d.name)
            if len(short) >= 2 and short in text:
                counts[d.name] = text.count(short)
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def segment_report(norm: NormalisedText, *, city_hint: str | None = None,
                   province: str | None = None) -> ReportSegmentation:
    """Compounds named in a (tidied) report or list, and the sentences about each."""
    text = norm.text
    chrome = chrome_lines(text)
    if city_hint is None:
        city_hint = text_city(text)
    sents = sentences(text, chrome)
    mentions = find_mentions(text, city_hint=city_hint, province=province, skip=chrome)
    grouped = _split_homonyms(text, _group_names(mentions))
    # short forms used alone later (龙湫湾 for 龙湫湾小区): more mentions of the compound
    extra: list[tuple[int, CompoundMention]] = []
    covered = [(m.start, m.end) for m in mentions]
    for k, (name, aliases, _ms) in enumerate(grouped):
        for form in {name, *aliases}:
            if len(form) < 3:
                continue
            for mm in re.finditer(re.escape(form), text):
                a, b = mm.start(), mm.end()
                if any(x <= a < y or x < b <= y for x, y in covered):
                    continue
                if any(c0 <= a < c1 for c0, c1 in chrome):
                    continue
                extra.append((k, CompoundMention(form, a, b, False, None, group=a)))
                covered.append((a, b))
    per: list[list[CompoundMention]] = [list(ms) for _, _, ms in grouped]
    for k, m in extra:
        per[k].append(m)
    owner: list[tuple[int, int, int]] = sorted((m.start, m.end, k) for k, ms in enumerate(per) for m in ms)
    single = len(grouped) == 1
    about: list[list[Sentence]] = [[] for _ in grouped]
    shared: list[list[Sentence]] = [[] for _ in grouped]
    focus: tuple[int, int] | None = None  # (compound, paragraph)
    seen_first = [False] * len(grouped)
    for s in sents:
        if s.chrome:
            continue
        # 比棕南雅园高出6个百分点: a compound named in a comparison is not what the sentence is about
        named = sorted({k for a, b, k in owner if s.start <= a < s.end
                        and not re.search(r"(?:比|较|不如|相比)$", text[max(s.start, a - 2):a])})
        if len(named) == 1:
            k = named[0]
            about[k].append(s)
            seen_first[k] = True
            focus = (k, s.paragraph)
        elif len(named) > 1:
            for k in named:
                shared[k].append(s)
                seen_first[k] = True
            focus = None
            # 棕南雅园和百花逸居都成立了业委会,其中…: what follows 都/均 is said of each, up to
            # where the sentence turns to one of them (其中, 不同的是, 而)
            spans = sorted((a, b) for a, b, k in owner if s.start <= a < s.end)
            last = spans[0][1]
            for a2, b2 in spans[1:]:  # the end of the enumeration that opens the sentence
                if re.fullmatch(r"(?:小区)?[和与及、]", text[last:a2]):
                    last = b2
                else:
                    break
            if re.match(r"(?:小区)?(?:都|均|同时|一起|共同)", text[last:last + 4]):
                turn = re.search(r"[,;](?:其中|不同的是|但|而|只有)", text[last:s.end])
                cut = last + turn.start() if turn else s.end
                for k in named:
                    about[k].append(Sentence(s.start, cut, s.paragraph))
        elif single and seen_first[0]:
            about[0].append(s)
        elif focus is not None and focus[1] == s.paragraph:
            about[focus[0]].append(s)
    compounds = []
    for k, (name, aliases, _ms) in enumerate(grouped):
        ms = sorted(per[k], key=lambda x: x.start)
        listed_only = all(m.listed for m in ms)
        compounds.append(ReportCompound(name, tuple(aliases), tuple(ms), tuple(about[k]), tuple(shared[k]),
                                        listed_only))
    return ReportSegmentation(len(text), tuple(sents), tuple(compounds), tuple(chrome), tuple(mentions))
