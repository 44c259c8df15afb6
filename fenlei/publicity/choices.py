"""The choices of the publicity ledger: kinds of activity and the "六进" audiences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """What was done (the UI shows the Chinese names listed in docs/ledger-publicity.md)."""

    HANDOUT = "handout", _("Handing out materials")
    POSTERS = "posters", _("Putting up slogans")
    FORUM = "forum", _("Forum")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door explaining")
    WECHAT = "wechat", _("WeChat post")
    PROPOSAL = "proposal", _("Letter of proposal")
    GUIDE_CARD = "guide_card", _("Guide cards")
    FILM = "film", _("Educational film")
    VOLUNTEERS = "volunteers", _("Volunteer team")
    QUIZ = "quiz", _("Knowledge contest")
    THEMED = "themed", _("Themed event")
    OTHER = "other", _("Other")


class Target(models.TextChoices):
    """The "六进" target: into which part of society the activity went."""

    COMMUNITIES = "communities", _("Into communities")
    SCHOOLS = "schools", _("Into schools")
    OFFICES = "offices", _("Into government offices")
    ENTERPRISES = "enterprises", _("Into enterprises")
    HOUSEHOLDS = "households", _("Into households")
    PUBLIC_PLACES = "public_places", _("Into public places")
    VILLAGES = "villages", _("Into villages")
    OTHER = "other", _("Other")
