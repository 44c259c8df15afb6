"""The model that answers for items not in the dictionary: a multinomial naive Bayes over the
characters of an item's name, trained from the dictionary itself.

What it reads of a name: its characters, its runs of two and three characters, and — weighted more,
because a Chinese compound puts its head noun last (…瓶, …袋, …盒, …纸, …电池) — its last one and two
characters, and its first character. Trained from the active items (and their other names) whenever
the lookup's index is built, in a few tens of milliseconds; pure Python, no numerical library.

Its raw probabilities are far too sure of themselves (naive Bayes counts the same evidence many
times over), so they are softened by a temperature before they are shown. `TEMPERATURE` (the
lowest log loss), `THRESHOLD` (below it the lookup says "not sure"), `OVERRULE` and `OVERRULE_WEAK`
(when a near name gives way to the model, see fenlei.public.lookup.weigh) were chosen on a validation
split of the training part of the benchmark's data, never on the items held out for measuring: a
resident's typo of a known name must still be found (≥ 95% right), at least 80% of unseen names
answered, then the most answers right (ties: more answered, then more typos right).
`python -m bench.lookup` prints that study.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

#: Laplace smoothing of the feature counts.
ALPHA = 0.3
#: How much the head (the last one or two characters) and the first character weigh against a run.
HEAD_WEIGHT = 2.0
FIRST_WEIGHT = 1.0
#: The softening of the raw log-probabilities (chosen on the validation split, see the module doc).
TEMPERATURE = 3.0
#: Below this calibrated probability the model's answer is "not sure" (chosen likewise).
THRESHOLD = 0.65
#: A near name that looks like a resident's typo (a rare character changed, one missing or swapped,
#: one that sounds the same) gives way only when the model puts the query in another category with
#: at least this probability (chosen likewise).
OVERRULE = 0.9
#: A near name that is weak evidence (a phrase holding a name, a two-character name, a differing
#: character many names use) gives way to the model at this probability; below it, and when the model
#: disagrees, the lookup says "not sure" (chosen likewise).
OVERRULE_WEAK = 0.7


def features(name: str) -> dict[str, float]:
    """The weighted features of a (normalised) name."""
    got: dict[str, float] = defaultdict(float)
    n = len(name)
    for size in (1, 2, 3):
        for i in range(n - size + 1):
            got[name[i : i + size]] += 1.0
    if n:
        got["$" + name[-1]] += HEAD_WEIGHT
        got["^" + name[0]] += FIRST_WEIGHT
    if n >= 2:
        got["$" + name[-2:]] += HEAD_WEIGHT
    return got


@dataclass(frozen=True)
class Guess:
    category: str
    probability: float
    ranked: tuple[tuple[str, float], ...]


class Model:
    """Naive Bayes over name features. `Model.train([(name, category), …])`, then `guess(name)`."""

    def __init__(
        self, priors: dict[str, float], weights: dict[str, dict[str, float]], unseen: dict[str, float]
    ):
        self.classes = sorted(priors)
        self.priors = priors
        self.weights = weights  # feature → {class: log P(feature | class)}
        self.unseen = unseen  # class → log P(a feature never seen with it | class)

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]], *, alpha: float = ALPHA) -> Model:
        counts: dict[str, Counter] = defaultdict(Counter)
        docs: Counter = Counter()
        vocabulary: set[str] = set()
        for name, category in examples:
            if not name:
                continue
            docs[category] += 1
            for feature, weight in features(name).items():
                counts[category][feature] += weight
                vocabulary.add(feature)
        total_docs = sum(docs.values())
        size = len(vocabulary)
        priors = {c: math.log(docs[c] / total_docs) for c in docs}
        unseen, weights = {}, defaultdict(dict)
        for c in docs:
            denominator = math.log(sum(counts[c].values()) + alpha * size)
            unseen[c] = math.log(alpha) - denominator
            for feature, count in counts[c].items():
                weights[feature][c] = math.log(count + alpha) - denominator
        return cls(priors, dict(weights), unseen)

    def scores(self, name: str) -> dict[str, float] | None:
        """The log joint probability of each class, or None when no feature of `name` is known."""
        known = [(f, w) for f, w in features(name).items() if f in self.weights]
        if not known or not self.classes:
            return None
        scores = dict(self.priors)
        for feature, weight in known:
            per_class = self.weights[feature]
            for c in self.classes:
                scores[c] += weight * per_class.get(c, self.unseen[c])
        return scores

    def guess(self, name: str, *, temperature: float = TEMPERATURE) -> Guess | None:
        """The likeliest category and its calibrated probability; None when nothing is known of `name`."""
        scores = self.scores(name)
        if scores is None:
            return None
        top = max(scores.values())
        exp = {c: math.exp((s - top) / temperature) for c, s in scores.items()}
        total = sum(exp.values())
        ranked = tuple(sorted(((c, e / total) for c, e in exp.items()), key=lambda p: -p[1]))
        return Guess(ranked[0][0], ranked[0][1], ranked)
