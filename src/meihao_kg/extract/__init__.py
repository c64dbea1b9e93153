"""Stage 3: a segmented, normalised article → :class:`~meihao_kg.models.Extraction`.

Deterministic: patterns over the normalised (Simplified, half-width, annotation-free) text,
the jionlp gazetteer for places, and the SKOS labels of ``ontology/initiatives.ttl`` as the
initiative lexicon.  Every fact gets an :class:`Evidence` mapped back to the raw text.

One module per kind of fact: :mod:`.context` (sentences, clauses, evidence), :mod:`.places`,
:mod:`.organisations` (with the shared table of kinds in :mod:`.orgkinds`),
:mod:`.memberships`, :mod:`.initiatives`, :mod:`.indicators`, :mod:`.dates`,
:mod:`.recognitions`, :mod:`.media`; :mod:`.project` assembles one project section and
:mod:`.source` one whole source.  How each kind of fact is found is documented in the README
("How facts are found").
"""

from __future__ import annotations

from meihao_kg.extract.indicators import INDICATOR_RULES
from meihao_kg.extract.source import extract_project_sections, extract_source

__all__ = ["INDICATOR_RULES", "extract_project_sections", "extract_source"]
