"""How the lookup reads what a resident types: one normal form, full pinyin and pinyin initials."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s·・\-_'’]+")


def normal(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or separators."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "").lower()).strip()


def pinyin_of(text: str) -> str:
    """The full pinyin without tones or spaces (`剩菜剩饭` → `shengcaishengfan`); other characters kept."""
    from pypinyin import lazy_pinyin

    return normal("".join(lazy_pinyin(normal(text))))


def initials_of(text: str) -> str:
    """The pinyin initials (`剩菜剩饭` → `scsf`); letters and digits kept as they are."""
    from pypinyin import Style, lazy_pinyin

    return normal("".join(p[:1] for p in lazy_pinyin(normal(text), style=Style.FIRST_LETTER)))


def is_latin(text: str) -> bool:
    return bool(text) and all(c.isascii() for c in text)
