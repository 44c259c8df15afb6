"""The stream codes a record may carry: the district's scheme's streams, and "mixed" (混合) for a load
collected unsorted, which the alarms look for."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fenlei.collection.choices import MIXED
from fenlei.taxonomy.naming import streams


def codes() -> list[str]:
    return [s.code for s in streams()] + [MIXED]


def choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in streams()] + [(MIXED, _("Mixed waste"))]


def stream_label(code: str) -> str:
    if code == MIXED:
        return _("Mixed waste")
    return next((s.label for s in streams() if s.code == code), code)


def food_code() -> str:
    """The stream that carries food waste (湿/厨余) under the scheme."""
    from fenlei.taxonomy.choices import MajorCode

    return next(s.code for s in streams() if s.category == MajorCode.FOOD)


def residual_code() -> str:
    from fenlei.taxonomy.choices import MajorCode

    return next(s.code for s in streams() if s.category == MajorCode.RESIDUAL)


def recyclable_code() -> str:
    from fenlei.taxonomy.choices import MajorCode

    return next(s.code for s in streams() if s.category == MajorCode.RECYCLABLE)
