"""Property tests through the whole extractor: random pinyin annotations and width variants
sprinkled over a real article never break extraction, every evidence quote is the raw text at
its offsets, and the facts found do not depend on the decoration."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao_kg.extract import extract_source
from meihao_kg.extract.lexicon import load_lexicon
from meihao_kg.models import Evidence, Extraction
from meihao_kg.text.normalise import SourceText

ARTICLE = (Path(__file__).parent / "articles" / "simplified-fullwidth" / "input.txt").read_text(
    encoding="utf-8"
)
SYLLABLES = ["yè", "huì", "guó", "wù", "fú", "jiàn", "shè", "qū", "mǎn", "yì", "lǜ", "zhōng"]
WIDTH = {",": "，", ":": "：", ";": "；", "%": "％", "(": "（", ")": "）", "+": "＋",
         "，": ",", "：": ":", "；": ";", "％": "%", "（": "(", "）": ")"}


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


@st.composite
def decorated(draw: st.DrawFn) -> str:
    out = []
    rnd = random.Random(draw(st.integers(0, 2**32)))
    rate = draw(st.sampled_from([0.0, 0.05, 0.3, 0.9]))
    swap = draw(st.sampled_from([0.0, 0.5, 1.0]))
    for c in ARTICLE:
        if c in WIDTH and rnd.random() < swap:
            c = WIDTH[c]
        out.append(c)
        if _is_han(c) and rnd.random() < rate:
            space = " " if rnd.random() < 0.2 else ""
            paren = ("(", ")") if rnd.random() < 0.8 else ("（", "）")
            out.append(f"{paren[0]}{rnd.choice(SYLLABLES)}{space}{paren[1]}")
    return "".join(out)


def _evidence(ex: Extraction) -> list[Evidence]:
    out: list[Evidence] = []
    for p in ex.projects:
        out.append(p.evidence)
        out += [o.evidence for o in p.observations] + [f.evidence for f in p.initiatives]
        out += [e.evidence for e in p.events] + [o.evidence for o in p.orgs]
        out += [r.evidence for r in p.relations] + [r.evidence for r in p.recognitions]
        out += [q.evidence for q in p.places if q.evidence is not None]
    return out


def _facts(ex: Extraction) -> set[tuple[str, ...]]:
    facts: set[tuple[str, ...]] = set()
    for p in ex.projects:
        facts.add(("project", p.name))
        facts |= {("obs", p.name, o.indicator, str(o.value), o.qualifier) for o in p.observations}
        facts |= {("init", p.name, f.type.slug) for f in p.initiatives}
        facts |= {("event", p.name, e.event, e.date) for e in p.events}
    return facts


PLAIN = _facts(extract_source(SourceText(doc_id="plain", raw=ARTICLE), load_lexicon()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decorated())
def test_decorated_article_gives_the_same_facts_with_exact_quotes(raw: str) -> None:
    ex = extract_source(SourceText(doc_id="d", raw=raw), load_lexicon())
    for ev in _evidence(ex):
        assert raw[ev.start:ev.end] == ev.quote
        assert 0 <= ev.start < ev.end <= len(raw)
    assert _facts(ex) == PLAIN


def test_plain_article_has_facts() -> None:
    assert ("obs", "星湖澜庭", "households", "1200", "eq") in PLAIN
    assert len(PLAIN) > 20
