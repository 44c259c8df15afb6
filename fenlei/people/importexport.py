"""The people ledgers in Excel: Chinese headers, one sheet per ledger.

A row is found again by its place (街道 + 社区, or 区 for a district's leading group) and its key
columns (e.g. a volunteer's name in the community). A member or a service record names its group or
volunteer, which is looked up by name in the same place, within the importer's scope.

Exports show phone and ID numbers masked to whoever does not keep the rows (`fenlei.people.masking`);
a masked number is not a valid number, so a masked sheet cannot be imported back by mistake.
"""

from __future__ import annotations

import dataclasses
import decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.importexport import (
    CellError,
    Column,
    ImportContext,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.facilities.models import DropOffPoint
from fenlei.org.choices import AreaKind, AreaLevel
from fenlei.org.importexport import PlacedLedger, street_name
from fenlei.org.models import Area
from fenlei.people import selectors, services
from fenlei.people.choices import GroupPost, VolunteerKind
from fenlei.people.masking import shown, with_keeper
from fenlei.people.models import (
    FourPartyLinkage,
    KitchenWasteGroup,
    LeadingGroup,
    LeadingGroupMember,
    Participation,
    PartyMemberLink,
    ServiceRecord,
    Supervisor,
    Volunteer,
)

# --- cells ------------------------------------------------------------------------------------------


def _text(n):
    return lambda v, ctx: parse_text(v, max_length=n) if v is not None else ""


def _required_text(n):
    return lambda v, ctx: parse_text(v, max_length=n)


def _id_number(value, ctx):
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("Write the ID number as text (format the cell as text), not as a number."))
    return parse_text(value, max_length=18).upper()


def _hours(value, ctx):
    text = parse_text(value)
    for unit in ("小时", "时", "h", "H"):
        if text.endswith(unit):
            text = text[: -len(unit)].strip()
            break
    return parse_decimal(text, minimum=decimal.Decimal("0.5"), maximum=24, places=1)


def _choice(choices):
    """A cell holding a choice's Chinese label (its English label and its code are accepted too)."""

    def parse(value, ctx):
        text = parse_text(value)
        with translation.override("zh-hans"):
            by_label = {str(label): code for code, label in choices.choices}
        with translation.override("en"):
            by_english = {str(label).lower(): code for code, label in choices.choices}
        by_code = {str(code): code for code in choices.values}
        for table, key in ((by_label, text), (by_english, text.lower()), (by_code, text)):
            if key in table:
                return table[key]
        raise CellError(_("Use one of: {values}.").format(values="、".join(by_label)))

    return parse


def _label(choices, attr):
    def export(obj):
        with translation.override("zh-hans"):
            return str(choices(getattr(obj, attr)).label)

    return export


def _personal(field):
    """A personal field's export: in full for a keeper, masked for everyone else."""
    return lambda o: shown(o, field)


def _phone(key, header):
    return Column(key, header, _text(20), _personal(key), width=16)


def _ignored(value, ctx):
    return None


# --- where a row is -------------------------------------------------------------------------------


def _district_of(area):
    while area is not None and area.level > AreaLevel.DISTRICT:
        area = area.parent
    return area.name if area is not None and area.level == AreaLevel.DISTRICT else ""


def _community_of(area):
    return area.name if area.level == AreaLevel.COMMUNITY else ""


DISTRICT = Column(
    "district",
    "区",
    _text(100),
    lambda o: _district_of(o.area),
    help=gettext_lazy("The district; needed only for a district-level group (leave 街道 and 社区 empty)."),
    width=12,
)
STREET = Column(
    "street",
    "街道",
    _required_text(100),
    lambda o: street_name(o.area),
    required=True,
    help=gettext_lazy("The street (or town)."),
    width=14,
)
COMMUNITY = Column(
    "community",
    "社区",
    _required_text(100),
    lambda o: _community_of(o.area),
    required=True,
    help=gettext_lazy("The community or village, within your scope."),
    width=14,
)
SITE = Column(
    "site",
    "场所",
    _text(100),
    lambda o: o.site.name if o.site_id else "",
    help=gettext_lazy("Optional: the site within the community."),
    width=18,
)
#: The place of a row that may stand at the district, a street or a community.
ANY_LEVEL = [
    DISTRICT,
    dataclasses.replace(
        STREET, required=False, help=gettext_lazy("The street (or town); empty for a district-level group.")
    ),
    dataclasses.replace(
        COMMUNITY,
        parse=_text(100),
        required=False,
        help=gettext_lazy("The community or village; empty for a street- or district-level group."),
    ),
]
IN_COMMUNITY = [STREET, COMMUNITY]
AT_SITE = [STREET, COMMUNITY, SITE]
AT_REQUIRED_SITE = [
    STREET,
    COMMUNITY,
    dataclasses.replace(SITE, parse=_required_text(100), required=True, help=gettext_lazy("The site.")),
]


