"""Users and their role assignments (role × target)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.core.models import Model
from fenlei.core.roles import ROLE_TARGET, Role, TargetKind
from fenlei.core.scoping import Scope
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area, Authority, Hauler, Site, phone_validator


class User(AbstractUser):
    """A person who signs in to fenlei. What they may do comes from their role assignments."""

    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    #: A user is read through the areas of its assignments (see accounts.selectors).
    scope = Scope()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        """Entries about a user are filed under the area of its first active role, so the office that
        manages the user finds them in the audit log."""
        first = (
            self.role_assignments.filter(active=True)
            .order_by("area_path")
            .values_list("area_path", flat=True)
        )
        return next(iter(first), "")

    def audit_snapshot(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "email": self.email,
            "phone": self.phone,
            "organisation": self.organisation,
            "is_active": self.is_active,
        }


#: The area level each area-targeted role is assigned at.
ROLE_AREA_LEVELS = {
    Role.DISTRICT_ADMIN: (AreaLevel.CITY, AreaLevel.DISTRICT),
    Role.DISTRICT_LEADER: (AreaLevel.CITY, AreaLevel.DISTRICT),
    Role.STREET_ADMIN: (AreaLevel.STREET,),
    Role.COMMUNITY_ADMIN: (AreaLevel.COMMUNITY,),
    Role.INSPECTOR: (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY),
}


class RoleAssignment(Model):
    """A user holds `role` over one target: an area, a site, an industry authority or a hauler."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("industry authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hauler = models.ForeignKey(
        Hauler, verbose_name=_("hauler"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    area_path = models.CharField(_("area path"), max_length=255, blank=True, editable=False)

    scope = Scope(area="area_path")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(area__isnull=False, site__isnull=True, authority__isnull=True, hauler__isnull=True)
                    | Q(area__isnull=True, site__isnull=False, authority__isnull=True, hauler__isnull=True)
                    | Q(area__isnull=True, site__isnull=True, authority__isnull=False, hauler__isnull=True)
                    | Q(area__isnull=True, site__isnull=True, authority__isnull=True, hauler__isnull=False)
                ),
                name="accounts_assignment_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path"], opclasses=["varchar_pattern_ops"], name="accounts_ra_path")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.user_id])

    @property
    def target(self):
        return self.area or self.site or self.authority or self.hauler

    @property
    def target_kind(self) -> str:
        return ROLE_TARGET[self.role]

    def clean(self) -> None:
        if not self.role:
            return
        kind = ROLE_TARGET[self.role]
        targets = {
            "area": self.area_id,
            "site": self.site_id,
            "authority": self.authority_id,
            "hauler": self.hauler_id,
        }
        for name, value in targets.items():
            if name != kind and value is not None:
                targets[name] = None
                setattr(self, name, None)
        if targets[kind] is None:
            raise ValidationError(
                {
                    kind: _("The role “{role}” needs a {target}.").format(
                        role=self.get_role_display(), target=TargetKind(kind).label
                    )
                }
            )
        target = getattr(self, kind)
        if kind == TargetKind.AREA and target.level not in ROLE_AREA_LEVELS[self.role]:
            raise ValidationError(
                {
                    "area": _("The role “{role}” cannot be held over a {kind}.").format(
                        role=self.get_role_display(), kind=target.get_kind_display()
                    )
                }
            )
        if getattr(target, "closed_on", None) is not None:
            raise ValidationError({kind: _("“{target}” is closed.").format(target=target)})
        self.area_path = getattr(target, "path", None) or getattr(target, "area_path", "")
        if (
            RoleAssignment.objects.filter(
                user_id=self.user_id, role=self.role, active=True, **{f"{kind}_id": targets[kind]}
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(_("This user already holds this role there."))

    @property
    def audit_area_path(self) -> str:
        return self.area_path
