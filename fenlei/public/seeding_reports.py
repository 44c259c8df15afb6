"""Demo data of residents' reports: a few dozen reports over the last four weeks at the sites of the
(first) district, some with a photo and the phone's position; the street turned about half of the
older ones into rectification orders and declined a few with a reason; the newest wait. Every row
goes through the services (`fenlei.public.reports`), so the audit log, the orders' steps and the
notifications are those of real use."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fenlei.core.models import AuditEntry
from fenlei.core.roles import Role
from fenlei.inspections.choices import TargetType
from fenlei.org.seeding import demo_account, first_district, near, short_name
from fenlei.public import reports
from fenlei.public.choices import ReportKind

#: How many reports the demo holds.
REPORTS = 36

#: What residents write, by kind (demo data, in Chinese).
SAID = {
    ReportKind.OVERFLOW: [
        "垃圾桶满了，溢出来了，周边都是垃圾袋",
        "晚上八点后投放点桶满溢",
        "厨余垃圾桶满了没人清",
    ],
    ReportKind.MIXED: [
        "看到收运车把分好的垃圾倒在一起",
        "干湿垃圾混装混运",
        "清运工人把可回收物和其他垃圾混在一车",
    ],
    ReportKind.CLOSED: ["投放时间内投放点锁着门", "早上七点半投放点没开", "督导员不在，投放点关着"],
    ReportKind.MISSING_BIN: ["有害垃圾桶不见了", "少了一个可回收物桶", "厨余垃圾桶被拿走了"],
    ReportKind.OTHER: ["投放点异味很重", "宣传栏被撕坏了", "桶盖坏了很久没修"],
}
WHERE = ["3号楼旁", "东门口", "地下车库出口", "小区北侧", "菜场后门", ""]
DECLINED = ["已于当日清运，现场已恢复", "经核实不属于本社区", "重复反映，已合并处理"]


def seed(*, sites, rng: random.Random, write) -> int:
    """The demo's reports; returns the audit entries written (the services write them)."""
    from fenlei.inspections.seeding import photo_bytes

    sites = [s for s in first_district(sites) if s.closed_on is None]
    if not sites:
        return 0
    before = AuditEntry.objects.count()
    now = timezone.now()
    admins: dict = {}
    kinds = list(SAID)
    for n in range(REPORTS):
        site = rng.choice(sites)
        community = site.community
        kind = rng.choice(kinds)
        age = datetime.timedelta(days=rng.uniform(0, 28), hours=rng.uniform(0, 12))
        sent = now - age
        lat, lng = near(community, rng, spread=0.003) if rng.random() < 0.7 else (None, None)
        photos = []
        if rng.random() < 0.6:
            photos.append(SimpleUploadedFile("photo.jpg", photo_bytes(rng, site.name), "image/jpeg"))
        report, _created = reports.submit(
            data=reports.ReportIn(
                kind=kind,
                community=community.pk,
                site=site.pk if rng.random() < 0.8 else None,
                description=rng.choice(SAID[kind]),
                place=rng.choice(WHERE),
                latitude=lat,
                longitude=lng,
                accuracy_m=rng.choice([8, 15, 30, 65]) if lat is not None else None,
            ),
            photos=photos,
            client=f"demo-resident-{n % 23}",
            key=f"demo-report-{n}",
            now=sent,
        )
        if not _created or age < datetime.timedelta(days=2):
            continue  # the newest wait for the street
        street = community.parent
        admin = admins.get(street.pk)
        if admin is None:
            admin = admins[street.pk] = demo_account(
                street, Role.STREET_ADMIN, "street-admin-", f"{short_name(street)}街道管理员（演示）"
            )
        handled = sent + datetime.timedelta(hours=rng.uniform(2, 30))
        roll = rng.random()
        if roll < 0.55:
            target = (TargetType.SITE, site)
            items = reports.checklist_items(*target)
            item = reports.suggest_item(items, kind) or (items[0] if items else None)
            if item is None:
                continue
            try:
                reports.turn_into_order(
                    report=report,
                    by=admin,
                    target_type=TargetType.SITE,
                    target_id=site.pk,
                    item_id=item.pk,
                    note=report.description[:200],
                    now=handled,
                )
                continue
            except ValidationError:  # e.g. the hauler's item where no hauler is known: declined
                pass
        if roll < 0.75:
            reports.decline(report=report, by=admin, reason=rng.choice(DECLINED), now=handled)
    return AuditEntry.objects.count() - before
