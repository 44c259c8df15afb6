"""`python -m fenlei.core.i18ncheck`: the translation catalogues are complete and current.

1. Every string marked for translation in the code is in the catalogues (makemessages adds nothing).
2. The Chinese catalogue translates every string, none fuzzy.
3. The compiled .mo files match their .po files.
Needs GNU gettext (msgfmt, xgettext), as CI installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "fenlei" / "locale"
COMPLETE = ["zh_Hans"]


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file (plural forms joined)."""
    result = []
    text = po.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        msgid = _field(block, "msgid")
        if msgid is None or msgid == "":
            continue
        strs = [_field(block, "msgstr")] if "msgstr[" not in block else _plural(block)
        result.append((msgid, "".join(s or "" for s in strs) if all(strs) else "", fuzzy))
    return result


def _unquote(lines: list[str]) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines)))


def _field(block: str, name: str) -> str | None:
    m = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
    return _unquote([m.group(1)]) if m else None


def _plural(block: str) -> list[str]:
    return [_unquote([m]) for m in re.findall(r'^msgstr\[\d+\] ((?:".*"\n?)+)', block, re.M)]


def msgids(po: Path) -> set[str]:
    return {e[0] for e in entries(po)}


def main() -> int:
    problems: list[str] = []
    if not shutil.which("msgfmt"):
        print("GNU gettext (msgfmt) is needed: apt-get install gettext", file=sys.stderr)
        return 2
    pos = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
    if not pos:
        print("no catalogues under fenlei/locale", file=sys.stderr)
        return 1
    # 1. current: run makemessages on a copy of the sources' catalogues and compare msgid sets
    saved = {p: p.read_bytes() for p in pos}
    try:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
        for domain, extra in (("django", []),):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "fenlei",
                    "makemessages",
                    "-d",
                    domain,
                    "-l",
                    "zh_Hans",
                    "-l",
                    "en",
                    "--no-obsolete",
                    "--no-location",
                    "-v",
                    "0",
                    *extra,
                ],
                cwd=ROOT / "fenlei",
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        for p in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
            fresh = msgids(p)
            old = {e[0] for e in entries_from_bytes(saved[p])} if p in saved else set()
            missing = sorted(fresh - old)
            if missing:
                problems.append(
                    f"{p.relative_to(ROOT)}: {len(missing)} string(s) not in the catalogue "
                    f"(run `make i18n`), e.g. {missing[:5]}"
                )
    finally:
        for p, data in saved.items():
            p.write_bytes(data)
        for p in LOCALE.glob("*/LC_MESSAGES/*.po"):
            if p not in saved:
                p.unlink()
    # 2. complete
    for lang in COMPLETE:
        for po in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            bad = [(m, fuzzy) for m, s, fuzzy in entries(po) if fuzzy or not s]
            if bad:
                problems.append(
                    f"{po.relative_to(ROOT)}: {len(bad)} untranslated or fuzzy, e.g. "
                    f"{[m for m, _f in bad[:5]]}"
                )
    # 3. compiled
    for po in pos:
        mo = po.with_suffix(".mo")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "x.mo"
            subprocess.run(["msgfmt", "--check-format", "-o", str(out), str(po)], check=True)
            if not mo.exists() or mo.read_bytes() != out.read_bytes():
                problems.append(f"{mo.relative_to(ROOT)} is not compiled from its .po (run `make i18n`)")
    for p in problems:
        print(p, file=sys.stderr)
    print("translations: " + ("problems found" if problems else "complete and current"))
    return 1 if problems else 0


def entries_from_bytes(data: bytes) -> list[tuple[str, str, bool]]:
    with tempfile.NamedTemporaryFile("wb", suffix=".po", delete=False) as fh:
        fh.write(data)
    try:
        return entries(Path(fh.name))
    finally:
        os.unlink(fh.name)


if __name__ == "__main__":
    sys.exit(main())
