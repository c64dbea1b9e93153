"""Stage 4: :class:`~meihao_kg.models.Extraction` → an rdflib graph under the ontology.

Input: one source's extraction.  Output: the triples of that source, to be stored in its
own named graph (:func:`source_graph_iri`).  Every fact node has ``mh:evidence`` pointing
to an ``mh:EvidenceSpan`` whose selectors give the raw offsets and the verbatim quote;
plain triples that extraction asserts (located in, approved by, guided by...) are also
reified as ``mh:Assertion`` nodes carrying their evidence.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from meihao_kg.extract import gazetteer as gz
from meihao_kg.extract.lexicon import ontology_path
from meihao_kg.graph import iri as mint
from meihao_kg.graph import namespaces
from meihao_kg.graph.iri import span_iri
from meihao_kg.graph.namespaces import JIONLP_PAGE, MH, OA, ORG, QUDT, SCHEMA, UNIT, WD
from meihao_kg.graph.triples import TripleSet
from meihao_kg.models import (
    COMPOUND,
    Evidence,
    Extraction,
    InitiativeType,
    OrgKey,
    OrgMention,
    PlaceRef,
    ProjectFacts,
    Recognition,
    Tally,
)
from meihao_kg.text.normalise import display_path

__all__ = ["BuiltSource", "build_graph", "build_source", "source_graph_iri", "split_evidence", "TYPE_CLASSES",
           "bind_prefixes"]

TYPE_CLASSES: dict[str, URIRef] = {
    "party-organization": MH.PartyOrganization,
    "party-branch": MH.PartyBranch,
    "general-party-branch": MH.GeneralPartyBranch,
    "party-working-committee": MH.PartyWorkingCommittee,
    "owners-committee": MH.OwnersCommittee,
    "property-service-enterprise": MH.PropertyServiceEnterprise,
    "property-service-unit": MH.PropertyServiceUnit,
    "residents-committee": MH.ResidentsCommittee,
    "government-agency": MH.GovernmentAgency,
    "subdistrict-office": MH.SubdistrictOffice,
    "police-station": MH.PoliceStation,
    "fire-brigade": MH.FireBrigade,
    "industry-association": MH.IndustryAssociation,
    "coordination-body": MH.CoordinationBody,
    "media-outlet": MH.MediaOutlet,
    "community-party-committee": MH.CommunityPartyCommittee,
    "owners-assembly": MH.OwnersAssembly,
    "property-management-committee": MH.PropertyManagementCommittee,
    "owners-self-management-committee": MH.OwnersSelfManagementCommittee,
    "volunteer-team": MH.VolunteerTeam,
    "partner-organisation": MH.PartnerOrganisation,
}
_UNITS = {"M2": UNIT.M2, "PERCENT": UNIT.PERCENT, "NUM": UNIT.NUM, "CCY_CNY": UNIT.CCY_CNY, "MIN": UNIT.MIN}
_DATE_TYPES = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}
_SELECTION_ADMIN = {"provincial": "province", "city": "prefecture", "district": "county", "county": "county",
                    "street": "township"}
_RECOGNITION_LEVELS = {"provincial": "province", "municipal": "prefecture", "district": "county",
                       "county": "county", "subdistrict": "township"}
_GENERIC_ZONE = re.compile(r"^(?:高新技术产业开发区|高新园区|高新区|经济技术开发区|经开区|开发区|工业园区|新区|园区|保税区)$")
_LEVEL_SUFFIX = {"county": ("县", "区", "市"), "prefecture": ("市",), "province": ("省",)}


def bind_prefixes(g: Graph) -> None:
    namespaces.bind_prefixes(g, replace=True)


def _fact_key(*parts: object) -> str:
    """A short, stable key for a fact's content (the same statement gives the same key)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def source_graph_iri(doc_id: str) -> URIRef:
    return mint.source_graph(doc_id)


@lru_cache(maxsize=1)
def _wikidata() -> dict[str, str]:
    path = ontology_path("places-wikidata.csv")
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["code"]: r["wikidata"] for r in csv.DictReader(fh) if r.get("wikidata")}


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _nt_string(text: str) -> str:
    """A string literal in N-Triples, escaped as rdflib's serialiser escapes it."""
    return '"' + text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'


