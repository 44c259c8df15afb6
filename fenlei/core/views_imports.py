"""The pages of import jobs: my imports, one job (progress, problems, confirm, cancel, retry)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.http import HttpResponseClientRefresh

from fenlei.core import imports
from fenlei.core.importexport import Ledger
from fenlei.core.models import ImportJob, ImportState
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, get_for_user

#: Rejected rows listed per page of a job.
ERRORS_PER_PAGE = 500

PHASES = {
    "check": gettext_lazy("Checking the rows"),
    "recheck": gettext_lazy("Checking the rows once more before writing"),
    "write": gettext_lazy("Writing"),
}


def _ledger_name(job: ImportJob) -> str:
    ledger = imports.ledgers().get(job.ledger)
    return str(ledger.model._meta.verbose_name_plural) if ledger else job.ledger


def _refused_rows(summary: dict) -> int:
    """The rows refused (a row may have several problems): every row is added, changed, unchanged or refused."""
    done = sum(summary.get(k, 0) for k in ("create", "update", "unchanged"))
    return max(summary.get("rows", 0) - done, 0)


def _ledger(job: ImportJob) -> Ledger:
    """The job's ledger (the generic one when its app is gone, so that its page still shows)."""
    ledger = imports.ledgers().get(job.ledger)
    return ledger() if ledger else Ledger()


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def progress_context(job: ImportJob) -> dict:
    """What the progress bar shows: the runner's last report while the job runs, the job's counts after."""
    report = imports.read_progress(job) if job.active else None
    if job.state == ImportState.QUEUED or (job.active and report is None):
        phase = _("Waiting for its turn") if job.state == ImportState.QUEUED else PHASES["check"]
        done, total = 0, job.rows_total
    elif report is not None:
        phase = PHASES.get(report.get("phase"), "")
        done, total = int(report.get("done") or 0), int(report.get("total") or 0)
    else:
        phase, done, total = "", job.rows_done, job.rows_total
    percent = min(100, round(100 * done / total)) if total else None
    return {"job": job, "phase": phase, "done": done, "total": total, "percent": percent}


class _JobMixin(LoginRequiredMixin):
    action = Action.VIEW

    def get_job(self, pk: int) -> ImportJob:
        job = get_for_user(self.request.user, self.action, ImportJob.objects.select_related("user"), pk=pk)
        if job.active:
            imports.recover(ImportJob.objects.filter(pk=job.pk))
            job.refresh_from_db()
        return job


class ImportJobListView(LoginRequiredMixin, View):
    """My imports (and, for the district office, the imports of its area)."""

    def get(self, request):
        qs = for_user(request.user, Action.VIEW, ImportJob.objects.select_related("user"))
        if qs.filter(state__in=[ImportState.VALIDATING, ImportState.COMMITTING]).exists():
            imports.recover(qs)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        rows = [(job, _ledger_name(job)) for job in page.object_list]
        return render(
            request,
            "core/import_jobs.html",
            {
                "page_obj": page,
                "rows": rows,
                "nav_active": "imports",
                "query_string": "",
                "keep_days": settings.FENLEI_IMPORT_KEEP_DAYS,
            },
        )


class ImportJobView(_JobMixin, View):
    def get(self, request, pk):
        job = self.get_job(pk)
        errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
        own = job.user_id == request.user.pk
        return render(
            request,
            "core/import_job.html",
            {
                **progress_context(job),
                "ledger_name": _ledger_name(job),
                "ledger": _ledger(job),
                "refused_rows": _refused_rows(job.summary),
                "list_url": _url(job.list_url_name),
                "import_url": _url(job.import_url_name),
                "errors_page": errors,
                "page_obj": errors,
                "query_string": "",
                "own": own,
                "can_cancel": own
                and job.state
                in (
                    ImportState.QUEUED,
                    ImportState.VALIDATING,
                    ImportState.VALIDATED,
                    ImportState.INTERRUPTED,
                ),
                "nav_active": "imports",
            },
        )


class ImportJobProgressView(_JobMixin, View):
    """The progress bar, polled by htmx while the job runs; once it stops, the page reloads."""

    def get(self, request, pk):
        job = self.get_job(pk)
        if not job.active:
            if request.htmx:
                return HttpResponseClientRefresh()
            return redirect(job.get_absolute_url())
        return render(request, "core/_import_progress.html", progress_context(job))


class _JobActionView(_JobMixin, View):
    """A POST on one's own job. Others who may see the job get 403."""

    action = Action.CHANGE

    def post(self, request, pk):
        job = self.get_job(pk)
        ledger = imports.ledgers().get(job.ledger)
        if ledger is None or not can_anywhere(request.user, Action.IMPORT, ledger.model):
            raise PermissionDenied
        return self.act(request, job)

    def act(self, request, job: ImportJob) -> HttpResponse:
        raise NotImplementedError


class ImportJobConfirmView(_JobActionView):
    def act(self, request, job):
        if not imports.confirm(job=job, by=request.user):
            messages.info(
                request, _("This import was not waiting for a confirmation: nothing more was done.")
            )
            return redirect(job.get_absolute_url())
        if job.state == ImportState.DONE:
            messages.success(request, _ledger(job).result_message(job.summary))
            return redirect(_url(job.list_url_name) or job.get_absolute_url())
        return redirect(job.get_absolute_url())


class ImportJobCancelView(_JobActionView):
    def act(self, request, job):
        if imports.cancel(job=job, by=request.user):
            messages.info(request, _("The import was cancelled; nothing was written."))
        else:
            messages.info(request, _("The import can no longer be cancelled."))
        return redirect(job.get_absolute_url())


class ImportJobRetryView(_JobActionView):
    def act(self, request, job):
        if not imports.retry(job=job, by=request.user):
            messages.info(request, _("Only an interrupted import can be retried."))
        return redirect(job.get_absolute_url())
