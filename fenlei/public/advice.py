"""How to put an item out, by category (an item's own advice, where the office wrote one, comes first)."""

from django.utils.translation import gettext_lazy as _

from fenlei.public.choices import ItemCategory

ADVICE = {
    "food": _(
        "Drain liquids and remove the bag: put the food itself in the food-waste bin, the bag in residual waste."
    ),
    "residual": _("Put it in the residual-waste bin, bagged."),
    "recyclable": _(
        "Keep it clean and dry; flatten boxes and bundle paper; put it in the recyclables bin or hand it to a recycler."
    ),
    "hazardous": _(
        "Keep it whole and sealed (tape battery ends, keep lamps unbroken) and take it to the red hazardous-waste bin or a collection point."
    ),
    "bulky": _(
        "Book a bulky-waste pick-up with your community or property company; do not leave it by the bins."
    ),
    "renovation": _("Bag it and take it to the renovation-waste point your community names."),
    "other": _("Not household waste: ask your community where it goes."),
}


def advice_for(item_advice: str, category: str) -> str:
    return item_advice or str(ADVICE.get(category, ""))


def advice_of(answer) -> str:
    """How to put out what a lookup answered: the item's own advice where the office wrote one, else
    its category's; empty when the lookup is not sure (one query, for an item of the dictionary)."""
    from fenlei.public.choices import UNKNOWN
    from fenlei.public.models import Item

    if answer.category == UNKNOWN:
        return ""
    own = ""
    if answer.item:
        own = Item.objects.filter(name=answer.item).values_list("advice", flat=True).first() or ""
    return advice_for(own, answer.category)


def category_label(code: str) -> str:
    """The category's name as the district calls it (e.g. 湿垃圾 under Shanghai's naming)."""
    from fenlei.taxonomy.naming import stream_for_category

    stream = stream_for_category(code)
    return stream.label if stream is not None else str(ItemCategory(code).label)
