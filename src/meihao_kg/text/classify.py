"""What kind of text a source is: a series instalment, a news report, a list, or not about
compounds — with the reason, which is recorded on the source node.

Input: the normalised text, its instalment segmentation and its report segmentation.
Output: :class:`SourceKind`.  The guess can be overridden (``build --kind``).

* **instalment** — the instalment segmenter finds numbered project sections;
* **list** — at least three compounds, every one named only as an item of an enumeration or
  in sentences naming several of them (no sentence is about one compound);
* **report** — one or more compounds named, with sentences about them;
* **other** — no compound named: selection criteria, tallies without names, policy texts;
  and advertisements (a compound for sale is not a compound the campaign speaks of).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meihao_kg.text.segment import Segmentation
from meihao_kg.text.segment_news import ReportSegmentation

__all__ = ["KINDS", "SourceKind", "classify"]

KINDS = ("instalment", "report", "list", "other")


@dataclass(frozen=True)
class SourceKind:
    kind: str  # one of KINDS
    reason: str


_CRITERIA = re.compile(r"参考标准|评选标准|创建标准|选树内容|选树项目|权重|评分标准|考核细则|申报条件")
_TALLY = re.compile(r"(?:\d+|[一二三四五六七八九十百]+)个(?:住宅)?小区(?:获评|获得|入围|入选|榜上有名|被评为|获此)")
_ADVERT = re.compile(r"楼盘推荐|售楼处|咨询热线|本文为广告|容积率|得房率|主力户型|样板间|认购|开盘|均价|首付")
_POLICY = re.compile(r"通知|实施方案|办法|意见|条例|规定")


def classify(text: str, seg: Segmentation, report: ReportSegmentation) -> SourceKind:
    """The kind of a source, with the signals that decided it."""
    if seg.projects:
        n = len(seg.projects)
        return SourceKind("instalment", f"{n} numbered project section{'s' if n != 1 else ''} "
                                        "(number, name:headline, 概况及亮点)")
    compounds = report.compounds
    ads = set(_ADVERT.findall(text))
    if len(ads) >= 2:
        return SourceKind("other", "an advertisement (" + "、".join(sorted(ads)[:4]) + ")")
    if not compounds:
        if _CRITERIA.search(text):
            why = "selection criteria (标准, 选树内容, 权重)"
        elif _TALLY.search(text):
            why = "a tally of selected compounds without their names"
        elif _POLICY.search(text):
            why = "a policy text or notice"
        else:
            why = "no compound named"
        return SourceKind("other", why)
    names = "、".join(c.name for c in compounds[:4]) + ("…" if len(compounds) > 4 else "")
    alone = [c for c in compounds if c.sentences and not c.listed_only]
    if len(compounds) >= 3 and not alone:
        return SourceKind("list", f"{len(compounds)} compounds named only as items of a list or "
                                  f"selection ({names}), no sentence about one of them")
    return SourceKind("report", f"{len(compounds)} compound{'s' if len(compounds) != 1 else ''} named "
                                f"in sentences about {'them' if len(compounds) != 1 else 'it'} ({names})")
