"""Recognitions (awards, titles) a project received."""

from __future__ import annotations

import re

from meihao_kg.extract.context import Ctx
from meihao_kg.models import (
    COMPOUND,
    Recognition,
)

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
