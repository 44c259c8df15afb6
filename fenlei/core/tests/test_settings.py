"""Settings come from the environment; a bad value stops start-up with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[3]


def test_parsers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    assert env.env_bool("X_BOOL", False) is True
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(env.ConfigError, match="X_BOOL='maybe' is not a boolean"):
        env.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "12a")
    with pytest.raises(env.ConfigError, match="not a whole number"):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(env.ConfigError, match="below the minimum"):
        env.env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_CHOICE", "Paris")
    with pytest.raises(env.ConfigError, match="not one of"):
        env.env_choice("X_CHOICE", "shanghai", frozenset({"shanghai"}))
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]


def _start(extra_env):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    environ.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "fenlei", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG='perhaps' is not a boolean"),
        ("FENLEI_NAMING", "paris", "FENLEI_NAMING='paris' is not one of"),
        ("FENLEI_IMPORT_RUNNER", "celery", "FENLEI_IMPORT_RUNNER='celery' is not one of"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must point at PostgreSQL"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 50 characters"),
    ],
)
def test_bad_values_stop_start_up(tmp_path, variable, value, message):
    result = _start({variable: value, "FENLEI_VAR_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_production_needs_a_secret_key(tmp_path):
    result = _start({"FENLEI_PRODUCTION": "1", "FENLEI_VAR_DIR": str(tmp_path)})
    assert result.returncode == 2 and "SECRET_KEY must be set" in result.stderr
