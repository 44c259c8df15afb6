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
