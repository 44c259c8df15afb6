"""Request middleware: which face (web or API) a request's changes are recorded under."""

from fenlei.core.audit import using_face
from fenlei.core.models import Face


class AuditFaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        face = Face.API if request.path.startswith("/api/") else Face.WEB
        with using_face(face):
            return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise. Pages take the language from the language cookie (set by
    the switcher), never from the browser's Accept-Language, so an office PC with an English browser
    still opens fenlei in Chinese. API clients state theirs with Accept-Language. Replaces Django's
    LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen in supported:
            language = chosen
        elif request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
