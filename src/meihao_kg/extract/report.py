"""One compound of a news report or list → :class:`~meihao_kg.models.ProjectFacts`.

The compound's facts come only from the sentences about it alone (see
:mod:`meihao_kg.text.segment_news`): a sentence naming several compounds gives each of them
only what it says of all of them (the selection they are in), never a mechanism, firm or
figure.  A compound named only as an item of a list gets its place and recognition and
nothing more.  The same finders as for instalments run over those sentences, so the
evidence rules are the same.
"""

from __future__ import annotations

import re
from dataclasses import replace

from meihao_kg.extract import gazetteer as gz
from meihao_kg.extract.context import Ctx
from meihao_kg.extract.dates import find_events
from meihao_kg.extract.indicators import find_observations
from meihao_kg.extract.initiatives import find_initiatives
from meihao_kg.extract.lexicon import Lexicon
from meihao_kg.extract.organisations import find_organisations
from meihao_kg.extract.places import named_subplaces, place_from_address
from meihao_kg.extract.recognitions import Selection, find_honours, find_selections, to_recognition
from meihao_kg.models import (
    COMPOUND,
    DatedEvent,
    InitiativeFact,
    Observation,
    OrgKey,
    OrgMention,
    PlaceRef,
    ProjectFacts,
    Recognition,
)
from meihao_kg.text.segment_news import ReportCompound, Sentence

__all__ = ["dateline_year", "report_compound"]

_ADDR = re.compile(r"(?:位于|地处|坐落于|坐落在|地址为|位处)(?P<addr>[^,。;:\n]{2,40})")
_BELONGS = re.compile(r"隶属(?:于)?(?P<c>[\u4e00-\u9fff]{2,8}?社区)")
_AREA_BEFORE = re.compile(r"(?P<addr>[\u4e00-\u9fff]{2,20}?)(?:辖区)?的$")
_BACK_REF = re.compile(r"名单中|名单里|位列其中|名列其中|榜上有名|入选名单|上榜")
_ZONE_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:新技术开发区|技术开发区|开发区|高新区|工业园区|新区)$")
_RANK = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "community": 4}


def dateline_year(text: str) -> int | None:
    """The year of the article's dateline (2025-04-01, 发布时间:2022-02-22), from its first lines."""
    head = "\n".join(text.split("\n")[:6])
    m = re.search(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})", head)
    if m is None:  # a notice dated at its end (湖南省住房和城乡建设厅 / 2025年11月20日)
        tail = "\n".join(text.rstrip().split("\n")[-4:])
        m = re.search(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})日?\s*$", tail, re.M)
    return int(m.group(1)) if m else None


def _depth(chain: list[PlaceRef]) -> float:
    if not chain:
        return -1
    first = chain[0]
    if first.division is None:
        return 0
    return _RANK.get(first.division.level, 2) + (0.5 if first.kind == "zone" else 0)


