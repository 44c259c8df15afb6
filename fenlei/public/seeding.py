"""The demo's resident services: contest rounds, residents' reports and answers reported wrong, each
part seeded by its own module (the dictionary itself comes with the migrations)."""

from __future__ import annotations

import random

from fenlei.public import seeding_quiz, seeding_reports


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    return seeding_quiz.seed(sites=sites, rng=rng, write=write) + seeding_reports.seed(
        sites=sites, rng=rng, write=write
    )
