"""The Excel faces every ledger shares: template download, import with a dry run, export."""

from __future__ import annotations

import tempfile

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
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
            qs = filterset.qs if filterset.is_bound else self.unfiltered(qs)
        else:
            qs = self.unfiltered(qs)
        fh = _spool()
        try:
            ledger.write(fh, ledger.export_queryset(qs))
        except BaseException:
            fh.close()
            raise
        return _xlsx_response(fh, self.filename("导出"))

    def unfiltered(self, queryset):
        """The rows exported without any filter: the open ones, as the list shows them."""
        if any(f.name == "closed_on" for f in queryset.model._meta.fields):
            return queryset.filter(closed_on__isnull=True)
        return queryset


class TemplateDownloadView(LedgerMixin, View):
    def get(self, request):
        ledger = self.ledger
        if not can_anywhere(request.user, Action.IMPORT, ledger.model):
            raise PermissionDenied
        fh = _spool()
        ledger.write(fh, ledger.model._default_manager.none(), template=True)
        return _xlsx_response(fh, self.filename("模板"))


class ImportView(LedgerMixin, View):
    """Upload a file: it becomes an import job (checked at once when small, else in the background) and the
    user follows it on the job's page (`fenlei.core.views_imports`), where every problem is listed and a
    valid file is confirmed."""

    template_name = "core/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_anywhere(request.user, Action.IMPORT, self.ledger.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        from django.urls import reverse

        from fenlei.core.imports import ledger_key
        from fenlei.core.models import ImportJob

        user = self.request.user
        recent = for_user(user, Action.VIEW, ImportJob).filter(
            user=user, ledger=ledger_key(self.ledger_class)
        )[:5]
        return {
            "title": self.title,
            "help": IMPORT_HELP,
            "ledger": self.ledger,
            "ledger_help": self.ledger.import_help,
            "list_url": reverse(self.list_url_name),
            "recent_jobs": recent,
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context())

    def post(self, request):
        from fenlei.core import imports

        upload = request.FILES.get("file")
        if upload is None:
            return render(
                request, self.template_name, self.context(file_error=_("Choose a file.")), status=400
            )
        try:
            job = imports.start(
                user=request.user,
                ledger_class=self.ledger_class,
                upload=upload,
                import_url_name=request.resolver_match.view_name,
                list_url_name=self.list_url_name,
            )
        except ImportFileError as exc:
            return render(request, self.template_name, self.context(file_error=str(exc)), status=400)
        return redirect(job.get_absolute_url())
