"""Organisations: property firms, committees, party bodies, agencies named in a section."""

from __future__ import annotations

import re
from dataclasses import replace

from meihao_kg.extract import gazetteer as gz
from meihao_kg.extract.context import HAN, Ctx, contrasted
from meihao_kg.models import (
    OrgKey,
    OrgMention,
    PlaceRef,
    Relation,
)

# --------------------------------------------------------------------------- organisations

_GENERIC_UNIT = re.compile(
    r"物业服务企业|物业服务公司|物业企业|物业公司|物业服务中心|物业项目部|物业服务处|物业管理处|物业服务团队"
)
_NAMED_FIRM = re.compile(
    rf"[{HAN}A-Za-z()]{{2,24}}?物业(?:服务|管理)?(?:集团)?(?:股份)?(?:有限(?:责任)?公司|集团|公司)(?:[{HAN}]{{2,8}}分公司)?"
)


_FIRM_CUT_HARD = re.compile(r"^.*(?:由|是|为|的|在|请|聘|选聘|引入|委托|通过|经|向|对|将|了|被)")


class _FirmCut:
    """Cut a firm name candidate after the last word that cannot be inside it; a conjunction
    (和与及) only when at least two characters remain before 物业 (北京和苑物业 keeps its 和)."""

    def sub(self, _repl: str, s: str) -> str:
        s = _FIRM_CUT_HARD.sub("", s)
        stem = s.find("物业")
        inside: set[int] = set()  # positions inside a place name (呼和浩特): not a conjunction
        for name in gz.names_with():
            k = s.find(name)
            while k >= 0:
                inside.update(range(k, k + len(name)))
                k = s.find(name, k + 1)
        for i in range((stem if stem >= 0 else len(s)) - 1, -1, -1):
            if s[i] in "和与及" and i not in inside and (stem if stem >= 0 else len(s)) - i - 1 >= 2:
                return s[i + 1:]
        return s


_FIRM_CUT = _FirmCut()

_AGENCY_WORDS = ("环卫垃圾办", "垃圾分类办", "城管局", "城市管理局", "综合行政执法局", "综合执法局",
                 "综合执法部门", "住建局", "住房和城乡建设局", "房产局", "市场监管局", "应急管理局", "卫健委",
                 "环卫所")
_AGENCY_RE = re.compile(rf"([{HAN}]{{0,6}}?)({'|'.join(_AGENCY_WORDS)})")


def org_mention(ctx: Ctx, key: OrgKey, type_code: str, label: str, s: int, e: int,
         lo: int, hi: int, place: PlaceRef | None = None) -> OrgMention:
    """An organisation mention; the wording in the text (业委会) is kept as an alias of the
    canonical label (业主委员会)."""
    surface = ctx.norm.text[s:e]
    aliases = (surface,) if surface and surface != label else ()
    return OrgMention(key, type_code, label, ctx.clause_evidence(s, e, lo, hi),
                      aliases=aliases, place=place)


_SIMPLE_KINDS = (
    (re.compile(r"业主大会"), OrgKey.of_compound("owners-assembly"), "owners-assembly", "业主大会"),
    (re.compile(r"物业管理委员会|物管会"), OrgKey.of_compound("property-management-committee"),
     "property-management-committee", "物业管理委员会"),
    (re.compile(r"业主自管会|业主自治管理委员会|业主自管委员会|自管委员会|自管会"),
     OrgKey.of_compound("owners-self-management-committee"), "owners-self-management-committee", "业主自管会"),
)
# 物业 alone as an actor: "物业与业委会", "由物业牵头", "小区物业"
_PARTNER_NAME = re.compile(
    rf"[{HAN}]{{2,20}}?(?:中心|医院|学校|小学|中学|幼儿园|公司|银行|派出所|支队|大队|中队|局|所|站|馆|单位|党支部|党委)(?=[,、。;和与及联共])"
)
_BARE_PROPERTY = re.compile(
    r"(?:(?<=[、和与及同由让请])|小区)物业(?=[、和与及,。;]|牵头|主动|每|人员|员工|团队|管家|工作人员|服务中心|项目部|负责|积极)"
)
_STREET_PWC = re.compile(rf"(?:中共)?(?P<street>[{HAN}]{{2,8}}?(?:街道|镇|乡))?(?:党工委|工作委员会)")
_COMMUNITY_PC = re.compile(rf"(?P<community>[{HAN}]{{2,8}}?社区|社区)党委")
_VOLUNTEER_TEAM = re.compile(rf"[{HAN}“”\"]{{0,10}}?(?:志愿服务队|志愿者服务队|志愿者队伍|志愿队)")
_NAMED_RC = re.compile(rf"(?P<community>[{HAN}]{{2,6}}?社区)(?:居委会|居民委员会)")
# words that cannot be inside a proper name: cut a name candidate after the last of them
_NAME_CUT_HARD = re.compile(r"^.*(?:了|的|在|由|是|为|向|对|经|把|将|、|小区|建立|成立|设立|联合|所在|属于|隶属|"
                            r"组建|组织|打造|依托|发动|带领|培育|建起)")


