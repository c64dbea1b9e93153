"""Stage 2: splitting an article into its intro and project sections."""

from __future__ import annotations

from meihao_kg.text.normalise import SourceText, normalise
from meihao_kg.text.segment import segment

INTRO = "自“加强物业管理 共建美好家园”活动开展以来,各地积极参与。今天一起看看辽宁地区“美好家园”项目。\n辽 宁\n"


def seg(text: str):
    n = normalise(SourceText("t", text))
    return n, segment(n)


def summary(text: str):
    _, s = seg(text)
    return [(p.number, p.name, p.headline, p.province) for p in s.projects]


def test_seed_sections(seed_raw: str) -> None:
    n, s = seg(seed_raw)
    got = [(p.number, p.name, p.headline, p.province) for p in s.projects]
    assert got == [
        (15, "和平之门上和府", "美好服务让生活更有温度", "辽宁省"),
        (16, "银河城都荟", "携手共治建设美好家园", "辽宁省"),
        (17, "大华锦绣华城博雅园", "美好生活密码“1+4+N”", "辽宁省"),
        (18, "沿海鉴筑", "听民声 解民忧", "辽宁省"),
        (19, "金盛佳园首府", "打通服务群众“最后一公里”", "辽宁省"),
    ]
    # spans point at what they name; sections are ordered and do not overlap
    for p in s.projects:
        assert n.text[slice(*p.name_span)] == p.name
        assert n.text[slice(*p.headline_span)] == p.headline
        assert n.text[slice(*p.number_span)] == str(p.number)
        assert n.text[slice(*p.province_span)].replace(" ", "") == "辽宁"
        assert p.start < p.body_start < p.end
    for a, b in zip(s.projects, s.projects[1:], strict=False):
        assert a.end <= b.start
    assert s.projects[-1].end == len(n.text)
    # the intro is the campaign paragraph, before the province heading
    intro = n.text[slice(*s.intro)]
    assert "共建美好家园" in intro and "辽 宁" not in intro and "15" not in intro.split("100")[-1]
    # bodies start after 概况及亮点
    assert n.text[s.projects[3].body_start:].startswith("大连市沿海鉴筑小区于2011年10月建成")


def test_number_missing() -> None:
    text = INTRO + "和平之门上和府:\n美好服务\n概况及亮点\n和平之门上和府小区位于沈阳市和平区。\n"
    assert summary(text) == [(None, "和平之门上和府", "美好服务", "辽宁省")]


def test_number_name_headline_on_one_line() -> None:
    text = (INTRO + "15.和平之门上和府:美好服务\n概况及亮点\n正文一。\n"
            "16.银河城都荟:携手共治\n正文二。\n")
    assert summary(text) == [
        (15, "和平之门上和府", "美好服务", "辽宁省"),
        (16, "银河城都荟", "携手共治", "辽宁省"),
    ]


def test_fullwidth_colon() -> None:
    text = INTRO + "15\n和平之门上和府：\n美好服务\n概况及亮点\n正文。\n"
    assert summary(text) == [(15, "和平之门上和府", "美好服务", "辽宁省")]


def test_name_with_middle_dot() -> None:
    text = INTRO + "15\n万科·城市花园:\n美好服务\n概况及亮点\n正文。\n"
    assert summary(text) == [(15, "万科·城市花园", "美好服务", "辽宁省")]


def test_headline_on_same_line() -> None:
    text = INTRO + "16\n银河城都荟:攜手共治建設美好家園\n概况及亮点\n正文。\n"
    assert summary(text) == [(16, "银河城都荟", "携手共治建设美好家园", "辽宁省")]


def test_no_marker_but_number_line() -> None:
    text = INTRO + "18\n沿海鉴筑:听民声 解民忧\n大连市沿海鉴筑小区于2011年10月建成。\n19\n金盛佳园首府:\n打通最后一公里\n正文。\n"
    n, s = seg(text)
    assert [(p.number, p.name, p.headline) for p in s.projects] == [
        (18, "沿海鉴筑", "听民声 解民忧"),
        (19, "金盛佳园首府", "打通最后一公里"),
    ]
    assert n.text[s.projects[0].body_start:].startswith("大连市沿海鉴筑小区")


def test_traditional_input_with_annotations() -> None:
    text = "引言。\n遼 寧\n17\n大華錦繡華城博雅園:\n美好生活密碼“1+4+N”\n概況及亮點(diǎn)\n正文。\n"
    assert summary(text) == [(17, "大华锦绣华城博雅园", "美好生活密码“1+4+N”", "辽宁省")]


