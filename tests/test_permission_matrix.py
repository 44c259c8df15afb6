"""The permission matrix (STYLE.md habit 11): every route × every persona gives the status the role
rules call for, and a meta-test fails when a route has no entry in the matrix (`tests/matrix.py`).

Each case is one test on a fresh fixture world. Its personas share that world, so each request runs
inside a savepoint that is rolled back: what one persona writes is never seen by the next.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from rest_framework.test import APIClient

from tests.matrix import ANON, CASES, COLUMNS, LOGIN, Case

# --- running one case -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API throttles anonymous requests per minute; the matrix makes many of them."""
    cache.clear()
    yield
    cache.clear()


def observe(response) -> int | str:
    """The status as a row of the matrix writes it (a redirect to the sign-in page is LOGIN)."""
    if response.status_code == 302:
        login = reverse("accounts:login")
        if urlsplit(response["Location"]).path == login:
            return LOGIN
    return response.status_code


#: One request handler per client class for the whole run. A test client builds its middleware on
#: its first request, and WhiteNoise's scan of the static files makes that the dearest part of a
#: request; the matrix makes some two thousand requests through as many clients.
_HANDLERS: dict[type, object] = {}


def make_client(user, *, api: bool):
    """A client signed in as `user` (None: anonymous) through a session, as a browser would be.

    API clients sign in the same way (SessionAuthentication), not with force_authenticate, which
    would both skip the authentication classes and tie the handler to one user.
    """
    cls = APIClient if api else Client
    client = cls()
    if cls in _HANDLERS:
        client.handler = _HANDLERS[cls]
    else:
        _HANDLERS[cls] = client.handler
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def run_case(case: Case, world) -> dict[str, int | str]:
    if case.setup is not None:
        case.setup(world)
    url = reverse(case.route, args=case.args(world))
    if case.query is not None:
        url += "?" + urlencode(case.query(world))
    # Sign every client in before the savepoints, so that no rollback takes a session away.
    clients = {p: make_client(None if p == ANON else world.users[p], api=case.api) for p in case.columns}
    got = {}
    for persona, client in clients.items():
        send = getattr(client, case.method)
        with transaction.atomic():
            if case.data is None:
                response = send(url)
            else:
                # A fresh body per request: an uploaded file is consumed by the request that reads it.
                data = case.data(world)
                if case.api:
                    response = send(url, data, format="multipart" if case.multipart else "json")
                else:
                    response = send(url, data)
            got[persona] = observe(response)
            transaction.set_rollback(True)
    return got


def describe(case: Case, got: dict) -> str:
    expected = case.expected_today()
    lines = [f"{case.id}: persona  expected  got"]
    for persona in case.columns:
        mark = "" if got[persona] == expected[persona] else "   <-- differs"
        known = f" (rules: {case.expect[persona]}, known bug)" if persona in case.bugs else ""
        lines.append(f"  {persona:<6} {expected[persona]!s:>8}  {got[persona]!s:>4}{known}{mark}")
    fixed = [p for p in case.bugs if got[p] == case.expect[p]]
    if fixed:
        lines.append(f"  fixed: {fixed} now answer as the rules say; delete them from the case's `bugs`.")
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permission(case, world):
    got = run_case(case, world)
    assert got == case.expected_today(), describe(case, got)


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_rows_are_complete():
    for case in CASES:
        assert set(case.expect) == set(COLUMNS), case.id
        assert set(case.bugs) <= set(case.columns) <= set(COLUMNS), case.id
        assert not case.bugs or case.note, f"{case.id}: a suspected bug needs a note"


# --- the meta-test: every route has an entry ----------------------------------------------------------

#: Routes that are not ours to test: Django's admin, the language switch and its catalogue, static files.
SKIP_PREFIXES = ("django-admin/", "i18n/", "jsi18n/", "static/", "media/")
#: The routers' browsable index pages list the routes and carry no data of their own.
SKIP_NAMES = frozenset({"api-root", "set_language", "javascript-catalog"})


def _is_format_suffix(route: str) -> bool:
    """The `.json`/`.api` variants DRF adds to every router route: the same view, the same name."""
    return "drf_format_suffix" in route or "(?P<format>" in route


def walk(patterns, prefix: str = "", namespace: str | None = None):
    """(route, name) for every URL pattern under `patterns`, names qualified by their namespace."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
            yield prefix + str(p.pattern), name


def project_routes(patterns=None) -> list[tuple[str, str | None]]:
    """The (route, name) pairs the matrix must cover."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    out = []
    for route, name in walk(patterns):
        if route.lstrip("^").startswith(SKIP_PREFIXES) or _is_format_suffix(route):
            continue
        if name is not None and name.rsplit(":", 1)[-1] in SKIP_NAMES:
            continue
        out.append((route, name))
    return out


def missing_routes(routes, cases=CASES) -> list[str]:
    """The routes with no case in the matrix (by name; an unnamed route is listed by its pattern)."""
    covered = {c.route for c in cases}
    return sorted({name or f"<unnamed> {route}" for route, name in routes if name not in covered})


def test_every_route_has_a_matrix_entry():
    routes = project_routes()
    assert len(routes) > 30, routes
    missing = missing_routes(routes)
    assert not missing, (
        "routes without a permission-matrix entry (add them to tests/matrix.py):\n  " + "\n  ".join(missing)
    )


def test_every_matrix_entry_names_a_route():
    names = {name for _, name in project_routes()}
    stale = sorted({c.route for c in CASES} - names)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_route_names_are_unique():
    """reverse() reaches only one of two routes sharing a name: the other could not be tested (or linked)."""
    seen: dict[str, set[str]] = {}
    for route, name in project_routes():
        if name is not None:
            seen.setdefault(name, set()).add(route)
    clashes = {name: sorted(routes) for name, routes in seen.items() if len(routes) > 1}
    assert not clashes, clashes


def test_meta_test_catches_a_new_route():
    def view(request):  # pragma: no cover - never called
        raise AssertionError

    extra = [
        path("new/", view, name="brand-new"),
        path(
            "app/",
            include(
                ([path("thing/<int:pk>/", view, name="thing-detail"), path("nameless/", view)], "newapp")
            ),
        ),
        path("django-admin/ignored/", view, name="ignored"),
    ]
    real = set(missing_routes(project_routes()))
    with_extra = set(missing_routes(project_routes([*get_resolver().url_patterns, *extra])))
    assert with_extra - real == {"<unnamed> app/nameless/", "brand-new", "newapp:thing-detail"}
