"""Chinese number and date parsing: ``25.04万`` → 250400, ``二十三`` → 23, ``2011年10月`` → ``2011-10``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["DATE_RE", "NUM", "parse_date", "parse_number"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}

NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
# 2019年11月25日, 2020年5月, 2018年, 2021.3.8, 2021/3, 2021-03-08, 二〇一九年, 2015成立
DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?:(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
    r"|[./-](?P<m2>\d{1,2})(?:[./-](?P<d2>\d{1,2}))?(?![\d.%万亿元平米㎡户个栋幢人名亩公千吨])"
    r"|(?=成立|建成|竣工|交付|入伙|建设|开工|启动))"
    r"|(?P<cy>[一二〇零○][〇零○一二三四五六七八九]{3})年(?:(?P<cm>十[一二]?|[一二三四五六七八九])月)?"
)


def _cn_int(s: str) -> int:
    if all(ch in _DIGITS for ch in s):  # 二〇二一
        return int("".join(str(_DIGITS[ch]) for ch in s))
    total = 0
    current = 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def parse_number(text: str, multiplier: str | None = None) -> Decimal:
    """Parse an Arabic or Chinese numeral, applying 万/亿.  Raises ValueError."""
    t = text.replace(",", "")
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            value = Decimal(t)
        elif "点" in t:  # 九十八点五
            whole, frac = t.split("点", 1)
            value = Decimal(f"{_cn_int(whole)}." + "".join(str(_DIGITS[c]) for c in frac))
        else:
            value = Decimal(_cn_int(t))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if multiplier == "万":
        value *= 10000
    elif multiplier == "亿":
        value *= 100000000
    elif multiplier == "千":
        value *= 1000
    return Decimal(int(value)) if value == value.to_integral() else value.normalize()


def parse_date(m: re.Match[str]) -> tuple[str, str]:
    """``(iso, xsd type)`` from a :data:`DATE_RE` match: ``2019-11-25`` date, ``2011-10``
    gYearMonth, ``2018`` gYear."""
    gd = m.groupdict()
    if gd.get("cy"):
        y = "".join(str(_DIGITS.get(c, 0)) for c in gd["cy"].replace("○", "〇"))
        mo = str(_cn_int(gd["cm"])) if gd.get("cm") else None
        d = None
    else:
        y = gd["y"]
        mo, d = gd.get("m") or gd.get("m2"), gd.get("d") or gd.get("d2")
    if mo and not 1 <= int(mo) <= 12 or d and not 1 <= int(d) <= 31:
        return y, "gYear"
    if mo and d:
        return f"{y}-{int(mo):02d}-{int(d):02d}", "date"
    if mo:
        return f"{y}-{int(mo):02d}", "gYearMonth"
    return y, "gYear"
