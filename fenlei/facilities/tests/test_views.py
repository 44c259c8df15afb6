"""Drop-off points and containers: the shared ledger faces at work."""

import io

import openpyxl
import pytest
from django.urls import reverse

from fenlei.core.models import AuditEntry, Face
from fenlei.core.testing.excel import exported
from fenlei.facilities.importexport import ContainerLedger, DropOffPointLedger
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org import services as org_services
from fenlei.taxonomy.models import Category


def url(name, *args):
    return reverse(f"facilities:{name}", args=args)


@pytest.fixture
def points(world):
    a1 = DropOffPoint(
        name="甲一花园1号点", area=world.community_a1, site=world.sites["a1_estate"], households_served=300
    )
    a1.full_clean()
    a1.save()
    b1 = DropOffPoint(name="乙一花园1号点", area=world.community_b1, households_served=250)
    b1.full_clean()
    b1.save()
    return {"a1": a1, "b1": b1}


def test_list_and_detail_follow_scope(world, client_for, points):
    listing = client_for("sam").get(url("dropoff-list"))
    assert listing.status_code == 200
    assert [o.name for o in listing.context["object_list"]] == ["甲一花园1号点"]
    assert client_for("sam").get(url("dropoff-detail", points["b1"].pk)).status_code == 404
    assert client_for("mia").get(url("dropoff-detail", points["a1"].pk)).status_code == 200  # at her site
    assert client_for("leo").get(url("dropoff-edit", points["a1"].pk)).status_code == 403
    assert client_for("nina").get(url("dropoff-list")).context["object_list"].count() == 0


def test_community_officer_adds_a_point(world, client_for):
    c = client_for("cora")
    form = c.get(url("dropoff-add")).context["form"]
    assert list(form.fields["area"].queryset) == [world.community_a1]
    data = {
        "name": "新投放点",
        "area": world.community_a1.pk,
        "kind": "scheduled",
        "status": "in_use",
        "households_served": "320",
        "opening_hours": "07:00-09:00",
    }
    r = c.post(url("dropoff-add"), data)
    assert r.status_code == 302, r.context["form"].errors
    point = DropOffPoint.objects.get(name="新投放点")
    assert point.area_path == world.community_a1.path
    assert AuditEntry.objects.filter(object_id=str(point.pk), face=Face.WEB, action="create").exists()
    r = c.post(url("dropoff-add"), {**data, "area": world.community_a2.pk, "name": "越界点"})
    assert r.status_code == 400 and "area" in r.context["form"].errors
    r = c.post(url("dropoff-add"), data)
    assert r.status_code == 400 and "name" in r.context["form"].errors


def test_site_options_are_scoped(world, client_for):
    r = client_for("sam").get(reverse("org:site-options"), {"area": world.community_a1.pk})
    assert "甲一花园" in r.content.decode()
    r = client_for("sam").get(reverse("org:site-options"), {"area": world.community_b1.pk})
    assert "乙一花园" not in r.content.decode()


def _sheet(ledger, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in ledger.columns])
    for values in rows:
        ws.append([values.get(c.header) for c in ledger.columns])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_excel_round_trip_and_errors(world, points):
    ledger = DropOffPointLedger()
    book = exported(ledger, ledger.export_queryset(DropOffPoint.objects.all()))
    plan = ledger.plan(book, world.alice)
    assert plan.ok and plan.unchanged == 2 and not plan.creates and not plan.updates
    bad = _sheet(
        ledger,
        [
            {"街道": "甲街道", "社区": "甲一社区", "名称": "A", "类型": "定时定点投放点", "状态": "在用"},
            {"街道": "甲街道", "社区": "甲一社区", "名称": "B", "类型": "城堡", "状态": "在用"},
        ],
    )
    plan = ledger.plan(bad, world.cora)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "类型")]


def test_containers_import_counts(world, points):
    ledger = ContainerLedger()
    sheet = _sheet(
        ledger,
        [
            {
                "街道": "甲街道",
                "社区": "甲一社区",
                "场所": "甲一花园",
                "投放点": "甲一花园1号点",
                "类别": "湿垃圾",
                "容量（升）": "240L",
                "数量": "４",
                "状态": "在用",
            },
            {
                "街道": "甲街道",
                "社区": "甲一社区",
                "场所": "甲一花园",
                "类别": "干垃圾",
                "容量（升）": 240,
                "数量": 6,
                "状态": "在用",
            },
        ],
    )
    plan = ledger.plan(sheet, world.cora)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    ledger.commit(plan, world.cora)
    wet = Container.objects.get(category__code="food")
    assert (wet.count, wet.volume_l, wet.point, wet.area_path) == (
        4,
        240,
        points["a1"],
        world.community_a1.path,
    )
    assert AuditEntry.objects.filter(face=Face.IMPORT, content_type__model="container").count() == 2


def test_rows_follow_their_site_and_area(world, points):
    org_services.area_move(area=world.community_a1, new_parent=world.street_b, by=None)
    points["a1"].refresh_from_db()
    world.community_a1.refresh_from_db()
    assert points["a1"].area_path == world.community_a1.path
    org_services.site_update(site=world.sites["a1_estate"], by=None, data={"community": world.community_a2})
    points["a1"].refresh_from_db()
    assert points["a1"].area == world.community_a2 and points["a1"].area_path == world.community_a2.path


def test_container_category_must_be_major(world):
    from django.core.exceptions import ValidationError

    sub = Category.objects.get(code="paper")
    c = Container(area=world.community_a1, category=sub, volume_l=240, count=2)
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "category" in exc.value.message_dict
