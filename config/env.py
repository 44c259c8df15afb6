"""Strict parsers for settings read from the environment.

A bad value stops start-up with a message that names the variable, the value and what was expected.
"""

import os


class ConfigError(Exception):
    """A setting in the environment has a value fenlei cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use one of: 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_ratios(name: str, default: dict[str, float]) -> dict[str, float]:
    """`key:number,key:number` (e.g. `wet:0.55,dry:0.35`); every number positive."""
    raw = os.environ.get(name)
    if raw is None:
        return dict(default)
    result = {}
    for part in raw.split(","):
        key, sep, number = part.partition(":")
        try:
            value = float(number)
        except ValueError:
            value = -1.0
        if not sep or not key.strip() or value <= 0:
            raise ConfigError(
                f"{name}={raw!r}: write it as key:number pairs separated by commas, numbers above 0"
            )
        result[key.strip()] = value
    return result


def env_choice(name: str, default: str, choices: set[str] | frozenset[str]) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of: {', '.join(sorted(choices))}")
    return value
