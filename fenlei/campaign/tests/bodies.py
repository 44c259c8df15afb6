"""The bodies the campaign set-up forms take, as their pages fill them in: shared by the pages' tests
(`test_setup`) and the permission matrix (`tests/matrix_campaign_setup.py`)."""

from __future__ import annotations

import datetime


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def edit_body(campaign, **overrides) -> dict:
    """The settings form of `campaign` as its page fills it in, with `overrides` on top."""
    data = {
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "coverage_deadline": campaign.coverage_deadline.isoformat(),
        "demo_pass_mark": str(campaign.demo_pass_mark),
        "recheck_months": str(campaign.recheck_months),
        "forecast_window_days": str(campaign.forecast_window_days),
    }
    phases = list(campaign.phases.all())
    data.update(
        {
            "phases-TOTAL_FORMS": str(len(phases)),
            "phases-INITIAL_FORMS": str(len(phases)),
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
        }
    )
    for i, p in enumerate(phases):
        data.update(
            {
                f"phases-{i}-id": str(p.pk),
                f"phases-{i}-starts_on": p.starts_on.isoformat(),
                f"phases-{i}-ends_on": p.ends_on.isoformat(),
            }
        )
    milestones = list(campaign.milestones.all())
    data.update(
        {
            "milestones-TOTAL_FORMS": str(len(milestones) + 1),
            "milestones-INITIAL_FORMS": str(len(milestones)),
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
        }
    )
    for i, m in enumerate(milestones):
        data.update(
            {
                f"milestones-{i}-id": str(m.pk),
                f"milestones-{i}-name": m.name,
                f"milestones-{i}-due_on": m.due_on.isoformat(),
            }
        )
        if m.is_assessment:
            data[f"milestones-{i}-is_assessment"] = "on"
    data.update(overrides)
    return data


def requirement_body(**overrides) -> dict:
    """A new community line: publicity within 14 days, at least 2 activities."""
    data = {
        "code": "publicity-14",
        "name": "近14天两次宣传",
        "description": "",
        "level": "3",
        "method": "rule",
        "rule": "publicity",
        "days": "14",
        "count": "2",
        "due_on": today().isoformat(),
        "responsible": "社区宣传委员",
        "in_coverage": "on",
        "position": "20",
    }
    data.update(overrides)
    return data