class _NameCut:
    """Cut a name candidate after the last word that cannot be inside a proper name; a
    conjunction (和与及同) only when at least two characters of name remain before the
    suffix (和平社区, 致和街道 keep their 和)."""

    def sub(self, _repl: str, s: str) -> str:
        s = _NAME_CUT_HARD.sub("", s)
        suffix = re.search(r"(?:社区|街道|镇|乡|村|志愿服务队|志愿者服务队|志愿者队伍|志愿队)$", s)
        keep = len(suffix.group(0)) if suffix else 0
        for i in range(len(s) - 1, -1, -1):
            if s[i] in "和与及同" and len(s) - i - 1 - keep >= 2:
                return s[i + 1:]
        return s


_NAME_CUT = _NameCut()
_IN_ADDRESS = re.compile(r"(?:(?:位于|地处|坐落于|坐落在|地址为|地址)[^,;。]*|[区县市镇乡]|街道)$")
_NEGATED = re.compile(r"(?:未|没有|尚未|从未|无|不曾|未曾|并未)(?:能)?(?:成立|组建|设立|选举|产生|引入|聘请|选聘|建立)?(?:过|起)?(?:小区)?$")


def negated(ctx: Ctx, pos: int, lo: int) -> bool:
    """True when the words right before ``pos`` deny the organisation (至今未成立业委会, 没有物业)."""
    return bool(_NEGATED.search(ctx.norm.text, max(lo, pos - 10), pos))