# --- the ledgers -------------------------------------------------------------------------------------


class PeopleLedger(PlacedLedger):
    """A people ledger's sheet. `user` is who exports (personal data masked unless they keep the row)."""

    #: Extra joins the export reads.
    related: tuple[str, ...] = ()
    #: Columns the export fills and the import ignores (computed figures).
    export_only: frozenset[str] = frozenset()

    def __init__(self, user=None):
        self.user = user

    def export_queryset(self, queryset):
        qs = super().export_queryset(queryset).select_related("area__parent__parent", *self.related)
        return with_keeper(qs, self.user)

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        if 1 in self.model.placement_levels:
            ctx.cache["districts"] = {
                a.name: a
                for a in for_user(ctx.user, Action.VIEW, Area.objects.filter(kind=AreaKind.DISTRICT))
            }

    def lookup(self, values: dict, ctx: ImportContext):
        if "districts" in ctx.cache and not values.get("street") and not values.get("community"):
            name = values.get("district")
            area = ctx.cache["districts"].get(name) if name else None
            if area is None and name:
                raise CellError(
                    _("No district “{name}” within your scope.").format(name=name), column="district"
                )
            if area is None:
                raise CellError(
                    _("Name the street (and community), or the district for a district-level group."),
                    column="street",
                )
            values["area"], values["site"] = area, None
        else:
            super().lookup(values, ctx)
        self.resolve(values, ctx)
        return ctx.cache["existing"].get(self.natural_key(values))

    def resolve(self, values: dict, ctx: ImportContext) -> None:
        """Look up what else the row names (its group, volunteer, drop-off point …)."""

    def natural_key(self, values: dict):
        area = values.get("area")
        return (getattr(area, "pk", area), *(self._key_value(values, k) for k in self.key_fields))

    @staticmethod
    def _key_value(values, key):
        if key.endswith("_id") and key not in values:
            related = values.get(key[:-3])
            return getattr(related, "pk", related)
        return values.get(key)

    def build(self, instance, values: dict, ctx: ImportContext):
        for key, value in values.items():
            if key not in ("district", "street", "community") and key not in self.export_only:
                setattr(instance, key, value)
        return instance


class ChildLedger(PeopleLedger):
    """Rows that belong to a row of another ledger, named in the column keyed by the parent's field."""

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        parent_model = self.model._meta.get_field(self.model.parent_field).related_model
        area_ids = list(ctx.cache["area_ids"])
        area_ids += [a.pk for a in ctx.cache.get("districts", {}).values()]
        parents = for_user(
            ctx.user, Action.VIEW, parent_model._default_manager.filter(area_id__in=area_ids or [0])
        ).select_related("area", "site")
        ctx.cache["parents"] = {(p.area_id, p.name): p for p in parents}

    def resolve(self, values: dict, ctx: ImportContext) -> None:
        fk = self.model.parent_field
        name, area = values.get(fk), values["area"]
        parent = ctx.cache["parents"].get((area.pk, name))
        if parent is None:
            model = self.model._meta.get_field(fk).related_model
            raise CellError(
                _("No {model} “{name}” in “{area}” within your scope.").format(
                    model=model._meta.verbose_name, name=name, area=area
                ),
                column=fk,
            )
        values[fk] = parent


class LeadingGroupLedger(PeopleLedger):
    model = LeadingGroup
    name = "groups"
    sheet_title = "领导小组"
    name_column = "name"
    columns = [
        *ANY_LEVEL,
        Column("name", "名称", _required_text(100), lambda o: o.name, required=True, width=24),
        Column(
            "established_on", "成立日期", lambda v, ctx: parse_date(v), lambda o: o.established_on, width=12
        ),
        Column("plan_document", "方案文件", _text(200), lambda o: o.plan_document, width=28),
    ]


