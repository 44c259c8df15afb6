"""Pages of the taxonomy: the categories and the district's scheme, and the office's colour edit."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core import services
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user
from fenlei.core.views import ServiceFormView
from fenlei.taxonomy import naming, selectors
from fenlei.taxonomy.models import Category


class IndexView(LoginRequiredMixin, View):
    """The national categories, their sub-categories, the special streams and the district's scheme."""

    def get(self, request):
        return render(
            request,
            "taxonomy/index.html",
            {
                "overview": selectors.overview(request.user),
                "can_change": for_user(request.user, Action.CHANGE, Category).exists(),
                "nav_active": "taxonomy",
                "breadcrumbs": [{"label": _("Categories"), "url": None}],
            },
        )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["colour", "description"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shown = naming.colour(self.instance)
        if shown.lower() != self.instance.colour.lower():
            self.fields["colour"].help_text = _(
                "Under the naming profile in use this category is shown in {shown}; the colour kept here "
                "applies under the other profiles."
            ).format(shown=shown)


class CategoryEditView(ServiceFormView):
    """The district office edits a category's colour and description."""

    form_class = CategoryForm
    title = gettext_lazy("Edit category")

    def setup_object(self) -> None:
        self.object = get_for_user(self.request.user, Action.CHANGE, Category, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object}

    def get_context(self, form) -> dict:
        return {
            **super().get_context(form),
            "title": _("Edit “{category}”").format(category=naming.label(self.object)),
            "cancel_url": reverse("taxonomy:index"),
            "nav_active": "taxonomy",
            "breadcrumbs": [
                {"label": _("Categories"), "url": reverse("taxonomy:index")},
                {"label": naming.label(self.object), "url": None},
            ],
        }

    def perform(self, form):
        return services.update(self.object, by=self.request.user, data=dict(form.cleaned_data))
