"""Excel imports as jobs: upload, check in the background, confirm, write, with progress.

A job (`ImportJob`) moves through the states of `IMPORT_TRANSITIONS`; every move is a conditional
UPDATE on the state it leaves, so two requests (a double click, two tabs, two runners) can never
move it twice: one confirmation writes the file once, whatever the number of clicks.

Who does the work (`FENLEI_IMPORT_RUNNER`):
- `thread` (default): a thread of the web process drains the waiting jobs;
- `inline`: the request that uploads (or confirms) does the work before it answers;
- `worker`: a separate `fenlei import_worker` process does it.
Files of at most `FENLEI_IMPORT_INLINE_ROWS` rows are always handled within the request.

The runner reports progress every few hundred rows to a small file next to the upload (the write
itself is one transaction, which nobody else can see into, and on SQLite nobody else may write
while it runs). A job whose runner died (a restarted web process, a killed worker) is marked
interrupted when someone looks at it or when a worker sweeps; nothing of it was written, because
the write and the job's "done" are one transaction. Its owner may retry it.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core.importexport import ImportFileError, Ledger
from fenlei.core.models import (
    IMPORT_ACTIVE,
    IMPORT_TRANSITIONS,
    AuditAction,
    ImportJob,
)
from fenlei.core.models import ImportState as S
from fenlei.core.roles import Action, role_allows

log = logging.getLogger(__name__)

#: The rejected rows kept on a job (the count is always exact; the report lists the first ones).
MAX_STORED_ERRORS = 10_000
#: The changes listed before a confirmation.
PREVIEW_CHANGES = 50


# --- the ledgers ----------------------------------------------------------------------------------


def ledgers() -> dict[str, type[Ledger]]:
    """Every app's ledgers, from its importexport module's LEDGERS ({key: Ledger subclass})."""
    import importlib

    from django.apps import apps

    found: dict[str, type[Ledger]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("fenlei."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.importexport")
        except ModuleNotFoundError:
            continue
        for key, ledger in getattr(module, "LEDGERS", {}).items():
            if key in found and found[key] is not ledger:
                raise RuntimeError(f"two ledgers are registered as {key!r}")
            found[key] = ledger
    return found


def ledger_key(ledger_class: type[Ledger]) -> str:
    for key, ledger in ledgers().items():
        if ledger is ledger_class:
            return key
    raise LookupError(f"{ledger_class.__name__} is not in any app's importexport.LEDGERS")


# --- files ----------------------------------------------------------------------------------------


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(job: ImportJob) -> Path:
    return upload_dir() / f"{job.key.hex}.xlsx"


def progress_path(job: ImportJob) -> Path:
    return upload_dir() / f"{job.key.hex}.progress.json"


def _remove_files(job: ImportJob) -> None:
    for path in (upload_path(job), progress_path(job)):
        path.unlink(missing_ok=True)


def read_progress(job: ImportJob) -> dict | None:
    """What the runner last reported: {"phase", "done", "total", "at"} (None before its first report)."""
    try:
        return json.loads(progress_path(job).read_text())
    except (OSError, ValueError):
        return None


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def count_rows(path: Path) -> int:
    """The rows below the header of the first sheet, without parsing it (0 when the file cannot say).

    Read from the sheet's <dimension> when it has one (Excel, WPS); otherwise (openpyxl's write-only
    files, such as our exports) by counting <row> elements in the stream. Blank rows count too: it
    is an estimate for the progress bar and the choice of runner, not the count the check reports.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            sheet = _first_sheet(zf)
            with zf.open(sheet) as fh:
                head = fh.read(64 * 1024)
                found = _DIMENSION.search(head[: head.find(b"<sheetData") if b"<sheetData" in head else None])
                if found:
                    return max(int(found.group(1)) - 1, 0)
                rows, tail, chunk = 0, b"", head
                while chunk:
                    data = tail + chunk  # a tag cut between two chunks is counted in the second
                    rows += data.count(b"<row ") + data.count(b"<row>")
                    tail = data[-4:]
                    chunk = fh.read(1024 * 1024)
                return max(rows - 1, 0)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return 0


