"""Shared pytest fixtures: the fixture world and a signed-in client per persona."""

import tempfile

import pytest
from django.test import Client

from fenlei.core.testing.world import PASSWORD, PERSONAS, build_world


@pytest.fixture(autouse=True)
def _no_login_throttle(settings):
    """Login throttling is tested on its own; elsewhere it would only slow the suite down."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _no_static_scan(settings):
    """WhiteNoise scans every static file for each new handler; tests serve static files on demand."""
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 at full strength costs ~0.3 s a user: tests only need hashing to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _short_collection_seed(settings):
    """The demo's year of collection data costs most of a seed: tests seed ten weeks (the planted
    cases' window); the collection seeding test asks for the year itself."""
    settings.FENLEI_SEED_COLLECTION_DAYS = 70


@pytest.fixture(scope="session")
def _media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, _media_dir):
    """Uploaded files go to a folder of the test run, never to var/media."""
    settings.MEDIA_ROOT = str(_media_dir)


@pytest.fixture(autouse=True)
def _no_files_left_behind(tmp_path_factory, monkeypatch):
    """Temporary files go to a directory of this test session; a test (or a view) that leaves an
    export or a template behind fails."""
    tmp = tmp_path_factory.getbasetemp() / "tempfiles"
    tmp.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield
    left = sorted(p.name for p in tmp.glob("fenlei-*"))
    for name in left:
        (tmp / name).unlink()
    assert not left, f"temporary files left behind: {left}"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(world):
    """client_for("sam") -> a Django test client signed in as that persona (None: anonymous)."""
    cache = {}

    def make(name):
        if name not in cache:
            c = Client()
            if name is not None:
                c.force_login(world.users[name], backend="django.contrib.auth.backends.ModelBackend")
            cache[name] = c
        return cache[name]

    return make


@pytest.fixture
def api_for(world):
    """api_for("sam") -> a DRF APIClient authenticated as that persona."""
    from rest_framework.test import APIClient

    cache = {}

    def make(name):
        if name not in cache:
            c = APIClient()
            if name is not None:
                c.force_authenticate(world.users[name])
            cache[name] = c
        return cache[name]

    return make


__all__ = ["PASSWORD", "PERSONAS"]


@pytest.fixture(autouse=True)
def _imports_inline(settings, tmp_path):
    """Excel imports run within the request in tests (the background runner has tests of its own), and
    their uploads go to a directory of the test's own."""
    settings.FENLEI_IMPORT_RUNNER = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
