"""The office's guide-card pages: pick a community, look at a site's or a community's cards, download
them as one PDF (A6 or A5). Every site and area comes through the scoping function: 404 outside it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user, subtree_q
from fenlei.org.choices import AreaLevel, kinds_at
from fenlei.org.models import Area, Site
from fenlei.public import cards

COMMUNITY_KINDS = kinds_at(AreaLevel.COMMUNITY)
STREET_KINDS = kinds_at(AreaLevel.STREET)
#: The most cards one download prints (a street's batch above it is refused with a message).
MAX_BATCH = 1000


class SizeForm(forms.Form):
    size = forms.ChoiceField(
        label=gettext_lazy("Card size"),
        choices=list(cards.SIZE_LABELS.items()),
        initial=cards.DEFAULT_SIZE,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_size(self) -> str:
        return self.cleaned_data["size"] or cards.DEFAULT_SIZE


def _size_form(request) -> SizeForm:
    return SizeForm(request.GET or None)


def _open_sites(user, **filters):
    return for_user(user, Action.VIEW, Site.objects.filter(closed_on__isnull=True, **filters))


def _pdf_response(request, sites, *, name: str, page):
    """The PDF of `sites`' cards, or back to `page` with the reason when none can be printed."""
    form = SizeForm(request.GET)  # no size given: the default
    if not form.is_valid():
        return page(form=form, status=400)
    size = form.cleaned_data["size"]
    try:
        pdf, n = cards.pdf_for(sites, url=cards.lookup_url(request), size=size, title=name)
    except cards.FontMissing as missing:
        return page(form=form, font_error=missing.message, status=503)
    if n == 0:
        return page(form=form, empty=True, status=404)
    filename = "{title}-{name}-{size}-{day:%Y%m%d}.pdf".format(
        title=_("guide cards"), name=name, size=size.upper(), day=timezone.localdate()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class CardIndexView(LoginRequiredMixin, View):
    """The communities (by street) whose cards the user may print; the user's own sites when it sees
    no community (a site manager, an authority)."""

    def get(self, request):
        user = request.user
        streets = list(
            for_user(user, Action.VIEW, Area.objects.filter(kind__in=STREET_KINDS, closed_on__isnull=True))
            .only("pk", "name", "path")
            .order_by("path")
        )
        chosen = None
        street_pk = request.GET.get("street", "")
        if street_pk.isdigit():
            chosen = next((s for s in streets if s.pk == int(street_pk)), None)
        if chosen is None and len(streets) == 1:
            chosen = streets[0]
        communities = for_user(
            user, Action.VIEW, Area.objects.filter(kind__in=COMMUNITY_KINDS, closed_on__isnull=True)
        )
        if chosen is not None:
            communities = communities.filter(parent=chosen)
        elif streets:
            communities = communities.none()  # pick a street first
        communities = list(
            communities.select_related("parent")
            .annotate(open_sites=Count("sites", filter=Q(sites__closed_on__isnull=True)))
            .order_by("path")
        )
        own_sites = []
        if not streets and not communities:
            own_sites = list(
                _open_sites(user).select_related("community").order_by("area_path", "name")[:100]
            )
        return render(
            request,
            "public/cards/index.html",
            {
                "streets": streets,
                "chosen": chosen,
                "communities": communities,
                "own_sites": own_sites,
                "font_error": "" if cards.font_available() else cards.FontMissing().message,
                "nav_active": "sites",
            },
        )


class SiteCardView(LoginRequiredMixin, View):
    """One site's card: what it will say, the size, the download."""

    def site(self, request, pk):
        return get_for_user(
            request.user, Action.VIEW, Site.objects.select_related("community__parent"), pk=pk
        )

    def get(self, request, pk):
        site = self.site(request, pk)
        return self.page(request, site, form=_size_form(request))

    def page(self, request, site, *, form, status=200, font_error="", empty=False):
        preview = []
        if site.closed_on is None:
            preview = cards.cards_for(Site.objects.filter(pk=site.pk), url=cards.lookup_url(request))
        return render(
            request,
            "public/cards/site.html",
            {
                "site": site,
                "card": preview[0] if preview else None,
                "form": form,
                "font_error": font_error or ("" if cards.font_available() else cards.FontMissing().message),
                "empty": empty,
                "pdf_url": "cards:site-pdf",
                "nav_active": "sites",
            },
            status=status,
        )


class SiteCardPdfView(SiteCardView):
    def get(self, request, pk):
        site = self.site(request, pk)
        if site.closed_on is not None:
            raise Http404(_("A closed site has no guide card."))
        return _pdf_response(
            request,
            _open_sites(request.user, pk=site.pk),
            name=site.name,
            page=lambda **kw: self.page(request, site, **kw),
        )


class CommunityCardsView(LoginRequiredMixin, View):
    """A community's cards, one per open site, printed as one PDF."""

    def community(self, request, pk):
        return get_for_user(
            request.user,
            Action.VIEW,
            Area.objects.filter(kind__in=COMMUNITY_KINDS).select_related("parent"),
            pk=pk,
        )

    def get(self, request, pk):
        return self.page(request, self.community(request, pk), form=_size_form(request))

    def page(self, request, community, *, form, status=200, font_error="", empty=False):
        sites = list(
            _open_sites(request.user, community=community).select_related("kind").order_by("name", "pk")
        )
        return render(
            request,
            "public/cards/community.html",
            {
                "community": community,
                "sites": sites,
                "form": form,
                "font_error": font_error or ("" if cards.font_available() else cards.FontMissing().message),
                "empty": empty,
                "nav_active": "sites",
            },
            status=status,
        )


class CommunityCardsPdfView(CommunityCardsView):
    def get(self, request, pk):
        community = self.community(request, pk)
        return _pdf_response(
            request,
            _open_sites(request.user, community=community),
            name=community.name,
            page=lambda **kw: self.page(request, community, **kw),
        )


class StreetCardsPdfView(LoginRequiredMixin, View):
    """Every open site of a street in one PDF (up to MAX_BATCH cards)."""

    def get(self, request, pk):
        street = get_for_user(request.user, Action.VIEW, Area.objects.filter(kind__in=STREET_KINDS), pk=pk)
        sites = for_user(
            request.user,
            Action.VIEW,
            Site.objects.filter(subtree_q("area_path", street.path), closed_on__isnull=True),
        )
        index = f"{_index_url()}?street={street.pk}"

        def back(*, form=None, status=200, font_error="", empty=False):
            if form is not None and form.errors:
                messages.error(request, _("Card size: choose A6 or A5."))
            elif font_error:
                messages.error(request, font_error)
            elif empty:
                messages.warning(
                    request, _("{street} has no open site to print a card for.").format(street=street)
                )
            return redirect(index)

        count = sites.count()
        if count > MAX_BATCH:
            messages.error(
                request,
                _(
                    "{street} has {n} sites: print its communities one by one (at most {max} cards at once)."
                ).format(street=street, n=count, max=MAX_BATCH),
            )
            return redirect(index)
        return _pdf_response(request, sites, name=street.name, page=back)


def _index_url() -> str:
    from django.urls import reverse

    return reverse("cards:index")
