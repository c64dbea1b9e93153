"""Entry points: one source → normalise → segment → extract → :class:`Extraction`.

The three stages are visible here: :func:`extract_source` normalises the raw text (offset
map, Simplified, half-width, annotations out), segments it into intro and project sections,
and hands each section to :func:`~.project.project`.  A later source kind (news report,
list) plugs in as another segmenter producing sections and another section extractor.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from meihao_kg.diagnostics import Diagnostic
from meihao_kg.extract.campaign import campaign
from meihao_kg.extract.context import Ctx
from meihao_kg.extract.lexicon import Lexicon, load_lexicon
from meihao_kg.extract.project import project
from meihao_kg.models import Extraction
from meihao_kg.text.normalise import NormalisedText, SourceText, normalise
from meihao_kg.text.segment import Segmentation, segment

if TYPE_CHECKING:
    from meihao_kg.text.segment_news import ReportSegmentation

__all__ = ["REFUSAL_CODES", "extract_any", "extract_project_sections", "extract_report", "extract_source"]

#: the diagnostics that say a source gave nothing to build (a refusal when it is built alone)
REFUSAL_CODES = ("no-projects", "not-about-compounds")


def extract_source(src: SourceText, lexicon: Lexicon | None = None, kind: str | None = None) -> Extraction:
    """Normalise, segment, classify and extract one source (``kind`` overrides the guess)."""
    norm = normalise(src)
    seg = segment(norm)
    return extract_any(src, norm, seg, lexicon or load_lexicon(), kind)


def extract_any(src: SourceText, norm: NormalisedText, seg: Segmentation, lex: Lexicon,
                kind: str | None = None) -> Extraction:
    """Classify a segmented source (or take ``kind`` as given) and extract it accordingly:
    instalments by project section, reports and lists by compound, every kind's tallies."""
    from meihao_kg.text.classify import classify
    from meihao_kg.text.segment_news import segment_report, tidy_report

    if kind == "instalment" or kind is None and seg.projects:
        ex = extract_project_sections(src, norm, seg, lex)
        reason = "given with --kind" if kind else classify(norm.text, seg, _empty_report()).reason
        return replace(ex, kind="instalment", kind_reason=reason)
    tidy = tidy_report(norm)
    report = segment_report(tidy)
    guess = classify(tidy.text, seg if kind is None else _no_projects(seg), report)
    if kind is not None and kind != guess.kind:
        guess = replace(guess, kind=kind, reason=f"given with --kind (the text reads as {guess.kind}: {guess.reason})")
    return extract_report(src, tidy, report, lex, guess.kind, guess.reason)


def extract_project_sections(src: SourceText, norm: NormalisedText, seg: Segmentation,
                             lex: Lexicon) -> Extraction:
    """The facts of a segmented series instalment."""
    ctx = Ctx(src, norm)
    projects = [project(ctx, sec, lex) for sec in seg.projects]
    warnings: list[Diagnostic] = []
    where = src.path or src.doc_id
    if not projects:
        warnings.append(Diagnostic.warning(
            "no-projects", "no project sections found (expected a number, a 'name:headline' line and 概况及亮点)",
            where))
    warnings += _damaged(src, norm, where)
    for pf in projects:
        for pl in pf.places:
            for text_form, full in pl.repaired:
                at = pl.evidence.start if pl.evidence else 0
                line = src.raw.count("\n", 0, at) + 1
                warnings.append(Diagnostic.warning(
                    "repaired-place", f"place name {text_form!r} is missing a character; read as {full} "
                    "(the only match in the gazetteer), flagged repaired", where, line))
    name, cev, corgs = campaign(ctx, *seg.intro)
    title = None
    first_line = norm.text.strip().split("\n", 1)[0]
    if projects and seg.intro[1] > 0:
        prov = next((p.province for p in projects if p.province), None)
        title = f"“美好家园”项目展示:{prov}" if prov else first_line[:40]
    new_types = {f.type.slug: f.type for p in projects for f in p.initiatives if f.type.discovered}
    return Extraction(
        doc_id=src.doc_id, path=src.path, raw=src.raw, encoding=src.encoding, sha256=src.sha256,
        byte_size=src.byte_size, title=title, damaged=norm.damaged, campaign_orgs=tuple(corgs),
        campaign_name=name, campaign_evidence=cev, projects=tuple(projects),
        new_types=tuple(new_types.values()), warnings=tuple(warnings),
    )


def _empty_report() -> ReportSegmentation:
    from meihao_kg.text.segment_news import ReportSegmentation

    return ReportSegmentation(0, (), ())


def _no_projects(seg: Segmentation) -> Segmentation:
    return replace(seg, projects=())