def _places(ctx: Ctx, c: ReportCompound, sents: list[Sentence], city: gz.Division | None,
            province: str | None) -> list[PlaceRef]:
    """The compound's places: its name's prefix, an address the text gives it (位于…的XX小区,
    XX坐落在…, …街道辖区的XX), a community it 隶属于; else the text's city."""
    text = ctx.norm.text
    candidates: list[tuple[str, int, int]] = []
    for m in c.mentions:
        if m.prefix is not None and m.prefix.text:
            candidates.append((m.prefix.text, m.prefix.start, m.prefix.end))
        # …街道辖区的XX / 位于…的XX: the place right before the name
        before = text[max(0, m.start - 24):m.start]
        am = _AREA_BEFORE.search(before)
        if am and (m.prefix is None or not m.prefix.text):
            addr = re.sub(r"^.*?(?:位于|地处|坐落于|坐落在|在|于)", "", am.group("addr"))
            if re.search(r"(?:省|市|区|县|街道|镇|乡|社区)$", addr.removesuffix("辖区")):
                a = m.start - len(am.group(0)) + (len(am.group("addr")) - len(addr))
                addr = addr.removesuffix("辖区")
                candidates.append((addr, a, a + len(addr)))
    names = [c.name, *c.aliases]
    for s in sents:
        for am2 in _ADDR.finditer(text, s.start, s.end):
            addr = am2.group("addr")
            for n in names:  # 位于成都金牛区…社区的西岸观邸小区: the address stops at the name
                k = addr.find(n)
                if k > 0:
                    addr = addr[:k]
            addr = addr.removesuffix("的")
            if len(addr) >= 2:
                candidates.append((addr, am2.start("addr"), am2.start("addr") + len(addr)))
    best: list[PlaceRef] = []
    district = _text_district(text, city)
    for addr, a, b in candidates:
        if district is not None and district.parent is not None and re.match(
                r"[\u4e00-\u9fff]{2,8}?(?:街道|镇|乡)", addr) and not re.search(r"[省市县]|区(?!.*街道)", addr.split("街道")[0]):
            # 宝塔桥街道恒盛嘉园社区 in a text about 南京市鼓楼区: the street is the district's
            chain, _address = place_from_address(ctx, district.parent.name + district.name + addr, a, b,
                                                  province, a, b, None)
            chain = [p for p in chain if p.kind != "address"]
            if chain and chain[-1].division is not None and district in chain[-1].division.chain() + [
                    d for q in chain if q.division for d in q.division.chain()]:
                if (_depth(chain), len(chain)) > (_depth(best), len(best)):
                    best = chain
                continue
        zm = _ZONE_ONLY.match(addr)
        if zm and city is not None:
            # 东湖新技术开发区: a functional zone of the text's city (not a homonym district)
            ev = ctx.evidence(a, b)
            chain = [PlaceRef(addr, "zone", city, ev), PlaceRef(city.name, "division", city, None)]
            if (_depth(chain), len(chain)) > (_depth(best), len(best)):
                best = chain
            continue
        chain, _address = place_from_address(ctx, addr, a, b, province, a, b, city)
        if not chain and city is not None and re.match(r"[\u4e00-\u9fff]{2,8}?(?:街道|镇|乡)", addr):
            # 金鸡湖街道: a street of the text's city the gazetteer does not list
            tm = re.match(r"[\u4e00-\u9fff]{2,8}?(?:街道|镇|乡)", addr)
            assert tm is not None
            ev = ctx.evidence(a, a + len(tm.group(0)))
            chain = [PlaceRef(tm.group(0), "division", gz.township(city, tm.group(0)), ev),
                     PlaceRef(city.name, "division", city, None)]
        chain = [p for p in chain if p.kind != "address"]
        if (_depth(chain), len(chain)) > (_depth(best), len(best)):
            best = chain
    if best:
        # a community the compound belongs to: 隶属于湖畔天城社区
        top = best[0].division
        if top is not None and top.level == "township":
            for s in sents:
                bm = _BELONGS.search(text, s.start, s.end)
                if bm:
                    ev = ctx.evidence(bm.start("c"), bm.end("c"))
                    best = [PlaceRef(bm.group("c"), "division", gz.community(top, bm.group("c")), ev), *best]
                    break
        return best
    if city is not None:
        return [PlaceRef(city.name, "division", city, None)]
    return []


def _text_district(text: str, city: gz.Division | None) -> gz.Division | None:
    """The district of the text's city the text names most often (鼓楼区住建局…)."""
    if city is None or city.level != "prefecture":
        return None
    counts: dict[str, int] = {}
    kids = {d.name: d for d in gz.divisions("county") if d.parent == city}
    for name, d in kids.items():
        n = text.count(name) + (text.count(d.alias) if d.alias and len(d.alias) >= 2 else 0)
        if n:
            counts[name] = n
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return kids[best]


def _merge_recognitions(recs: list[Recognition]) -> list[Recognition]:
    """One recognition per scheme, level and year: the statement with the most detail, its
    bodies and document kept (the title and the opening sentence often both report it)."""
    out: dict[tuple[str | None, str | None, str], Recognition] = {}
    for r in recs:
        key = (r.scheme, r.selection_level, r.title if r.scheme == "other" else "")
        old = out.get(key)
        if old is None:
            out[key] = r
            continue
        if old.year is None and r.year is not None or r.year == old.year:
            score_old = len("".join(old.bodies)) + (5 if old.document else 0) + (3 if old.year else 0)
            score_new = len("".join(r.bodies)) + (5 if r.document else 0) + (3 if r.year else 0)
            if score_new > score_old:
                out[key] = r
    # a recognition whose level is unknown is dropped when one of the same scheme has it
    keep = []
    for key, r in out.items():
        if r.selection_level is None and any(k[0] == key[0] and k[1] is not None and k[2] == key[2] for k in out):
            continue
        keep.append(r)
    return keep


