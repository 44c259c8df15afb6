"""`fenlei guide_cards`: the guide cards of a community, a street or one site, written to a PDF file
(for the print shop). Run by the operator on the server, so it reads every open site, as the other
commands do; the QR code points at FENLEI_SITE_URL (or --url)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.scoping import subtree_q
from fenlei.org.models import Area, Site
from fenlei.public import cards
from fenlei.public.views_cards import COMMUNITY_KINDS, STREET_KINDS


class Command(BaseCommand):
    help = _(
        "Write the guide cards of a community's (or a street's) open sites, or of one site, to one PDF, "
        "a card a page."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--community", help=gettext_lazy("the community's id or name"))
        which.add_argument("--street", help=gettext_lazy("the street's id or name"))
        which.add_argument("--site", type=int, help=gettext_lazy("the site's id"))
        parser.add_argument("--size", choices=sorted(cards.SIZES), default=cards.DEFAULT_SIZE)
        parser.add_argument(
            "--url", default="", help=gettext_lazy("the site's address (default FENLEI_SITE_URL)")
        )
        parser.add_argument("--output", "-o", required=True, help=gettext_lazy("the PDF file to write"))

    def handle(self, *args, community, street, site, size, url, output, **options):
        base = (url or settings.FENLEI_SITE_URL).rstrip("/")
        if not base:
            raise CommandError(
                _("Give --url (the address residents reach fenlei at) or set FENLEI_SITE_URL.")
            )
        sites = Site.objects.filter(closed_on__isnull=True)
        if site is not None:
            sites = sites.filter(pk=site)
            name = str(site)
        else:
            area = _area(community or street, COMMUNITY_KINDS if community else STREET_KINDS)
            sites = sites.filter(subtree_q("area_path", area.path))
            name = area.name
        started = time.perf_counter()
        try:
            pdf, n = cards.pdf_for(sites, url=base + reverse("public:lookup"), size=size, title=name)
        except cards.FontMissing as missing:
            raise CommandError(missing.message) from None
        if n == 0:
            raise CommandError(_("No open site to print a card for."))
        Path(output).write_bytes(pdf)
        self.stdout.write(
            _("{n} cards, {kb} kB, {s:.1f} s: {path}").format(
                n=n, kb=round(len(pdf) / 1024), s=time.perf_counter() - started, path=output
            )
        )


def _area(key: str, kinds) -> Area:
    areas = Area.objects.filter(kind__in=kinds)
    found = list(areas.filter(pk=int(key)) if key.isdigit() else areas.filter(name=key)[:2])
    if len(found) != 1:
        raise CommandError(
            _("No single area matches “{key}”.").format(key=key)
            if found
            else _("No area “{key}”.").format(key=key)
        )
    return found[0]
