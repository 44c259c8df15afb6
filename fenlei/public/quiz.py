"""The knowledge contest (知识竞赛): its questions, its rounds and what the rounds add up to.

Services (writes, each in one transaction with its audit entries):
- `generate(by=)` makes the questions the dictionary gives ("X 属于哪一类？", "下列哪一项属于有害垃圾？"),
  deterministically and idempotently: a second run on the same dictionary changes nothing;
- `question_save(question=, by=, data=)` keeps the office's own questions;
- `deal(client=, community=, school=)` deals a round on the server (the right answers stay there);
- `submit(attempt=, answers=)` scores it there, once: a round sent again is not counted again. A
  finished round whose resident said where they are from adds one participant to that day's
  knowledge-contest activity in the publicity ledger, in the same transaction.

Selectors (reads, scoped): `participation(user, period=, by=)` per community or school.

Generated questions are data in the district's language, like the dictionary they come from: their
wording below is Chinese and does not follow the reader's language, and the publicity ledger's
organiser is a fixed name (part of the ledger's key, so it must not vary with the language).
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core import services as core_services
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, scope_q
from fenlei.public import limits
from fenlei.public.choices import FeedbackState, QuestionSource
from fenlei.public.models import Attempt, Feedback, Item, Question

#: Questions in one round, and how many of them (at most) the office wrote.
ROUND_SIZE = 10
WRITTEN_PER_ROUND = 3
#: The site kind (its code) a resident may name as their school.
SCHOOL_KIND = "school"
#: The publicity ledger's organiser of the contest's activities (part of the ledger's key).
ORGANISER = "线上知识竞赛"
DESCRIPTION = "居民通过线上知识竞赛页面答题，每完成一轮计参与一人次。"

#: The wording of generated questions (the district's language: see the module's docstring).
WHICH_CATEGORY = "“{item}”属于哪一类？"
WHICH_ITEM = "下列哪一项属于{category}？"
IS_IN = "“{item}”属于{category}。"
#: The categories asked about with four items ("which of these is hazardous?").
ASKED_BY_ITEMS = ("hazardous", "recyclable")
#: Items whose bin differs between cities' rules (DOMAIN.md): never asked.
DISPUTED = frozenset({"大骨头", "榴莲壳", "椰子壳", "贝壳", "玉米棒", "坚果壳"})
#: The audit note of the generator's changes (the generator reactivates only what it deactivated).
GENERATED_NOTE = "quiz generate"


# --- questions from the dictionary -----------------------------------------------------------------


def category_names() -> dict[str, str]:
    """category code -> its Chinese name under the district's naming, in the order of its streams."""
    from fenlei.taxonomy.naming import streams

    return {s.category: s.name for s in streams()}


@dataclass(frozen=True)
class Generated:
    """What one run of the generator did."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def summary(self) -> str:
        """The run in a sentence, in the reader's language (the page's message, the command's output)."""
        return _(
            "Questions from the dictionary: {created} new, {updated} changed, {deactivated} out of use, "
            "{unchanged} unchanged; {skipped} ambiguous items left out."
        ).format(
            created=self.created,
            updated=self.updated,
            deactivated=self.deactivated,
            unchanged=self.unchanged,
            skipped=self.skipped,
        )

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated


