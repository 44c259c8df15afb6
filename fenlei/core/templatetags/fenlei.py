"""Template helpers of the UI shell."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def form_fields(form):
    """A form's fields, each with its label, help and errors next to it."""
    return render_to_string("core/form_fields.html", {"form": form})


@register.simple_tag
def filter_fields(form):
    """A filter form's fields laid out in a row."""
    return render_to_string("core/filter_fields.html", {"form": form})


def _label_and_shower(model, name):
    """A field's verbose name and a function that shows its stored values (choices, yes/no)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.translation import gettext as _

    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is None:
        from fenlei.core.attachments import slots_of

        for slot in slots_of(model):  # a file added to or removed from a slot of the row
            if slot.name == name:
                return str(slot.label), str
        return name, str
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None

    def show(value):
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if choices and value in choices:
            return str(choices[value])
        return str(value)

    return str(getattr(field, "verbose_name", name)), show


@register.simple_tag
def changes_list(changes, content_type=None, limit=None):
    """An audit entry's changes as a list of field: old → new, with the fields' labels; at most
    `limit` of them (the rest counted), for lists where a created record would fill the screen."""
    from django.utils.translation import gettext as _

    if not changes:
        return ""
    model = content_type.model_class() if content_type is not None else None
    rows = []
    items = list(changes.items())
    more = len(items) - limit if limit and len(items) > limit else 0
    if more:
        items = items[:limit]
    for field, pair in items:
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label, show = _label_and_shower(model, field)
        new_text = "—" if new in (None, "") else show(new)
        if old in (None, ""):
            rows.append(format_html('<li><code>{}</code>: <span class="new">{}</span></li>', label, new_text))
        else:
            rows.append(
                format_html(
                    '<li><code>{}</code>: <span class="old">{}</span> → <span class="new">{}</span></li>',
                    label,
                    show(old),
                    new_text,
                )
            )
    if more:
        rows.append(format_html('<li class="muted">{}</li>', _("and {n} more").format(n=more)))
    return format_html('<ul class="changes">{}</ul>', format_html_join("", "{}", ((r,) for r in rows)))


@register.filter
def colour_chip(category):
    from fenlei.taxonomy.naming import colour, label

    return format_html('<span class="chip" style="--chip:{}">{}</span>', colour(category), label(category))


@register.filter
def zip_rows(objects, rows):
    """Pairs of (object, its row of displayed values) for a ledger table."""
    return zip(objects, rows, strict=False)


@register.simple_tag(takes_context=True)
def ledger_rows(context, objects, rows, columns, row_url):
    """The rows of a ledger table: the first cell links to the row (`row_url`: pk -> URL) and marks a
    closed row; each cell carries its column's label for the phone layout.

    Built in one pass: a template loop with tags in every cell cost more than the page's queries."""
    from django.template.base import render_value_in_context
    from django.utils.translation import gettext as _

    labels = [conditional_escape(label) for label, _column in columns]
    closed_tag = format_html(' <span class="tag closed">{}</span>', _("closed"))
    html = []
    for obj, row in zip(objects, rows, strict=False):
        closed = getattr(obj, "closed_on", None)
        cells = []
        for i, value in enumerate(row):
            shown = conditional_escape(render_value_in_context(value, context))
            if i == 0:
                shown = format_html(
                    '<a href="{}">{}</a>{}', row_url(obj.pk), shown, closed_tag if closed else ""
                )
            cells.append(f'<td data-label="{labels[i]}">{shown}</td>')
        html.append(f'<tr class="{"closed" if closed else ""}">{"".join(cells)}</tr>\n')
    return mark_safe("".join(html))


@register.simple_tag
def cycle_label(columns, index):
    """The label of column `index` (for the phone layout's data-label)."""
    return columns[index][0]


@register.filter
def verbose_name(obj):
    return obj._meta.verbose_name


@register.filter
def index(sequence, i):
    return sequence[i]


@register.simple_tag
def cycle_label_plain(labels, i):
    return labels[i]
