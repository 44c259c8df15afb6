"""The residents' which-bin page: public, no sign-in, for any phone."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from fenlei.public.advice import advice_for
from fenlei.public.choices import UNKNOWN, ItemCategory
from fenlei.public.lookup import index, lookup, similar
from fenlei.public.models import Item

#: The longest question the page reads.
MAX_QUERY = 40


def category_label(code: str) -> str:
    """The category's name as the district calls it (e.g. 湿垃圾 under Shanghai's naming)."""
    from fenlei.taxonomy.naming import stream_for_category

    stream = stream_for_category(code)
    return stream.label if stream is not None else str(ItemCategory(code).label)


class LookupView(View):
    http_method_names = ["get"]

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
        answer = None
        context = {"query": query}
        if query:
            idx = index()
            answer = lookup(query, idx)
            context.update(answer=answer, found=answer.category != UNKNOWN)
            if answer.category != UNKNOWN:
                item = Item.objects.filter(name=answer.item).only("advice").first()
                context.update(
                    label=category_label(answer.category),
                    advice=advice_for(item.advice if item else "", answer.category),
                    similar=similar(answer.item, idx),
                )
        return render(request, "public/lookup.html", context)