class _SpanTerms:
    """The N-Triples forms of the terms every evidence span is described with, made once."""

    def __init__(self) -> None:
        self.type = RDF.type.n3()
        self.span = MH.EvidenceSpan.n3()
        self.source = OA.hasSource.n3()
        self.selector = OA.hasSelector.n3()
        self.normalized = MH.normalizedQuote.n3()
        self.sentence = MH.sentence.n3()
        self.index = MH.sentenceIndex.n3()
        self.quality = MH.textQuality.n3()
        self.damaged = mint.concept("quality", "damaged").n3()
        self.position = OA.TextPositionSelector.n3()
        self.start = OA.start.n3()
        self.end = OA.end.n3()
        self.quote = OA.TextQuoteSelector.n3()
        self.exact = OA.exact.n3()
        self.prefix = OA.prefix.n3()
        self.suffix = OA.suffix.n3()
        self.integer = f"^^{XSD.integer.n3()}"


@lru_cache(maxsize=1)
def _span_terms() -> _SpanTerms:
    return _SpanTerms()


class _Builder:
    def __init__(self, ex: Extraction) -> None:
        self.ex = ex
        self.g = TripleSet()  # an rdflib Graph costs most of a large build (see triples.py)
        self.doc = mint.source(ex.doc_id)
        self.spans: list[str] = []  # the evidence spans' descriptions, as N-Triples lines
        self.span_types: list[str] = []  # their first lines: each span's type
        self.faulty: set[str] = set()  # spans whose offsets or quote disagree with the text
        self.described: set[URIRef] = set()

    # -- evidence -------------------------------------------------------------------
    def evidence(self, subject: URIRef, ev: Evidence | None) -> None:
        """Link ``subject`` to the span of ``ev``, and describe the span (once): its source,
        selectors, offsets and quotes (every span is of this source's text).  The span is
        written straight as N-Triples: spans are two thirds of a source's triples, and no
        query or rule reads them as terms."""
        if ev is None:
            return
        span = span_iri(ev.doc_id, ev.start, ev.end)
        self.g.add((subject, MH.evidence, span))
        if span in self.described:
            return
        self.described.add(span)
        t = _span_terms()
        raw = self.ex.raw
        # what the shapes of spans check of their values (see validate.fact_suspects)
        offsets_wrong = not 0 <= ev.start < ev.end
        if offsets_wrong or raw[ev.start:ev.end] != ev.quote:
            self.faulty.add(str(span))
        if offsets_wrong:
            self.faulty.add(f"{span}#position")
        s = span.n3()
        pos, quote = f"<{span}#position>", f"<{span}#quote>"
        typed = f"{s} {t.type} {t.span} .\n"
        self.span_types.append(typed)
        self.spans += [
            typed,
            f"{s} {t.source} {self.doc.n3()} .\n",
            f"{s} {t.selector} {pos} .\n",
            f"{s} {t.selector} {quote} .\n",
            f"{s} {t.normalized} {_nt_string(ev.normalized)}@zh .\n",
            f"{s} {t.sentence} {_nt_string(ev.sentence)}@zh .\n",
            f'{s} {t.index} "{int(ev.sentence_index)}"{t.integer} .\n',
            f"{pos} {t.type} {t.position} .\n",
            f'{pos} {t.start} "{int(ev.start)}"{t.integer} .\n',
            f'{pos} {t.end} "{int(ev.end)}"{t.integer} .\n',
            f"{quote} {t.type} {t.quote} .\n",
            f"{quote} {t.exact} {_nt_string(ev.quote)} .\n",
            f"{quote} {t.prefix} {_nt_string(raw[max(0, ev.start - 16): ev.start])} .\n",
            f"{quote} {t.suffix} {_nt_string(raw[ev.end: ev.end + 16])} .\n",
        ]
        if ev.damaged:
            self.spans.append(f"{s} {t.quality} {t.damaged} .\n")

    def assertion(self, s: URIRef, p: URIRef, o: URIRef | Literal, ev: Evidence | None) -> URIRef | None:
        """Add ``s p o`` and a reified ``mh:Assertion`` carrying its evidence."""
        self.g.add((s, p, o))
        if ev is None:
            return None
        digest = hashlib.sha1(f"{s} {p} {o} {ev.doc_id}-{ev.start}".encode()).hexdigest()[:16]
        a = mint.assertion(digest)
        self.g.add((a, RDF.type, MH.Assertion))
        self.g.add((a, RDF.subject, s))
        self.g.add((a, RDF.predicate, p))
        self.g.add((a, RDF.object, o))
        self.evidence(a, ev)
        return a

    # -- source ---------------------------------------------------------------------
    def source(self, meta: dict[str, str]) -> None:
        g, ex, doc = self.g, self.ex, self.doc
        g.add((doc, RDF.type, MH.SourceDocument))
        g.add((doc, DCTERMS.identifier, Literal(ex.doc_id)))
        title = meta.get("title") or ex.title
        if title:
            g.add((doc, DCTERMS.title, _zh(title)))
        for key, prop in (("origin", DCTERMS.source), ("provenance", DCTERMS.provenance),
                          ("description", DCTERMS.description), ("publisher", DCTERMS.publisher)):
            if meta.get(key):
                g.add((doc, prop, Literal(meta[key])))
        lang = "zh-Hant" if ex.raw and _mostly_traditional(ex.raw) else "zh-Hans"
        g.add((doc, DCTERMS.language, Literal(lang)))
        g.add((doc, DCTERMS.format, Literal("text/plain")))
        g.add((doc, MH.sha256, Literal(ex.sha256)))
        if ex.path:
            g.add((doc, MH.sourcePath, Literal(display_path(Path(ex.path)))))
        g.add((doc, DCAT.byteSize, Literal(ex.byte_size, datatype=XSD.nonNegativeInteger)))
        g.add((doc, SCHEMA.encodingFormat, Literal(ex.encoding)))
        g.add((doc, SCHEMA.text, Literal(ex.raw)))
        g.add((doc, MH.sourceKind, mint.concept("source-kind", ex.kind)))
        if ex.kind_reason:
            g.add((doc, MH.sourceKindReason, Literal(ex.kind_reason)))
        for a, b in ex.damaged:
            sel = mint.damaged_range(ex.doc_id, a, b)
            g.add((doc, MH.damagedRange, sel))
            g.add((sel, RDF.type, OA.TextPositionSelector))
            g.add((sel, OA.start, Literal(a)))
            g.add((sel, OA.end, Literal(b)))
            g.add((sel, MH.textQuality, mint.concept("quality", "damaged")))

    # -- places ---------------------------------------------------------------------
    def division(self, d: gz.Division) -> URIRef:
        g = self.g
        if d.code:
            iri = mint.division(d.code)
        else:
            parent = d.parent
            assert parent is not None
            iri = mint.child(self.division(parent), d.name)
        if (iri, RDF.type, MH.AdministrativeDivision) in g:
            return iri
        g.add((iri, RDF.type, MH.AdministrativeDivision))
        g.add((iri, RDFS.label, _zh(d.name)))
        g.add((iri, SCHEMA.name, _zh(d.name)))
        g.add((iri, MH.adminLevel, mint.concept("admin-level", d.level)))
        for key in self._place_keys(d.name, d.alias, d.level):
            g.add((iri, MH.lexicalKey, Literal(key)))
        if d.alias and d.alias != d.name:
            g.add((iri, SKOS.altLabel, _zh(d.alias)))
        if d.code:
            g.add((iri, MH.divisionCode, Literal(d.code)))
            qid = _wikidata().get(d.code)
            if qid:
                g.add((iri, SCHEMA.sameAs, WD[qid]))
        if d.parent is not None:
            g.add((iri, SCHEMA.containedInPlace, self.division(d.parent)))
        g.add((iri, PROV.wasDerivedFrom, self.gazetteer()))
        return iri

    def gazetteer(self) -> URIRef:
        """The gazetteer the divisions come from, with its version."""
        version = gz.gazetteer_version()
        iri = mint.gazetteer(version)
        if (iri, RDF.type, PROV.Entity) not in self.g:
            self.g.add((iri, RDF.type, PROV.Entity))
            self.g.add((iri, RDFS.label, Literal(gz.GAZETTEER_SOURCE, lang="en")))
            self.g.add((iri, SCHEMA.version, Literal(version)))
            self.g.add((iri, DCTERMS.source, JIONLP_PAGE))
        return iri

    @staticmethod
    def _place_keys(name: str, alias: str | None, level: str) -> set[str]:
        short = alias or gz.strip_suffix(name)
        keys = {name, gz.strip_suffix(name), short}
        keys.update(short + s for s in _LEVEL_SUFFIX.get(level, ()))
        return {k for k in keys if k}

    def place(self, p: PlaceRef) -> URIRef:
        g = self.g
        if p.kind == "division" and p.division is not None:
            return self.division(p.division)
        parent = self.division(p.division) if p.division is not None else None
        iri = mint.child(parent if parent is not None else mint.division(), p.name)
        cls = MH.FunctionalZone if p.kind == "zone" else SCHEMA.Place
        label = p.name
        keys = self._place_keys(p.name, None, "")
        if p.kind == "zone" and p.division is not None:
            short = p.division.alias or gz.strip_suffix(p.division.name)
            if _GENERIC_ZONE.match(p.name):
                label = short + p.name  # 工业园区 → 苏州工业园区
            if not p.name.startswith(short):
                keys |= {short + p.name, p.division.name + p.name}
        g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, _zh(label)))
        g.add((iri, SCHEMA.name, _zh(label)))
        if label != p.name:
            g.add((iri, SKOS.altLabel, _zh(p.name)))
        for key in keys:
            g.add((iri, MH.lexicalKey, Literal(key)))
        if parent is not None:
            g.add((iri, SCHEMA.containedInPlace, parent))
        self.evidence(iri, p.evidence)
        return iri

    # -- organisations --------------------------------------------------------------
    def org(self, o: OrgMention, scope: str, project_name: str | None) -> URIRef:
        g = self.g
        place_iri = self.place(o.place) if o.place is not None else None
        iri = mint.org(o.key, scope, place_iri)
        g.add((iri, RDF.type, TYPE_CLASSES.get(o.type_code, ORG.Organization)))
        label = o.label
        kind = o.key.scope
        if project_name and kind == "compound":
            label = project_name + o.label.removeprefix("小区")
        elif project_name and kind == "community":
            label = f"{project_name}所在社区{o.label.removeprefix('社区')}"
        elif project_name and kind == "local":
            label = f"{project_name}辖区{o.label}"
        if (iri, RDFS.label, None) not in g:
            g.add((iri, RDFS.label, _zh(label)))
            g.add((iri, SCHEMA.name, _zh(label)))
        for alias in (o.label, *o.aliases):
            if alias != label:
                g.add((iri, SKOS.altLabel, _zh(alias)))
        if place_iri is not None:
            self.assertion(iri, ORG.hasSite if o.type_code != "party-working-committee" else SCHEMA.areaServed,
                           place_iri, o.evidence)
        self.evidence(iri, o.evidence)
        return iri

    # -- projects -------------------------------------------------------------------
    def project(self, p: ProjectFacts, campaign: URIRef | None) -> None:
        """One project: the project node, its compound and where it is, its organisations, then
        each kind of fact about the compound."""
        g = self.g
        coded = next((q.division.county_or_above() for q in p.places if q.division), None)
        scope = coded.code if coded and coded.code else "cn"
        proj = mint.project(scope, p.slug)
        cslug = p.compound_slug or p.slug
        scope = p.compound_scope or scope  # the compound is known under a more precise place
        comp = mint.compound(scope, cslug)
        g.add((proj, RDF.type, MH.ShowcaseProject))
        g.add((proj, RDFS.label, _zh(p.name)))
        g.add((proj, SCHEMA.name, _zh(p.name)))
        if p.source_name and p.source_name != p.name:
            g.add((proj, SCHEMA.alternateName, Literal(p.source_name, lang="zh-Hant")))
        for alias in p.aliases:
            g.add((proj, SKOS.altLabel, _zh(alias)))
        g.add((proj, MH.lexicalKey, Literal(p.name)))
        if p.merge_reason:
            g.add((proj, MH.mergeReason, Literal(p.merge_reason)))
        for conflict in p.identity_conflicts:
            g.add((proj, MH.identityConflict, Literal(conflict)))
        g.add((proj, DCTERMS.source, self.doc))
        g.add((proj, MH.compound, comp))
        self.evidence(proj, p.evidence)
        if p.number is not None:
            g.add((proj, MH.showcaseNumber, Literal(p.number)))
            self.evidence(proj, p.number_evidence)
        if p.headline:
            g.add((proj, SCHEMA.slogan, _zh(p.headline)))
            self.evidence(proj, p.headline_evidence)
        if campaign is not None:
            g.add((proj, MH.campaign, campaign))
        self.compound(p, comp)
        orgs = self.organisations(p, scope, cslug, comp)
        self.initiatives(p, scope, cslug, comp, orgs)
        self.observations(p, scope, cslug, comp)
        self.events(p, scope, cslug, comp, orgs)
        self.recognitions(p, scope, cslug, comp, orgs)
        self.media(p, comp, orgs)

    def compound(self, p: ProjectFacts, comp: URIRef) -> None:
        """The compound node, its names, where it is and its postal address."""
        g = self.g
        g.add((comp, RDF.type, MH.ResidentialCompound))
        if p.compound_slug is None:
            g.add((comp, RDFS.label, _zh(p.name + "小区")))
            g.add((comp, SCHEMA.name, _zh(p.name + "小区")))
        else:  # the compound is named by the source that introduced it
            g.add((comp, SKOS.altLabel, _zh(p.name + "小区")))
        for alias in p.aliases:
            g.add((comp, SKOS.altLabel, _zh(alias + "小区")))
        self.evidence(comp, p.evidence)
        if p.places:
            self.assertion(comp, MH.locatedIn, self.place(p.places[0]), p.places[0].evidence)
            iris = [self.place(q) for q in p.places]
            for q, q_iri in zip(p.places, iris, strict=False):
                if q.repaired:  # a name the text lost a character of: both forms, flagged
                    a = self.assertion(comp, MH.locatedIn, q_iri, q.evidence)
                    if a is not None:
                        g.add((a, MH.textQuality, mint.concept("quality", "repaired")))
                        for text_form, full in q.repaired:
                            g.add((a, MH.originalExpression, _zh(f"{text_form} → {full}")))
            for inner, outer, q in zip(iris, iris[1:], p.places[1:], strict=False):
                if q.kind == "zone":  # a street inside a functional zone (苏州工业园区斜塘街道)
                    g.add((inner, MH.locatedIn, outer))
        elif p.province:
            prov = gz.province_named(p.province)
            if prov is not None:
                self.assertion(comp, MH.locatedIn, self.division(prov), p.evidence)
        if p.address is not None:
            addr = mint.postal_address(comp)
            g.add((comp, SCHEMA.address, addr))
            g.add((addr, RDF.type, SCHEMA.PostalAddress))
            g.add((addr, SCHEMA.streetAddress, _zh(p.address.name)))
            if p.places:
                g.add((addr, SCHEMA.addressLocality, _zh(p.places[0].name)))
            self.evidence(addr, p.address.evidence)

    def organisations(self, p: ProjectFacts, scope: str, cslug: str, comp: URIRef) -> dict[OrgKey, URIRef]:
        """The organisations named for the compound, their relations and memberships; key → IRI."""
        g = self.g
        slug_scope = f"{scope}/{cslug}"
        orgs = {o.key: self.org(o, slug_scope, p.name) for o in p.orgs}
        types = {o.key: o.type_code for o in p.orgs}
        for key, iri in orgs.items():
            kind = key.scope
            if kind in ("compound", "community", "local", "place") or kind == "named" and types[key] in (
                    "property-service-enterprise", "partner-organisation", "party-working-committee",
                    "volunteer-team"):
                g.add((iri, MH.servesCompound, comp))
        for rel in p.relations:
            s = comp if rel.subject == COMPOUND else orgs.get(rel.subject)
            target = orgs.get(rel.object)
            if s is None or target is None:
                continue
            pred = {"approvedBy": MH.approvedBy, "guidedBy": MH.guidedBy, "unitOf": ORG.unitOf}[rel.predicate]
            self.assertion(s, pred, target, rel.evidence)
        for mb in p.memberships:
            body, member = orgs.get(mb.body), orgs.get(mb.member)
            if body is None or member is None:
                continue
            self.assertion(body, ORG.hasMember, member, mb.evidence)
            if mb.role:
                ms = mint.membership(body, mb.member)
                g.add((ms, RDF.type, ORG.Membership))
                g.add((ms, ORG.organization, body))
                g.add((ms, ORG.member, member))
                g.add((ms, MH.formulaRole, Literal(mb.role)))
                self.evidence(ms, mb.evidence)
        return orgs

    def initiatives(self, p: ProjectFacts, scope: str, cslug: str, comp: URIRef, orgs: dict[OrgKey, URIRef]) -> None:
        """What the compound carries out: initiatives and governance mechanisms."""
        g = self.g
        for f in p.initiatives:
            iri = mint.initiative(scope, cslug, f.type.slug)
            g.add((iri, RDF.type, MH.GovernanceMechanism if f.type.mechanism else MH.Initiative))
            g.add((iri, RDFS.label, _zh(f.type.label_zh)))
            g.add((iri, MH.initiativeType, URIRef(f.type.iri)))
            g.add((iri, MH.implementedAt, comp))
            if f.start_date:
                g.add((iri, SCHEMA.startDate, _date(f.start_date)))
            body = orgs.get(OrgKey.of_compound(f"formula-{f.type.slug}"))
            if body is not None:
                g.add((iri, MH.implementedBy, body))
            self.evidence(iri, f.evidence)

    def observations(self, p: ProjectFacts, scope: str, cslug: str, comp: URIRef) -> None:
        """Indicator observations about the compound."""
        g = self.g
        for ob in p.observations:
            # keyed by what is stated, not where: one fact stated by several sources is one
            # node with evidence in each; a different figure is another node
            iri = mint.observation(scope, cslug, ob.indicator, _fact_key(
                ob.value, ob.qualifier, ob.unit, ob.baseline, ob.date))
            g.add((iri, RDF.type, MH.IndicatorObservation))
            g.add((iri, SCHEMA.observationAbout, comp))
            g.add((iri, MH.indicator, mint.concept("indicator", ob.indicator)))
            value_prop = SCHEMA.minValue if ob.qualifier in ("gt", "ge") else (
                SCHEMA.maxValue if ob.qualifier in ("lt", "le") else SCHEMA.value)
            g.add((iri, SCHEMA.value, _decimal(ob.value)))
            if value_prop != SCHEMA.value:
                g.add((iri, value_prop, _decimal(ob.value)))
            g.add((iri, QUDT.unit, _UNITS[ob.unit]))
            g.add((iri, MH.valueQualifier, mint.concept("qualifier", ob.qualifier)))
            g.add((iri, MH.originalExpression, _zh(ob.expression)))
            if ob.baseline is not None:
                g.add((iri, MH.baselineValue, _decimal(ob.baseline)))
            if ob.upper is not None:  # a range: 90%—95%
                g.add((iri, SCHEMA.maxValue, _decimal(ob.upper)))
            if ob.date:
                g.add((iri, SCHEMA.observationDate, _date(ob.date)))
            self.evidence(iri, ob.evidence)

    def events(self, p: ProjectFacts, scope: str, cslug: str, comp: URIRef, orgs: dict[OrgKey, URIRef]) -> None:
        """Dated events of the compound or of one of its organisations."""
        g = self.g
        for evt in p.events:
            subject = comp if evt.subject == COMPOUND else orgs.get(evt.subject, comp)
            # keyed by what is stated: two articles dating one event differently give two
            # events ("who said what"); the same date from several sources is one event
            iri = mint.event(scope, cslug, evt.event, _fact_key(evt.subject, evt.date))
            g.add((iri, RDF.type, MH.DatedEvent))
            g.add((iri, MH.eventType, mint.concept("event", evt.event)))
            g.add((iri, SCHEMA.about, subject))
            g.add((iri, MH.eventDate, _date(evt.date)))
            if evt.event in ("owners-committee-founded", "party-branch-founded") and subject != comp:
                g.add((subject, SCHEMA.foundingDate, _date(evt.date)))
            self.evidence(iri, evt.evidence)

    def recognitions(self, p: ProjectFacts, scope: str, cslug: str, comp: URIRef, orgs: dict[OrgKey, URIRef]) -> None:
        """Recognitions the compound or one of its organisations received."""
        g = self.g
        for rec in p.recognitions:
            if rec.scheme is not None:
                self.selection(rec, comp, scope, cslug)
                continue
            iri = mint.recognition(scope, cslug, rec.title)
            recipient = comp if rec.recipient == COMPOUND else orgs.get(rec.recipient, comp)
            g.add((iri, RDF.type, MH.Recognition))
            g.add((iri, RDFS.label, _zh(rec.title)))
            g.add((iri, MH.recipient, recipient))
            level = _RECOGNITION_LEVELS.get(rec.level or "")
            if level:
                g.add((iri, MH.level, mint.concept("admin-level", level)))
            g.add((recipient, SCHEMA.award, _zh(rec.title)))
            self.evidence(iri, rec.evidence)

    def media(self, p: ProjectFacts, comp: URIRef, orgs: dict[OrgKey, URIRef]) -> None:
        """Media coverage of the compound."""
        g = self.g
        for m in p.media:
            iri = mint.coverage(m.evidence.doc_id, m.evidence.start)
            g.add((iri, RDF.type, MH.MediaCoverage))
            outlets = "、".join(o.label for o in p.orgs if o.key in m.outlets)
            g.add((iri, RDFS.label, _zh(f"{outlets}报道" if outlets else "媒体报道")))
            g.add((iri, SCHEMA.about, comp))
            for key in m.outlets:
                if key in orgs:
                    g.add((iri, MH.reportedBy, orgs[key]))
            if m.role:
                g.add((iri, MH.actorRole, _zh(m.role)))
            self.evidence(iri, m.evidence)

    def selection(self, rec: Recognition, comp: URIRef, scope: str, cslug: str) -> None:
        """A recognition of a news report or list: a selection the compound belongs to, with
        its scheme, level, year, conferring bodies and document, keyed by what is stated (the
        same selection reported by several sources is one node with evidence in each)."""
        g = self.g
        key = _fact_key(rec.scheme, rec.selection_level, rec.year, rec.title if rec.scheme == "other" else "")
        iri = mint.selection(scope, cslug, rec.scheme or "other", key)
        g.add((iri, RDF.type, MH.Recognition))
        if (iri, RDFS.label, None) not in g:
            g.add((iri, RDFS.label, _zh(rec.title)))
        g.add((iri, MH.recipient, comp))
        g.add((iri, MH.recognitionScheme, mint.concept("recognition-scheme", rec.scheme)))
        if rec.selection_level:
            g.add((iri, MH.recognitionLevel, mint.concept("recognition-level", rec.selection_level)))
            admin = _SELECTION_ADMIN.get(rec.selection_level)
            if admin and (iri, MH.level, None) not in g:
                g.add((iri, MH.level, mint.concept("admin-level", admin)))
        if rec.year and (iri, MH.recognitionYear, None) not in g:
            g.add((iri, MH.recognitionYear, Literal(str(rec.year), datatype=XSD.gYear)))
        for body in rec.bodies:
            g.add((iri, MH.conferringBody, _zh(body)))
        if rec.document:
            g.add((iri, MH.documentNumber, Literal(rec.document)))
        self.evidence(iri, rec.evidence)

    def tally(self, t: Tally) -> None:
        """A count of compounds a selection chose in a place, without their names."""
        g = self.g
        if t.place.level == "country":
            place = mint.division()
            g.add((place, RDF.type, SCHEMA.Country))
            g.add((place, RDFS.label, _zh(t.place.name)))
            g.add((place, SCHEMA.name, _zh(t.place.name)))
            for key in ("中华人民共和国", "中国", "全国"):
                g.add((place, MH.lexicalKey, Literal(key)))
        else:
            place = self.division(t.place)
        key = _fact_key(t.place.name, t.scheme, t.level, t.year, t.count)
        iri = mint.tally(t.scheme, key)
        g.add((iri, RDF.type, MH.SelectionTally))
        label = f"{t.place.name}{t.year or ''}{'年度' if t.year else ''}入选{t.count}个小区"
        g.add((iri, RDFS.label, _zh(label)))
        g.add((iri, SCHEMA.observationAbout, place))
        g.add((iri, MH.selectedCount, Literal(t.count)))
        if t.candidates:
            g.add((iri, MH.candidateCount, Literal(t.candidates)))
        g.add((iri, MH.recognitionScheme, mint.concept("recognition-scheme", t.scheme)))
        if t.level:
            g.add((iri, MH.recognitionLevel, mint.concept("recognition-level", t.level)))
        if t.year:
            g.add((iri, MH.recognitionYear, Literal(str(t.year), datatype=XSD.gYear)))
        for body in t.bodies:
            g.add((iri, MH.conferringBody, _zh(body)))
        self.evidence(iri, t.evidence)

    def discovered(self, types: Iterable[InitiativeType]) -> None:
        g = self.g
        for t in types:
            c = URIRef(t.iri)
            g.add((c, RDF.type, SKOS.Concept))
            g.add((c, SKOS.inScheme, mint.concept("initiative")))
            g.add((c, SKOS.prefLabel, _zh(t.label_zh)))
            g.add((c, SKOS.prefLabel, Literal(t.label_en, lang="en")))
            if t.notation:
                g.add((c, SKOS.notation, Literal(t.notation)))
            if t.broader:
                g.add((c, SKOS.broader, URIRef(t.broader)))
            g.add((c, MH.discovered, Literal(True)))
            g.add((c, MH.typeCode, Literal("mechanism")))

    def campaign(self) -> URIRef | None:
        ex, g = self.ex, self.g
        if not ex.projects:
            return None
        name = ex.campaign_name or "加强物业管理 共建美好家园"
        c = mint.campaign(name)
        g.add((c, RDF.type, MH.Campaign))
        g.add((c, RDFS.label, _zh(name)))
        g.add((c, SCHEMA.name, _zh(name)))
        self.evidence(c, ex.campaign_evidence)
        for o in ex.campaign_orgs:
            iri = self.org(o, "cn", None)
            g.add((c, PROV.wasAssociatedWith, iri))
        return c


