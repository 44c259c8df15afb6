"""Pages of accounts: sign-in, the signed-in user's own page, and the district office's user management.

Reads go through `fenlei.accounts.selectors` (which uses the scoping function); writes go through
`fenlei.accounts.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from fenlei.accounts import services
from fenlei.accounts.forms import AssignmentForm, SetPasswordForm, UserCreateForm, UserEditForm
from fenlei.accounts.models import RoleAssignment, User
from fenlei.accounts.selectors import can_manage, manageable_users, managed_assignments
from fenlei.core import audit
from fenlei.core.views import ServiceFormView, attach_errors

_TARGET_FIELDS = ("area", "site", "authority", "hauler")


def _crumbs(*pairs) -> list[dict]:
    return [{"label": label, "url": url} for label, url in pairs]


def _me(request) -> User:
    """The signed-in user as a plain model instance (request.user is a lazy proxy the audit log cannot type)."""
    return User.objects.get(pk=request.user.pk)


def _users_crumb():
    return (_("Users"), reverse("accounts:user-list"))


# --- sign-in and the user's own pages ------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's sign-in; django-axes counts failures through the `request` the form passes on."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_logged_in(user=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; the new password is written (and audited) by the service."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")
    title = gettext_lazy("Change password")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cancel_url=reverse("accounts:profile"),
            breadcrumbs=_crumbs((_("My account"), reverse("accounts:profile")), (self.title, None)),
            **kwargs,
        )

    def form_valid(self, form):
        me = _me(self.request)
        services.user_set_password(user=me, by=me, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, me)
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    title = gettext_lazy("Password changed")


class ProfileView(LoginRequiredMixin, View):
    """The signed-in user's own page: name, roles, password, and the personal API token."""

    def get(self, request):
        return render(request, "accounts/profile.html", self.context(request))

    def post(self, request):
        op = request.POST.get("token")
        if op not in ("create", "regenerate", "revoke"):
            return redirect("accounts:profile")
        services.api_token_write(user=_me(request), op=op)
        messages.success(
            request,
            {
                "create": _("Your API token was created."),
                "regenerate": _("Your API token was regenerated: the old one no longer works."),
                "revoke": _("Your API token was revoked."),
            }[op],
        )
        return redirect("accounts:profile")

    @staticmethod
    def context(request) -> dict:
        user = request.user
        assignments = user.role_assignments.filter(active=True).select_related(*_TARGET_FIELDS)
        return {
            "profile_user": user,
            "assignments": assignments,
            "token": Token.objects.filter(user=user).first(),
            "can_manage": can_manage(user),
            "breadcrumbs": _crumbs((_("My account"), None)),
        }


# --- user management (district office) -----------------------------------------------------------


class ManagerMixin(LoginRequiredMixin):
    """Pages for managers of users: 403 without Action.MANAGE anywhere, 404 for a user out of scope."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_managed_user(self) -> User:
        try:
            return manageable_users(self.request.user).get(pk=self.kwargs["pk"])
        except User.DoesNotExist:
            raise Http404 from None


class UserListView(ManagerMixin, View):
    def get(self, request):
        q = request.GET.get("q", "").strip()
        page = Paginator(manageable_users(request.user, search=q), 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "accounts/user_list.html",
            {
                "users": page.object_list,
                "page_obj": page,
                "q": q,
                "query_string": query.urlencode(),
                "nav_active": "users",
                "breadcrumbs": _crumbs((_("Users"), None)),
            },
        )


class UserDetailView(ManagerMixin, View):
    """A user's facts and roles, with the form that gives it a new role."""

    def get(self, request, pk):
        user = self.get_managed_user()
        form = AssignmentForm(manager=request.user, role=request.GET.get("role"))
        return render(request, "accounts/user_detail.html", self.context(user, form))

    def post(self, request, pk):
        user = self.get_managed_user()
        form = AssignmentForm(request.POST, manager=request.user)
        if form.is_valid():
            try:
                assignment = services.assign(
                    user=user,
                    role=form.cleaned_data["role"],
                    target=form.cleaned_data["target"],
                    by=request.user,
                )
            except ValidationError as exc:
                attach_errors(form, _target_errors(exc))
            else:
                messages.success(request, _("Role assigned: {assignment}").format(assignment=assignment))
                return redirect("accounts:user-detail", pk=user.pk)
        return render(request, "accounts/user_detail.html", self.context(user, form), status=400)

    def context(self, user: User, form) -> dict:
        manager = self.request.user
        assignments = list(user.active_assignments)
        removable = set(
            managed_assignments(manager, user.role_assignments.filter(active=True)).values_list(
                "pk", flat=True
            )
        )
        past = managed_assignments(manager, user.role_assignments.filter(active=False)).order_by(
            "-updated_at"
        )[:20]
        return {
            "object": user,
            "assignments": assignments,
            "removable": removable,
            "past_assignments": past,
            "form": form,
            "nav_active": "users",
            "breadcrumbs": _crumbs(_users_crumb(), (str(user), None)),
        }


