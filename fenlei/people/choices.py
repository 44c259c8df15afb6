"""Choices of the people ledgers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupPost(models.IntegerChoices):
    """A member's post in a leading group, highest first (the number orders the member list)."""

    LEADER = 1, _("Group leader")
    EXECUTIVE_DEPUTY = 2, _("Executive deputy leader")
    DEPUTY = 3, _("Deputy leader")
    MEMBER = 4, _("Member")


class VolunteerKind(models.TextChoices):
    """Who a volunteer is, as the communities count them."""

    VOLUNTEER = "volunteer", _("Volunteer")
    PARTY_MEMBER = "party_member", _("Party member")
    BUILDING_HEAD = "building_head", _("Building head")
    PARTY_GROUP_HEAD = "party_group_head", _("Party group head")
    PARTY_CADRE = "party_cadre", _("Party member cadre")
    OTHER = "other", _("Other")