class LeadingGroupMemberLedger(ChildLedger):
    model = LeadingGroupMember
    name = "members"
    sheet_title = "领导小组成员"
    name_column = "name"
    key_fields = ("group_id", "name")
    related = ("group",)
    columns = [
        *ANY_LEVEL,
        Column("group", "领导小组", _required_text(100), lambda o: o.group.name, required=True, width=24),
        Column("name", "姓名", _required_text(50), lambda o: o.name, required=True),
        Column(
            "post",
            "组内职务",
            _choice(GroupPost),
            _label(GroupPost, "post"),
            required=True,
            help=gettext_lazy("组长、常务副组长、副组长 or 成员."),
        ),
        Column("job_title", "职务", _text(100), lambda o: o.job_title, width=22),
        _phone("phone", "电话"),
    ]


class VolunteerLedger(PeopleLedger):
    model = Volunteer
    name = "volunteers"
    sheet_title = "志愿者"
    name_column = "name"
    export_only = frozenset({"total_hours"})
    columns = [
        *AT_SITE,
        Column("name", "姓名", _required_text(50), lambda o: o.name, required=True),
        Column(
            "kind",
            "类型",
            _choice(VolunteerKind),
            _label(VolunteerKind, "kind"),
            required=True,
            help=gettext_lazy("志愿者、党员、楼栋长、党小组长、党员领导干部 or 其他."),
        ),
        _phone("phone", "电话"),
        Column(
            "id_number",
            "身份证号",
            _id_number,
            _personal("id_number"),
            help=gettext_lazy("Optional; 18 characters, written as text."),
            width=22,
        ),
        Column("building", "楼栋", _text(50), lambda o: o.building),
        Column("joined_on", "加入日期", lambda v, ctx: parse_date(v), lambda o: o.joined_on, width=12),
        Column(
            "total_hours",
            "服务时长合计（小时）",
            _ignored,
            lambda o: o.total_hours,
            help=gettext_lazy("Filled by the export; ignored on import."),
            width=12,
        ),
    ]

    def export_queryset(self, queryset):
        return selectors.with_hours(super().export_queryset(queryset))

    def commit(self, plan, user, **kwargs) -> dict:
        with transaction.atomic():
            summary = super().commit(plan, user, **kwargs)
            from fenlei.core.audit import using_face
            from fenlei.core.models import Face

            with using_face(Face.IMPORT):
                for obj, changes in plan.updates:
                    if "site" in changes:
                        services.follow_parent(obj, by=user)
        return summary


class ServiceRecordLedger(ChildLedger):
    model = ServiceRecord
    name = "service"
    sheet_title = "志愿服务记录"
    name_column = "volunteer"
    key_fields = ("volunteer_id", "served_on", "content")
    related = ("volunteer",)
    columns = [
        *IN_COMMUNITY,
        Column("volunteer", "志愿者", _required_text(50), lambda o: o.volunteer.name, required=True),
        Column(
            "served_on",
            "服务日期",
            lambda v, ctx: parse_date(v),
            lambda o: o.served_on,
            required=True,
            width=12,
        ),
        Column(
            "hours",
            "时长（小时）",
            _hours,
            lambda o: o.hours,
            required=True,
            help=gettext_lazy("Hours, e.g. 2 or 1.5 (at least 0.5, at most 24)."),
        ),
        Column("content", "服务内容", _required_text(200), lambda o: o.content, required=True, width=28),
    ]


class SupervisorLedger(PeopleLedger):
    model = Supervisor
    name = "supervisors"
    sheet_title = "督导员"
    name_column = "name"
    key_fields = ("name", "point_id")
    related = ("point",)
    columns = [
        *AT_SITE,
        Column("name", "姓名", _required_text(50), lambda o: o.name, required=True),
        _phone("phone", "电话"),
        Column(
            "point",
            "投放点",
            _text(100),
            lambda o: o.point.name if o.point_id else "",
            help=gettext_lazy("A drop-off point of the community; empty for a roving supervisor."),
            width=20,
        ),
        Column("duty_hours", "督导时段", _text(100), lambda o: o.duty_hours, width=22),
    ]

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        ids = [a.pk for found in ctx.cache["communities"].values() for a in found]
        points = for_user(ctx.user, Action.VIEW, DropOffPoint.objects.filter(area_id__in=ids or [0]))
        ctx.cache["points"] = {(p.area_id, p.name): p for p in points}

    def resolve(self, values: dict, ctx: ImportContext) -> None:
        name, area = values.get("point"), values["area"]
        values["point"] = None
        if name:
            point = ctx.cache["points"].get((area.pk, name))
            if point is None:
                raise CellError(
                    _("No drop-off point “{name}” in “{area}”.").format(name=name, area=area), column="point"
                )
            values["point"] = point