def _mostly_traditional(text: str) -> bool:
    from meihao_kg.text.normalise import to_simplified

    sample = text[:4000]
    changed = sum(1 for a, b in zip(sample, to_simplified(sample), strict=False) if a != b)
    return changed > len(sample) * 0.02


def _decimal(v: Decimal) -> Literal:
    return Literal(str(v), datatype=XSD.decimal)


def _date(iso: str) -> Literal:
    return Literal(iso, datatype=_DATE_TYPES.get(len(iso), XSD.string))


def build_graph(ex: Extraction, meta: dict[str, str] | None = None) -> Graph:
    """Every triple of one source, its evidence spans' descriptions included, as an rdflib
    graph."""
    built = build_source(ex, meta)
    g = Graph()
    bind_prefixes(g)
    for t in built.triples:
        g.add(t)
    g.parse(data=built.spans, format="nt")
    return g


@dataclass(frozen=True)
class BuiltSource:
    """One source's statements (the build's path): its facts and their ``mh:evidence`` links
    as rdflib terms, and the descriptions of its evidence spans as N-Triples.

    ``span_types`` is the type statement of each span alone, and ``faulty_spans`` the spans
    whose offsets or quote disagree with the source's text: the one way the span shapes can
    fail on spans this builder writes (see :func:`meihao_kg.graph.validate.fact_suspects`)."""

    triples: TripleSet
    spans: bytes
    span_types: bytes = b""
    faulty_spans: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.triples) + self.spans.count(b"\n")


