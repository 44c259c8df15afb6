"""Reads of the taxonomy, scoped: every role sees all categories, a user with no role sees none."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import get_language

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.taxonomy import naming
from fenlei.taxonomy.choices import CategoryKind
from fenlei.taxonomy.models import Category


def categories(user) -> QuerySet:
    """The categories `user` may read, parents joined."""
    return for_user(user, Action.VIEW, Category.objects.select_related("parent"))


@dataclass
class StreamRow:
    """A stream of the district's scheme with the national category it counts as."""

    stream: naming.Stream
    category: Category | None


@dataclass
class Overview:
    majors: list[Category] = field(default_factory=list)
    specials: list[Category] = field(default_factory=list)
    streams: list[StreamRow] = field(default_factory=list)
    profile: str = ""
    scheme: str = ""

    @property
    def profile_label(self) -> str:
        return naming.PROFILE_LABELS[self.profile]

    @property
    def scheme_label(self) -> str:
        return naming.SCHEME_LABELS[self.scheme]

    @property
    def empty(self) -> bool:
        return not self.majors and not self.specials


def overview(user) -> Overview:
    """The national categories (each with `.subs` and the `.stream` it is collected in), the special
    streams and the district's scheme, as `user` may read them (one query). Every category carries
    its `.local_label` under the naming profile in use and its `.national_label`."""
    rows = list(categories(user))
    english = (get_language() or "").startswith("en")
    by_id = {c.pk: c for c in rows}
    for c in rows:
        c.subs = []
        c.local_label = naming.label(c)
        c.national_label = c.name_en if english else c.name
    result = Overview(profile=naming.profile(), scheme=naming.scheme())
    for c in rows:
        if c.kind == CategoryKind.MAJOR:
            c.stream = naming.stream_for_category(c.code)
            result.majors.append(c)
        elif c.kind == CategoryKind.SPECIAL:
            result.specials.append(c)
        elif c.parent_id in by_id:
            by_id[c.parent_id].subs.append(c)
    majors = {c.code: c for c in result.majors}
    if rows:
        result.streams = [StreamRow(s, majors.get(s.category)) for s in naming.streams()]
    return result


def streams(user) -> list[StreamRow]:
    """The streams of the district's scheme whose category `user` may read."""
    majors = {c.code: c for c in categories(user).filter(kind=CategoryKind.MAJOR)}
    return [StreamRow(s, majors[s.category]) for s in naming.streams() if s.category in majors]
