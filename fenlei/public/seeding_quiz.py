"""Demo data of the knowledge contest: the questions the dictionary gives, and four weeks of rounds
played in a few communities and schools of the (first) district, with the publicity ledger's
knowledge-contest activities they add up to (one per place and day, as the live contest writes them).

Deterministic for a given random generator and day. Returns the rows written (each audited).
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.utils import timezone

from fenlei.public import quiz
from fenlei.public.models import Attempt, Question

#: How many places play, how far back, how many rounds a place plays a day (at most).
COMMUNITIES, SCHOOLS, DAYS, MOST_A_DAY = 5, 2, 28, 4


def _client(place: str, n: int) -> str:
    return hashlib.sha256(f"demo|{place}|{n}".encode()).hexdigest()


def seed(*, sites, rng: random.Random, write) -> int:
    from fenlei.org.models import SiteKind
    from fenlei.org.seeding import first_district, lagging, places
    from fenlei.publicity.choices import ActivityKind, Target
    from fenlei.publicity.models import Activity

    generated = quiz.generate(by=None)
    written = generated.changed
    sites = first_district(sites)
    if not sites:
        return written
    pool = list(Question.objects.filter(active=True).values("pk", "text", "options", "answer", "explanation"))
    if not pool:
        return written
    where = places(sites)
    communities = [c for c in where.communities if not lagging(c)]
    communities = rng.sample(communities, min(COMMUNITIES, len(communities)))
    school_kind = SiteKind.objects.filter(code=quiz.SCHOOL_KIND).values_list("pk", flat=True).first()
    schools = [s for s in sites if s.kind_id == school_kind]
    schools = rng.sample(schools, min(SCHOOLS, len(schools)))
    players = [(c, None, c.path, f"c{c.pk}") for c in communities] + [
        (None, s, s.area_path, f"s{s.pk}") for s in schools
    ]
    today = timezone.localdate()
    attempts: list[Attempt] = []
    activities: dict[tuple, Activity] = {}
    for days_back in range(DAYS, 0, -1):
        day = today - datetime.timedelta(days=days_back)
        for community, school, path, name in players:
            for _n in range(rng.randint(0, MOST_A_DAY)):
                dealt = rng.sample(pool, min(quiz.ROUND_SIZE, len(pool)))
                skill = rng.uniform(0.5, 0.95)
                answers = [
                    q["answer"] if rng.random() < skill else (q["answer"] + 1) % len(q["options"])
                    for q in dealt
                ]
                started = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(rng.randint(7, 21), rng.randint(0, 59)))
                )
                attempts.append(
                    Attempt(
                        questions=[
                            {
                                "question": q["pk"],
                                "text": q["text"],
                                "options": q["options"],
                                "answer": q["answer"],
                                "explanation": q["explanation"],
                            }
                            for q in dealt
                        ],
                        answers=answers,
                        score=sum(a == q["answer"] for a, q in zip(answers, dealt, strict=True)),
                        total=len(dealt),
                        started_at=started,
                        finished_at=started + datetime.timedelta(minutes=rng.randint(2, 9)),
                        community=community,
                        school=school,
                        client=_client(name, rng.randint(1, 25)),
                        area_path=path,
                    )
                )
                key = (name, day)
                if key not in activities:
                    activities[key] = Activity(
                        area_id=school.community_id if school else community.pk,
                        site=school,
                        area_path=path,
                        date=day,
                        organiser=quiz.ORGANISER,
                        kind=ActivityKind.QUIZ,
                        target=Target.SCHOOLS if school else Target.COMMUNITIES,
                        events=1,
                        participants=0,
                        description=quiz.DESCRIPTION,
                    )
                activities[key].participants += 1
    written += write(Attempt, attempts)
    written += write(Activity, list(activities.values()))
    return written
