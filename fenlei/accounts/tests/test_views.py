"""Pages of accounts: sign-in and throttling, one's own account, and the district office's user management."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from fenlei.accounts import services
from fenlei.accounts.models import RoleAssignment, User
from fenlei.core.models import AuditAction, AuditEntry
from fenlei.core.roles import Role
from fenlei.core.testing.world import PASSWORD
from fenlei.org import services as org
from fenlei.org.models import Area

NEW_PASSWORD = "Another-fenlei-2027"


def make_other_district():
    """A second district with its own office admin (dora) and a street admin (otto): outside alice's scope."""
    district = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    street = org.area_create(area=Area(name="丙街道", kind="street", parent=district), by=None)
    dora = User.objects.create_user(username="dora", password=PASSWORD)
    otto = User.objects.create_user(username="otto", password=PASSWORD)
    services.assign(user=dora, role=Role.DISTRICT_ADMIN, target=district, by=None)
    otto_role = services.assign(user=otto, role=Role.STREET_ADMIN, target=street, by=None)
    return {"district": district, "street": street, "dora": dora, "otto": otto, "otto_role": otto_role}


def entries(obj, action=None):
    qs = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    return qs.filter(action=action) if action else qs


# --- sign-in ----------------------------------------------------------------------------------------


def test_login_page_renders(db):
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="viewport"' in response.content
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_login_works_and_is_audited(world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.session["_auth_user_id"] == str(world.sam.pk)
    assert entries(world.sam, AuditAction.LOGIN).count() == 1


def test_login_with_a_wrong_password_shows_an_error(world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "sam", "password": "not-the-password"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert b"errorbox" in response.content
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(world, settings):
    settings.AXES_ENABLED = True
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "sam", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "sam", "password": "wrong"})
    assert response.status_code == 429
    assert b"data-locked-out" in response.content
    # Even the right password is refused while the lock holds …
    response = client.post(url, {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # … but only for that user name from that address.
    response = Client().post(url, {"username": "cora", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_post_only(client_for):
    client = client_for("sam")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_password_change(world, client_for):
    client = client_for("sam")
    url = reverse("accounts:password-change")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-change-done")
    assert client.get(response.url).status_code == 200
    world.sam.refresh_from_db()
    assert world.sam.check_password(NEW_PASSWORD)
    assert entries(world.sam, AuditAction.UPDATE).filter(changes__has_key="password").count() == 1
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


# --- one's own account --------------------------------------------------------------------------------


def test_profile_shows_roles_and_links(world, client_for):
    response = client_for("sam").get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲街道" in html and world.street_a.get_absolute_url() in html
    assert reverse("accounts:password-change") in html
    assert reverse("accounts:user-list") not in html  # sam manages nobody
    assert "甲街道" not in client_for("nina").get(reverse("accounts:profile")).content.decode()


def test_profile_api_token_create_regenerate_revoke(world, client_for):
    client = client_for("sam")
    url = reverse("accounts:profile")
    assert client.post(url, {"token": "create"}).status_code == 302
    first = Token.objects.get(user=world.sam)
    assert first.key in client.get(url).content.decode()
    client.post(url, {"token": "regenerate"})
    second = Token.objects.get(user=world.sam)
    assert second.key != first.key
    # the key is never written to the audit log; each step has its note
    notes = list(entries(world.sam, AuditAction.UPDATE).values_list("note", flat=True))
    assert len(notes) == 2 and all(notes)
    assert not AuditEntry.objects.filter(changes__icontains=second.key).exists()
    client.post(url, {"token": "revoke"})
    assert not Token.objects.filter(user=world.sam).exists()
    assert entries(world.sam, AuditAction.UPDATE).count() == 3


def test_profile_never_shows_another_users_token(world, client_for):
    alice_token = Token.objects.create(user=world.alice)
    html = client_for("sam").get(reverse("accounts:profile")).content.decode()
    assert alice_token.key not in html


# --- user management ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sam", "leo", "cora", "ada", "ian", "hal", "mia", "olly", "nina"])
def test_only_the_district_office_manages_users(client_for, name, world):
    client = client_for(name)
    assert client.get(reverse("accounts:user-list")).status_code == 403
    assert client.get(reverse("accounts:user-detail", args=[world.sam.pk])).status_code == 403
    assert client.get(reverse("accounts:user-add")).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("accounts:user-list"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_user_list(world, client_for):
    response = client_for("alice").get(reverse("accounts:user-list"))
    assert response.status_code == 200
    shown = {u.username for u in response.context["users"]}
    assert {"alice", "sam", "olly", "mia", "hal", "nina"} <= shown
    html = response.content.decode()
    assert "甲街道" in html and world.street_a.get_absolute_url() in html  # roles with their targets
    response = client_for("alice").get(reverse("accounts:user-list"), {"q": "SA"})
    assert [u.username for u in response.context["users"]] == ["sam"]


def test_user_list_leaves_out_users_outside_the_scope_and_superusers(world, client_for):
    other = make_other_district()
    User.objects.create_superuser(username="root", password=PASSWORD)
    shown = {u.username for u in client_for("alice").get(reverse("accounts:user-list")).context["users"]}
    assert "otto" not in shown and "dora" not in shown and "root" not in shown
    client = client_for("alice")
    for pk in (other["otto"].pk, User.objects.get(username="root").pk):
        for name in ("user-detail", "user-edit", "user-password", "user-history"):
            assert client.get(reverse(f"accounts:{name}", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:assignment-remove", args=[other["otto_role"].pk])).status_code == 404
    assert RoleAssignment.objects.get(pk=other["otto_role"].pk).active


def test_user_list_query_count_does_not_grow(world, client_for):
    client = client_for("alice")
    url = reverse("accounts:user-list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n, offset):
        for i in range(n):
            user = User.objects.create_user(username=f"u{offset + i}")
            services.assign(user=user, role=Role.COMMUNITY_ADMIN, target=world.community_a2, by=None)
            services.assign(user=user, role=Role.SITE_MANAGER, target=world.sites["a2_open"], by=None)

    add(2, 0)
    small = count()
    add(15, 100)
    assert count() == small


def test_alice_assigns_sam_a_role_and_removes_it(world, client_for):
    client = client_for("alice")
    url = reverse("accounts:user-detail", args=[world.sam.pk])
    response = client.get(url)
    assert response.status_code == 200
    target = f"area:{world.community_a2.pk}"
    response = client.post(url, {"role": Role.COMMUNITY_ADMIN, "target": target})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=world.sam, role=Role.COMMUNITY_ADMIN, active=True)
    assert assignment.area == world.community_a2
    entry = entries(assignment, AuditAction.ASSIGN).get()
    assert entry.user == world.alice and entry.face == "web"
    assert entries(world.sam, AuditAction.ASSIGN).filter(user=world.alice).count() == 1
    # the same role twice is refused by the model
    response = client.post(url, {"role": Role.COMMUNITY_ADMIN, "target": target})
    assert response.status_code == 400
    # removing it ends it; the row stays
    response = client.post(reverse("accounts:assignment-remove", args=[assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.active
    assert entries(assignment, AuditAction.UNASSIGN).count() == 1
    assert client.get(reverse("accounts:assignment-remove", args=[assignment.pk])).status_code == 405
    assert client.post(reverse("accounts:assignment-remove", args=[assignment.pk])).status_code == 404


def test_assignment_form_offers_only_fitting_targets_in_scope(world, client_for):
    other = make_other_district()
    client = client_for("alice")
    url = reverse("accounts:user-detail", args=[world.nina.pk])
    form = client.get(url, {"role": Role.STREET_ADMIN}).context["form"]
    values = [v for _group, options in form.fields["target"].choices[1:] for v, _label in options]
    assert sorted(values) == sorted(f"area:{a.pk}" for a in (world.street_a, world.street_b))
    # a target outside the manager's scope is refused, and so is a target of the wrong kind or level
    for role, target in [
        (Role.STREET_ADMIN, f"area:{other['street'].pk}"),
        (Role.STREET_ADMIN, f"area:{world.community_a1.pk}"),
        (Role.SITE_MANAGER, f"area:{world.street_a.pk}"),
        (Role.HAULER, f"hauler:{world.hauler.pk + 1000}"),
    ]:
        response = client.post(url, {"role": role, "target": target})
        assert response.status_code == 400, (role, target)
        assert response.context["form"].errors["target"]
    assert not RoleAssignment.objects.filter(user=world.nina).exists()
    response = client.post(url, {"role": Role.HAULER, "target": f"hauler:{world.other_hauler.pk}"})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=world.nina).hauler == world.other_hauler


def test_user_add_edit_password_history(world, client_for):
    client = client_for("alice")
    response = client.post(
        reverse("accounts:user-add"),
        {"username": "zoe", "display_name": "Zoe", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 400 and response.context["form"].errors["password1"]
    response = client.post(
        reverse("accounts:user-add"),
        {
            "username": "zoe",
            "display_name": "Zoe",
            "phone": "021-5555 1234",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    zoe = User.objects.get(username="zoe")
    assert response.url == zoe.get_absolute_url()
    assert zoe.check_password(NEW_PASSWORD)
    assert entries(zoe, AuditAction.CREATE).get().user == world.alice
    response = client.post(
        reverse("accounts:user-add"), {"username": "zoe", "password1": "", "password2": ""}
    )
    assert response.status_code == 400 and response.context["form"].errors["username"]

    response = client.post(
        reverse("accounts:user-edit", args=[zoe.pk]),
        {
            "display_name": "Zoe Zhang",
            "email": "zoe@example.org",
            "phone": "",
            "organisation": "区分类办",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    zoe.refresh_from_db()
    assert zoe.display_name == "Zoe Zhang"
    assert entries(zoe, AuditAction.UPDATE).get().changes["display_name"] == ["Zoe", "Zoe Zhang"]

    response = client.post(
        reverse("accounts:user-password", args=[zoe.pk]),
        {"password1": "Third-pass-2028", "password2": "Third-pass-2029"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("accounts:user-password", args=[zoe.pk]),
        {"password1": "Third-pass-2028", "password2": "Third-pass-2028"},
    )
    assert response.status_code == 302
    assert Client().login(username="zoe", password="Third-pass-2028")

    response = client.get(reverse("accounts:user-history", args=[zoe.pk]))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3


# --- Django admin (superusers) ------------------------------------------------------------------------


def test_django_admin_for_superusers(world):
    from fenlei.taxonomy.models import Category

    root = User.objects.create_superuser(username="root", password=PASSWORD)
    client = Client()
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    for path in (
        "accounts/user/",
        f"accounts/user/{world.sam.pk}/change/",
        "accounts/roleassignment/",
        "core/auditentry/",
        "taxonomy/category/",
    ):
        assert client.get(f"/django-admin/{path}").status_code == 200, path
    entry = AuditEntry.objects.first()
    assert client.get(f"/django-admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    bulky = Category.objects.get(code="bulky")
    response = client.post(
        f"/django-admin/taxonomy/category/{bulky.pk}/change/",
        {
            "code": "bulky",
            "kind": "special",
            "parent": "",
            "name": "大件垃圾",
            "name_en": "Bulky waste",
            "colour": "#654321",
            "description": "",
            "position": "50",
        },
    )
    assert response.status_code == 302
    change = entries(bulky, AuditAction.UPDATE).get()
    assert change.user == root and change.note == "django-admin"
    assert change.changes == {"colour": ["#7A5C3E", "#654321"]}
    assert Client().get("/django-admin/accounts/user/").status_code == 302
    nonsuper = Client()
    nonsuper.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
    assert nonsuper.get("/django-admin/accounts/user/").status_code == 302