def askable_items(items: Sequence[Item] | None = None) -> tuple[list[Item], int]:
    """The active items a question may be made from, and how many were left out as ambiguous.

    Ambiguous: a category the district's bins do not take (bulky, renovation, not household waste);
    a name or other name shared with an item of another category; a name of one character; an item
    whose bin differs between cities' rules; an item residents have reported wrong and the office
    has not yet looked at.
    """
    names = category_names()
    if items is None:
        items = list(Item.objects.filter(active=True).order_by("name"))
    disputed_ids = set(
        Feedback.objects.filter(state=FeedbackState.OPEN, item__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    categories_of: dict[str, set[str]] = {}
    for item in items:
        for name in [item.name, *(item.aliases or [])]:
            categories_of.setdefault(name, set()).add(item.category)
    ok, skipped = [], 0
    for item in items:
        shared = any(len(categories_of.get(n, ())) > 1 for n in [item.name, *(item.aliases or [])])
        if (
            item.category not in names
            or shared
            or len(item.name) < 2
            or item.name in DISPUTED
            or item.pk in disputed_ids
        ):
            skipped += 1
            continue
        ok.append(item)
    return ok, skipped


def _explain(item: Item, names: dict[str, str]) -> str:
    text = IS_IN.format(item=item.name, category=names[item.category])
    if item.advice:
        text += item.advice
    return text[:300]


#: Distractors are drawn from one of this many buckets of each category (by a hash of the name), so
#: that an item added, removed or moved changes the few questions of its bucket, not all of them.
BUCKETS = 32


def _crc(text: str) -> int:
    return zlib.crc32(text.encode())


def _buckets(items: Sequence[Item]) -> list[list[Item]]:
    out: list[list[Item]] = [[] for _ in range(BUCKETS)]
    for item in items:
        out[_crc(item.name) % BUCKETS].append(item)
    return out


def _distractor(item: Item, buckets: list[list[Item]]) -> Item:
    """The item of a category's `buckets` shown beside `item`: the one whose name hashes lowest
    together with `item`'s, within `item`'s bucket (or all of them if that bucket is empty)."""
    pool = buckets[_crc(item.name) % BUCKETS] or [i for b in buckets for i in b]
    return min(pool, key=lambda other: (_crc(f"{item.name}|{other.name}"), other.name))


def planned_questions(items: Sequence[Item]) -> dict[tuple[int, str], dict]:
    """(item pk, question text) -> the question's options, answer and explanation, for `items`
    (askable). The same dictionary always gives the same questions: the distractors and their
    order are drawn from a generator seeded by the item's name."""
    names = category_names()
    codes = list(names)
    labels = [names[c] for c in codes]
    planned: dict[tuple[int, str], dict] = {}
    by_category: dict[str, list[Item]] = {c: [] for c in codes}
    for item in sorted(items, key=lambda i: i.name):
        by_category[item.category].append(item)
        planned[(item.pk, WHICH_CATEGORY.format(item=item.name))] = {
            "options": labels,
            "answer": codes.index(item.category),
            "explanation": _explain(item, names),
        }
    buckets = {c: _buckets(members) for c, members in by_category.items()}
    for code in ASKED_BY_ITEMS:
        if code not in names:
            continue
        others = [c for c in codes if c != code and by_category[c]]
        if len(others) < 3:
            continue
        for item in by_category[code]:
            rng = random.Random(f"{item.name}|{code}")
            choices = [item] + [_distractor(item, buckets[c]) for c in others[:3]]
            if len({c.name for c in choices}) < len(choices):
                continue
            rng.shuffle(choices)
            planned[(item.pk, WHICH_ITEM.format(category=names[code]))] = {
                "options": [c.name for c in choices],
                "answer": choices.index(item),
                "explanation": "".join(
                    IS_IN.format(item=c.name, category=names[c.category]) for c in choices
                )[:300],
            }
    return planned


def _deactivated_by_generator(question_ids: Sequence[int]) -> set[int]:
    """Of the (inactive) questions `question_ids`, those whose last change of `active` was the
    generator's: it may take them up again; the office's own choice stays."""
    if not question_ids:
        return set()
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Question),
            object_id__in=[str(pk) for pk in question_ids],
            changes__has_key="active",
        )
        .order_by("object_id", "-timestamp", "-id")
        .values_list("object_id", "note")
    )
    last: dict[str, str] = {}
    for object_id, note in entries:
        last.setdefault(object_id, note)
    return {int(pk) for pk, note in last.items() if note == GENERATED_NOTE}


def _check(question: Question) -> None:
    """A generated question's own checks (its item is known to exist: no query per question)."""
    question.clean_fields(exclude=["item"])
    question.clean()