def _first_sheet(zf) -> str:
    """The path in the archive of the workbook's first worksheet."""
    workbook = zf.read("xl/workbook.xml")
    rid = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook) or re.search(
        rb"<(?:\w+:)?sheet\b[^>]*?:id=\"([^\"]+)\"", workbook
    )
    rels = zf.read("xl/_rels/workbook.xml.rels")
    if rid:
        for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
            if re.search(rb'Id="' + re.escape(rid.group(1)) + rb'"', rel.group(0)):
                target = re.search(rb'Target="([^"]+)"', rel.group(0)).group(1).decode()
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return "xl/worksheets/sheet1.xml"


# --- runner identity ------------------------------------------------------------------------------

_token: dict[int, str] = {}


def runner_token() -> str:
    """host:pid:random — who is working on a job (a forked process gets its own)."""
    pid = os.getpid()
    if pid not in _token:
        _token.clear()
        _token[pid] = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}"
    return _token[pid]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _heartbeat(job: ImportJob) -> datetime.datetime:
    beat = job.updated_at
    with contextlib.suppress(OSError):
        mtime = datetime.datetime.fromtimestamp(progress_path(job).stat().st_mtime, tz=datetime.UTC)
        beat = max(beat, mtime)
    return beat


def runner_dead(job: ImportJob, now: datetime.datetime | None = None) -> bool:
    """Whether the process working on `job` is gone (this machine: its pid; elsewhere: its silence)."""
    if not job.runner or job.runner == runner_token():
        return False
    host, _sep, rest = job.runner.partition(":")
    if host == socket.gethostname():
        try:
            pid = int(rest.split(":", 1)[0])
        except ValueError:
            return True
        return pid == os.getpid() or not _pid_alive(pid)
    now = now or timezone.now()
    return _heartbeat(job) < now - datetime.timedelta(minutes=settings.FENLEI_IMPORT_STALE_MINUTES)


# --- moving a job ---------------------------------------------------------------------------------


def _move(job: ImportJob, sources, target: str, *, where: dict | None = None, **fields) -> bool:
    """Move `job` from one of `sources` to `target` if it is still there; True if this call moved it."""
    sources = {sources} if isinstance(sources, str) else set(sources)
    for source in sources:
        if target not in IMPORT_TRANSITIONS[source]:
            raise ValueError(f"an import job never moves from {source} to {target}")
    fields["updated_at"] = timezone.now()
    moved = (
        ImportJob.objects.filter(pk=job.pk, state__in=sources, **(where or {})).update(state=target, **fields)
        == 1
    )
    if moved:
        job.state = target
        for name, value in fields.items():
            setattr(job, name, value)
    return moved


def _owner(job: ImportJob, by) -> None:
    if by is None or by.pk != job.user_id:
        raise PermissionDenied(_("Only the person who uploaded the file may do this."))


def _home_path(user, model) -> str:
    """The area an import job is placed at: the narrowest area holding every area the user imports into."""
    label = model._meta.label_lower
    paths = [
        a.area.path
        for a in user.role_assignments.filter(active=True, area__isnull=False).select_related("area")
        if role_allows(a.role, Action.IMPORT, label)
    ]
    if not paths:
        return ""
    common = os.path.commonprefix(paths)
    return common[: common.rfind(".") + 1]