def find_organisations(ctx: Ctx, lo: int, hi: int, places: dict[str, PlaceRef]) -> list[OrgMention]:
    text = ctx.norm.text
    body = text[lo:hi]
    found: dict[OrgKey, OrgMention] = {}

    def add(o: OrgMention) -> None:
        if o.key not in found:
            found[o.key] = o
            return
        f = found[o.key]
        extra = tuple(a for a in (o.label, *o.aliases) if a != f.label and a not in f.aliases)
        if extra:
            found[o.key] = replace(f, aliases=(*f.aliases, *extra))

    def mention(key: OrgKey, type_code: str, label: str, s: int, e: int, lo_: int, hi_: int,
                place: PlaceRef | None = None) -> None:
        if key.scope != "named" and (negated(ctx, s, lo_) or contrasted(ctx, s, e, lo_, hi_)):
            return  # "至今未成立业委会", "没有物业", "与…的做法不同": the text says it does not exist
        add(org_mention(ctx, key, type_code, label, s, e, lo_, hi_, place=place))

    for m in _NAMED_FIRM.finditer(body) if "公司" in body or "集团" in body else ():
        name = _FIRM_CUT.sub("", m.group(0))
        if len(name) < 6 or name.startswith(("物业", "小区")):
            continue
        mention(OrgKey.named(name), "property-service-enterprise", name,
                 lo + m.end() - len(name), lo + m.end(), lo, hi)
    for m in _GENERIC_UNIT.finditer(body):
        mention(OrgKey.of_compound("property-service-unit"), "property-service-unit", "物业服务企业", lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"(社区|小区)?(党总支|党支部)(委员会)?", body) if "党" in body else ():
        community = m.group(1) == "社区"
        kind = "general-party-branch" if m.group(2) == "党总支" else "party-branch"
        owner = "community" if community else "compound"
        label = ("社区" if community else "小区") + m.group(2)
        mention(OrgKey(owner, (kind,)), kind, label, lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"业主委员会|业委会", body):
        mention(OrgKey.of_compound("owners-committee"), "owners-committee", "业主委员会",
                 lo + m.start(), lo + m.end(), lo, hi)
    for pat, key, type_code, label in _SIMPLE_KINDS:
        for m in pat.finditer(body):
            mention(key, type_code, label, lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"共建单位", body):
        named = _PARTNER_NAME.match(body, m.end())
        if named:
            name = named.group(0)
            mention(OrgKey.named(name), "partner-organisation", name, lo + named.start(), lo + named.end(),
                    lo, hi)
        else:
            mention(OrgKey.of_compound("partner-organisations"), "partner-organisation", "共建单位",
                    lo + m.start(), lo + m.end(), lo, hi)
    for m in _BARE_PROPERTY.finditer(body) if "物业" in body else ():
        mention(OrgKey.of_compound("property-service-unit"), "property-service-unit", "物业服务企业", lo + m.start(), lo + m.end(), lo, hi)
    for m in _STREET_PWC.finditer(body) if ("党工委" in body or "工作委员会" in body) else ():
        street = m.group("street")
        if street:
            known = [n for n in places if street.endswith(n) and n.endswith(("街道", "镇", "乡"))]
            street = max(known, key=len) if known else (_NAME_CUT.sub("", street).removeprefix("在") or None)
            if street and street not in places and len(street) < 4:
                street = None
        label = (street or "街道") + "党工委"
        key = OrgKey.named(f"{street}党工委") if street else OrgKey.local("party-working-committee")
        s = lo + (m.end("street") - len(street) if street else m.start())
        mention(key, "party-working-committee", label,
                s, lo + m.end(), lo, hi, place=places.get(street) if street else None)
    for m in _COMMUNITY_PC.finditer(body) if "党委" in body else ():
        community = _NAME_CUT.sub("", m.group("community") or "")
        if community and community != "社区" and len(community) >= 4:
            mention(OrgKey.of_place(community, "party-committee"), "community-party-committee", community + "党委", lo + m.start(), lo + m.end(), lo, hi,
                            place=places.get(community))
        else:
            mention(OrgKey("community", ("party-committee",)), "community-party-committee", "社区党委", lo + m.start(), lo + m.end(), lo, hi)
    for m in _VOLUNTEER_TEAM.finditer(body) if "志愿" in body else ():
        name = _NAME_CUT.sub("", m.group(0))
        mention(OrgKey.of_compound("volunteer-team", name), "volunteer-team", name,
                        lo + m.end() - len(name), lo + m.end(), lo, hi)
    for m in _NAMED_RC.finditer(body) if "社区" in body else ():
        community = _NAME_CUT.sub("", m.group("community"))
        if community in places or len(community) < 4:
            continue  # gazetteer communities are handled below
        mention(OrgKey.of_place(community, "residents-committee"), "residents-committee", community + "居民委员会", lo + m.end("community") - len(community),
                lo + m.end(), lo, hi)
    for m in re.finditer(r"(?:社区)?(?:居民委员会|居委会)", body) if "居" in body else ():
        mention(OrgKey("community", ("residents-committee",)), "residents-committee", "社区居民委员会", lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"协商议事委员会|议事协商委员会|协商议事会", body) if "议事" in body else ():
        mention(OrgKey.of_compound("consultation-committee"), "coordination-body", m.group(0), lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"派出所", body) if "派出所" in body else ():
        mention(OrgKey.local("police-station"), "police-station", "派出所",
                 lo + m.start(), lo + m.end(), lo, hi)
    for m in re.finditer(r"(县|区|市)?消防(?:救援)?(大队|支队|中队|站)", body) if "消防" in body else ():
        label = m.group(0)
        mention(OrgKey.local("fire-brigade", label), "fire-brigade", label,
                 lo + m.start(), lo + m.end(), lo, hi)
    for m in _AGENCY_RE.finditer(body) if any(w in body for w in _AGENCY_WORDS) else ():
        prefix = m.group(1)
        prefix = re.sub(r"^.*(?:邀请|会同|联合|与|和|由|请|同)", "", prefix)
        label = prefix + m.group(2)
        mention(OrgKey.local("agency", label), "government-agency", label,
                 lo + m.end() - len(label), lo + m.end(), lo, hi)
    # 街道 / 社区 named through the gazetteer
    for name, pref in places.items():
        if pref.division is None or pref.kind != "division":
            continue
        level = pref.division.level
        if level not in ("township", "community"):
            continue
        for m in re.finditer(re.escape(name), body):
            after = body[m.end(): m.end() + 5]
            if after.startswith(("工作委员会", "党工委", "党委", "党总支", "党支部")):
                continue  # part of a party body's name, not the street office itself
            if _IN_ADDRESS.search(body, max(0, m.start() - 16), m.start()) or re.match(
                    rf"(?:(?![和与及同])[{HAN}]){{1,8}}?(?:社区|村)(?![{HAN}]{{0,2}}(?:党|居))", after + body[m.end() + 5: m.end() + 10]):
                continue  # a place in an address (位于…区XX街道XX社区), not the office acting
            if level == "township" and name.endswith("街道"):
                label = name + "办事处"
                mention(OrgKey.of_place(name, "subdistrict-office"), "subdistrict-office", label,
                        lo + m.start(), lo + m.end(), lo, hi, place=pref)
            elif level == "community" and not after.startswith(("党", "居")):
                label = name + "居民委员会"
                mention(OrgKey.of_place(name, "residents-committee"), "residents-committee", label,
                        lo + m.start(), lo + m.end(), lo, hi, place=pref)
    # bare 街道 / 社区 in an enumeration of actors: "与街道、社区进行深度合作"
    for m in re.finditer(r"(?<![\u4e00-\u9fff])?(街道|社区)(?=[、和与及]|进行|联动|共同|三方|携手|组织)", body):
        prev = body[max(0, m.start() - 1): m.start()]
        if prev and re.match(rf"[{HAN}]", prev) and prev not in "与和及同、":
            continue
        if m.group(1) == "街道":
            mention(OrgKey.local("subdistrict-office"), "subdistrict-office", "街道办事处",
                     lo + m.start(), lo + m.end(), lo, hi)
        else:
            mention(OrgKey("community", ("residents-committee",)), "residents-committee", "社区居民委员会", lo + m.start(), lo + m.end(), lo, hi)
    return list(found.values())


def find_party_committees(ctx: Ctx, lo: int, hi: int) -> list[tuple[OrgMention, Relation | None]]:
    """党工委 named in the text; with 经…批准 the approval relation of the branch it approved."""
    text = ctx.norm.text
    out: list[tuple[OrgMention, Relation | None]] = []
    for m in re.finditer(
        rf"经(?P<org>(?:中共)?[{HAN}]{{2,30}}?(?:工作委员会|党工委|党委))批准,?(?P<rest>[^。;]{{0,30}}?)"
        r"成立(?:了)?(?P<what>党支部委员会|党支部|党总支|业主委员会)",
        text[lo:hi],
    ):
        name = m.group("org")
        s, e = lo + m.start("org"), lo + m.end("org")
        ev = ctx.clause_evidence(lo + m.start(), lo + m.end(), lo, hi)
        org = OrgMention(OrgKey.named(name), "party-working-committee", name, ctx.evidence(s, e))
        what = m.group("what")
        subj = OrgKey.of_compound("owners-committee" if what == "业主委员会" else (
            "general-party-branch" if what == "党总支" else "party-branch"))
        out.append((org, Relation(subj, "approvedBy", org.key, ev)))
    return out