@transaction.atomic
def generate(*, by) -> Generated:
    """Bring the generated questions in line with the dictionary: new ones for new items, changed
    ones where an item (or the district's naming) changed, the questions of items gone or now
    ambiguous put out of use. Audited in bulk; a second run changes nothing."""
    items, skipped = askable_items()
    planned = planned_questions(items)
    existing = {
        (q.item_id, q.text): q
        for q in Question.objects.select_for_update().filter(source=QuestionSource.GENERATED)
    }
    may_reactivate = _deactivated_by_generator(
        [q.pk for key, q in existing.items() if not q.active and key in planned]
    )
    new, changed, changes, retired = [], [], {}, []
    unchanged = 0
    for key, plan in planned.items():
        question = existing.get(key)
        if question is None:
            question = Question(
                text=key[1], item_id=key[0], source=QuestionSource.GENERATED, active=True, **plan
            )
            _check(question)
            new.append(question)
            continue
        diff = {f: [getattr(question, f), v] for f, v in plan.items() if getattr(question, f) != v}
        if not question.active and question.pk in may_reactivate:
            diff["active"] = [False, True]
        if diff:
            for field, (_old, value) in diff.items():
                setattr(question, field, value)
            _check(question)
            changed.append(question)
            changes[question.pk] = diff
        else:
            unchanged += 1
    for key, question in existing.items():
        if key not in planned and question.active:
            question.active = False
            retired.append(question)
    now = timezone.now()
    if new:
        Question.objects.bulk_create(new, batch_size=1000)
        audit.log_bulk(new, AuditAction.CREATE, by=by, note=GENERATED_NOTE)
    if changed:
        for q in changed:
            q.updated_at = now
        Question.objects.bulk_update(
            changed, ["options", "answer", "explanation", "active", "updated_at"], batch_size=1000
        )
        audit.log_bulk(
            changed, AuditAction.UPDATE, by=by, changes_for=lambda q: changes[q.pk], note=GENERATED_NOTE
        )
    if retired:
        for q in retired:
            q.updated_at = now
        Question.objects.bulk_update(retired, ["active", "updated_at"], batch_size=1000)
        audit.log_bulk(
            retired,
            AuditAction.UPDATE,
            by=by,
            changes_for=lambda q: {"active": [True, False]},
            note=GENERATED_NOTE,
        )
    return Generated(len(new), len(changed), len(retired), unchanged, skipped)


# --- the office's own questions ----------------------------------------------------------------------


def may_keep_questions(user) -> bool:
    """Whether `user` may write and change questions (the district office: reference data)."""
    return scope_q(user, Action.CHANGE, Question) is not None


@transaction.atomic
def question_save(*, question: Question, by, data: dict) -> Question:
    """Create (no pk yet) or change a question with `data` (text, options, answer, explanation,
    active); audited. A generated question keeps its wording (the next generation would undo an
    edit): only whether it is in use changes."""
    if question.pk is None:
        question.source = QuestionSource.WRITTEN
        for field, value in data.items():
            setattr(question, field, value)
        return core_services.create(question, by=by)
    if question.source == QuestionSource.GENERATED:
        data = {"active": data["active"]} if "active" in data else {}
    return core_services.update(question, by=by, data=data)


# --- rounds ------------------------------------------------------------------------------------------


def home_area():
    """The top of the area tree the public pages serve (where a round with no place is kept)."""
    from fenlei.org.models import Area

    return Area.objects.filter(parent__isnull=True, closed_on__isnull=True).order_by("path").first()


def communities():
    """The open communities (and villages) a resident may name, with their street, in tree order."""
    from fenlei.org.choices import AreaLevel, kinds_at
    from fenlei.org.models import Area

    kinds = kinds_at(AreaLevel.COMMUNITY)
    return Area.objects.open().filter(kind__in=kinds).select_related("parent").order_by("path")


def schools():
    """The open schools a resident may name, with their community, in tree order."""
    from fenlei.org.models import Site

    return (
        Site.objects.filter(kind__code=SCHOOL_KIND, closed_on__isnull=True, community__closed_on__isnull=True)
        .select_related("community__parent")
        .order_by("area_path", "name", "pk")
    )


def resolve_place(*, community=None, school=None):
    """(community, school, area path) for what a resident said (pks or None); a ValidationError
    naming the field for a place that is not offered."""
    if community not in (None, "") and school not in (None, ""):
        raise ValidationError({"school": _("Choose a community or a school, not both.")})
    if community not in (None, ""):
        try:
            area = communities().get(pk=int(community))
        except (ValueError, TypeError, communities().model.DoesNotExist):
            raise ValidationError({"community": _("Choose a community from the list.")}) from None
        return area, None, area.path
    if school not in (None, ""):
        try:
            site = schools().get(pk=int(school))
        except (ValueError, TypeError, schools().model.DoesNotExist):
            raise ValidationError({"school": _("Choose a school from the list.")}) from None
        return None, site, site.community.path
    home = home_area()
    if home is None:
        raise ValidationError(_("The contest is not open: there is no area yet."))
    return None, None, home.path


