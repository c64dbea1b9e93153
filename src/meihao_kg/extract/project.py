"""One project section → :class:`~meihao_kg.models.ProjectFacts`; the campaign of the intro."""

from __future__ import annotations

import re
from dataclasses import replace

from meihao_kg.extract.context import HAN, Ctx
from meihao_kg.extract.dates import find_events
from meihao_kg.extract.indicators import find_observations
from meihao_kg.extract.initiatives import find_initiatives
from meihao_kg.extract.lexicon import Lexicon
from meihao_kg.extract.media import find_media
from meihao_kg.extract.memberships import find_memberships
from meihao_kg.extract.organisations import find_organisations, find_party_committees
from meihao_kg.extract.orgkinds import kind
from meihao_kg.extract.places import find_places, guided_by, named_subplaces
from meihao_kg.extract.recognitions import find_recognitions
from meihao_kg.models import (
    COMPOUND,
    Evidence,
    Membership,
    OrgKey,
    OrgMention,
    PlaceRef,
    ProjectFacts,
    Relation,
)
from meihao_kg.text.normalise import ANNOTATION_RE
from meihao_kg.text.segment import ProjectSection

# --------------------------------------------------------------------------- projects

def strip_compound_suffix(name: str) -> str:
    for suf in ("小区", "项目"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


def _aliases(text: str, lo: int, hi: int, name: str) -> list[str]:
    out: list[str] = []
    for m in re.finditer(rf"([{HAN}·]{{2,14}}?)小区", text[lo:hi]):
        cand = m.group(1)
        for k in range(len(cand) - 1):
            tail = cand[k:]
            if len(tail) >= 2 and tail in name:
                if tail != name and tail not in out:
                    out.append(tail)
                break
    return out


_LEADING_PLACE = re.compile(rf"^(?P<place>[{HAN}]{{2,6}}?(?:市|区|县))(?P<rest>[{HAN}·]{{2,}})$")


def _without_leading_city(sec: ProjectSection) -> tuple[ProjectSection, str | None]:
    """"吉林市江城花园" → name 江城花园 with 吉林市 as the heading's place; the long form
    is kept as an alias."""
    from meihao_kg.extract import gazetteer as gz

    if sec.city:
        return sec, None
    m = _LEADING_PLACE.match(sec.name)
    if m is None or len(strip_compound_suffix(m.group("rest"))) < 2:
        return sec, None
    if gz.division_named(m.group("place"), sec.province) is None:
        return sec, None
    a, b = sec.name_span
    cut = len(m.group("place"))
    long_form = strip_compound_suffix(sec.name)
    return replace(sec, name=m.group("rest"), name_span=(a + cut, b), city=m.group("place"),
                   city_span=(a, a + cut)), long_form


def project(ctx: Ctx, sec: ProjectSection, lex: Lexicon) -> ProjectFacts:
    from meihao_kg.graph.iri import slugify

    text = ctx.norm.text
    lo, hi = sec.body_start, sec.end
    sec, long_form = _without_leading_city(sec)
    name = strip_compound_suffix(sec.name)
    ev = ctx.evidence(*sec.name_span)
    source_name = ANNOTATION_RE.sub("", ev.quote).strip()
    aliases = _aliases(text, lo, hi, name)
    if long_form and long_form not in aliases:
        aliases.append(long_form)
    places, address = find_places(ctx, sec, [name, *aliases])
    sub = named_subplaces(ctx, sec.start, hi, places)
    orgs = find_organisations(ctx, lo, hi, sub)
    relations = guided_by(ctx, lo, hi, sub)
    approvers = find_party_committees(ctx, lo, hi)
    # a street 党工委 already named in full as an approver (中共…街道工作委员会) is that body
    orgs = [o for o in orgs if not (o.type_code == "party-working-committee" and o.key.scope == "named" and any(
        o.label.removesuffix("党工委") in a.label for a, _ in approvers))]
    for org, rel in approvers:
        # link the committee to its township when the gazetteer knows it
        for pname, pref in sub.items():
            if pname in org.label:
                org = replace(org, place=pref)
        orgs.append(org)
        if rel:
            relations.append(rel)
    # a party body the compound works under: "在XX街道党工委指导下"
    for o in orgs:
        if o.type_code in ("party-working-committee", "community-party-committee") and re.search(
                r"指导|领导|引领|带领|统筹", o.evidence.normalized):
            relations.append(Relation(COMPOUND, "guidedBy", o.key, o.evidence))
    media_orgs, media = find_media(ctx, lo, hi)
    orgs.extend(media_orgs)
    initiatives, formulas = find_initiatives(ctx, sec.start, hi, lex)
    formula_bodies = {k: f for k, f in formulas.items() if "+" in f}
    memberships = find_memberships(ctx, lo, hi, formula_bodies)
    # a formula mechanism is also a coordination body when the text says who its parts are
    with_members = {mb.body for mb in memberships}
    for fact in initiatives:
        key = OrgKey.of_compound(f"formula-{fact.type.slug}")
        if key in with_members:
            orgs.append(OrgMention(key, "coordination-body", fact.type.label_zh, fact.evidence))
    keys = {o.key for o in orgs}
    memberships = [mb for mb in memberships if mb.member in keys or _ensure(mb.member, orgs, mb.evidence)]
    events = find_events(ctx, lo, hi)
    for e in events:
        if e.subject != COMPOUND and e.subject not in {o.key for o in orgs}:
            _ensure(e.subject, orgs, e.evidence)
    # "社区" of a compound whose section names exactly one community is that community:
    # 社区居委会 / 社区党支部 then resolve to 新园社区居民委员会 / 新园社区党支部
    communities = [(n, p) for n, p in sub.items() if p.division and p.division.level == "community"]
    if len(communities) == 1:
        cname, cref = communities[0]
        orgs, relations, memberships = _bind_community(cname, cref, orgs, relations, memberships)
    firm = next((o for o in orgs if o.type_code == "property-service-enterprise"), None)
    unit = OrgKey.of_compound("property-service-unit")
    if firm is not None and any(o.key == unit for o in orgs):
        relations.append(Relation(unit, "unitOf", firm.key, firm.evidence))
    loc_ev = places[0].evidence if places else None
    return ProjectFacts(
        slug=slugify(name),
        name=name,
        source_name=strip_compound_suffix(source_name),
        number=sec.number,
        headline=sec.headline,
        province=sec.province,
        evidence=ev,
        places=tuple(places),
        address=address,
        aliases=tuple(aliases),
        orgs=tuple(orgs),
        relations=tuple(relations),
        memberships=tuple(memberships),
        initiatives=tuple(initiatives),
        observations=tuple(find_observations(ctx, lo, hi)),
        events=tuple(events),
        recognitions=tuple(find_recognitions(ctx, lo, hi)),
        media=tuple(media),
        headline_evidence=ctx.evidence(*sec.headline_span) if sec.headline_span else None,
        number_evidence=ctx.evidence(*sec.number_span) if sec.number_span else None,
        location_evidence=loc_ev,
    )


def _bind_community(
    name: str, place: PlaceRef, orgs: list[OrgMention], relations: list[Relation],
    memberships: list[Membership],
) -> tuple[list[OrgMention], list[Relation], list[Membership]]:
    def rekey(key: OrgKey) -> OrgKey:
        return OrgKey.of_place(name, key.rest) if key.scope == "community" else key

    merged: dict[OrgKey, OrgMention] = {}
    for o in orgs:
        k = rekey(o.key)
        if k != o.key:
            suffix = o.label.removeprefix("社区")
            o = replace(o, key=k, label=name + suffix, place=place,
                        aliases=(*o.aliases, o.label))
        if k in merged:
            first = merged[k]
            extra = tuple(a for a in (o.label, *o.aliases) if a != first.label and a not in first.aliases)
            merged[k] = replace(first, aliases=(*first.aliases, *extra))
        else:
            merged[k] = o
    rel = [replace(r, subject=rekey(r.subject), object=rekey(r.object)) for r in relations]
    mem = [replace(m, body=rekey(m.body), member=rekey(m.member)) for m in memberships]
    return list(merged.values()), rel, mem


def _ensure(key: OrgKey, orgs: list[OrgMention], ev: Evidence) -> bool:
    """Add an organisation named only as a coordination-body member (or event subject)."""
    k = kind(key)
    if k is None:
        return False
    orgs.append(OrgMention(key, k.type_code, k.label, ev))
    return True
