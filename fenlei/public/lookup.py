"""The which-bin lookup: a name, an alias, its pinyin, its pinyin initials, a name with one character
wrong, or a longer phrase holding a known name → the item and its category, with how sure it is.
A name the dictionary does not know is answered by a model trained on the dictionary
(fenlei.public.model): a suggestion with its probability, or "not sure" below the model's threshold.

A near name (one character apart, or held in a longer phrase) may be another item altogether: 纸盒 is
one character from 纸巾. When the model agrees with its category the near name answers; when it does
not, how much the near name is worth decides (`near_is_weak`): a phrase holding a name, a two-character
name, or a three-character one whose differing character many dictionary names use (围巾 beside 丝巾)
is weak evidence — the model answers when sure (OVERRULE_WEAK), else "not sure"; a rare character, a missing
or swapped character, one that sounds the same (过其药品), or one of four or more (剩菜剩板) looks like a
resident's typo — the near name stands unless the model is very sure (OVERRULE). All chosen on the
benchmark's validation split.

The dictionary is read from the database once and kept in the process; it is read again when the
dictionary changes (its row count or latest change differ), so the office's edits show at once.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max

from fenlei.public import model as model_
from fenlei.public.choices import UNKNOWN
from fenlei.public.text import is_latin, normal, pinyin_of

#: How sure each way of finding an item is.
EXACT, ALIAS, PINYIN, INITIALS, TYPO, CONTAINED = 1.0, 1.0, 0.95, 0.9, 0.85, 0.75
#: Initials shared by several items of different categories: the most common category, less sure.
INITIALS_SHARED = 0.6
#: Where an answer comes from: the dictionary (one of the ways above) or the model's suggestion.
DICTIONARY, MODEL = "dictionary", "model"
#: The ways that find a near name rather than the item itself: the model may overrule them
#: (fenlei.public.model.OVERRULE, OVERRULE_WEAK).
GUESSED = ("typo", "contained")
#: A character used by at least this many dictionary names makes a one-character difference weak
#: evidence of a typo (chosen on the validation split with the model's constants).
COMMON_CHARACTER = 10


@dataclass(frozen=True)
class Answer:
    query: str
    category: str
    confidence: float
    source: str  # DICTIONARY or MODEL
    item: str = ""
    matched_by: str = ""
    near: str = ""  # for a near name: the dictionary name (or other name) it is near to

    def as_json(self) -> dict:
        return {
            "name": self.query,
            "category": self.category,
            "confidence": round(self.confidence, 2),
            "source": self.source,
        }


class Index:
    """The dictionary laid out for lookups (built once per version of the dictionary)."""

    def __init__(self, rows):
        self.category: dict[str, str] = {}
        self.alias: dict[str, str] = {}
        self.pinyin: dict[str, str] = {}
        self.initials: dict[str, list[str]] = defaultdict(list)
        self.deletes: dict[str, set[str]] = defaultdict(set)
        self.uses: Counter = Counter()  # character → how many names (and other names) use it
        examples: list[tuple[str, str]] = []
        for name, category, aliases, pinyin, initials in rows:
            self.category[name] = category
            self.pinyin.setdefault(pinyin, name)
            self.initials[initials].append(name)
            examples.append((name, category))
            for alias in aliases or []:
                self.alias.setdefault(normal(alias), name)
                examples.append((normal(alias), category))
        for name in list(self.category) + list(self.alias):
            for key in _deletions(name):
                self.deletes[key].add(name)
            self.uses.update(set(name))
        # longest names first, for a phrase that holds one
        self.by_length = sorted(self.category, key=len, reverse=True)
        # for names the dictionary does not hold: the model, trained on its names and other names
        self.model = model_.Model.train(examples)

    def resolve(self, name: str) -> str:
        return self.alias.get(name, name)


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _distance_one(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one character added, removed, replaced or two swapped."""
    if a == b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_lock = threading.Lock()
_cache: dict = {"version": None, "index": None}


def _version():
    from fenlei.public.models import Item

    got = Item.objects.filter(active=True).aggregate(n=Count("pk"), last=Max("updated_at"))
    return got["n"], got["last"]


def index() -> Index:
    """The dictionary's index, read again when the dictionary has changed."""
    from fenlei.public.models import Item

    version = _version()
    with _lock:
        if _cache["version"] != version:
            rows = Item.objects.filter(active=True).values_list(
                "name", "category", "aliases", "pinyin", "initials"
            )
            _cache["index"] = Index(list(rows))
            _cache["version"] = version
        return _cache["index"]


def lookup(query: str, idx: Index | None = None) -> Answer:
    """Which bin `query` goes in: from the dictionary when one of its ways finds the item, else the
    model's suggestion (source MODEL), or `unknown` with the model's probability below its threshold.
    The page, the API and `fenlei lookup` all answer through this one function."""
    idx = idx or index()
    q = normal(query)
    if not q:
        return Answer(query, UNKNOWN, 0.0, DICTIONARY)
    found = _from_dictionary(query, q, idx)
    if found is None:
        return _from_model(query, q, idx)
    if found.matched_by in GUESSED:
        return weigh(found, q, idx.model.guess(q), idx)
    return found


