"""The Excel faces every ledger shares: template download, import with a dry run, export."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core.importexport import IMPORT_HELP, ImportFileError, Ledger
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user


def _xlsx_response(fileobj, filename: str) -> FileResponse:
    """A download of the workbook in `fileobj`: an open binary file (read from its start), best an
    anonymous temporary file, so nothing is left on disk whether or not the response is closed."""
    fileobj.seek(0)
    return FileResponse(
        fileobj,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _spool():
    """An anonymous temporary file for a workbook being written (gone when closed)."""
    return tempfile.TemporaryFile(prefix="fenlei-export-", suffix=".xlsx")  # noqa: SIM115 -- the response closes it


class LedgerMixin(LoginRequiredMixin):
    ledger_class: type[Ledger]
    list_url_name = ""
    title = ""

    @property
    def ledger(self) -> Ledger:
        return self.ledger_class()

    def filename(self, suffix: str) -> str:
        return f"{self.ledger.sheet_title}-{suffix}-{timezone.localdate():%Y%m%d}.xlsx"


class ExportView(LedgerMixin, View):
    """The list's rows, as filtered, in the ledger's columns."""

    filterset_class = None

    def get(self, request):
        ledger = self.ledger
        if not can_anywhere(request.user, Action.EXPORT, ledger.model):
            raise PermissionDenied
        qs = for_user(request.user, Action.EXPORT, ledger.model._default_manager.all())
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=qs, request=request)
            qs = filterset.qs if filterset.is_bound else qs.filter(closed_on__isnull=True)
        fh = _spool()
        try:
            ledger.write(fh, ledger.export_queryset(qs))
        except BaseException:
            fh.close()
            raise
        return _xlsx_response(fh, self.filename("导出"))


class TemplateDownloadView(LedgerMixin, View):
    def get(self, request):
        ledger = self.ledger
        if not can_anywhere(request.user, Action.IMPORT, ledger.model):
            raise PermissionDenied
        fh = _spool()
        ledger.write(fh, ledger.model._default_manager.none(), template=True)
        return _xlsx_response(fh, self.filename("模板"))


UPLOAD_MAX_AGE_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    """Where checked files wait for their commit; files left unconfirmed for a day are removed."""
    import time

    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for old in path.glob("*.xlsx"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    return path


class ImportView(LedgerMixin, View):
    """Upload → dry run (every problem listed) → commit, the last step re-checking the whole file."""

    template_name = "core/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_anywhere(request.user, Action.IMPORT, self.ledger.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        from django.urls import reverse

        return {
            "title": self.title,
            "help": IMPORT_HELP,
            "ledger": self.ledger,
            "list_url": reverse(self.list_url_name),
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context())

    def post(self, request):
        token = request.POST.get("token", "")
        if token:
            return self.commit(request, token)
        upload = request.FILES.get("file")
        if upload is None:
            return render(
                request, self.template_name, self.context(file_error=_("Choose a file.")), status=400
            )
        try:
            plan = self.ledger.plan(upload, request.user)
        except ImportFileError as exc:
            return render(request, self.template_name, self.context(file_error=str(exc)), status=400)
        token = ""
        if plan.ok and (plan.creates or plan.updates):
            token = uuid.uuid4().hex
            upload.seek(0)
            with open(_upload_dir() / f"{token}.xlsx", "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            request.session[f"import-{token}"] = request.user.pk
        return render(
            request, self.template_name, self.context(plan=plan, token=token), status=200 if plan.ok else 400
        )

    def commit(self, request, token: str):
        if not token.isalnum() or request.session.pop(f"import-{token}", None) != request.user.pk:
            raise Http404
        path = _upload_dir() / f"{token}.xlsx"
        if not path.exists():
            raise Http404
        try:
            with open(path, "rb") as fh:
                plan = self.ledger.plan(fh, request.user)
            if not plan.ok:
                return render(request, self.template_name, self.context(plan=plan), status=400)
            summary = self.ledger.commit(plan, request.user)
        finally:
            path.unlink(missing_ok=True)
        from django.contrib import messages

        messages.success(
            request, _("Imported: {create} added, {update} changed, {unchanged} unchanged.").format(**summary)
        )
        return redirect(self.list_url_name)