def deal(
    *,
    client: str,
    community=None,
    school=None,
    size: int = ROUND_SIZE,
    rng: random.Random | None = None,
    now: datetime.datetime | None = None,
) -> Attempt:
    """Deal a new round of `size` questions (up to WRITTEN_PER_ROUND of the office's own, the rest
    from the dictionary) for `client`, placed where the resident said they are from. The limits
    per client apply (ValidationError with code "limit")."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        limits.check(
            Attempt.objects.all(),
            client,
            per_hour=settings.FENLEI_PUBLIC_ROUNDS_PER_HOUR,
            per_day=settings.FENLEI_PUBLIC_ROUNDS_PER_DAY,
            now=now,
        )
        area, site, path = resolve_place(community=community, school=school)
        active = Question.objects.filter(active=True)
        written = list(active.filter(source=QuestionSource.WRITTEN).values_list("pk", flat=True))
        generated = list(active.filter(source=QuestionSource.GENERATED).values_list("pk", flat=True))
        take_written = min(WRITTEN_PER_ROUND, len(written))
        take_generated = min(size - take_written, len(generated))
        take_written = min(size - take_generated, len(written))
        chosen = rng.sample(written, take_written) + rng.sample(generated, take_generated)
        if not chosen:
            raise ValidationError(_("The contest has no questions yet. Please come back later."))
        rng.shuffle(chosen)
        rows = Question.objects.in_bulk(chosen)
        dealt = [
            {
                "question": pk,
                "text": rows[pk].text,
                "options": list(rows[pk].options),
                "answer": rows[pk].answer,
                "explanation": rows[pk].explanation,
            }
            for pk in chosen
        ]
        attempt = Attempt(
            questions=dealt,
            total=len(dealt),
            started_at=now,
            community=area,
            school=site,
            client=client,
            area_path=path,
        )
        attempt.save()
        audit.log(
            attempt,
            AuditAction.CREATE,
            by=None,
            changes={
                "total": [None, attempt.total],
                "community": [None, attempt.community_id],
                "school": [None, attempt.school_id],
            },
        )
    return attempt


def check_answers(attempt: Attempt, answers) -> list[int]:
    """`answers` as option numbers (from 0), one per question; a ValidationError naming the
    question otherwise."""
    if not isinstance(answers, list | tuple) or len(answers) != attempt.total:
        raise ValidationError(
            {"answers": _("Give one answer for each of the {n} questions.").format(n=attempt.total)}
        )
    clean = []
    for number, (question, answer) in enumerate(zip(attempt.questions, answers, strict=True), start=1):
        try:
            value = int(answer)
        except (TypeError, ValueError):
            value = -1
        if isinstance(answer, bool) or not 0 <= value < len(question["options"]):
            raise ValidationError({"answers": _("Question {n}: choose one of its options.").format(n=number)})
        clean.append(value)
    return clean


def submit(*, attempt: Attempt, answers, now: datetime.datetime | None = None) -> tuple[Attempt, bool]:
    """Score the round on the server. Returns (the round, whether it was counted now): a round
    already finished is returned as it is, never counted twice."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.finished_at is not None:
            return locked, False
        chosen = check_answers(locked, answers)
        locked.answers = chosen
        locked.score = sum(c == q["answer"] for c, q in zip(chosen, locked.questions, strict=True))
        locked.finished_at = now
        locked.save(update_fields=["answers", "score", "finished_at"])
        audit.log(
            locked,
            AuditAction.UPDATE,
            by=None,
            changes={"score": [None, locked.score], "finished_at": [None, now.isoformat()]},
        )
        count_in_publicity(locked)
    return locked, True


