"""Build fenlei's own item dictionary (fenlei/public/data/items.tsv) from the item → category facts of
the reference lists beside the project (shared/data/items, see its README).

    python tools/build_item_dictionary.py SHARED_ITEMS_DIR

Only facts are taken: an item's name, its category under Shanghai's 2019 rules and its aliases. The
official guide's 245 items decide where the two sources disagree. Rows are sorted by name; a name
that is also another item's alias keeps its own row. Output columns: name, category (fenlei's codes:
food, residual, recyclable, hazardous, bulky, renovation, other), aliases ("|"-separated).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

#: The reference list's category numbers → fenlei's codes (1 湿 2 干 3 可回收 4 有害 5 非生活垃圾 6 装修 7 大件).
LIST_CODES = {
    "1": "food",
    "2": "residual",
    "3": "recyclable",
    "4": "hazardous",
    "5": "other",
    "6": "renovation",
    "7": "bulky",
}
#: The official guide's letters (W 湿 D 干 R 可回收 H 有害).
GUIDE_CODES = {"W": "food", "D": "residual", "R": "recyclable", "H": "hazardous"}
OUT = Path(__file__).resolve().parent.parent / "fenlei" / "public" / "data" / "items.tsv"


def clean(name: str) -> str:
    return " ".join((name or "").split()).strip()


def main(source: str) -> int:
    root = Path(source)
    items: dict[str, dict] = {}
    for path in sorted((root / "luch1994-my-refuse-classification-weapp").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            name = clean(row.get("n", ""))
            code = LIST_CODES.get(str(row.get("c", "")))
            if not name or code is None or len(name) > 40:
                continue
            entry = items.setdefault(name, {"category": code, "aliases": set()})
            for alias in (row.get("a") or "").replace("，", ",").split(","):
                alias = clean(alias)
                if alias and alias != name and len(alias) <= 40:
                    entry["aliases"].add(alias)
    with open(root / "gold_sh_official_guide_ailln.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = clean(row["name"])
            code = GUIDE_CODES.get(row["label_code"])
            if name and code:
                items.setdefault(name, {"category": code, "aliases": set()})["category"] = code
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("name\tcategory\taliases\n")
        for name in sorted(items):
            entry = items[name]
            aliases = "|".join(sorted(a for a in entry["aliases"] if a not in items))
            f.write(f"{name}\t{entry['category']}\t{aliases}\n")
    print(f"{len(items)} items written to {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/items"))