class PartyMemberLinkLedger(PeopleLedger):
    model = PartyMemberLink
    name = "partylinks"
    sheet_title = "党员联户"
    name_column = "name"
    key_fields = ("name", "building")
    columns = [
        *AT_SITE,
        Column("name", "党员姓名", _required_text(50), lambda o: o.name, required=True),
        _phone("phone", "电话"),
        Column("party_branch", "所在党支部", _text(100), lambda o: o.party_branch, width=20),
        Column("building", "楼栋", _text(50), lambda o: o.building),
        Column(
            "households_linked",
            "联系户数",
            lambda v, ctx: parse_int(v, units=("户",)) or 0,
            lambda o: o.households_linked,
        ),
    ]


class KitchenWasteGroupLedger(PeopleLedger):
    model = KitchenWasteGroup
    name = "kitchengroups"
    sheet_title = "餐厨垃圾收运组"
    name_column = "name"
    columns = [
        STREET,
        Column("name", "名称", _required_text(100), lambda o: o.name, required=True, width=22),
        Column("leader", "负责人", _required_text(50), lambda o: o.leader, required=True),
        _phone("phone", "电话"),
        Column(
            "members",
            "成员",
            _text(2000),
            lambda o: "、".join(o.member_names),
            help=gettext_lazy("Names separated by 、 or commas."),
            width=36,
        ),
    ]


class FourPartyLinkageLedger(PeopleLedger):
    model = FourPartyLinkage
    name = "fourparty"
    sheet_title = "四位一体"
    name_column = "site"
    key_fields = ("site_id",)
    columns = [
        *AT_REQUIRED_SITE,
        Column("party_org", "党组织", _text(100), lambda o: o.party_org, width=20),
        Column("party_contact", "党组织联系人", _text(50), lambda o: o.party_contact),
        _phone("party_phone", "党组织电话"),
        Column("community_contact", "社区联系人", _text(50), lambda o: o.community_contact),
        _phone("community_phone", "社区电话"),
        Column("owners_contact", "业委会联系人", _text(50), lambda o: o.owners_contact),
        _phone("owners_phone", "业委会电话"),
        Column("property_company", "物业公司", _text(100), lambda o: o.property_company, width=20),
        Column("property_contact", "物业联系人", _text(50), lambda o: o.property_contact),
        _phone("property_phone", "物业电话"),
    ]

    def existing_queryset(self):
        # A site has one open linkage: rows update it, never a closed one.
        return super().existing_queryset().filter(closed_on__isnull=True)


class ParticipationLedger(PeopleLedger):
    model = Participation
    name = "participation"
    sheet_title = "参与户数"
    name_column = "site"
    key_fields = ("site_id", "recorded_on")
    export_only = frozenset({"rate"})
    columns = [
        *AT_REQUIRED_SITE,
        Column(
            "recorded_on",
            "记录日期",
            lambda v, ctx: parse_date(v),
            lambda o: o.recorded_on,
            required=True,
            width=12,
        ),
        Column(
            "registered_households",
            "登记户数",
            lambda v, ctx: parse_int(v, units=("户",)),
            lambda o: o.registered_households,
            required=True,
        ),
        Column(
            "participating_households",
            "参与户数",
            lambda v, ctx: parse_int(v, units=("户",)),
            lambda o: o.participating_households,
            required=True,
        ),
        Column(
            "rate",
            "参与率（%）",
            _ignored,
            lambda o: o.rate,
            help=gettext_lazy("Filled by the export; ignored on import."),
        ),
    ]


LEDGERS = {
    "groups": LeadingGroupLedger,
    "members": LeadingGroupMemberLedger,
    "volunteers": VolunteerLedger,
    "service": ServiceRecordLedger,
    "supervisors": SupervisorLedger,
    "partylinks": PartyMemberLinkLedger,
    "kitchengroups": KitchenWasteGroupLedger,
    "fourparty": FourPartyLinkageLedger,
    "participation": ParticipationLedger,
}
