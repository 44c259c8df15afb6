"""Template tags of the item dictionary: the residents' "this answer is wrong" form on the lookup page."""

from django import template

register = template.Library()


@register.simple_tag
def wrong_answer_form(query: str):
    """The empty form for `query` (the lookup page includes public/_feedback.html with it)."""
    from fenlei.public.forms_dictionary import WrongAnswerForm

    return WrongAnswerForm(initial={"query": query})


@register.filter
def category_label(code: str) -> str:
    """A category's name as the district calls it (湿垃圾/干垃圾 under Shanghai's naming)."""
    from fenlei.public.advice import category_label as label

    return label(code) if code else ""
