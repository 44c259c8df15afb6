"""Server time and query count of the structure's pages on a seeded world."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bench.timing import measure
from fenlei.accounts.models import User
from fenlei.org.models import Area, Site


def run(*, runs: int) -> list[dict]:
    admin = User.objects.get(username="district_admin")
    street_admin = User.objects.get(username="street_admin")
    root = Area.objects.filter(parent__isnull=True).order_by("path").first()
    district = root if root.kind == "district" else root.children.order_by("path").first()
    street = district.children.order_by("path").first()
    community = street.children.order_by("path").first()
    site = Site.objects.filter(community=community).first()
    cases = [
        (
            "district admin",
            admin,
            f"root: {root.name}",
            reverse("org:area-detail", args=[root.pk]),
            root.children.count(),
        ),
        (
            "district admin",
            admin,
            f"district: {district.name}",
            reverse("org:area-detail", args=[district.pk]),
            district.children.count(),
        ),
        (
            "district admin",
            admin,
            "street page",
            reverse("org:area-detail", args=[street.pk]),
            street.children.count(),
        ),
        (
            "district admin",
            admin,
            "community page",
            reverse("org:area-detail", args=[community.pk]),
            community.sites.count(),
        ),
        ("district admin", admin, "site page", reverse("org:site-detail", args=[site.pk]), 1),
        ("district admin", admin, "site list, page 1", reverse("org:site-list"), Site.objects.count()),
        (
            "district admin",
            admin,
            "site list, last page",
            reverse("org:site-list") + "?page=last",
            Site.objects.count(),
        ),
        ("district admin", admin, "site list, search 花园", reverse("org:site-list") + "?q=花园", 0),
        ("district admin", admin, "search 社区", reverse("org:search") + "?q=社区", 0),
        (
            "street admin",
            street_admin,
            "street page (own)",
            reverse("org:area-detail", args=[street.pk]),
            street.children.count(),
        ),
        ("street admin", street_admin, "site list (own street)", reverse("org:site-list"), 0),
    ]
    results = []
    for who, user, label, url, rows in cases:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        p50, p95, queries = measure(client, url, runs)
        results.append(
            {
                "page": f"{label} ({who})",
                "url": url,
                "rows": rows,
                "queries": queries,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
            }
        )
    return results
