"""Frozen dataclasses passed between the pipeline stages.  No rdflib here.

``extract`` produces an :class:`Extraction` per source; ``build`` turns it into RDF.  Every
fact carries an :class:`Evidence` whose offsets point into the *raw* source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from meihao_kg.diagnostics import Diagnostic

if TYPE_CHECKING:  # only for annotations: models must import without the extract package
    from meihao_kg.extract.gazetteer import Division

__all__ = [
    "DatedEvent",
    "Evidence",
    "Extraction",
    "InitiativeFact",
    "InitiativeType",
    "Membership",
    "Observation",
    "COMPOUND",
    "OrgKey",
    "OrgMention",
    "PlaceRef",
    "ProjectFacts",
    "Recognition",
    "Tally",
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
class OrgKey:
    """Who an organisation is, so that different wordings of one body meet.

    ``scope`` says whose it is — ``named`` (by its own name), ``compound`` (the project's own:
    its party branch, its coordination bodies), ``community`` (its community's, before the
    community is known by name), ``local`` (a local body known by its kind), ``place`` (a body
    of a named place: that street's office), ``national`` — and ``parts`` tell it apart within
    the scope.  :data:`COMPOUND` (no parts) stands for the compound itself.  Ordered as its
    text, ``scope/part/…``.
    """

    scope: str
    parts: tuple[str, ...] = ()

    @classmethod
    def named(cls, name: str) -> OrgKey:
        return cls("named", (name,))

    @classmethod
    def of_compound(cls, *parts: str) -> OrgKey:
        return cls("compound", parts)

    @classmethod
    def local(cls, *parts: str) -> OrgKey:
        return cls("local", parts)

    @classmethod
    def of_place(cls, place: str, kind: str) -> OrgKey:
        return cls("place", (place, kind))

    @classmethod
    def national(cls, code: str) -> OrgKey:
        return cls("national", (code,))

    @classmethod
    def parse(cls, text: str) -> OrgKey:
        """``"community/residents-committee"`` → ``OrgKey("community", ("residents-committee",))``."""
        scope, *parts = text.split("/")
        return cls(scope, tuple(parts))

    @property
    def rest(self) -> str:
        """The parts as one text (``volunteer-team/某某志愿服务队``)."""
        return "/".join(self.parts)

    def __str__(self) -> str:
        return "/".join((self.scope, *self.parts))

    def __lt__(self, other: OrgKey) -> bool:
        return str(self) < str(other)


#: the compound itself, as the subject or object of a relation, event or recognition
COMPOUND = OrgKey("compound")


@dataclass(frozen=True)
class OrgMention:
    """An organisation named for a compound, keyed (:class:`OrgKey`) so that different
    wordings of one body meet."""

    key: OrgKey
    type_code: str
    label: str
    evidence: Evidence
    aliases: tuple[str, ...] = ()
    place: PlaceRef | None = None


@dataclass(frozen=True)
class Relation:
    subject: OrgKey  # an organisation, or COMPOUND
    predicate: str  # approvedBy | guidedBy | unitOf | collaboratesWith
    object: OrgKey
    evidence: Evidence


@dataclass(frozen=True)
class Membership:
    body: OrgKey  # a coordination body
    member: OrgKey
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
    subject: OrgKey  # COMPOUND or an organisation
    evidence: Evidence


@dataclass(frozen=True)
class Recognition:
    title: str
    level: str | None
    recipient: OrgKey  # COMPOUND or an organisation
    evidence: Evidence
    # a selection the compound belongs to (news reports and lists): the scheme
    # (national-typical-case | meihao-jiayuan | red-property | other), the selection level
    # (national | provincial | city | district | county | street), its year, the conferring
    # bodies as written and the document number cited
    scheme: str | None = None
    selection_level: str | None = None
    year: int | None = None
    bodies: tuple[str, ...] = ()
    document: str | None = None


@dataclass(frozen=True)
class Tally:
    """A count of compounds a selection chose in a place, without their names."""

    place: Division
    count: int
    candidates: int | None
    year: int | None
    scheme: str
    level: str | None
    bodies: tuple[str, ...]
    evidence: Evidence
    place_evidence: Evidence | None = None


@dataclass(frozen=True)
class MediaReport:
    outlets: tuple[OrgKey, ...]
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
    compound_scope: str | None = None  # set when the known compound is placed more precisely
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
    # what kind of text the source is (instalment | report | list | other) and why
    kind: str = "instalment"
    kind_reason: str = ""
    tallies: tuple[Tally, ...] = ()
