"""The people ledgers in Excel: round trips, parents matched by name, one bad row writes nothing."""

from django.urls import reverse

from fenlei.core.models import AuditEntry, Face
from fenlei.core.testing.excel import exported, sheet
from fenlei.people.importexport import (
    KitchenWasteGroupLedger,
    LeadingGroupLedger,
    LeadingGroupMemberLedger,
    ParticipationLedger,
    ServiceRecordLedger,
    VolunteerLedger,
)
from fenlei.people.models import (
    KitchenWasteGroup,
    LeadingGroup,
    LeadingGroupMember,
    Participation,
    ServiceRecord,
    Volunteer,
)
from fenlei.people.tests.conftest import save


def round_trip(ledger_class, user, queryset):
    """Export what `user` sees, import it again as `user`: the plan."""
    ledger = ledger_class(user=user)
    return ledger.plan(exported(ledger, ledger.export_queryset(queryset)), user)


def test_round_trips_change_nothing(world, volunteer, group):
    save(
        LeadingGroupMember(
            group=save(LeadingGroup(name="区领导小组", area=world.district)), name="区长", post=1
        )
    )
    save(KitchenWasteGroup(name="收运一组", area=world.street_a, leader="孙七", members="甲\n乙"))
    cases = [
        (VolunteerLedger, Volunteer, 1),
        (ServiceRecordLedger, ServiceRecord, 2),
        (LeadingGroupLedger, LeadingGroup, 2),
        (LeadingGroupMemberLedger, LeadingGroupMember, 2),
        (KitchenWasteGroupLedger, KitchenWasteGroup, 1),
    ]
    for ledger_class, model, n in cases:
        plan = round_trip(ledger_class, world.alice, model.objects.all())
        assert plan.ok, (model, [e.as_dict() for e in plan.errors])
        assert (plan.unchanged, len(plan.creates), len(plan.updates)) == (n, 0, 0), model


def test_a_masked_export_cannot_be_imported_back(world, volunteer):
    ledger = VolunteerLedger(user=world.leo)  # a reader: numbers masked
    book = exported(ledger, ledger.export_queryset(Volunteer.objects.all()))
    plan = VolunteerLedger().plan(book, world.alice)
    assert {e.column for e in plan.errors} == {"电话", "身份证号"}


def test_volunteers_import_all_or_nothing(world, client_for):
    ledger = VolunteerLedger()
    rows = [
        {
            "街道": "甲街道",
            "社区": "甲一社区",
            "场所": "甲一花园",
            "姓名": "陈静",
            "类型": "party_member",
            "电话": 13600001234,
            "身份证号": "11010519491231002x",
            "加入日期": "2025年3月1日",
        },
        {"街道": "甲街道", "社区": "甲一社区", "姓名": "林强", "类型": "城堡"},
        {"街道": "甲街道", "社区": "甲二社区", "姓名": "赵敏", "类型": "volunteer"},
    ]
    plan = ledger.plan(sheet(ledger, rows), world.cora)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "类型"), (4, "社区")]
    c = client_for("cora")
    upload = sheet(ledger, rows)
    upload.name = "volunteers.xlsx"
    r = c.post(reverse("people:volunteer-import"), {"file": upload}, follow=True)
    assert r.context["job"].error_count == 2 and not Volunteer.objects.exists()
    fixed = sheet(ledger, rows[:1] + [{**rows[1], "类型": "building_head"}])
    fixed.name = "volunteers.xlsx"
    r = c.post(reverse("people:volunteer-import"), {"file": fixed}, follow=True)
    assert r.status_code == 200 and r.context["job"].ready
    r = c.post(reverse("core:import-job-confirm", args=[r.context["job"].pk]))
    assert r.status_code == 302 and r.url == reverse("people:volunteer-list")
    chen = Volunteer.objects.get(name="陈静")
    assert (chen.phone, chen.id_number, chen.site) == (
        "13600001234",
        "11010519491231002X",
        world.sites["a1_estate"],
    )
    assert AuditEntry.objects.filter(face=Face.IMPORT, content_type__model="volunteer").count() == 2


def test_service_records_name_their_volunteer(world, volunteer):
    ledger = ServiceRecordLedger()
    good = {
        "街道": "甲街道",
        "社区": "甲一社区",
        "志愿者": "王芳",
        "服务日期": "2025/7/1",
        "时长（小时）": "2小时",
        "服务内容": "桶边督导",
    }
    plan = ledger.plan(
        sheet(
            ledger, [good, {**good, "志愿者": "无名", "服务内容": "x"}, {**good, "时长（小时）": "about 2"}]
        ),
        world.cora,
    )
    assert [(e.row, e.column) for e in plan.errors] == [(3, "志愿者"), (4, "时长（小时）")]
    plan = ledger.plan(
        sheet(ledger, [good, {**good, "服务日期": "2025-07-02", "时长（小时）": "１.5"}]), world.cora
    )
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.cora)
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 4
    assert (
        Volunteer.objects.filter(pk=volunteer.pk).values_list("site", flat=True).get()
        == world.sites["a1_estate"].pk
    )
    assert {r.site_id for r in ServiceRecord.objects.all()} == {world.sites["a1_estate"].pk}


def test_groups_at_every_level(world):
    ledger = LeadingGroupLedger()
    rows = [
        {"区": "东湖区", "名称": "区领导小组", "成立日期": "2025-01-15"},
        {"街道": "甲街道", "名称": "甲街道领导小组"},
        {"街道": "甲街道", "社区": "甲一社区", "名称": "甲一社区领导小组"},
    ]
    plan = ledger.plan(sheet(ledger, rows), world.sam)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "区")]  # the district is not sam's
    plan = ledger.plan(sheet(ledger, rows), world.alice)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.alice)
    assert {g.name: g.area for g in LeadingGroup.objects.all()} == {
        "区领导小组": world.district,
        "甲街道领导小组": world.street_a,
        "甲一社区领导小组": world.community_a1,
    }
    members = LeadingGroupMemberLedger()
    plan = members.plan(
        sheet(
            members,
            [
                {"区": "东湖区", "领导小组": "区领导小组", "姓名": "区长", "组内职务": "Group leader"},
                {"街道": "甲街道", "领导小组": "区领导小组", "姓名": "错人", "组内职务": "4"},
            ],
        ),
        world.alice,
    )
    assert [(e.row, e.column) for e in plan.errors] == [(3, "领导小组")]


def test_participation_import_checks_the_households(world):
    ledger = ParticipationLedger()
    row = {
        "街道": "甲街道",
        "社区": "甲一社区",
        "场所": "甲一花园",
        "记录日期": "2025-06-30",
        "登记户数": "180户",
        "参与户数": 135,
        "参与率（%）": "99",
    }
    plan = ledger.plan(
        sheet(
            ledger,
            [
                row,
                {**row, "记录日期": "2025-07-01", "参与户数": 190},
                {**row, "记录日期": "2025-07-02", "场所": None},
            ],
        ),
        world.cora,
    )
    assert [(e.row, e.column) for e in plan.errors] == [(3, "参与户数"), (4, "场所")]
    plan = ledger.plan(sheet(ledger, [row]), world.cora)
    ledger.commit(plan, world.cora)
    assert Participation.objects.get().rate == 75
