"""Stage 2: splitting an article into its intro and project sections."""

from __future__ import annotations

from meihao_kg.normalise import SourceText, normalise
from meihao_kg.segment import segment

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
    for a, b in zip(s.projects, s.projects[1:]):
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
