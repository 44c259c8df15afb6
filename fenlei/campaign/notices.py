"""The notifications the campaign sends (registered with fenlei.core.notify)."""

from django.utils.translation import gettext_lazy as _

from fenlei.campaign.choices import DemoState, DemoStep, EvidenceState
from fenlei.core import notify

EVIDENCE_SUBMITTED = "campaign.evidence_submitted"
EVIDENCE_DECIDED = "campaign.evidence_decided"
DEMO_STEP = "campaign.demo_step"
DEMO_RECHECK_DUE = "campaign.demo_recheck_due"

notify.register(EVIDENCE_SUBMITTED, _("{unit} submitted evidence for “{requirement}”: please verify it"))
notify.register(
    EVIDENCE_DECIDED,
    _("Evidence of {unit} for “{requirement}”: {decision} {note}"),
    labels={"decision": EvidenceState},
)
notify.register(
    DEMO_STEP,
    _("Demonstration site {site}: {step} — now {state}"),
    labels={"step": DemoStep, "state": DemoState},
)
notify.register(DEMO_RECHECK_DUE, _("Demonstration site {site} is due for its re-check ({date})"))
