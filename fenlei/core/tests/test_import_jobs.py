"""Import jobs: the state machine (one commit however often it is confirmed, cancel, interruption and
retry, the check again at commit time), the progress reports, a real background thread, the worker."""

from __future__ import annotations

import datetime
import io
import json
import socket
import subprocess
import sys

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fenlei.core import imports
from fenlei.core.models import AuditEntry, Face, ImportJob, ImportState
from fenlei.org.importexport import SiteLedger
from fenlei.org.models import Site


def workbook(names, community="甲一社区", street="甲街道") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["街道", "社区", "名称", "类型"])
    for name in names:
        ws.append([street, community, name, "物业小区"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(names, **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile("sites.xlsx", workbook(names, **kwargs))


def start(user, names, **kwargs) -> ImportJob:
    return imports.start(
        user=user,
        ledger_class=SiteLedger,
        upload=upload(names, **kwargs),
        import_url_name="org:site-import",
        list_url_name="org:site-list",
    )


@pytest.fixture
def background(settings):
    """Jobs are left to a worker: nothing runs within the call that queues them."""
    settings.FENLEI_IMPORT_RUNNER = "worker"
    settings.FENLEI_IMPORT_INLINE_ROWS = 0


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(proc.stdout)


# --- progress ---------------------------------------------------------------------------------------


def test_plan_and_commit_report_progress(world):
    names = [f"进度{i:04d}" for i in range(1200)]
    ledger, seen = SiteLedger(), []
    plan = ledger.plan(io.BytesIO(workbook(names)), world.cora, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    seen.clear()
    summary = ledger.commit(plan, world.cora, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert summary["create"] == 1200 and Site.objects.filter(name__startswith="进度").count() == 1200
    assert AuditEntry.objects.filter(object_repr__startswith="进度", face=Face.IMPORT).count() == 1200


# --- the state machine ------------------------------------------------------------------------------


def test_small_file_is_checked_within_the_request(world):
    job = start(world.cora, ["新苑"])
    assert job.state == ImportState.VALIDATED and job.ready
    assert job.summary["create"] == 1 and job.area_path == world.community_a1.path
    assert imports.upload_path(job).exists()
    assert AuditEntry.objects.filter(content_type__model="importjob", object_id=str(job.pk)).count() == 1


def test_double_confirm_commits_once(world, background):
    job = start(world.cora, ["新苑", "旧苑"])
    assert job.state == ImportState.QUEUED
    assert imports.run_one() and not imports.run_one()
    job.refresh_from_db()
    assert job.ready
    # Two clicks (two tabs): the first confirms, the second finds nothing to confirm.
    other_tab = ImportJob.objects.get(pk=job.pk)
    assert imports.confirm(job=job, by=world.cora) is True
    assert imports.confirm(job=other_tab, by=world.cora) is False
    # Two runners: only one claims the confirmed job.
    assert imports.claim(job) is not None
    assert imports.claim(ImportJob.objects.get(pk=job.pk)) is None
    imports.process(ImportJob.objects.get(pk=job.pk))
    assert imports.run_one() is False
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.summary["create"] == 2
    assert Site.objects.filter(name__in=["新苑", "旧苑"]).count() == 2
    assert AuditEntry.objects.filter(object_repr="新苑", face=Face.IMPORT).count() == 1
    assert not imports.upload_path(job).exists()
    assert imports.confirm(job=job, by=world.cora) is False  # a late retry of the confirmation


def test_only_the_owner_acts_on_a_job(world):
    from django.core.exceptions import PermissionDenied

    job = start(world.cora, ["新苑"])
    for user in (world.alice, world.sam):
        with pytest.raises(PermissionDenied):
            imports.confirm(job=job, by=user)
    assert not Site.objects.filter(name="新苑").exists()


def test_cancel_before_and_during_the_check(world, background):
    job = start(world.cora, ["新苑"])
    assert imports.cancel(job=job, by=world.cora)
    assert job.state == ImportState.CANCELLED and not imports.upload_path(job).exists()
    assert imports.run_one() is False

    job = start(world.cora, ["新苑"])
    claimed = imports.claim(job)
    assert claimed.state == ImportState.VALIDATING
    assert imports.cancel(job=ImportJob.objects.get(pk=job.pk), by=world.cora)
    imports.process(claimed)  # the runner notices at its next progress report
    job.refresh_from_db()
    assert job.state == ImportState.CANCELLED and job.summary == {} and job.errors == []
    assert imports.confirm(job=job, by=world.cora) is False
    assert not Site.objects.filter(name="新苑").exists()


def test_a_job_being_written_cannot_be_cancelled(world, background):
    job = start(world.cora, ["新苑"])
    imports.run_one()
    job.refresh_from_db()
    imports.confirm(job=job, by=world.cora)
    assert imports.cancel(job=job, by=world.cora) is False
    imports.run_one()
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.DONE


def test_interrupted_write_is_retried_and_written_once(world, background):
    job = start(world.cora, ["新苑"])
    imports.run_one()
    job.refresh_from_db()
    imports.confirm(job=job, by=world.cora)
    # A runner on this machine took the job, then its process died before its transaction committed.
    dead = f"{socket.gethostname()}:{dead_pid()}:gone"
    ImportJob.objects.filter(pk=job.pk).update(runner=dead)
    assert imports.run_one() is False  # held by a runner: nobody else takes it
    assert imports.recover() == 1
    job.refresh_from_db()
    assert job.state == ImportState.INTERRUPTED and "Retry" in job.message or job.message
    assert not Site.objects.filter(name="新苑").exists()
    assert imports.recover() == 0
    assert imports.retry(job=job, by=world.cora)
    assert job.state == ImportState.COMMITTING  # it had been confirmed: the retry writes
    assert imports.run_one()
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert Site.objects.filter(name="新苑").count() == 1
    assert imports.retry(job=job, by=world.cora) is False


def test_interrupted_check_on_another_machine_is_found_by_its_silence(world, background, settings):
    job = start(world.cora, ["新苑"])
    imports.claim(job)
    ImportJob.objects.filter(pk=job.pk).update(runner="elsewhere:123:abc")
    assert imports.recover() == 0  # it reported a moment ago
    old = timezone.now() - datetime.timedelta(minutes=settings.FENLEI_IMPORT_STALE_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=old)
    assert imports.recover() == 1
    job.refresh_from_db()
    assert job.state == ImportState.INTERRUPTED
    assert imports.retry(job=job, by=world.cora) and job.state == ImportState.QUEUED  # never confirmed
    imports.run_one()
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED and job.ready


def test_the_file_is_checked_again_at_commit_time(world):
    job = start(world.cora, ["新苑"])
    assert job.ready
    world.cora.role_assignments.update(active=False)  # cora no longer keeps 甲一社区
    world.cora = type(world.cora).objects.get(pk=world.cora.pk)
    assert imports.confirm(job=job, by=world.cora)
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED and job.error_count == 1 and not job.ready
    assert job.errors[0]["column"] == "社区" and job.message
    assert not Site.objects.filter(name="新苑").exists()


def test_file_problems_fail_the_job(world):
    wb = openpyxl.Workbook()
    wb.active.append(["名字"])
    buf = io.BytesIO()
    wb.save(buf)
    job = imports.start(
        user=world.cora,
        ledger_class=SiteLedger,
        upload=SimpleUploadedFile("x.xlsx", buf.getvalue()),
        import_url_name="org:site-import",
        list_url_name="org:site-list",
    )
    assert job.state == ImportState.FAILED and "missing columns" in job.message or "缺少" in job.message
    assert not imports.upload_path(job).exists()


def test_unconfirmed_jobs_expire(world, settings):
    job = start(world.cora, ["新苑"])
    stray = imports.upload_dir() / "0123.xlsx"
    stray.write_bytes(b"PK")
    assert imports.purge() == 0 and imports.upload_path(job).exists()
    later = timezone.now() + datetime.timedelta(days=settings.FENLEI_IMPORT_KEEP_DAYS, minutes=1)
    assert imports.purge(later) == 1
    job.refresh_from_db()
    assert job.state == ImportState.CANCELLED and not imports.upload_path(job).exists()
    assert not stray.exists()


def test_worker_command_runs_waiting_jobs(world, background):
    job = start(world.cora, ["新苑"])
    out = io.StringIO()
    call_command("import_worker", "--once", stdout=out)
    assert "1 job(s) run" in out.getvalue()
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.VALIDATED


# --- pages ------------------------------------------------------------------------------------------


def test_job_pages_show_progress_then_reload(world, client_for, background):
    job = start(world.cora, [f"页{i}" for i in range(3)])
    c = client_for("cora")
    page = c.get(job.get_absolute_url()).content.decode()
    assert 'id="import-progress"' in page and "hx-trigger" in page and 'id="import-cancel"' in page
    imports.claim(job)
    imports.progress_path(job).write_text(json.dumps({"phase": "check", "done": 500, "total": 2000, "at": 0}))
    progress = reverse("core:import-job-progress", args=[job.pk])
    body = c.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="500"' in body and 'max="2000"' in body and "25%" in body
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED, runner="")
    imports.run_one()
    r = c.get(progress, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r["HX-Refresh"] == "true"
    page = c.get(job.get_absolute_url()).content.decode()
    assert 'id="import-commit"' in page and "hx-trigger" not in page
    listing = c.get(reverse("core:import-jobs")).content.decode()
    assert job.get_absolute_url() in listing
    assert job.get_absolute_url() not in client_for("sam").get(reverse("core:import-jobs")).content.decode()
    assert job.get_absolute_url() in client_for("alice").get(reverse("core:import-jobs")).content.decode()


def test_rejected_rows_are_listed_on_the_job_page(world, client_for):
    job = start(world.olly, ["新苑", "新苑"], community="甲一社区")  # not olly's community
    page = client_for("olly").get(job.get_absolute_url()).content.decode()
    assert job.error_count == 2 and page.count("<tr><td") == 2 and 'id="import-commit"' not in page


# --- a real thread ------------------------------------------------------------------------------------


# Serialized rollback like the browser tests: its flush then leaves the content types to the next
# transactional test's snapshot instead of recreating them (which would make that snapshot clash).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thread_runner_checks_and_writes_in_the_background(settings):
    from fenlei.core.testing.world import build_world

    settings.FENLEI_IMPORT_RUNNER = "thread"
    settings.FENLEI_IMPORT_INLINE_ROWS = 100
    world = build_world()
    names = [f"后台{i:04d}" for i in range(1100)]
    job = start(world.cora, names)
    assert imports.wait_idle(120)
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED and job.ready, (job.state, job.message, job.errors[:3])
    assert job.rows_total == 1100 and job.summary["create"] == 1100
    assert imports.read_progress(job)["done"] == 1100
    assert imports.confirm(job=job, by=world.cora)
    assert imports.wait_idle(120)
    job.refresh_from_db()
    assert job.state == ImportState.DONE, (job.state, job.message)
    assert Site.objects.filter(name__startswith="后台").count() == 1100
    assert AuditEntry.objects.filter(object_repr__startswith="后台", face=Face.IMPORT).count() == 1100
    assert not imports.upload_path(job).exists() and not imports.progress_path(job).exists()


def test_count_rows_with_and_without_a_dimension(tmp_path):
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(workbook([f"x{i}" for i in range(700)]))
    assert imports.count_rows(plain) == 700
    streamed = tmp_path / "streamed.xlsx"  # openpyxl's write-only mode (our exports) writes no <dimension>
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("场所")
    for i in range(701):
        ws.append(["甲街道", "甲一社区", f"x{i}", "物业小区"])
    wb.save(streamed)
    assert imports.count_rows(streamed) == 700
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really")
    assert imports.count_rows(garbage) == 0