def start(
    *,
    user,
    ledger_class: type[Ledger],
    upload,
    import_url_name: str,
    list_url_name: str,
) -> ImportJob:
    """Store an uploaded file and queue its check; runs it at once when the file is small or the runner inline.

    Raises ImportFileError (nothing stored) for a file that is too large or not a workbook at all.
    """
    size = upload.size
    limit_mb = settings.FENLEI_MAX_IMPORT_MB
    if size > limit_mb * 1024 * 1024:
        raise ImportFileError(
            _("The file is {mb:.1f} MB; the largest accepted is {limit} MB.").format(
                mb=size / 1024 / 1024, limit=limit_mb
            )
        )
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx and try again.")
        )
    upload.seek(0)
    purge()
    job = ImportJob(
        user=user,
        ledger=ledger_key(ledger_class),
        import_url_name=import_url_name,
        list_url_name=list_url_name,
        language=translation.get_language() or "",
        file_name=(getattr(upload, "name", "") or "")[:255],
        file_size=size,
        area_path=_home_path(user, ledger_class.model),
    )
    path = upload_path(job)
    try:
        with open(path, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        job.rows_total = count_rows(path)
        with transaction.atomic():
            job.save()
            audit.log(job, AuditAction.CREATE, by=user)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    dispatch(job)
    return job


def confirm(*, job: ImportJob, by) -> bool:
    """Write a checked job's file (checked once more first). False if it was not waiting for a confirmation
    (already confirmed by another click, cancelled, or with problems): nothing happens then."""
    _owner(job, by)
    with transaction.atomic():
        moved = _move(
            job,
            S.VALIDATED,
            S.COMMITTING,
            where={"error_count": 0, "runner": ""},
            confirmed_at=timezone.now(),
            rows_done=0,
            message="",
        )
        if moved:
            audit.log(job, AuditAction.UPDATE, by=by, changes={"state": [S.VALIDATED, S.COMMITTING]})
    if moved:
        dispatch(job)
    return moved


def cancel(*, job: ImportJob, by) -> bool:
    """Stop a job that has not started writing; its file is deleted. False if it was too late."""
    _owner(job, by)
    before = job.state
    with transaction.atomic():
        moved = _move(
            job,
            {S.QUEUED, S.VALIDATING, S.VALIDATED, S.INTERRUPTED},
            S.CANCELLED,
            finished_at=timezone.now(),
            runner="",
        )
        if moved:
            audit.log(job, AuditAction.UPDATE, by=by, changes={"state": [before, S.CANCELLED]})
    if moved:
        _remove_files(job)
    return moved


def retry(*, job: ImportJob, by) -> bool:
    """Start an interrupted job again: its check, or its write if it had been confirmed."""
    _owner(job, by)
    if not upload_path(job).exists():
        _move(job, S.INTERRUPTED, S.CANCELLED, finished_at=timezone.now(), message=_("The file is gone."))
        return False
    target = S.COMMITTING if job.confirmed_at else S.QUEUED
    with transaction.atomic():
        moved = _move(job, S.INTERRUPTED, target, runner="", rows_done=0, message="")
        if moved:
            audit.log(job, AuditAction.UPDATE, by=by, changes={"state": [S.INTERRUPTED, target]})
    if moved:
        progress_path(job).unlink(missing_ok=True)
        dispatch(job)
    return moved


# --- who runs it ----------------------------------------------------------------------------------


def dispatch(job: ImportJob) -> None:
    """Hand a waiting job to the configured runner (small files: right here)."""
    mode = settings.FENLEI_IMPORT_RUNNER
    if mode == "inline" or job.rows_total <= settings.FENLEI_IMPORT_INLINE_ROWS:
        claimed = claim(job)
        if claimed is not None:
            process(claimed)
            job.refresh_from_db()
    elif mode == "thread":
        kick()
    # "worker": `fenlei import_worker` picks it up.


def claim(job: ImportJob) -> ImportJob | None:
    """Take a waiting job for this process (QUEUED → VALIDATING, or a confirmed COMMITTING job nobody holds)."""
    token, now = runner_token(), timezone.now()
    if job.state == S.QUEUED:
        moved = _move(job, S.QUEUED, S.VALIDATING, where={"runner": ""}, runner=token, started_at=now)
    elif job.state == S.COMMITTING:
        moved = (
            ImportJob.objects.filter(pk=job.pk, state=S.COMMITTING, runner="").update(
                runner=token, updated_at=now
            )
            == 1
        )
    else:
        moved = False
    return ImportJob.objects.select_related("user").get(pk=job.pk) if moved else None


def waiting() -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(Q(state=S.QUEUED) | Q(state=S.COMMITTING), runner="").order_by(
            "created_at", "pk"
        )[:20]
    )


