"""Template helpers of the UI shell."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def form_fields(form):
    """A form's fields, each with its label, help and errors next to it."""
    return render_to_string("core/form_fields.html", {"form": form})


@register.simple_tag
def filter_fields(form):
    """A filter form's fields laid out in a row."""
    return render_to_string("core/filter_fields.html", {"form": form})


@register.simple_tag
def changes_list(changes):
    """An audit entry's changes as a list of field: old → new."""
    if not changes:
        return ""
    rows = []
    for field, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((field, "—" if old in (None, "") else old, "—" if new in (None, "") else new))
    return format_html(
        '<ul class="changes">{}</ul>',
        format_html_join(
            "", '<li><code>{}</code>: <span class="old">{}</span> → <span class="new">{}</span></li>', rows
        ),
    )


@register.filter
def colour_chip(category):
    from fenlei.taxonomy.naming import colour, label

    return format_html('<span class="chip" style="--chip:{}">{}</span>', colour(category), label(category))
