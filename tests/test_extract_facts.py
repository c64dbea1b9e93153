"""Fact rules on small texts of varied wording: figures, dates, negation, places."""

from __future__ import annotations

from decimal import Decimal

from meihao_kg.extract import extract_source
from meihao_kg.text.normalise import SourceText

HEAD = "自“加强物业管理 共建美好家园”活动开展以来，各地积极参与。\n江苏\n41\n南京·清凉雅居：老旧小区焕新\n概况及亮点\n"


def facts(body: str, head: str = HEAD):
    raw = head + body
    ex = extract_source(SourceText("t", raw))
    [p] = ex.projects
    for o in p.observations:
        assert raw[o.evidence.start:o.evidence.end] == o.evidence.quote
    return p


def obs(p):
    return {(o.indicator, o.value, o.qualifier, o.baseline, o.upper) for o in p.observations}


def test_lists_numerals_units_and_qualifiers() -> None:
    p = facts("小区位于鼓楼区宁海路街道，共有住宅楼18栋、住户1260户、电梯36部，占地约45亩，"
              "60岁以上老年人占近四成。小区党员业主42名，党员占比达百分之九十八点五。投资三千万元。"
              "物业费收缴率、业主满意度分别达到97%和98%。\n")
    got = obs(p)
    for fact in [("buildings", 18, "eq", None, None), ("households", 1260, "eq", None, None),
                 ("elevators", 36, "eq", None, None), ("land-area", 30000, "approx", None, None),
                 ("elderly-share", 40, "approx", None, None), ("party-members", 42, "eq", None, None),
                 ("party-member-share", Decimal("98.5"), "eq", None, None),
                 ("investment", 30000000, "eq", None, None), ("fee-collection-rate", 97, "eq", None, None),
                 ("owner-satisfaction", 98, "eq", None, None)]:
        assert fact in got, fact
    # the district resolves within the heading's city (南京, not 福州 or 徐州)
    assert p.places[1].division.name == "鼓楼区" and p.places[1].division.parent.name == "南京市"


def test_changes_ranges_zero_facts_and_counts() -> None:
    p = facts("物业费收缴率由不足30%提升至88%，满意度保持在90%—95%。投诉量由156件下降至31件。"
              "2021年实现“零投诉”，全年未发生一起安全事故。累计解决问题120余件，开展活动20余场，"
              "划分6个网格，建成充电桩80个，招募志愿者56名，维修人员15分钟内响应。每名管家负责约200户业主。\n")
    got = obs(p)
    for fact in [("fee-collection-rate", 88, "eq", 30, None), ("owner-satisfaction", 90, "ge", None, 95),
                 ("complaints", 31, "eq", 156, None), ("complaints", 0, "eq", None, None),
                 ("safety-incidents", 0, "eq", None, None), ("issues-resolved", 120, "gt", None, None),
                 ("activities", 20, "gt", None, None), ("grids", 6, "eq", None, None),
                 ("ev-chargers", 80, "eq", None, None), ("volunteers", 56, "eq", None, None),
                 ("response-time", 15, "le", None, None)]:
        assert fact in got, fact
    assert not any(o.indicator == "households" for o in p.observations)  # 每名管家负责约200户


def test_organisations_and_negation() -> None:
    p = facts("小区位于鼓楼区宁海路街道。小区过去没有物业，至今未成立业主委员会。在宁海路街道党工委指导下，"
              "社区党委牵头成立物业管理委员会，召开业主大会，组建党员志愿服务队，联合共建单位开展活动。"
              "小区业主自管会负责日常管理。\n")
    types = {o.type_code: o for o in p.orgs}
    assert "owners-committee" not in types and "property-service-unit" not in types
    for t in ("party-working-committee", "community-party-committee", "property-management-committee",
              "owners-assembly", "volunteer-team", "partner-organisation", "owners-self-management-committee"):
        assert t in types, t
    assert types["party-working-committee"].label == "宁海路街道党工委"
    assert types["volunteer-team"].label == "党员志愿服务队"


