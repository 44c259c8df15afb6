"""The residents' which-bin page: public, no sign-in, for any phone."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views import View

from fenlei.public.advice import advice_of, category_label
from fenlei.public.choices import UNKNOWN
from fenlei.public.lookup import MODEL, index, lookup, similar
from fenlei.public.text import normal

#: The longest question the page reads.
MAX_QUERY = 40


class LookupView(View):
    http_method_names = ["get"]

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
        context = {"query": query, "rules": settings.FENLEI_ITEM_RULES}
        if query:
            idx = index()
            answer = lookup(query, idx)
            found = answer.category != UNKNOWN
            context.update(
                answer=answer,
                found=found,
                suggestion=answer.source == MODEL,
                percent=round(answer.confidence * 100),
            )
            if found:
                name = answer.item or normal(query)
                context.update(
                    label=category_label(answer.category),
                    advice=advice_of(answer),
                    similar=similar(name, idx, category=answer.category),
                )
        return render(request, "public/lookup.html", context)
