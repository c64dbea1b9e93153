"""Frozen dataclasses passed between the pipeline stages.  No rdflib here.

``extract`` produces an :class:`Extraction` per source; ``build`` turns it into RDF.  Every
fact carries an :class:`Evidence` whose offsets point into the *raw* source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from meihao_kg.diagnostics import Diagnostic
from meihao_kg.extract.gazetteer import Division

__all__ = [
    "DatedEvent",
    "Evidence",
    "Extraction",
    "InitiativeFact",
    "InitiativeType",
    "Membership",
    "Observation",
    "OrgMention",
    "PlaceRef",
    "ProjectFacts",
    "Recognition",
    "Relation",
    "MediaReport",
]


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    start: int  # raw code-point offset
    end: int  # raw, exclusive
    quote: str  # raw[start:end]
    normalized: str  # the same span, normalised
    sentence: str  # the normalised sentence around it
    sentence_index: int
    damaged: bool = False


@dataclass(frozen=True)
class PlaceRef:
    """A place: a gazetteer division, a functional zone or an address under one."""

    name: str
    kind: str  # division | zone | address
    division: Division | None  # the division itself (kind=division) or the parent
    evidence: Evidence | None = None
    # names the text lost a character of and the gazetteer restored: (text form, full name)
    repaired: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OrgMention:
    """An organisation, keyed so that different wordings of one body meet.

    ``scope`` says whose it is: ``compound`` (the project's own), ``place:<key>`` (a street
    office of a named street), ``national``, or ``named`` (keyed by its name).
    """

    key: str
    type_code: str
    label: str
    scope: str
    evidence: Evidence
    aliases: tuple[str, ...] = ()
    place: PlaceRef | None = None


@dataclass(frozen=True)
class Relation:
    subject: str  # org key, or "compound"
    predicate: str  # approvedBy | guidedBy | unitOf | collaboratesWith
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class Membership:
    body: str  # org key of a coordination body
    member: str  # org key
    role: str | None  # "1", "4", "N" of a formula, or None
    evidence: Evidence


@dataclass(frozen=True)
class InitiativeType:
    slug: str
    iri: str
    label_zh: str
    label_en: str
    mechanism: bool
    discovered: bool = False
    broader: str | None = None
    notation: str | None = None


@dataclass(frozen=True)
class InitiativeFact:
    type: InitiativeType
    evidence: Evidence
    start_date: str | None = None


@dataclass(frozen=True)
class Observation:
    indicator: str  # notation
    value: Decimal
    unit: str  # M2 | PERCENT | NUM | CCY_CNY
    qualifier: str  # eq gt ge lt le approx
    expression: str  # normalised wording
    evidence: Evidence
    baseline: Decimal | None = None
    date: str | None = None
    upper: Decimal | None = None  # the upper bound of a range (90%—95%); value is the lower


@dataclass(frozen=True)
class DatedEvent:
    event: str  # notation in mhc:event
    date: str  # ISO, to the precision given
    subject: str  # "compound" or an org key
    evidence: Evidence


@dataclass(frozen=True)
class Recognition:
    title: str
    level: str | None
    recipient: str  # "compound" or org key
    evidence: Evidence


@dataclass(frozen=True)
class MediaReport:
    outlets: tuple[str, ...]  # org keys
    role: str | None  # the staff member's role, not the person
    evidence: Evidence


@dataclass(frozen=True)
class ProjectFacts:
    slug: str
    name: str  # Simplified, without 小区
    source_name: str  # as written in the source (raw, annotations stripped)
    number: int | None
    headline: str | None
    province: str | None
    evidence: Evidence
    places: tuple[PlaceRef, ...] = ()  # smallest certain place first
    address: PlaceRef | None = None
    aliases: tuple[str, ...] = ()
    orgs: tuple[OrgMention, ...] = ()
    relations: tuple[Relation, ...] = ()
    memberships: tuple[Membership, ...] = ()
    initiatives: tuple[InitiativeFact, ...] = ()
    observations: tuple[Observation, ...] = ()
    events: tuple[DatedEvent, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    media: tuple[MediaReport, ...] = ()
    headline_evidence: Evidence | None = None
    number_evidence: Evidence | None = None
    location_evidence: Evidence | None = None
    compound_slug: str | None = None  # set when the compound is known under another slug
    # cross-source resolution: why this project was merged with a known one, and the known
    # projects of like name it was kept apart from because identity facts conflict
    merge_reason: str | None = None
    identity_conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extraction:
    doc_id: str
    path: str | None
    raw: str
    encoding: str
    sha256: str
    byte_size: int
    title: str | None
    damaged: tuple[tuple[int, int], ...]
    campaign_orgs: tuple[OrgMention, ...] = ()
    campaign_name: str | None = None
    campaign_evidence: Evidence | None = None
    projects: tuple[ProjectFacts, ...] = ()
    new_types: tuple[InitiativeType, ...] = field(default=())
    warnings: tuple[Diagnostic, ...] = ()
