"""The one place that says what a category is called and which streams are collected apart.

Local naming profiles (setting FENLEI_NAMING):
- national: 可回收物 / 有害垃圾 / 厨余垃圾 / 其他垃圾 (GB/T 19095-2019)
- shanghai: 湿垃圾 / 干垃圾 for food / residual (the standard allows these names)
- beijing: 厨余垃圾 / 其他垃圾
- hangzhou: 易腐垃圾 / 其他垃圾

Schemes (setting FENLEI_SCHEME):
- two_stream (干湿两分类): households separate wet from dry; recyclables and hazardous waste are
  collected centrally (统一收运). Each stream maps onto one national category, so data stays comparable.
- four: the four national categories, each its own stream.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fenlei.taxonomy.choices import MajorCode

#: profile -> category code -> (Chinese name, English name). Codes not listed keep the national name.
PROFILES: dict[str, dict[str, tuple[str, str]]] = {
    "national": {},
    "shanghai": {MajorCode.FOOD: ("湿垃圾", "Wet waste"), MajorCode.RESIDUAL: ("干垃圾", "Dry waste")},
    "beijing": {
        MajorCode.FOOD: ("厨余垃圾", "Food waste"),
        MajorCode.RESIDUAL: ("其他垃圾", "Residual waste"),
    },
    "hangzhou": {
        MajorCode.FOOD: ("易腐垃圾", "Perishable waste"),
        MajorCode.RESIDUAL: ("其他垃圾", "Other waste"),
    },
}

#: Bin colours that differ from the national ones in a profile.
PROFILE_COLOURS: dict[str, dict[str, str]] = {
    "shanghai": {MajorCode.FOOD: "#8B5A2B", MajorCode.RESIDUAL: "#1F1F1F"},
}

PROFILE_LABELS = {
    "national": _("National standard GB/T 19095-2019"),
    "shanghai": _("Shanghai naming (wet / dry)"),
    "beijing": _("Beijing naming (food / residual)"),
    "hangzhou": _("Hangzhou naming (perishable / other)"),
}


@dataclass(frozen=True)
class Stream:
    """A stream the district collects separately, and the national category it counts as."""

    code: str
    category: str
    centrally_collected: bool
    name: str
    name_en: str
    short: str
    short_en: str

    @property
    def label(self) -> str:
        return self.name_en if _english() else self.name

    @property
    def short_label(self) -> str:
        return self.short_en if _english() else self.short


SCHEMES: dict[str, list[Stream]] = {
    "two_stream": [
        Stream("wet", MajorCode.FOOD, False, "湿垃圾", "Wet waste", "湿", "Wet"),
        Stream("dry", MajorCode.RESIDUAL, False, "干垃圾", "Dry waste", "干", "Dry"),
        Stream("recyclable", MajorCode.RECYCLABLE, True, "可回收物", "Recyclables", "可回收", "Recyclable"),
        Stream("hazardous", MajorCode.HAZARDOUS, True, "有害垃圾", "Hazardous waste", "有害", "Hazardous"),
    ],
    "four": [
        Stream("recyclable", MajorCode.RECYCLABLE, False, "可回收物", "Recyclables", "可回收", "Recyclable"),
        Stream("hazardous", MajorCode.HAZARDOUS, False, "有害垃圾", "Hazardous waste", "有害", "Hazardous"),
        Stream("food", MajorCode.FOOD, False, "厨余垃圾", "Food waste", "厨余", "Food"),
        Stream("residual", MajorCode.RESIDUAL, False, "其他垃圾", "Residual waste", "其他", "Residual"),
    ],
}

SCHEME_LABELS = {
    "two_stream": _("Two streams (wet / dry), recyclables and hazardous waste collected centrally"),
    "four": _("Four categories"),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def profile() -> str:
    return settings.FENLEI_NAMING


def scheme() -> str:
    return settings.FENLEI_SCHEME


def label(category) -> str:
    """The category's name under the district's naming profile, in the active language."""
    zh, en = PROFILES[profile()].get(category.code, (category.name, category.name_en))
    return en if _english() else zh


def colour(category) -> str:
    """The bin colour of a category under the profile; a sub-category takes its parent's local colour."""
    overrides = PROFILE_COLOURS.get(profile(), {})
    if category.code in overrides:
        return overrides[category.code]
    if category.parent_id is not None and category.parent.code in overrides:
        return overrides[category.parent.code]
    return category.colour


def streams() -> list[Stream]:
    """The streams of the district's scheme. Under two_stream the wet/dry names follow the profile."""
    result = []
    names = PROFILES[profile()]
    for s in SCHEMES[scheme()]:
        if s.category in names:
            zh, en = names[s.category]
            s = replace(s, name=zh, name_en=en, short=zh.removesuffix("垃圾"), short_en=en.split()[0])
        result.append(s)
    return result


def stream_for_category(code: str) -> Stream | None:
    """The stream a national category (or one of its sub-categories' parents) is collected in."""
    return next((s for s in streams() if s.category == code), None)