def run_one() -> bool:
    """Claim and run the oldest waiting job; False when there was none (the worker's unit of work)."""
    for job in waiting():
        claimed = claim(job)
        if claimed is not None:
            process(claimed)
            return True
    return False


class _Stop(Exception):
    """The job was cancelled or taken away while this runner worked on it."""


class _Reporter:
    """The progress callback handed to Ledger.plan/commit: writes the progress file and, outside the
    write transaction, notices a cancellation."""

    def __init__(self, job: ImportJob, phase: str, *, watch: bool):
        self.job, self.phase, self.watch = job, phase, watch

    def __call__(self, done: int, total: int) -> None:
        if total < done:  # the sheet did not say how many rows it has: the estimate made at upload
            total = self.job.rows_total if self.job.rows_total >= done else 0
        path = progress_path(self.job)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"phase": self.phase, "done": done, "total": total, "at": time.time()}))
        os.replace(tmp, path)
        if (
            self.watch
            and not ImportJob.objects.filter(
                pk=self.job.pk, state=self.job.state, runner=self.job.runner
            ).exists()
        ):
            raise _Stop


def _plan_fields(plan) -> dict:
    errors = [e.as_dict() for e in plan.errors[:MAX_STORED_ERRORS]]
    preview = [
        {"object": str(obj)[:200], "changes": {k: [_text(v[0]), _text(v[1])] for k, v in changes.items()}}
        for obj, changes in plan.updates[:PREVIEW_CHANGES]
    ]
    return {
        "rows_total": plan.rows,
        "rows_done": plan.rows,
        "summary": plan.summary(),
        "errors": errors,
        "error_count": len(plan.errors),
        "preview": preview,
    }


def _text(value) -> str:
    return "" if value is None else str(value)[:100]


def process(job: ImportJob) -> None:
    """Do the work of a claimed job (its check or its write), in the language it was uploaded in."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if job.state == S.VALIDATING:
                _check(job)
            elif job.state == S.COMMITTING:
                _write(job)
        except _Stop:
            log.info("import job %s stopped: cancelled or taken over", job.pk)
            progress_path(job).unlink(missing_ok=True)
        except Exception:
            log.exception("import job %s failed", job.pk)
            _move(
                job,
                job.state,
                S.FAILED,
                where={"runner": job.runner},
                finished_at=timezone.now(),
                message=_("An unexpected error stopped the import; nothing was written."),
            )
            _remove_files(job)


def _plan(job: ImportJob, phase: str):
    ledger = ledgers()[job.ledger]()
    try:
        with open(upload_path(job), "rb") as fh:
            return ledger, ledger.plan(fh, job.user, progress=_Reporter(job, phase, watch=True)), ""
    except FileNotFoundError:
        return ledger, None, _("The uploaded file is gone; upload it again.")
    except ImportFileError as exc:
        return ledger, None, str(exc)


def _check(job: ImportJob) -> None:
    _ledger, plan, problem = _plan(job, "check")
    if plan is None:
        _move(
            job,
            S.VALIDATING,
            S.FAILED,
            where={"runner": job.runner},
            finished_at=timezone.now(),
            message=problem,
        )
        _remove_files(job)
        return
    moved = _move(
        job, S.VALIDATING, S.VALIDATED, where={"runner": job.runner}, runner="", **_plan_fields(plan)
    )
    if moved and not job.ready:  # nothing to confirm: the file has served its purpose
        _remove_files(job)


def _write(job: ImportJob) -> None:
    token = job.runner
    ledger, plan, problem = _plan(job, "recheck")
    if plan is None:
        _move(
            job, S.COMMITTING, S.FAILED, where={"runner": token}, finished_at=timezone.now(), message=problem
        )
        _remove_files(job)
        return
    if not plan.ok or not (plan.creates or plan.updates):
        _move(
            job,
            S.COMMITTING,
            S.VALIDATED,
            where={"runner": token},
            runner="",
            message=_("The data changed since the check; nothing was written. The new check is below."),
            **_plan_fields(plan),
        )
        _remove_files(job)
        return
    with transaction.atomic():
        # The job row is held for the whole write: a second runner, a sweep or a cancel waits, then finds
        # the job done. Nothing is written unless this runner still holds a confirmed job.
        held = ImportJob.objects.select_for_update().filter(pk=job.pk, state=S.COMMITTING, runner=token)
        if held.first() is None:
            return
        summary = ledger.commit(plan, job.user, progress=_Reporter(job, "write", watch=False))
        fields = _plan_fields(plan)
        fields["summary"] = summary
        _move(job, S.COMMITTING, S.DONE, where={"runner": token}, finished_at=timezone.now(), **fields)
    _remove_files(job)


# --- the in-process runner ------------------------------------------------------------------------

_lock = threading.Lock()
_thread: threading.Thread | None = None
_pending = False


def kick() -> None:
    """Wake the import thread of this process (started when needed; it ends when no job waits)."""
    global _thread, _pending
    with _lock:
        _pending = True
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_drain, name="fenlei-import", daemon=True)
            _thread.start()


def _drain() -> None:
    global _thread, _pending
    try:
        while True:
            with _lock:
                if not _pending:
                    _thread = None
                    return
                _pending = False
            while run_one():
                pass
    except Exception:
        log.exception("the import thread stopped")
    finally:
        connections.close_all()


def wait_idle(timeout: float = 60) -> bool:
    """Wait for this process's import thread to finish its work (for tests and orderly shutdowns)."""
    thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