def report_compound(ctx: Ctx, c: ReportCompound, lex: Lexicon, *, kind: str, dateline: int | None,
                    city: gz.Division | None, context: tuple[int, int] | None = None,
                    document: str | None = None, all_sentences: tuple[Sentence, ...] = (),
                    signature: str | None = None) -> ProjectFacts:
    """The facts of one compound of a report (``kind`` report) or list (``kind`` list)."""
    from meihao_kg.graph.iri import slugify

    about = list(c.sentences)
    shared = list(c.shared)
    province = None
    places = _places(ctx, c, about + shared, city, None)
    for p in places:
        if p.division is not None:
            prov = next((d for d in p.division.chain() if d.level == "province"), None)
            if prov is not None:
                province = prov.name
                break
    first = c.mentions[0]
    ev = ctx.evidence(first.start, first.end)
    recognitions: list[Recognition] = []
    sels: list[tuple[Selection, Sentence]] = []
    text = ctx.norm.text
    for s in about + shared:
        found = find_selections(ctx, s.start, s.end, dateline)
        if not found and _BACK_REF.search(text, s.start, s.end) and all_sentences:
            # 名单中有两个同名小区:… — the list is the one the sentence before names
            prev = [x for x in all_sentences if x.end <= s.start and not x.chrome]
            if prev:
                found = find_selections(ctx, prev[-1].start, prev[-1].end, dateline)
                if found:
                    s = prev[-1]
        for sel in found:
            sels.append((sel, s))
    if not sels and context is not None and any(m.listed for m in c.mentions):
        # a row of a list: the selection is the one the list's heading sentence names
        for sel in find_selections(ctx, context[0], context[1], dateline):
            sels.append((replace(sel, document=sel.document or document,
                                 bodies=sel.bodies or ((signature,) if signature else ())),
                         Sentence(context[0], context[1], -1)))
    for sel, s in sels:
        recognitions.append(to_recognition(ctx, sel, (s.start, s.end) if s.end - s.start <= 160 else None))
    orgs: list[OrgMention] = []
    initiatives: list[InitiativeFact] = []
    observations: list[Observation] = []
    events: list[DatedEvent] = []
    if kind != "list" and not c.listed_only:
        for s in about:
            for sel in find_honours(ctx, s.start, s.end, dateline):
                recognitions.append(to_recognition(ctx, sel))
        sub = named_subplaces(ctx, min(s.start for s in about), max(s.end for s in about), places) if about else {}
        seen_org: set[OrgKey] = set()
        seen_init: set[str] = set()
        seen_obs: set[tuple[str, str, str]] = set()
        seen_evt: set[tuple[str, str]] = set()
        for s in about:
            for o in find_organisations(ctx, s.start, s.end, sub):
                if o.key not in seen_org:
                    seen_org.add(o.key)
                    orgs.append(o)
            facts, _formulas = find_initiatives(ctx, s.start, s.end, lex)
            for f in facts:
                if f.type.slug not in seen_init:
                    seen_init.add(f.type.slug)
                    initiatives.append(f)
            for ob in find_observations(ctx, s.start, s.end):
                k = (ob.indicator, str(ob.value), ob.qualifier)
                if k not in seen_obs:
                    seen_obs.add(k)
                    observations.append(ob)
            for e in find_events(ctx, s.start, s.end):
                if e.subject != COMPOUND and e.subject not in seen_org:
                    continue
                k2 = (e.event, e.date)
                if k2 not in seen_evt:
                    seen_evt.add(k2)
                    events.append(e)
    if kind != "list" and not c.listed_only:
        orgs = _named_firms(ctx, c, about, orgs)
        orgs = _tidy_orgs(orgs, sub)
        communities = [p for p in places if p.division is not None and p.division.level == "community"]
        if len(communities) == 1:
            from meihao_kg.extract.project import bind_community

            orgs, _rel, _mem = bind_community(communities[0].name, communities[0], orgs, [], [])
    # a firm's party branch (…分公司党支部) is not the compound's: no 小区党支部 practice from it
    initiatives = [f for f in initiatives if not (f.type.notation == "PB.BRANCH" and re.search(
        r"公司[^,。]{0,4}党支部", f.evidence.normalized))]
    # recognitions are facts of their own: no "recognition received" event beside them
    events = [e for e in events if e.event != "recognition-received"]
    name = c.name
    return ProjectFacts(
        slug=slugify(name),
        name=name,
        source_name=name,
        number=None,
        headline=None,
        province=province,
        evidence=ev,
        places=tuple(places),
        aliases=tuple(a for a in c.aliases if a != name),
        orgs=tuple(orgs),
        initiatives=tuple(initiatives),
        observations=tuple(observations),
        events=tuple(events),
        recognitions=tuple(_merge_recognitions(recognitions)),
        location_evidence=places[0].evidence if places else None,
    )


_FIRM_IS = re.compile(
    r"(?:物业服务(?:企业|公司|单位)(?:为|是)|由|引入(?:的)?(?:国有)?(?:物业企业)?)"
    r"(?P<n>[\u4e00-\u9fff()]{2,24}?(?:物业[\u4e00-\u9fff()]{0,10}?有限公司|物业公司))"
    r"(?=提供物业服务|服务|接管|托管|进驻|负责|管理|[,。;]|$)")
