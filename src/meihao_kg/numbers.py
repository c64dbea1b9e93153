"""Chinese number and date parsing: ``25.04万`` → 250400, ``二十三`` → 23, ``2011年10月`` → ``2011-10``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["DATE_RE", "NUM", "parse_date", "parse_number"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}

NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?:(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
    r"|(?=成立|建成|竣工|交付|入伙))"
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
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    if mo and d:
        return f"{y}-{int(mo):02d}-{int(d):02d}", "date"
    if mo:
        return f"{y}-{int(mo):02d}", "gYearMonth"
    return y, "gYear"
