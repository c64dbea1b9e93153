"""Stage 1: decoding, annotation stripping, width/script unification and the offset map."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao_kg.errors import InputError
from meihao_kg.text.normalise import (
    ANNOTATION_RE,
    SourceText,
    decode_bytes,
    find_damaged_spans,
    normalise,
    read_source,
    to_simplified,
)


def norm(raw: str):
    return normalise(SourceText("t", raw))


def assert_map_exact(raw: str, n) -> None:
    """Every normalised character comes from exactly one raw character (deletions and
    one-to-one mappings only), and the spans are increasing."""
    assert len(n.starts) == len(n.text)
    prev = -1
    for i in range(len(n.text)):
        a, b = n.raw_span(i, i + 1)
        assert b == a + 1 and a > prev
        prev = a


# --------------------------------------------------------------------------- annotations


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("物業(yè)管理", "物业管理"),
        ("協會(huì )微信", "协会微信"),  # space before ")"
        ("中國(guó)物業(yè)", "中国物业"),
        ("物業（yè）服務（wù）", "物业服务"),  # full-width parentheses
        ("開(kāi)展活動(dòng)", "开展活动"),
        ("滿(mǎn)意度", "满意度"),
        ("業 ( yè )主", "业主"),  # spaces inside and before the brackets
    ],
)
def test_annotations_stripped(raw: str, expected: str) -> None:
    n = norm(raw)
    assert n.text == expected
    assert n.annotations >= 1
    assert_map_exact(raw, n)


def test_annotation_only_after_han_and_with_a_tone() -> None:
    # an ASCII word in brackets, or brackets after a Latin letter, are content, not annotations
    assert norm("APP(yè)").text == "APP(yè)"
    assert norm("小区(ABC)").text == "小区(ABC)"
    assert norm("小区(2019)").text == "小区(2019)"


# --------------------------------------------------------------------------- width, script, line ends


def test_width_unified() -> None:
    n = norm("ＡＢＣ１２３：９９．５％，ａ\u3000b")
    assert n.text == "ABC123:99.5%,a b"


def test_halfwidth_cjk_punctuation_becomes_fullwidth() -> None:
    assert norm("好｡好､「好」").text == "好。好、「好」"


def test_traditional_to_simplified() -> None:
    n = norm("遼寧省瀋陽市銀河城都薈小區")
    assert n.text == "辽宁省沈阳市银河城都荟小区"
    assert to_simplified("業主委員會") == "业主委员会"


def test_crlf_and_bom() -> None:
    raw = "\ufeff第一行\r\n第二行業(yè)\r\n"
    n = norm(raw)
    assert n.text == "第一行\n第二行业\n"
    assert_map_exact(raw, n)
    i = n.text.index("第二行")
    a, b = n.raw_span(i, i + 4)
    assert raw[a:b] == "第二行業"


def test_crlf_and_bom_from_bytes(tmp_path: Path) -> None:
    p = tmp_path / "crlf.txt"
    p.write_bytes("\ufeff物業(yè)\r\n管理\r\n".encode())
    src = read_source(p)
    assert src.encoding == "utf-8"
    assert norm(src.raw).text == "物业\n管理\n"


def test_raw_span_gives_exact_raw_span() -> None:
    raw = "中國(guó)物業(yè)管理協會(huì )：收繳率達到９６.３％。"
    n = norm(raw)
    assert n.text == "中国物业管理协会:收缴率达到96.3%。"
    i = n.text.index("物业管理协会")
    a, b = n.raw_span(i, i + len("物业管理协会"))
    assert raw[a:b] == "物業(yè)管理協會(huì )"[: len("物業(yè)管理協會")]  # ends after 會
    assert raw[a:b] == "物業(yè)管理協會"
    j = n.text.index("96.3%")
    a, b = n.raw_span(j, j + 5)
    assert raw[a:b] == "９６.３％"
    with pytest.raises(ValueError):
        n.raw_span(3, 3)
    with pytest.raises(ValueError):
        n.raw_span(0, len(n.text) + 1)


# --------------------------------------------------------------------------- the seed


def test_seed_damaged_spans(seed_raw: str) -> None:
    expected = [(2639, 2646), (3022, 3032), (3746, 3751), (7600, 7609), (7654, 7658)]
    assert find_damaged_spans(seed_raw) == expected
    n = normalise(SourceText("seed", seed_raw))
    assert list(n.damaged) == expected


def test_seed_normalised(seed_raw: str) -> None:
    n = normalise(SourceText("seed", seed_raw))
    assert ANNOTATION_RE.search(n.text) is None
    assert not re.search(r"[(（]\s*[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", n.text)
    assert "加强物业管理 共建美好家园" in n.text
    assert "沿海鉴筑小区建筑面积17万平方米" in n.text
    assert "中国物业管理协会" in n.text
    assert n.annotations > 100
    for a, b in n.damaged:  # damaged text is removed from the normalised text
        assert seed_raw[a:b] not in n.text
    assert_map_exact(seed_raw, n)
    i = n.text.index("物业费收缴率达到96.3%")
    a, b = n.raw_span(i, i + len("物业费收缴率达到96.3%"))
    assert seed_raw[a:b] == "物業(yè)費收繳率達到96.3%"


# --------------------------------------------------------------------------- decoding


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty") as ei:
        read_source(p)
    assert str(p) in str(ei.value)
    p.write_bytes(b" \n\r\n")
    with pytest.raises(InputError, match="empty"):
        read_source(p)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    with pytest.raises(InputError, match="binary") as ei:
        read_source(p)
    assert str(p) in str(ei.value)


CHINESE = (
    "自“加强物业管理 共建美好家园”活动开展以来,各地积极参与。今天一起看看辽宁地区的美好家园项目,"
    "物业服务企业开展了丰富多彩的社区文化活动,业主满意度不断提升,物业费收缴率达到96.3%。\n"
)


def test_gbk_file(tmp_path: Path) -> None:
    p = tmp_path / "gbk.txt"
    p.write_bytes(CHINESE.encode("gbk"))
    src = read_source(p)
    assert src.raw == CHINESE
    assert src.encoding in ("gb18030", "gbk")


def test_big5_file(tmp_path: Path) -> None:
    from opencc import OpenCC

    trad = OpenCC("s2t").convert(CHINESE)
    assert trad != CHINESE
    p = tmp_path / "big5.txt"
    p.write_bytes(trad.encode("big5"))
    src = read_source(p)
    assert src.raw == trad
    assert src.encoding.startswith(("big5", "cp950"))
    assert norm(src.raw).text == CHINESE


def test_decode_bytes_names_the_file() -> None:
    with pytest.raises(InputError, match="some/name.txt"):
        decode_bytes(b"", "some/name.txt")


def test_missing_path(tmp_path: Path) -> None:
    p = tmp_path / "nope" / "missing.txt"
    with pytest.raises(InputError) as ei:
        read_source(p)
    assert "missing.txt" in str(ei.value)
    assert str(p) in str(ei.value)


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_source(tmp_path)


# --------------------------------------------------------------------------- properties

# Han characters whose Simplified form does not depend on context (so a slice converts like
# the whole text), Traditional and Simplified.
HAN = "業会會國国园園区區楼樓户戶务務费費设設营營质質参參与與环環境小家美好物管理服开展活动動社主委员員人民年月日了的在和"
ASCII = string.ascii_letters + string.digits + " ,.:;!%+-"
FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in string.ascii_letters + string.digits + ",.:;!%") + "\u3000"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_FULL_TO_HALF = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}

syllable = st.builds(
    lambda a, t, b: a + t + b,
    st.text(alphabet="bcdfghjklmnpqrstwxyz", max_size=2),
    st.sampled_from(TONED),
    st.text(alphabet="aeioungr", max_size=2),
)
annotation = st.builds(
    lambda open_, syl, space, close: f"{open_}{syl}{space}{close}",
    st.sampled_from("(（"),
    syllable,
    st.sampled_from(["", " "]),
    st.sampled_from(")）"),
)
piece = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=4),
    st.text(alphabet=ASCII, min_size=1, max_size=4),
    st.text(alphabet=FULLWIDTH, min_size=1, max_size=3),
    st.sampled_from(["\n", "\r\n", "。", "，", "、"]),
)


@st.composite
def annotated_text(draw):
    """(raw text with annotations, the same text without them)."""
    raw, clean = [], []
    for p in draw(st.lists(piece, min_size=1, max_size=30)):
        raw.append(p)
        clean.append(p)
        if p[-1] in HAN and draw(st.booleans()):
            raw.append(draw(annotation))
    return "".join(raw), "".join(clean)


def oracle(raw: str) -> str:
    """Independent normalisation of generated text: drop the bracketed annotations (the only
    brackets the generator makes) and CR, half-width the full-width forms, then t2s."""
    s = re.sub(r" ?[(（][^()（）]*[)）]", "", raw).replace("\r", "")
    s = "".join(_FULL_TO_HALF.get(c, c) for c in s)
    return "".join(to_simplified(c) for c in s)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotated_text())
def test_property_normalise(sample) -> None:
    raw, clean = sample
    n = norm(raw)  # never fails
    assert n.text == oracle(raw) == oracle(clean)
    assert ANNOTATION_RE.search(n.text) is None
    assert not any(c in TONED for c in n.text)
    assert_map_exact(raw, n)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotated_text(), st.data())
def test_property_raw_span(sample, data) -> None:
    raw, _ = sample
    n = norm(raw)
    if not n.text:
        return
    i = data.draw(st.integers(0, len(n.text) - 1))
    j = data.draw(st.integers(i + 1, len(n.text)))
    a, b = n.raw_span(i, j)
    assert 0 <= a < b <= len(raw)
    assert oracle(raw[a:b]) == n.text[i:j]