def weigh(
    found: Answer,
    q: str,
    guess: model_.Guess | None,
    idx: Index,
    *,
    threshold: float | None = None,
    overrule: float | None = None,
    overrule_weak: float | None = None,
) -> Answer:
    """A near name the dictionary found, weighed against the model's guess for `q`: the near name when
    the model agrees (or knows nothing); when it does not, the model if sure enough, else the near name
    if it looks like a typo, else "not sure". The keywords are for the benchmark's validation study."""
    threshold = model_.THRESHOLD if threshold is None else threshold
    overrule = model_.OVERRULE if overrule is None else overrule
    overrule_weak = model_.OVERRULE_WEAK if overrule_weak is None else overrule_weak
    if guess is None or guess.category == found.category:
        return found
    weak = near_is_weak(q, found, idx)
    if guess.probability >= max(threshold, overrule_weak if weak else overrule):
        return Answer(found.query, guess.category, guess.probability, MODEL, matched_by="model")
    if weak:
        return Answer(found.query, UNKNOWN, guess.probability, MODEL, matched_by="model")
    return found


def near_is_weak(q: str, found: Answer, idx: Index) -> bool:
    """Whether the near name `found` is weak evidence of what `q` is: a longer phrase holding it, a
    name of two characters (one of two changed), or of three whose differing character many names use
    (围巾 beside 丝巾, not one that sounds the same). A missing or swapped character, a rare one, or one
    of four or more characters changed (剩菜剩板) looks like a typo."""
    if found.matched_by == "contained" or len(q) <= 2 and not _sounds_alike(q, found.near):
        return True
    near = found.near
    if len(q) >= 4:
        return False
    if len(q) == len(near):
        diff = [i for i in range(len(q)) if q[i] != near[i]]
        if len(diff) != 1:
            return False  # two characters swapped
        i = diff[0]
        if _sounds_alike(q[i], near[i]):
            return False
        return idx.uses[q[i]] >= COMMON_CHARACTER
    if len(q) < len(near):
        return False  # a character missing
    i = next((i for i in range(len(near)) if q[i] != near[i]), len(near))
    return idx.uses[q[i]] >= COMMON_CHARACTER


def _sounds_alike(a: str, b: str) -> bool:
    """Whether `a` and `b` (of one length, differing in one place) read the same in pinyin."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 and not is_latin(a[diff[0]]) and pinyin_of(a[diff[0]]) == pinyin_of(b[diff[0]])


def _from_dictionary(query: str, q: str, idx: Index) -> Answer | None:
    def found(name: str, confidence: float, how: str, near: str = "") -> Answer:
        return Answer(query, idx.category[name], confidence, DICTIONARY, name, how, near)

    if q in idx.category:
        return found(q, EXACT, "name")
    if q in idx.alias:
        return found(idx.alias[q], ALIAS, "alias")
    if is_latin(q):
        if q in idx.pinyin:
            return found(idx.pinyin[q], PINYIN, "pinyin")
        names = idx.initials.get(q, [])
        if names:
            categories = {idx.category[n] for n in names}
            if len(categories) == 1:
                return found(sorted(names, key=len)[0], INITIALS, "initials")
            common = max(categories, key=lambda c: sum(idx.category[n] == c for n in names))
            name = sorted((n for n in names if idx.category[n] == common), key=len)[0]
            return found(name, INITIALS_SHARED, "initials")
    candidates = set()
    for key in _deletions(q):
        candidates |= idx.deletes.get(key, set())
    close = sorted((c for c in candidates if _distance_one(q, c)), key=lambda c: (abs(len(c) - len(q)), c))
    if close:
        return found(idx.resolve(close[0]), TYPO, "typo", close[0])
    if not is_latin(q) and len(q) >= 3:
        # the longest name the phrase ends with (its head noun), else the longest it holds
        held = [name for name in idx.by_length if 2 <= len(name) < len(q) and name in q]
        if held:
            name = next((n for n in held if q.endswith(n)), held[0])
            return found(name, CONTAINED, "contained", name)
    return None


def _from_model(query: str, q: str, idx: Index, *, threshold: float | None = None) -> Answer:
    """The model's suggestion for a name the dictionary does not hold; "not sure" below THRESHOLD.
    Pinyin the dictionary does not know is not guessed at (the model reads characters)."""
    threshold = model_.THRESHOLD if threshold is None else threshold
    guess = None if is_latin(q) else idx.model.guess(q)
    if guess is None:
        return Answer(query, UNKNOWN, 0.0, MODEL, matched_by="model")
    if guess.probability < threshold:
        return Answer(query, UNKNOWN, guess.probability, MODEL, matched_by="model")
    return Answer(query, guess.category, guess.probability, MODEL, matched_by="model")


def similar(name: str, idx: Index, n: int = 5, *, category: str | None = None) -> list[str]:
    """Items of the same category that share the most characters with `name` (a dictionary item, or
    any name with the `category` the model suggested for it)."""
    category = category or idx.category.get(name)
    if category is None:
        return []
    chars = set(name)
    scored = [
        (len(chars & set(other)), -len(other), other)
        for other, c in idx.category.items()
        if c == category and other != name and chars & set(other)
    ]
    return [other for _s, _l, other in sorted(scored, reverse=True)[:n]]