def test_province_changes_between_sections() -> None:
    text = ("引言。\n辽 宁\n15\n甲小区名:标语一\n概况及亮点\n正文一。\n"
            "吉 林\n20\n乙小区名:标语二\n概况及亮点\n正文二。\n")
    n, s = seg(text)
    assert [(p.number, p.province) for p in s.projects] == [(15, "辽宁省"), (20, "吉林省")]
    assert "吉 林" not in n.text[s.projects[0].start:s.projects[0].end]


def test_no_project_sections() -> None:
    text = "只是一段文字,没有项目。\n物业服务企业开展活动:效果很好。\n第二段。\n"
    n, s = seg(text)
    assert s.projects == ()
    assert s.intro == (0, len(n.text))


# --------------------------------------------------------------------------- layout variants

def test_html_repost_keeps_offsets_exact() -> None:
    from meihao_kg.extract import extract_source

    raw = ("<p>自“加强物业管理&nbsp;共建美好家园”活动开展以来，各地积极参与。</p>\n<p>辽 宁</p>"
           "<p><strong>15 沈阳·和平小区：</strong>美好服务&amp;温暖<br/></p><p>【概况及亮点】</p>"
           "<p>小区位于和平区，共有住户1200户，建筑面积6.5万平方米。</p>")
    ex = extract_source(SourceText("h", raw))
    [p] = ex.projects
    assert (p.number, p.name, p.headline, p.province) == (15, "和平", "美好服务&温暖", "辽宁省")
    assert p.headline_evidence is not None and p.headline_evidence.quote == "美好服务&amp;温暖"
    # the heading's city places a district that the body names without its city
    assert [(pl.division.name, pl.division.parent.name) for pl in p.places if pl.division][0] == ("和平区", "沈阳市")
    for o in p.observations:
        assert raw[o.evidence.start:o.evidence.end] == o.evidence.quote
    assert {o.indicator for o in p.observations} >= {"households", "building-area"}


def test_number_variants() -> None:
    body = "\n概况及亮点\n小区位于沈阳市和平区。\n"
    for head, num in (("NO.15 和平小区:美好", 15), ("No.16\n和平小区:美好", 16), ("(十七)和平小区——美好", 17),
                      ("项目18 和平小区:美好", 18), ("十九、和平小区:美好", 19), ("20、和平小区:美好", 20),
                      ("21\n和平小区\n美好", 21), ("22|和平小区:美好", 22), ("23丨和平小区:美好", 23),
                      ("【24】和平小区:美好", 24), ("[25]和平小区:美好", 25)):
        assert summary(INTRO + head + body) == [(num, "和平小区", "美好", "辽宁省")], head


def test_marker_variants_and_inline_body() -> None:
    for marker in ("【概况及亮点】", "[概况及亮点]", "概况与亮点", "概况及亮点"):
        n, s = seg(INTRO + "15\n和平小区:美好\n" + marker + "\n小区位于沈阳市。\n")
        assert [p.name for p in s.projects] == ["和平小区"], marker
        assert n.text[s.projects[0].body_start:].startswith("小区位于")
    n, s = seg(INTRO + "15 和平小区:美好\n【概况及亮点】小区位于沈阳市。\n16 银河小区:共治\n【概况及亮点】银河小区位于大连市。\n")
    assert [p.name for p in s.projects] == ["和平小区", "银河小区"]
    assert n.text[s.projects[0].body_start:].startswith("小区位于沈阳市")


def test_body_list_items_are_not_projects() -> None:
    text = (INTRO + "15\n和平小区:美好\n概况及亮点\n小区做法如下:\n1.强化党建:成立党支部。\n"
            "2.优化服务:设立管家。\n16\n银河小区:共治\n概况及亮点\n正文。\n")
    assert [p.name for p in seg(text)[1].projects] == ["和平小区", "银河小区"]


def test_province_heading_variants() -> None:
    for heading in ("辽宁", "辽 宁", "辽宁省", "【辽宁】", "一、辽宁"):
        text = "今天看看辽宁地区。\n" + heading + "\n15\n和平小区:美好\n概况及亮点\n正文。\n"
        assert summary(text) == [(15, "和平小区", "美好", "辽宁省")], heading


def test_not_an_instalment_is_refused() -> None:
    from meihao_kg.extract import extract_source
    from meihao_kg.extract.source import REFUSAL_CODES

    ex = extract_source(SourceText("n", "住建部发布通知，要求各地加强物业管理。\n各地要提高服务质量。\n"))
    assert not ex.projects and any(w.code in REFUSAL_CODES for w in ex.warnings)
    assert ex.kind == "other"