def _target_errors(exc: ValidationError) -> ValidationError:
    """Errors the model puts on area/site/authority/hauler belong to the form's one target field."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list] = {}
    for field, errs in exc.error_dict.items():
        errors.setdefault("target" if field in _TARGET_FIELDS else field, []).extend(errs)
    return ValidationError(errors)


@require_POST
def assignment_remove(request, pk):
    """End one role assignment (the manager must manage it: 404 otherwise)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('accounts:user-list')}")
    if not can_manage(request.user):
        raise PermissionDenied
    try:
        assignment = managed_assignments(request.user).filter(active=True).get(pk=pk)
    except RoleAssignment.DoesNotExist:
        raise Http404 from None
    services.unassign(assignment=assignment, by=request.user)
    messages.success(request, _("Role removed: {assignment}").format(assignment=assignment))
    return redirect("accounts:user-detail", pk=assignment.user_id)


class _UserFormView(ManagerMixin, ServiceFormView):
    def breadcrumbs(self) -> list[dict]:
        return _crumbs(_users_crumb(), (self.title, None))

    def get_context(self, form) -> dict:
        return {
            **super().get_context(form),
            "nav_active": "users",
            "breadcrumbs": self.breadcrumbs(),
            "cancel_url": reverse("accounts:user-list"),
        }


class UserCreateView(_UserFormView):
    form_class = UserCreateForm
    title = gettext_lazy("Add a user")

    def perform(self, form):
        fields = {k: form.cleaned_data[k] for k in UserEditForm.Meta.fields if k in form.cleaned_data}
        try:
            return services.user_create(
                by=self.request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data.get("password1") or None,
                **fields,
            )
        except ValidationError as exc:
            raise _password_errors(exc, "password1") from None


class _ManagedUserFormView(_UserFormView):
    def setup_object(self) -> None:
        self.object = self.get_managed_user()

    def breadcrumbs(self) -> list[dict]:
        return _crumbs(_users_crumb(), (str(self.object), self.object.get_absolute_url()), (self.title, None))

    def get_context(self, form) -> dict:
        return {**super().get_context(form), "cancel_url": self.object.get_absolute_url()}


class UserEditView(_ManagedUserFormView):
    form_class = UserEditForm
    title = gettext_lazy("Edit user")

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object}

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in UserEditForm.Meta.fields}
        return services.user_update(user=self.object, by=self.request.user, data=data)


class UserPasswordView(_ManagedUserFormView):
    form_class = SetPasswordForm
    title = gettext_lazy("Set password")

    def perform(self, form):
        try:
            return services.user_set_password(
                user=self.object, by=self.request.user, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            raise _password_errors(exc, "password1") from None

    def success_url(self, result) -> str:
        messages.success(self.request, _("The password of {user} was changed.").format(user=result))
        return result.get_absolute_url()


def _password_errors(exc: ValidationError, field: str) -> ValidationError:
    """Password validators raise errors without a field: put them on the password field."""
    if hasattr(exc, "error_dict"):
        return exc
    return ValidationError({field: exc.error_list})


class UserHistoryView(ManagerMixin, View):
    """The audit history of a user (its account and its roles), for its managers."""

    def get(self, request, pk):
        from django.contrib.contenttypes.models import ContentType

        user = self.get_managed_user()
        page = Paginator(audit.history(user), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "core/history.html",
            {
                "object": user,
                "entries": page.object_list,
                "page_obj": page,
                "object_type": ContentType.objects.get_for_model(User),
                "nav_active": "users",
                "breadcrumbs": _crumbs(
                    _users_crumb(), (str(user), user.get_absolute_url()), (_("History"), None)
                ),
            },
        )
