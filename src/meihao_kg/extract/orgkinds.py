"""The shared table of organisation kinds the extractor knows without a proper name.

Each kind has a key (``scope/kind``: who it belongs to — the compound, its community, a
local authority), the ontology type code, the canonical Chinese label and the short actor
words by which texts name it in enumerations ("党支部、居委会、物业公司").  Organisation,
membership and event extraction all read this one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meihao_kg.models import OrgKey

__all__ = ["ORG_KINDS", "OrgKind", "actor_key", "kind"]


@dataclass(frozen=True)
class OrgKind:
    key: OrgKey
    type_code: str
    label: str
    actor: re.Pattern[str] | None = None  # the whole item of an enumeration naming it


def _k(key: str, type_code: str, label: str, actor: str | None = None) -> OrgKind:
    return OrgKind(OrgKey.parse(key), type_code, label, re.compile(actor) if actor else None)


ORG_KINDS: tuple[OrgKind, ...] = (
    _k("community/general-party-branch", "general-party-branch", "社区党总支",
       r"^(?:社区)?党总支$"),
    _k("compound/party-branch", "party-branch", "小区党支部", r"^(?:小区)?党支部(?:委员会)?$"),
    _k("community/residents-committee", "residents-committee", "社区居民委员会",
       r"^(?:社区)?(?:居委会|居民委员会)$|^社区$"),
    _k("compound/property-service-unit", "property-service-unit", "物业服务企业",
       r"^(?:小区)?物业(?:服务)?(?:企业|公司)$"),
    _k("compound/owners-committee", "owners-committee", "业主委员会", r"^(?:业主委员会|业委会)$"),
    _k("local/police-station", "police-station", "派出所", r"^派出所$"),
    _k("local/subdistrict-office", "subdistrict-office", "街道办事处", r"^街道$"),
    _k("compound/owners-assembly", "owners-assembly", "业主大会", r"^业主大会$"),
    _k("compound/property-management-committee", "property-management-committee", "物业管理委员会",
       r"^(?:物业管理委员会|物管会)$"),
    _k("compound/owners-self-management-committee", "owners-self-management-committee", "业主自管会",
       r"^(?:业主)?自管会$"),
)
_BY_KEY = {k.key: k for k in ORG_KINDS}


def kind(key: OrgKey) -> OrgKind | None:
    """The kind of a key of the table, or None."""
    return _BY_KEY.get(key)


def actor_key(item: str) -> OrgKey | None:
    """The key of the kind an enumeration item names ("居委会" → community/residents-committee)."""
    for k in ORG_KINDS:
        if k.actor is not None and k.actor.match(item):
            return k.key
    return None
