"""How a weighing device or a haulier's system signs its requests: `Authorization: Device <token>`.

The token is issued once (`services.device_create`, `services.device_rotate`); only its SHA-256 is
kept, so the header is checked by hashing it and looking the hash up. The request then runs as the
device's service account (a user without roles) with the `Device` as `request.auth`. A closed
device's token no longer works. Each device has its own request rate (FENLEI_API_DEVICE_RATE).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from fenlei.collection import services
from fenlei.collection.models import Device

KEYWORD = "Device"


class DeviceAuthentication(BaseAuthentication):
    """`Authorization: Device fld_…`: the request runs as the device's service account."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme (or none): the next authentication class decides
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _(
                    "Send the device token as “Authorization: Device <token>”, with one space and no other words."
                )
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This device token is not valid.")) from None
        if not token.startswith(services.TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(
                _("A device token starts with “{prefix}”.").format(prefix=services.TOKEN_PREFIX)
            )
        device = (
            Device.objects.select_related("account").filter(token_hash=services.hash_token(token)).first()
        )
        if device is None or device.account is None:
            raise exceptions.AuthenticationFailed(
                _("This device token is not valid: it was never issued or has been replaced by a new one.")
            )
        if device.closed_on is not None and device.closed_on <= timezone.localdate():
            raise exceptions.AuthenticationFailed(
                _("The device “{name}” was closed on {date}; its token no longer works.").format(
                    name=device.name, date=device.closed_on
                )
            )
        if not device.account.is_active:
            raise exceptions.AuthenticationFailed(
                _("The service account of the device “{name}” is disabled.").format(name=device.name)
            )
        return device.account, device

    def authenticate_header(self, request) -> str:
        # A 401 (not a 403) names the scheme the client should use.
        return KEYWORD


class DeviceRateThrottle(SimpleRateThrottle):
    """Requests per device (FENLEI_API_DEVICE_RATE); requests signed otherwise are not counted here."""

    scope = "device"

    def get_rate(self):
        # Read when asked, not when the class was defined: the rate is a setting like any other.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Device):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class DeviceAuthenticationScheme(OpenApiAuthenticationExtension):
    """OpenAPI: the device token as a security scheme of its own."""

    target_class = DeviceAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A device's token, issued once by the district office: "
                f"`Authorization: {KEYWORD} {services.TOKEN_PREFIX}…`."
            ),
        }
