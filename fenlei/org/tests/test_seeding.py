"""The demo-world seeder: determinism, a consistent tree, sums, authorities, audit and demo users."""

import io
from collections import defaultdict

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction

from fenlei.accounts.models import User
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.core.roles import Action, Role
from fenlei.core.scoping import for_user
from fenlei.org import seeding
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind
from fenlei.org.services import _next_path


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    return (
        list(
            Area.objects.order_by("path").values_list(
                "path", "depth", "name", "kind", "code", "households", "population", "latitude", "longitude"
            )
        ),
        list(
            Site.objects.order_by("area_path", "code").values_list(
                "area_path",
                "name",
                "code",
                "kind__code",
                "households",
                "population",
                "address",
                "responsible_person",
                "responsible_phone",
                "property_company",
                "authority__name",
            )
        ),
        list(Hauler.objects.order_by("code").values_list("name", "code", "contact_person", "phone")),
    )


class _Rollback(Exception):
    pass


def test_plan_is_deterministic_and_seed_dependent():
    kinds = [
        SiteKind(
            pk=i,
            code=code,
            name=code,
            residential=code.endswith(("estate", "group")),
            public_institution=code in ("school", "hospital", "government", "public-institution"),
        )
        for i, code in enumerate(seeding.KIND_WEIGHTS, start=1)
    ]

    def draw(seed):
        plan = seeding.plan_world(seeding.SCALES["district"], seed=seed, kinds=kinds)
        return (
            [(a.path, a.name, a.code, a.households) for a in plan.areas],
            [
                (s.area_path, s.name, s.code, s.kind.code, s.households, s.population, s.latitude)
                for s in plan.sites
            ],
        )

    assert draw(2024) == draw(2024)
    assert draw(2024) != draw(2025)


def test_split_is_exact():
    assert seeding._split(10, [1, 1, 1]) in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert sum(seeding._split(6000, [0.5 + i % 7 for i in range(220)])) == 6000
    assert min(seeding._split(20, [100, 1, 1, 1])) == 1


def test_demo_password_passes_the_validators():
    for username in seeding.DEMO_USERNAMES:
        validate_password(seeding.DEMO_PASSWORD, User(username=username))


@pytest.mark.django_db
def test_same_seed_same_world():
    with pytest.raises(_Rollback), transaction.atomic():
        seed("--scale", "tiny", "--seed", "99")
        first = snapshot()
        raise _Rollback
    assert not Area.objects.exists()
    seed("--scale", "tiny", "--seed", "99")
    assert snapshot() == first
    assert first[0][0][0] == "0001."


@pytest.mark.django_db
def test_tiny_world_is_consistent():
    out, err = seed("--scale", "tiny")
    assert "100%" in err
    areas = list(Area.objects.order_by("path"))
    by_pk = {a.pk: a for a in areas}
    root = areas[0]
    assert (root.path, root.depth, root.parent_id, root.kind) == ("0001.", 0, None, "district")

    # Paths: 4-digit segments numbered 1..n under each parent, as the services number them.
    children = defaultdict(list)
    for area in areas:
        assert area.depth == area.path.count(".") - 1
        if area.parent_id:
            parent = by_pk[area.parent_id]
            assert area.path.startswith(parent.path) and len(area.path) == len(parent.path) + 5
            children[parent.pk].append(int(area.path[-5:-1]))
    for pk, numbers in children.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert _next_path(by_pk[pk]) == f"{by_pk[pk].path}{len(numbers) + 1:04d}."
    assert _next_path(None) == "0002."

    # Everything satisfies the models' own validation.
    for obj in [*areas, *Site.objects.all(), *Authority.objects.all(), *Hauler.objects.all()]:
        obj.full_clean()

    # Households and population add up from sites to communities to streets to the district.
    sites = list(Site.objects.select_related("kind", "authority"))
    sums = defaultdict(lambda: [0, 0])
    for site in sites:
        assert site.area_path == by_pk[site.community_id].path
        sums[site.community_id][0] += site.households
        sums[site.community_id][1] += site.population
        if site.kind.residential:
            assert site.households > 0 and 2.45 <= site.population / site.households <= 2.95
        else:
            assert site.households == site.population == 0
        if site.kind.public_institution:
            assert site.authority is not None and site.area_path.startswith(site.authority.area_path)
        if site.kind.code == "managed-estate":
            assert site.property_company
        assert site.responsible_phone[:2] in ("13", "15", "18") and len(site.responsible_phone) == 11
    for area in reversed(areas):
        assert [area.households, area.population] == sums[area.pk]
        if area.parent_id:
            sums[area.parent_id][0] += area.households
            sums[area.parent_id][1] += area.population
    assert root.households > 0

    # Small as it is, the tiny world has every kind in use, a town with villages, authorities and hauliers.
    assert {s.kind.code for s in sites} == set(
        SiteKind.objects.filter(active=True).values_list("code", flat=True)
    )
    assert Area.objects.filter(kind="village", rural=True).exists()
    assert Authority.objects.filter(name="区教育局").exists()
    assert 4 <= Hauler.objects.count() <= 6

    # Every row is audited as created through the command line.
    for model in (Area, Site, Authority, Hauler):
        ids = set(map(str, model.objects.values_list("pk", flat=True)))
        logged = AuditEntry.objects.filter(
            content_type__model=model._meta.model_name, action=AuditAction.CREATE
        )
        assert set(logged.values_list("object_id", flat=True)) == ids
        assert set(logged.values_list("face", flat=True)) == {Face.CLI}
    assert set(AuditEntry.objects.values_list("face", flat=True)) == {Face.CLI}

    # The demo logins table names every demo user.
    for username in seeding.DEMO_USERNAMES:
        assert username in out
    assert seeding.DEMO_PASSWORD in out


