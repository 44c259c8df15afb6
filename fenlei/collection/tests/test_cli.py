"""The collection command: the same checks and service as every face, audited as cli."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fenlei.collection.models import AreaDay, Device, Record
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry, Face


def test_ingest_a_file_twice_counts_once(world, fleet, tmp_path, capsys):
    path = tmp_path / "records.json"
    rows = [row(world.sites["a1_estate"], "wet", 10 + i, client_id=f"f{i}") for i in range(3)]
    path.write_text(json.dumps({"records": rows}), encoding="utf-8")
    call_command("collection", "ingest", str(path), "--device", fleet.device.name)
    call_command("collection", "ingest", str(path), "--device", str(fleet.device.pk))
    out = capsys.readouterr().out
    assert "kept 3" in out and "already there 3" in out
    assert Record.objects.count() == 3
    assert AreaDay.objects.get(area=world.district, stream="wet").grams == 33_000
    assert {e.face for e in AuditEntry.objects.filter(content_type__model="submission")} == {Face.CLI}


def test_ingest_json_lines_as_a_user_only_where_the_user_may_add(world, fleet, tmp_path, capsys):
    path = tmp_path / "records.jsonl"
    lines = [row(world.sites["a1_estate"], client_id="a"), row(world.sites["b1_estate"], client_id="b")]
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    with pytest.raises(CommandError, match="1 record"):
        call_command("collection", "--by", "sam", "ingest", str(path))
    out = capsys.readouterr().out
    assert "record 1 b" in out and "kept 1" in out
    assert list(Record.objects.values_list("site_id", flat=True)) == [world.sites["a1_estate"].pk]


def test_ingest_refuses_what_is_not_json(world, fleet, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("collection", "ingest", str(path), "--device", fleet.device.name)
    with pytest.raises(CommandError, match="who the records come from"):
        call_command("collection", "ingest", str(path))


def test_correct_void_and_devices(world, fleet, tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([row(world.sites["a1_estate"], "wet", 50, client_id="c")]), encoding="utf-8")
    call_command("collection", "ingest", str(path), "--device", fleet.device.name)
    record = Record.objects.get()
    call_command("collection", "--by", "alice", "correct", str(record.pk), "weight_kg=40", "--note", "复称")
    assert AreaDay.objects.get(area=world.district).grams == 40_000
    with pytest.raises(CommandError):
        call_command("collection", "correct", str(record.pk), "weight_kg=-1", "--note", "x")
    call_command("collection", "--by", "alice", "void", str(record.pk), "--reason", "重复")
    assert not AreaDay.objects.exists()
    call_command("collection", "--by", "alice", "device", "add", "乙街道地磅", "--area", "东湖区/乙街道")
    out = capsys.readouterr().out
    assert "token (shown once" in out
    device = Device.objects.get(name="乙街道地磅")
    token = out.split("keep it secret): ")[1].split()[0]
    from fenlei.collection.services import hash_token

    assert device.token_hash == hash_token(token) and device.area == world.street_b
    call_command("collection", "--by", "alice", "device", "rotate", "乙街道地磅")
    device.refresh_from_db()
    assert device.token_hash != hash_token(token)
    call_command("collection", "--by", "alice", "device", "close", "乙街道地磅")
    with pytest.raises(CommandError, match="closed"):
        call_command("collection", "ingest", str(path), "--device", "乙街道地磅")
