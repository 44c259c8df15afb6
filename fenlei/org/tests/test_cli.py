"""Changes made from the command line are audited under the CLI face."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fenlei.accounts.models import RoleAssignment, User
from fenlei.core.models import AuditEntry, Face
from fenlei.org.models import Area


def test_areas_command_adds_moves_closes(world, capsys):
    call_command(
        "areas", "--by", "alice", "add", "新社区", "--kind", "community", "--parent", "东湖区/甲街道"
    )
    area = Area.objects.get(name="新社区")
    assert area.parent == world.street_a
    call_command("areas", "--by", "alice", "move", str(area.pk), "--to", "东湖区/乙街道")
    area.refresh_from_db()
    assert area.parent == world.street_b and area.path.startswith(world.street_b.path)
    call_command("areas", "close", area.path)
    entries = AuditEntry.objects.filter(object_id=str(area.pk), content_type__model="area")
    assert {e.action for e in entries} == {"create", "move", "close"}
    assert {e.face for e in entries} == {Face.CLI}
    assert entries.get(action="move").user == world.alice


def test_areas_command_reports_rule_violations(world):
    with translation.override("en"), pytest.raises(CommandError, match="name"):
        call_command("areas", "add", "甲街道", "--kind", "street", "--parent", "东湖区")
    with translation.override("en"), pytest.raises(CommandError, match="open sites"):
        call_command("areas", "close", "东湖区/甲街道/甲一社区")


def test_users_command(world, capsys):
    call_command(
        "users",
        "--by",
        "alice",
        "add",
        "wang",
        "--name",
        "王",
        "--role",
        "street_admin",
        "--target",
        "area:东湖区/乙街道",
    )
    user = User.objects.get(username="wang")
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.area == world.street_b
    assert AuditEntry.objects.filter(face=Face.CLI, action="assign", object_id=str(user.pk)).exists()
    assert "with password" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("users", "assign", "wang", "community_admin", "area:东湖区/乙街道")  # wrong level
    call_command("users", "unassign", str(assignment.pk))
    assignment.refresh_from_db()
    assert not assignment.active