@pytest.mark.django_db
def test_demo_users_see_their_part():
    seed("--scale", "tiny", "--no-progress")
    users = {u.username: u for u in User.objects.filter(username__in=seeding.DEMO_USERNAMES)}
    assert set(users) == set(seeding.DEMO_USERNAMES)
    assert {a.role for u in users.values() for a in u.role_assignments.all()} == set(Role.values)
    for user in users.values():
        assert user.check_password(seeding.DEMO_PASSWORD)
        seen = sum(for_user(user, Action.VIEW, m).count() for m in (Area, Site, Authority, Hauler))
        assert seen > 0, user.username

    street = users["street_admin"].role_assignments.get().area
    assert street.depth == 1 and street.path == "0001.0001."
    areas = for_user(users["street_admin"], Action.VIEW, Area)
    assert all(a.path.startswith(street.path) for a in areas)
    assert areas.count() == Area.objects.filter(path__startswith=street.path).count() < Area.objects.count()
    sites = for_user(users["street_admin"], Action.VIEW, Site)
    assert (
        sites.count() == Site.objects.filter(area_path__startswith=street.path).count() < Site.objects.count()
    )

    assert for_user(users["district_admin"], Action.VIEW, Site).count() == Site.objects.count()
    education = users["authority"].role_assignments.get().authority
    assert education.name == "区教育局"
    assert set(for_user(users["authority"], Action.VIEW, Site).values_list("kind__code", flat=True)) == {
        "school"
    }
    manager_site = users["site_manager"].role_assignments.get().site
    assert list(for_user(users["site_manager"], Action.VIEW, Site)) == [manager_site]
    assert manager_site.kind.residential


@pytest.mark.django_db
def test_existing_areas_if_empty_and_force():
    seed("--scale", "tiny", "--no-progress")
    areas, audit_entries = Area.objects.count(), AuditEntry.objects.count()
    out, _err = seed("--scale", "tiny", "--if-empty")
    assert Area.objects.count() == areas and AuditEntry.objects.count() == audit_entries
    with pytest.raises(CommandError):
        seed("--scale", "tiny")
    assert Area.objects.count() == areas

    out, _err = seed("--scale", "tiny", "--force", "--no-progress")
    assert Area.objects.count() == 2 * areas
    second = Area.objects.get(path="0002.")
    assert second.name != Area.objects.get(path="0001.").name
    assert (
        Site.objects.filter(area_path__startswith="0002.").count()
        == Site.objects.filter(area_path__startswith="0001.").count()
    )
    assert "district_admin" in out  # the demo users are kept as they were
    assert User.objects.filter(username__in=seeding.DEMO_USERNAMES).count() == len(seeding.DEMO_USERNAMES)

    logins = io.StringIO()
    call_command("demo_logins", stdout=logins)
    assert all(name in logins.getvalue() for name in seeding.DEMO_USERNAMES)


@pytest.mark.django_db
def test_demo_logins_without_users_and_after_a_password_change():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed" in out.getvalue()
    seed("--scale", "tiny", "--no-progress")
    from fenlei.accounts.services import user_set_password

    user_set_password(user=User.objects.get(username="hauler"), by=None, password="another-secret-2026")
    rows = {r["username"]: r for r in seeding.demo_logins()}
    assert rows["hauler"]["password"] != seeding.DEMO_PASSWORD
    assert rows["inspector"]["password"] == seeding.DEMO_PASSWORD


# The district scale (12 streets, 150 communities, 960 sites of every kind) is checked with the one
# whole-district seed of the suite: tests/test_seeding_ledgers.py::test_district_seed_fills_every_ledger.