def extract_report(src: SourceText, norm: NormalisedText, report, lex: Lexicon,  # type: ignore[no-untyped-def]
                   kind: str, reason: str) -> Extraction:
    """The facts of a news report, a list, or a text not about compounds (its tallies)."""
    from meihao_kg.extract import gazetteer as gz
    from meihao_kg.extract.report import dateline_year, report_compound
    from meihao_kg.extract.tallies import find_tallies
    from meihao_kg.text.segment_news import text_city

    ctx = Ctx(src, norm)
    text = norm.text
    dateline = dateline_year(text)
    city_name = text_city(text)
    city = gz.city_named(city_name) if city_name else None
    where = src.path or src.doc_id
    warnings: list[Diagnostic] = []
    projects = []
    # the sentence that announces a list supplies the list's bodies, year and document
    listed = [m for c in report.compounds for m in c.mentions if m.listed]
    context = None
    if listed:
        # the sentence that names the selection: the list's own, else the nearest before it
        from meihao_kg.extract.recognitions import find_selections

        before = [s for s in report.sentences if s.start <= listed[0].start and not s.chrome]
        for sent in reversed(before):
            if find_selections(ctx, sent.start, sent.end, dateline):
                context = (sent.start, sent.end)
                break
        if context is None and before:
            context = (before[-1].start, before[-1].end)
    head = "\n".join(text.split("\n")[:6])
    from meihao_kg.extract.recognitions import DOCUMENT_NUMBER

    doc_m = DOCUMENT_NUMBER.search(head)
    title_document = doc_m.group(0) if doc_m else None
    # the issuing body signing a list at its end (济南市住房和城乡建设局 / 2024年12月18日)
    from meihao_kg.extract.recognitions import BODY_NAME

    signature = next((ln.strip() for ln in reversed(text.split("\n")[-6:])
                      if ln.strip() and BODY_NAME.fullmatch(ln.strip())), None)
    if kind in ("report", "list"):
        for c in report.compounds:
            projects.append(report_compound(ctx, c, lex, kind=kind, dateline=dateline, city=city,
                                            context=context, document=title_document, signature=signature,
                                            all_sentences=report.sentences))
    # a count whose compounds are all named (A、B、C…10个住宅小区) is the list's size, not a tally
    named = {s.start for s in report.sentences
             if sum(1 for c in report.compounds for m in c.mentions if m.listed and s.start <= m.start < s.end) >= 2}
    sents = [(s.start, s.end) for s in report.sentences if not s.chrome]
    province = next((d for d in (city.chain() if city else ()) if d.level == "province"), None)
    if province is None:
        from meihao_kg.extract.tallies import place_in_text

        for m in re.finditer(r"[\u4e00-\u9fff]{2,3}(?:省|自治区)|全省", text[:400]):
            d, _k = place_in_text(m.group(0))
            if d is not None and d.level == "province":
                province = d
                break
    tallies = find_tallies(ctx, sents, named, dateline, province, city)
    if kind == "other" or not projects:
        kept = f"; {len(tallies)} tall{'y' if len(tallies) == 1 else 'ies'} of selected compounds kept" if tallies else ""
        warnings.append(Diagnostic.warning(
            "not-about-compounds",
            f"not about compounds ({reason if kind == 'other' else 'no compound named'}): "
            f"no project sections found, no compound named; no compound built{kept}",
            where))
    warnings += _damaged(src, norm, where)
    from meihao_kg.text.segment_news import chrome_lines

    chrome = chrome_lines(text)
    first_line, pos = "", 0
    for ln in text.split("\n"):
        if ln.strip() and not ln.startswith("# source") and len(ln.strip()) >= 6 and not any(
                a <= pos < b for a, b in chrome) and not re.search(r"主管$|主办$|^[A-Za-z0-9 ·:-]+$", ln.strip()):
            first_line = ln.strip()
            break
        pos += len(ln) + 1
    new_types = {f.type.slug: f.type for p in projects for f in p.initiatives if f.type.discovered}
    return Extraction(
        doc_id=src.doc_id, path=src.path, raw=src.raw, encoding=src.encoding, sha256=src.sha256,
        byte_size=src.byte_size, title=first_line[:60] or None, damaged=norm.damaged,
        projects=tuple(projects), new_types=tuple(new_types.values()), warnings=tuple(warnings),
        kind=kind, kind_reason=reason, tallies=tuple(tallies),
    )


def _damaged(src: SourceText, norm: NormalisedText, where: str) -> list[Diagnostic]:
    out = []
    for a, b in norm.damaged:
        line = src.raw.count("\n", 0, a) + 1
        out.append(Diagnostic.warning(
            "damaged-text", f"damaged text at characters {a}-{b} ({src.raw[a:b]!r}); facts overlapping it are flagged",
            where, line))
    return out
