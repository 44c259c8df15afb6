"""Import jobs: my imports, one job, its progress, confirm, cancel, retry.

A job belongs to the user who uploaded the file (`Scope.owner`): only that user acts on it. The
district office (alice) may look at the jobs placed in its area (the job of cora, community admin of
甲一社区, is placed at 甲一社区) but not act on them (403); no other role reaches another user's job (404).
"""

from __future__ import annotations

from tests.matrix import Case, row, site_workbook

#: cora's job, as its owner and the district office see it.
OWN_JOB = row(404, alice=200, cora=200)
#: An action on cora's job: hers alone; alice sees the job but may not act on it.
ACT_ON_JOB = row(404, alice=403, cora=302)


def _job(w):
    from fenlei.core import imports
    from fenlei.org.views import SiteImportView

    return imports.start(
        user=w.cora,
        ledger_class=SiteImportView.ledger_class,
        upload=site_workbook(),
        import_url_name="org:site-import",
        list_url_name="org:site-list",
    )


def checked_job(w) -> None:
    """cora uploaded one new site for 甲一社区; it is checked and waits for her confirmation."""
    w.job = _job(w)
    assert w.job.ready, w.job.errors


def queued_job(w) -> None:
    """cora's job waits for a worker (nobody has started on it)."""
    from fenlei.core.models import ImportJob, ImportState

    checked_job(w)
    ImportJob.objects.filter(pk=w.job.pk).update(state=ImportState.QUEUED, rows_done=0)


def interrupted_job(w) -> None:
    """cora's job was being checked when its runner died."""
    from fenlei.core.models import ImportJob, ImportState

    checked_job(w)
    ImportJob.objects.filter(pk=w.job.pk).update(state=ImportState.INTERRUPTED)


def _pk(w):
    return [w.job.pk]


CASES = [
    Case("core:import-jobs", row(200)),
    Case("core:import-job", OWN_JOB, "cora's checked job", _pk, setup=checked_job),
    Case("core:import-job-progress", OWN_JOB, "cora's waiting job", _pk, setup=queued_job),
    Case("core:import-job-confirm", ACT_ON_JOB, "cora's checked job", _pk, method="post", setup=checked_job),
    Case("core:import-job-confirm", row(405, anon="LOGIN"), "GET", _pk, setup=checked_job),
    Case("core:import-job-cancel", ACT_ON_JOB, "cora's checked job", _pk, method="post", setup=checked_job),
    Case(
        "core:import-job-retry",
        ACT_ON_JOB,
        "cora's interrupted job",
        _pk,
        method="post",
        setup=interrupted_job,
    ),
]