_FIRM_NEAR = re.compile(r"(?P<n>[\u4e00-\u9fff()]{2,16}?物业(?:服务|管理)?(?:有限公司|公司)?)(?:所服务的|服务的|管理的|负责的|在)?$")
_FIRM_CUT = re.compile(r"^.*[与和及的在是为对由、]")
_GENERIC_FIRM = re.compile(r"^(?:小区|该|本|其|各|红色|专业|原|新|前期|社区|街道|业主|居民|引进|聘请|选聘)?物业")


def _named_firms(ctx: Ctx, c: ReportCompound, about: list[Sentence], orgs: list[OrgMention]) -> list[OrgMention]:
    """The firm that serves the compound, named: 物业服务企业为XX公司; XX物业所服务的<compound>;
    XX物业<compound>负责人.  A named firm replaces the generic 物业服务企业."""
    text = ctx.norm.text
    found: dict[str, OrgMention] = {}
    for s in about:
        for m in _FIRM_IS.finditer(text, s.start, s.end):
            n = m.group("n")
            cut = re.match(r"^.*(?:的|企业)", n)
            if cut and len(n) - cut.end() >= 6:
                n = n[cut.end():]  # 街道引入的国有物业企业西安城投物业管理有限公司
            found.setdefault(n, OrgMention(OrgKey.named(n), "property-service-enterprise", n,
                                           ctx.clause_evidence(m.start(), m.end(), s.start, s.end)))
    for men in c.mentions:
        before = text[max(0, men.start - 24):men.start]
        fm = _FIRM_NEAR.search(before)
        if fm is None:
            continue
        n = fm.group("n")
        cut = _FIRM_CUT.match(n)
        if cut and len(n) - cut.end() >= 4:
            n = n[cut.end():]
        n = re.sub(r"(?:所服务的|服务的|管理的|负责的|在)$", "", n)
        if _GENERIC_FIRM.match(n) or len(n) < 4:
            continue

        a = text.find(n, max(0, men.start - 24), men.start)
        if a < 0:
            continue
        found.setdefault(n, OrgMention(OrgKey.named(n), "property-service-enterprise", n,
                                       ctx.clause_evidence(a, a + len(n))))
    if not found:
        return orgs
    kept = [o for o in orgs if o.key != OrgKey.of_compound("property-service-unit")]
    have = {o.label for o in kept}
    return kept + [o for n, o in found.items() if n not in have and not any(n in h for h in have)]


def _tidy_orgs(orgs: list[OrgMention], sub: dict[str, PlaceRef]) -> list[OrgMention]:
    """What a report's sentences say about other bodies is kept out: a government agency
    visiting or accompanying (陪同调研) is not the compound's organisation; a firm's party
    branch (…分公司党支部) is not the compound's; a 社区 body whose 'place' is a run of words
    (推动社区居委会) is the community's generic body."""
    out: list[OrgMention] = []
    keys = {o.key for o in orgs}
    for o in orgs:
        if o.type_code in ("government-agency", "subdistrict-office"):
            continue  # a bureau or street office visiting, organising or planning: not the compound's
        if o.type_code == "owners-committee" and re.search(
                r"(?:没有|未|尚未|暂未|还未|从未)(?:成立|组建|选举)?(?:业主委员会|业委会)|代行业委会|代行业主委员会",
                o.evidence.sentence):
            continue  # 至今没有成立业委会…临时代行业委会职责
        if o.type_code == "party-branch" and re.search(r"(?:物业|公司)(?:成立)?(?:了)?(?:物业)?党支部", o.evidence.normalized):
            continue  # the firm's party branch
        if o.key == OrgKey.of_compound("party-branch") and re.search(r"公司[^,。]{0,4}党支部", o.evidence.normalized):
            continue
        place = o.key.parts[0] if o.key.scope == "place" else None
        if place is not None and place not in sub:
            known = next((q for q in sub if place.endswith(q) and place != q), None)
            if known is not None:  # 矛盾南市社区党委: the words before the community are not its name
                head = place[: -len(known)]
                o = replace(o, key=OrgKey("place", (known, *o.key.parts[1:])), label=o.label.removeprefix(head),
                            place=sub[known])
                out.append(o)
                continue
            generic = OrgKey("community", o.key.parts[1:])
            if generic in keys:
                continue
        out.append(o)
    return out


def with_compound_slug(p: ProjectFacts, slug: str) -> ProjectFacts:
    return replace(p, compound_slug=slug)
