"""How the measures' numbers are written on a page: kilograms, shares in per cent, changes."""

from django import template

from fenlei.collection.templatetags.collection_pages import kg

register = template.Library()

DASH = "—"

#: The same filter as the collection pages' (the measures write `|kg:1`): loading both libraries in one
#: template cannot swap one format for another.
register.filter("kg", kg)


@register.filter
def pct(value) -> str:
    """A share (0.526) in per cent (52.6%)."""
    if value is None:
        return DASH
    return f"{value * 100:.1f}%"


@register.filter
def change(value) -> str:
    """A change already in per cent, with its sign (+25.0%, −46.7%)."""
    if value is None:
        return DASH
    if abs(value) < 0.05:
        return "±0.0%"
    return f"{'+' if value > 0 else '−'}{abs(value):.1f}%"


@register.filter
def direction(value) -> str:
    """A CSS class for a change: up, down or flat."""
    if value is None or abs(value) < 0.05:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def rate(value, unit: str) -> str:
    """A rate as its row shows it: a share in per cent, or kilograms per resident and day."""
    if value is None:
        return DASH
    return pct(value) if unit == "%" else f"{value:.3f}"
