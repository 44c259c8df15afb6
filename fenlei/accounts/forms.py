"""Forms of accounts. They collect fields and limit choices to what the manager may use; the rules
(password strength, one target per role, no duplicate role) live in the models and the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.accounts.models import User
from fenlei.accounts.selectors import TARGET_MODELS, assignable_targets, target_kinds_for
from fenlei.core.roles import ROLE_TARGET, Role, TargetKind

USER_FIELDS = ["display_name", "email", "phone", "organisation"]


class _PasswordPair(forms.Form):
    """Two password fields that must agree; the strength rules are checked by the service."""

    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class UserCreateForm(_PasswordPair, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", *USER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].required = False
        self.fields["password2"].required = False
        self.fields["password1"].help_text = _(
            "Leave empty to create the account without a password for now."
        )
        self.order_fields(["username", "display_name", "password1", "password2"])


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [*USER_FIELDS, "is_active"]


class SetPasswordForm(_PasswordPair):
    pass


def _target_label(obj, kind: str) -> str:
    if kind == TargetKind.AREA:
        return "{indent}{name} ({kind})".format(
            indent="· " * obj.depth, name=obj.name, kind=obj.get_kind_display()
        )
    if kind == TargetKind.SITE:
        return f"{obj.name} · {obj.community.name}"
    return str(obj)


class AssignmentForm(forms.Form):
    """A role and the target it is held over, among the targets the manager may hand out.

    The target select is grouped by kind; its values are "kind:pk". When the role is known (the
    form was bound, or the page was asked for `?role=`), only targets of the right kind and level
    are offered.
    """

    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    target = forms.ChoiceField(label=_("Held over"))

    def __init__(self, *args, manager, role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        if self.is_bound:
            role = self.data.get(self.add_prefix("role")) or role
        if role not in ROLE_TARGET:
            role = None
        else:
            self.initial.setdefault("role", role)
        self._targets: dict[str, dict[str, object]] = {}
        groups = []
        for kind in target_kinds_for(role):
            objs = {str(o.pk): o for o in assignable_targets(manager, kind, role)}
            self._targets[kind] = objs
            if objs:
                groups.append(
                    (
                        TargetKind(kind).label,
                        [(f"{kind}:{pk}", _target_label(o, kind)) for pk, o in objs.items()],
                    )
                )
        self.fields["target"].choices = [("", "---------"), *groups]

    def clean_target(self):
        value = self.cleaned_data["target"]
        kind, _sep, pk = value.partition(":")
        obj = self._targets.get(kind, {}).get(pk)
        if kind not in TARGET_MODELS or obj is None:
            raise forms.ValidationError(_("Choose a target from the list."))
        return obj

    def clean(self):
        data = super().clean()
        role, target = data.get("role"), data.get("target")
        if role and target is not None and target._meta.model_name != ROLE_TARGET[role]:
            self.add_error(
                "target",
                _("The role “{role}” is held over a {kind}.").format(
                    role=Role(role).label, kind=TargetKind(ROLE_TARGET[role]).label
                ),
            )
        return data