# --- housekeeping ---------------------------------------------------------------------------------


def recover(jobs=None) -> int:
    """Mark interrupted the jobs among `jobs` (default: all) whose runner died; wake the thread for
    waiting jobs when this process runs them. Returns how many were interrupted."""
    qs = ImportJob.objects.all() if jobs is None else jobs
    now, count = timezone.now(), 0
    try:
        for job in qs.filter(state__in=[S.VALIDATING, S.COMMITTING]).exclude(runner=""):
            if runner_dead(job, now) and _move(
                job,
                job.state,
                S.INTERRUPTED,
                where={"runner": job.runner},
                message=_("The import stopped when the server restarted; nothing was written. Retry it."),
            ):
                count += 1
        if (
            settings.FENLEI_IMPORT_RUNNER == "thread"
            and qs.filter(Q(state=S.QUEUED) | Q(state=S.COMMITTING), runner="").exists()
        ):
            kick()
    except DatabaseError:  # SQLite while a long write holds the lock: the next look will do it
        log.info("import recovery postponed", exc_info=True)
    return count


def purge(now: datetime.datetime | None = None) -> int:
    """Cancel the jobs left unconfirmed (or interrupted) for FENLEI_IMPORT_KEEP_DAYS and delete their files;
    delete files no job owns that are as old. Returns the number of jobs cancelled."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FENLEI_IMPORT_KEEP_DAYS)
    count = 0
    try:
        for job in ImportJob.objects.filter(state__in=[S.VALIDATED, S.INTERRUPTED], updated_at__lt=cutoff):
            if _move(job, job.state, S.CANCELLED, finished_at=now, message=_("Not confirmed in time.")):
                _remove_files(job)
                count += 1
    except DatabaseError:
        log.info("import purge postponed", exc_info=True)
        return count
    keys = None
    for path in upload_dir().iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime >= cutoff.timestamp():
                continue
            if keys is None:
                keys = {
                    k.hex
                    for k in ImportJob.objects.filter(
                        state__in=[*IMPORT_ACTIVE, S.VALIDATED, S.INTERRUPTED]
                    ).values_list("key", flat=True)
                }
            if path.name.split(".", 1)[0] not in keys:
                path.unlink()
    return count
