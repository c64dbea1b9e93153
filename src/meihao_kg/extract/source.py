"""Entry points: one source → normalise → segment → extract → :class:`Extraction`.

The three stages are visible here: :func:`extract_source` normalises the raw text (offset
map, Simplified, half-width, annotations out), segments it into intro and project sections,
and hands each section to :func:`~.project.project`.  A later source kind (news report,
list) plugs in as another segmenter producing sections and another section extractor.
"""

from __future__ import annotations

from meihao_kg.diagnostics import Diagnostic
from meihao_kg.extract.campaign import campaign
from meihao_kg.extract.context import Ctx
from meihao_kg.extract.lexicon import Lexicon, load_lexicon
from meihao_kg.extract.project import project
from meihao_kg.models import Extraction
from meihao_kg.text.normalise import NormalisedText, SourceText, normalise
from meihao_kg.text.segment import Segmentation, segment

__all__ = ["extract_project_sections", "extract_source"]


def extract_source(src: SourceText, lexicon: Lexicon | None = None) -> Extraction:
    """Normalise, segment and extract one source."""
    norm = normalise(src)
    seg = segment(norm)
    return extract_project_sections(src, norm, seg, lexicon or load_lexicon())


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
    for a, b in norm.damaged:
        line = src.raw.count("\n", 0, a) + 1
        warnings.append(Diagnostic.warning(
            "damaged-text", f"damaged text at characters {a}-{b} ({src.raw[a:b]!r}); facts overlapping it are flagged",
            where, line))
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