def build_source(ex: Extraction, meta: dict[str, str] | None = None) -> BuiltSource:
    """The statements of one source (to go into its named graph and the evidence graph)."""
    b = _Builder(ex)
    b.source(meta or {})
    campaign = b.campaign() if ex.kind == "instalment" else None
    for p in ex.projects:
        b.project(p, campaign)
    for t in ex.tallies:
        b.tally(t)
    b.discovered(ex.new_types)
    return BuiltSource(b.g, "".join(b.spans).encode("utf-8"), "".join(b.span_types).encode("utf-8"),
                       frozenset(b.faulty))


def split_evidence(ntriples: bytes, doc_id: str) -> tuple[bytes, bytes]:
    """A source's N-Triples (one statement a line) in two: what the source states, and the
    descriptions of its evidence spans and their selectors (the statements whose subject is
    a span or a selector of ``doc_id``).  The store keeps the first in the source's graph
    and both in the asserted graph: a span's description is written once."""
    prefix = f"<{mint.spans_prefix(doc_id)}".encode()
    said: list[bytes] = []
    spans: list[bytes] = []
    for line in ntriples.split(b"\n"):  # a literal's line breaks are escaped in N-Triples
        if line:
            (spans if line.startswith(prefix) else said).append(line)
    return b"".join(x + b"\n" for x in said), b"".join(x + b"\n" for x in spans)


def read_meta(path: Path) -> dict[str, str]:
    """``foo.meta.toml`` next to ``foo.txt``: title, origin, provenance, description."""
    import tomllib

    meta_path = path.with_name(path.stem + ".meta.toml")
    if not meta_path.exists():
        return {}
    with meta_path.open("rb") as fh:
        data = tomllib.load(fh)
    return {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)}