def test_initiatives_negation_learning_and_labels() -> None:
    p = facts("小区位于鼓楼区。小区推行红色业委会，党员业主进入业委会；实行“双向进入、交叉任职”，开展双报到，"
              "设立红色议事厅。小区借鉴枫桥经验的做法写入方案。不同于其他小区的积分制做法，小区坚持自愿服务。"
              "网格员每天巡查。小区建立“1+3+N”机制和三级联动机制。\n")
    slugs = {f.type.slug: f.type for f in p.initiatives}
    for s in ("red-owners-committee", "two-way-entry", "dual-registration", "deliberation-hall"):
        assert s in slugs, s
    assert "fengqiao-experience" not in slugs and "points-system" not in slugs
    assert "grid-management" not in slugs  # 网格员 is a role word, not the mechanism
    assert slugs["formula-1-3-n"].label_en == "the “1+3+N” mechanism"
    three = next(t for t in slugs.values() if t.label_zh.startswith("三级联动"))
    assert three.label_en == "the “three-level linkage” mechanism"


def test_dates_in_every_form_bound_to_their_events() -> None:
    p = facts("小区位于鼓楼区，1996年建成。2016年3月，小区召开首次业主大会，选举产生业主委员会。"
              "小区党支部于2018年成立。2021.3.8，小区启动老旧小区改造，次年完成改造。"
              "2020/9，物业公司正式进驻。二〇二一年三月，小区成立物业管理委员会。小区至今未成立业委会，"
              "面积2021.5平方米。\n")
    got = {(e.event, e.date) for e in p.events}
    for fact in [("completion", "1996"), ("first-owners-assembly", "2016-03"),
                 ("owners-committee-founded", "2016-03"), ("party-branch-founded", "2018"),
                 ("renovation-started", "2021-03-08"), ("renovation-completed", "2022"),
                 ("property-service-started", "2020-09"), ("organisation-founded", "2021-03")]:
        assert fact in got, fact
    assert len(got) == 8, got  # no date for the negated committee, no date out of an area


def test_dropped_glyphs_are_repaired_and_flagged() -> None:
    raw = ("今天看看安徽地区。\n安徽\n5\n东关花苑:共治\n概况及亮点\n东关花苑小区位于宿州市桥区东关街道马号社区，共有住户800户。\n"
           "6\n汤陵佳苑:共享\n概况及亮点\n汤陵佳苑小区位于州市谯城区汤陵街道。\n")
    ex = extract_source(SourceText("a", raw))
    a, b = ex.projects
    county = next(pl for pl in a.places if pl.repaired)
    assert county.division.name == "埇桥区" and county.repaired == (("桥区", "埇桥区"),)
    assert county.evidence.quote == raw[county.evidence.start:county.evidence.end]
    assert "马号社区" in [pl.name for pl in a.places]
    city = next(pl for pl in b.places if pl.repaired)
    assert city.division.parent.name == "亳州市" and city.repaired == (("州市", "亳州市"),)
    assert sum(w.code == "repaired-place" for w in ex.warnings) == 2


def test_relative_months_and_renovation_works() -> None:
    p = facts("小区位于鼓楼区，1988年建成。2020年5月，小区纳入老旧小区改造计划，同年8月开工，次年6月完工。"
              "2020.10，小区推出积分制，居民参与可获得积分。\n")
    got = {(e.event, e.date) for e in p.events}
    assert {("completion", "1988"), ("renovation-started", "2020-08"), ("renovation-completed", "2021-06"),
            ("initiative-started", "2020-10")} <= got, got
    assert not any(e.event == "renovation-started" and e.date == "2020-05" for e in p.events)  # 纳入 a plan
    assert not any(e.event == "recognition-received" for e in p.events)


def test_zero_lists_modified_incidents_and_counted_work() -> None:
    p = facts("小区位于鼓楼区。小区连续三年实现刑事案件、火灾事故“双零”。全年未发生电动车火灾。"
              "配备保安12名、维修工6名。开展便民服务活动24场，协商解决车位划分等问题27件。\n")
    got = obs(p)
    for fact in [("criminal-cases", 0, "eq", None, None), ("safety-incidents", 0, "eq", None, None),
                 ("staff", 12, "eq", None, None), ("staff", 6, "eq", None, None),
                 ("activities", 24, "eq", None, None), ("issues-resolved", 27, "eq", None, None)]:
        assert fact in got, fact


def test_contrast_is_not_doing() -> None:
    p = facts("小区位于鼓楼区。与一些地方推行物业管理委员会的做法不同，小区坚持业主自治；"
              "与其他社区推行的“红色业委会”不同，小区业委会尚未换届。\n")
    assert not any(o.type_code == "property-management-committee" for o in p.orgs)
    assert not any(f.type.slug == "red-owners-committee" for f in p.initiatives)