def count_in_publicity(attempt: Attempt):
    """Add the finished round's resident to that day's knowledge-contest activity of its community
    (or at its school), creating the activity on the day's first round. Must run in the round's
    transaction; audited through the system face. None when the round names no place."""
    from fenlei.publicity.choices import ActivityKind, Target
    from fenlei.publicity.models import Activity

    if not (attempt.community_id or attempt.school_id):
        return None
    day = timezone.localdate(attempt.finished_at)
    key = {"date": day, "kind": ActivityKind.QUIZ, "organiser": ORGANISER}
    if attempt.school_id:
        school = attempt.school
        key.update(target=Target.SCHOOLS, site=school, area_id=school.community_id)
    else:
        key.update(target=Target.COMMUNITIES, site=None, area_id=attempt.community_id)
    lookup = {k: v for k, v in key.items() if k != "site"}
    lookup.update({"site": key["site"]} if key["site"] is not None else {"site__isnull": True})
    note = _("Knowledge contest round {number}").format(number=attempt.pk)  # never the round's secret
    with audit.using_face(Face.SYSTEM):
        activity = Activity.objects.select_for_update().filter(**lookup).first()
        if activity is None:
            try:
                with transaction.atomic():
                    activity = Activity(**key, events=1, participants=1, description=DESCRIPTION)
                    # the unique key is left to the database: a twin made meanwhile is an IntegrityError
                    activity.full_clean(validate_constraints=False)
                    activity.save()
                    audit.log(activity, AuditAction.CREATE, by=None, note=note)
                    return activity
            except IntegrityError:  # another round of the same place created it meanwhile
                activity = Activity.objects.select_for_update().get(**lookup)
            except ValidationError:  # the place has closed since the round was dealt
                return None
        activity.participants += 1
        activity.save(update_fields=["participants", "updated_at"])
        audit.log(
            activity,
            AuditAction.UPDATE,
            by=None,
            changes={"participants": [activity.participants - 1, activity.participants]},
            note=note,
        )
    return activity


def results(attempt: Attempt) -> list[dict]:
    """The round's questions with the resident's answer, the right one and the explanation."""
    out = []
    for number, q in enumerate(attempt.questions, start=1):
        chosen = attempt.answers[number - 1] if number - 1 < len(attempt.answers or []) else None
        out.append(
            {
                "number": number,
                "text": q["text"],
                "options": q["options"],
                "answer": q["answer"],
                "chosen": chosen,
                "right": chosen == q["answer"],
                "answer_text": q["options"][q["answer"]],
                "chosen_text": q["options"][chosen] if chosen is not None else "",
                "explanation": q.get("explanation", ""),
            }
        )
    return out


# --- participation -----------------------------------------------------------------------------------


def _bounds(period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def finished_rounds(user, period):
    """The rounds finished in `period` that `user` may see (the scoping function's answer)."""
    start, end = _bounds(period)
    return for_user(user, Action.VIEW, Attempt.objects.filter(finished_at__gte=start, finished_at__lt=end))


def _figures(queryset) -> dict:
    got = queryset.order_by().aggregate(
        rounds=Count("pk"), people=Count("client", distinct=True), score=Avg("score"), total=Avg("total")
    )
    return _shaped(got)


def _shaped(got: dict) -> dict:
    score, total = got.get("score"), got.get("total")
    return {
        "rounds": got["rounds"] or 0,
        "people": got["people"] or 0,
        "average": round(float(score), 1) if score is not None else None,
        "percent": round(100 * float(score) / float(total)) if score is not None and total else None,
    }


def participation(user, *, period, by: str = "community") -> dict:
    """Rounds finished, people (distinct clients) and the average score in `period`, per community
    (`by="community"`) or per school (`by="school"`), of the rounds `user` may see; with the totals
    of all of them (rounds naming no place included) in two queries plus one for the names."""
    from fenlei.org.models import Area, Site

    rounds = finished_rounds(user, period)
    field = "school" if by == "school" else "community"
    grouped = (
        rounds.filter(**{f"{field}__isnull": False})
        .order_by()
        .values(field)
        .annotate(
            rounds=Count("pk"), people=Count("client", distinct=True), score=Avg("score"), total=Avg("total")
        )
    )
    grouped = list(grouped)
    ids = [g[field] for g in grouped]
    if field == "school":
        places = {s.pk: s for s in Site.objects.filter(pk__in=ids).select_related("community__parent")}
    else:
        places = {a.pk: a for a in Area.objects.filter(pk__in=ids).select_related("parent")}
    rows = []
    for g in grouped:
        place = places[g[field]]
        if field == "school":
            street = place.community.parent.name if place.community.parent_id else ""
            row = {"place": place, "name": place.name, "community": place.community.name, "street": street}
        else:
            street = place.parent.name if place.parent_id else ""
            row = {"place": place, "name": place.name, "community": place.name, "street": street}
        row.update(_shaped(g))
        rows.append(row)
    rows.sort(key=lambda r: (-r["rounds"], r["street"], r["name"]))
    return {"rows": rows, "totals": _figures(rounds), "by": field, "period": period}
