"""The HTML faces of a row's files: the gallery on the row's page, upload, download, thumbnail, remove.

Every view first reads the row through the scoping function (`get_for_user`: 404 outside the scope,
403 without the action), then the file among that row's files. Files are streamed through the
storage API from here, never from a public URL.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from fenlei.core import attachments
from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.scoping import get_for_user
from fenlei.core.views import ServiceFormView


def file_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """Stream a stored file (or its thumbnail) with its own type; images inline, documents as a
    download; never sniffed, never run as a page."""
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    inline = thumbnail or attachment.is_image
    response = FileResponse(
        handle,
        content_type="image/jpeg" if thumbnail else attachment.mime_type,
        as_attachment=not inline,
        filename=None if thumbnail else attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def gallery(user, row, *, url_names: dict[str, str], can_change: bool) -> list[dict]:
    """The slots of `row` with their files and links, for the row's page (one query for all slots)."""
    slots = attachments.slots_of(row)
    if not slots:
        return []
    files = list(attachments.of_row(row))
    may_upload = can_change and getattr(row, "closed_on", None) is None
    sections = []
    for slot in slots:
        items = [
            {
                "file": a,
                "url": reverse(url_names["file"], args=[row.pk, a.pk]),
                "thumb_url": reverse(url_names["thumbnail"], args=[row.pk, a.pk]) if a.thumbnail else "",
                "remove_url": reverse(url_names["detach"], args=[row.pk, a.pk]) if can_change else "",
            }
            for a in files
            if a.slot == slot.name
        ]
        sections.append(
            {
                "slot": slot,
                "files": items,
                "full": len(items) >= slot.limit,
                "can_upload": may_upload and len(items) < slot.limit,
                "upload_url": reverse(url_names["attach"], args=[row.pk]),
            }
        )
    return sections


class RowFileMixin(LoginRequiredMixin):
    """Reads the row (`pk`) through the scoping function for `row_action`, then its file (`file`)."""

    row_action = Action.VIEW

    def get_base_queryset(self):
        raise NotImplementedError

    def get_row(self):
        return get_for_user(
            self.request.user, self.row_action, self.get_base_queryset(), pk=self.kwargs["pk"]
        )

    def get_attachment(self, row) -> Attachment:
        try:
            return attachments.of_row(row).get(pk=self.kwargs["file"])
        except Attachment.DoesNotExist:
            raise Http404 from None


class FileView(RowFileMixin, View):
    thumbnail = False

    def get(self, request, pk, file):
        return file_response(self.get_attachment(self.get_row()), thumbnail=self.thumbnail)


class AttachMixin:
    """Mixed into a row's detail view: POST adds the chosen files to one slot of the row; when a file
    fails, the row's page again (400) with every problem named."""

    http_method_names = ["post"]

    def post(self, request, pk):
        self.object = get_for_user(request.user, Action.CHANGE, self.get_base_queryset(), pk=pk)
        slot = request.POST.get("slot", "")
        try:
            added = attachments.attach(
                row=self.object, slot=slot, files=request.FILES.getlist("files"), by=request.user
            )
        except ValidationError as exc:
            context = self.get_context_data(
                object=self.object, attachment_errors=exc.messages, error_slot=slot
            )
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            ngettext("%(count)d file added.", "%(count)d files added.", len(added)) % {"count": len(added)},
        )
        return redirect(self.object.get_absolute_url() + "#files")


class RemoveFileForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DetachView(RowFileMixin, ServiceFormView):
    """Confirm, then remove one file from the row (the change action on the row)."""

    row_action = Action.CHANGE

    def get_form(self, data=None, files=None):
        return RemoveFileForm(data=data)

    def setup_object(self):
        self.row = self.get_row()
        self.attachment = self.get_attachment(self.row)
        self.title = _("Remove “{name}” from {record}").format(name=self.attachment.name, record=self.row)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx["intro"] = _("The file is deleted. The record's history keeps its name, who removed it and when.")
        ctx["submit_label"] = _("Remove")
        ctx["cancel_url"] = self.row.get_absolute_url() + "#files"
        return ctx

    def perform(self, form):
        attachments.detach(
            attachment=self.attachment, row=self.row, by=self.request.user, note=form.cleaned_data["note"]
        )
        return self.row

    def success_url(self, result) -> str:
        return result.get_absolute_url() + "#files"
