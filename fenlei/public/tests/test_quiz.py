"""The knowledge contest: questions generated once from the dictionary, rounds scored on the server
and counted once, the limits, the publicity ledger's row, participation per community and school,
and the office's pages within their scope."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fenlei.core.audit import history
from fenlei.core.models import AuditEntry
from fenlei.core.periods import Period
from fenlei.public import quiz
from fenlei.public.choices import FeedbackState, QuestionSource
from fenlei.public.models import Attempt, Feedback, Item, Question
from fenlei.publicity.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(db):
    """The generated questions, and three the office wrote."""
    quiz.generate(by=None)
    for n in range(3):
        quiz.question_save(
            question=Question(),
            by=None,
            data={
                "text": f"废电池应投放到哪个桶？（{n}）",
                "options": ["有害垃圾桶", "干垃圾桶", "湿垃圾桶"],
                "answer": 0,
                "explanation": "废电池含重金属，属于有害垃圾。",
            },
        )


def _right(attempt) -> list[int]:
    return [q["answer"] for q in attempt.questions]


def _wrong(attempt) -> list[int]:
    return [(q["answer"] + 1) % len(q["options"]) for q in attempt.questions]


# --- generation --------------------------------------------------------------------------------------


def test_generation_is_deterministic_idempotent_and_audited(db):
    first = quiz.generate(by=None)
    assert first.created > 3000 and first.updated == first.deactivated == 0 and first.skipped > 0
    made = list(
        Question.objects.filter(source=QuestionSource.GENERATED).values_list("text", "options", "answer")
    )
    assert AuditEntry.objects.filter(content_type__model="question").count() == first.created
    again = quiz.generate(by=None)
    assert (again.changed, again.unchanged) == (0, first.created)
    assert (
        list(
            Question.objects.filter(source=QuestionSource.GENERATED).values_list("text", "options", "answer")
        )
        == made
    )
    q = Question.objects.get(text="“剩菜剩饭”属于哪一类？")
    assert q.options == ["湿垃圾", "干垃圾", "可回收物", "有害垃圾"] and q.options[q.answer] == "湿垃圾"
    hazardous = Question.objects.filter(text="下列哪一项属于有害垃圾？").first()
    assert len(hazardous.options) == 4 and hazardous.item.category == "hazardous"
    assert hazardous.options[hazardous.answer] == hazardous.item.name


def test_an_item_changed_or_disputed_changes_its_questions_and_only_those(db):
    quiz.generate(by=None)
    item = Item.objects.get(name="剩菜剩饭")
    item.category = "residual"
    item.save()
    done = quiz.generate(by=None)
    # its own question, and the few "which of these" questions that show it beside another item
    assert (done.created, done.deactivated) == (0, 0) and 1 <= done.updated <= 10
    q = Question.objects.get(text="“剩菜剩饭”属于哪一类？")
    assert q.options[q.answer] == "干垃圾"
    # reported wrong and waiting for the office: ambiguous, put out of use, taken up again after
    feedback = Feedback.objects.create(query="剩菜剩饭", item=item, answered="residual", source="dictionary")
    assert quiz.generate(by=None).deactivated == 1
    assert not Question.objects.get(pk=q.pk).active
    feedback.state = FeedbackState.FIXED
    feedback.save()
    done = quiz.generate(by=None)
    assert done.updated >= 1 and done.deactivated == 0 and Question.objects.get(pk=q.pk).active


def test_the_office_deactivating_a_generated_question_is_not_undone(db, world):
    quiz.generate(by=None)
    q = Question.objects.get(text="“剩菜剩饭”属于哪一类？")
    quiz.question_save(question=q, by=world.alice, data={"active": False, "text": "改不了"})
    q.refresh_from_db()
    assert not q.active and q.text == "“剩菜剩饭”属于哪一类？"
    assert quiz.generate(by=None).changed == 0
    assert not Question.objects.get(pk=q.pk).active


def test_ambiguous_items_are_left_out(db):
    items, skipped = quiz.askable_items()
    names = {i.name for i in items}
    assert "剩菜剩饭" in names
    assert not names & quiz.DISPUTED
    assert all(i.category in ("food", "residual", "recyclable", "hazardous") for i in items)
    assert (
        skipped >= Item.objects.exclude(category__in=["food", "residual", "recyclable", "hazardous"]).count()
    )


def test_the_command_generates_and_a_second_run_changes_nothing(db):
    out = io.StringIO()
    call_command("quiz", "generate", stdout=out)
    created = Question.objects.count()
    assert created > 3000
    assert AuditEntry.objects.filter(content_type__model="question", face="cli").count() == created
    out = io.StringIO()
    call_command("quiz", "generate", stdout=out)
    assert Question.objects.count() == created


# --- rounds --------------------------------------------------------------------------------------------


def test_a_round_mixes_written_and_generated_questions_and_is_scored_on_the_server(questions, world):
    attempt = quiz.deal(client="c1", community=world.community_a1.pk, rng=random.Random(1))
    assert attempt.total == quiz.ROUND_SIZE == len({q["question"] for q in attempt.questions})
    sources = Question.objects.filter(pk__in=[q["question"] for q in attempt.questions]).values_list(
        "source", flat=True
    )
    assert list(sources).count(QuestionSource.WRITTEN) == quiz.WRITTEN_PER_ROUND
    assert attempt.area_path == world.community_a1.path and attempt.finished_at is None
    answers = _right(attempt)
    answers[0] = (answers[0] + 1) % len(attempt.questions[0]["options"])
    done, counted = quiz.submit(attempt=attempt, answers=answers)
    assert counted and done.score == quiz.ROUND_SIZE - 1 and done.finished_at is not None
    assert [e.action for e in history(done)] == ["update", "create"]


def test_bad_answers_are_refused_naming_the_question(questions, world):
    attempt = quiz.deal(client="c1")
    with pytest.raises(ValidationError) as exc:
        quiz.submit(attempt=attempt, answers=[0] * (attempt.total - 1))
    assert "answers" in exc.value.message_dict
    bad = _right(attempt)
    bad[2] = 9
    with pytest.raises(ValidationError) as exc:
        quiz.submit(attempt=attempt, answers=bad)
    assert "3" in exc.value.message_dict["answers"][0]
    assert Attempt.objects.get(pk=attempt.pk).finished_at is None


def test_a_round_sent_twice_counts_once(questions, world):
    attempt = quiz.deal(client="c1", community=world.community_a1.pk)
    first, counted = quiz.submit(attempt=attempt, answers=_right(attempt))
    again, counted_again = quiz.submit(attempt=attempt, answers=_wrong(attempt))
    assert (counted, counted_again) == (True, False)
    assert again.score == first.score == attempt.total
    assert Activity.objects.get(kind="quiz", organiser=quiz.ORGANISER).participants == 1


def test_a_place_not_offered_is_refused_naming_the_field(questions, world):
    with pytest.raises(ValidationError) as exc:
        quiz.deal(client="c1", community=world.street_a.pk)
    assert "community" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        quiz.deal(client="c1", school=world.sites["a1_estate"].pk)
    assert "school" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        quiz.deal(client="c1", community=world.community_a1.pk, school=world.sites["a1_school"].pk)
    assert "school" in exc.value.message_dict
    nowhere = quiz.deal(client="c1")
    assert nowhere.area_path == world.district.path


def test_the_limits_apply_per_client(questions, world, settings):
    settings.FENLEI_PUBLIC_ROUNDS_PER_HOUR = 2
    settings.FENLEI_PUBLIC_ROUNDS_PER_DAY = 3
    quiz.deal(client="c1")
    quiz.deal(client="c1")
    with pytest.raises(ValidationError) as exc:
        quiz.deal(client="c1")
    assert exc.value.code == "limit"
    quiz.deal(client="c2")  # another connection is not held back
    later = timezone.now() + datetime.timedelta(hours=2)
    quiz.deal(client="c1", now=later)
    with pytest.raises(ValidationError):
        quiz.deal(client="c1", now=later + datetime.timedelta(hours=2))  # three in a day


def test_no_questions_no_round(world):
    with pytest.raises(ValidationError):
        quiz.deal(client="c1")


# --- the publicity ledger --------------------------------------------------------------------------------


def test_finished_rounds_add_participants_to_the_days_activity(questions, world):
    school = world.sites["a1_school"]
    for client in ("c1", "c2", "c1"):
        attempt = quiz.deal(client=client, community=world.community_a1.pk)
        quiz.submit(attempt=attempt, answers=_wrong(attempt))
    attempt = quiz.deal(client="c3", school=school.pk)
    quiz.submit(attempt=attempt, answers=_right(attempt))
    quiz.deal(client="c4", community=world.community_a2.pk)  # dealt, never finished: not counted
    nowhere = quiz.deal(client="c5")
    quiz.submit(attempt=nowhere, answers=_right(nowhere))  # no place: no activity

    rows = Activity.objects.filter(kind="quiz", organiser=quiz.ORGANISER)
    assert rows.count() == 2
    community = rows.get(site__isnull=True)
    assert (community.area, community.target, community.participants, community.events) == (
        world.community_a1,
        "communities",
        3,
        1,
    )
    assert community.date == timezone.localdate()
    at_school = rows.get(site=school)
    assert (at_school.area, at_school.target, at_school.participants) == (school.community, "schools", 1)
    entries = list(history(community))
    assert [e.action for e in entries] == ["update", "update", "create"]
    assert {e.face for e in entries} == {"system"}
    assert entries[0].changes == {"participants": [2, 3]}


def test_the_next_day_has_its_own_activity(questions, world):
    for days in (0, 1):
        attempt = quiz.deal(client="c1", community=world.community_a1.pk)
        quiz.submit(
            attempt=attempt, answers=_right(attempt), now=timezone.now() + datetime.timedelta(days=days)
        )
    assert Activity.objects.filter(kind="quiz", organiser=quiz.ORGANISER).count() == 2


# --- participation -----------------------------------------------------------------------------------------


def _played(world, *rounds):
    """rounds: (client, community or None, school key or None, right answers)."""
    for client, community, school, right in rounds:
        attempt = quiz.deal(
            client=client,
            community=getattr(world, community).pk if community else None,
            school=world.sites[school].pk if school else None,
        )
        answers = _wrong(attempt)
        answers[:right] = _right(attempt)[:right]
        quiz.submit(attempt=attempt, answers=answers)


def test_participation_per_community_and_school_within_the_scope(questions, world):
    _played(
        world,
        ("c1", "community_a1", None, 10),
        ("c1", "community_a1", None, 6),
        ("c2", "community_a1", None, 8),
        ("c3", "community_a2", None, 5),
        ("c4", "community_b1", None, 9),
        ("c5", None, "a1_school", 7),
        ("c6", None, "b1_school", 4),
        ("c7", None, None, 3),
    )
    quiz.deal(client="c8", community=world.community_a1.pk)  # unfinished
    month = Period.month(timezone.localdate())

    alice = quiz.participation(world.alice, period=month)
    by_name = {r["name"]: r for r in alice["rows"]}
    assert {k: by_name["甲一社区"][k] for k in ("rounds", "people", "average", "percent")} == {
        "rounds": 3,
        "people": 2,
        "average": 8.0,
        "percent": 80,
    }
    assert set(by_name) == {"甲一社区", "甲二社区", "乙一社区"}
    assert alice["totals"] == {"rounds": 8, "people": 7, "average": 6.5, "percent": 65}

    sam = quiz.participation(world.sam, period=month)
    assert {r["name"] for r in sam["rows"]} == {"甲一社区", "甲二社区"}
    assert sam["totals"]["rounds"] == 5  # the school of 甲一社区 included, nothing of 乙街道
    cora = quiz.participation(world.cora, period=month, by="school")
    assert [(r["name"], r["rounds"]) for r in cora["rows"]] == [("甲一小学", 1)]
    assert quiz.participation(world.nina, period=month)["totals"]["rounds"] == 0
    last_year = Period.year(timezone.localdate().replace(year=timezone.localdate().year - 1))
    assert quiz.participation(world.alice, period=last_year)["totals"]["rounds"] == 0


def test_participation_reads_in_a_fixed_number_of_queries(questions, world, django_assert_num_queries):
    _played(world, *[(f"c{n}", "community_a1" if n % 2 else "community_b1", None, n % 10) for n in range(12)])
    month = Period.month(timezone.localdate())
    world.alice.role_assignments.all()  # the scope's assignments are read once per user
    quiz.participation(world.alice, period=month)
    with django_assert_num_queries(3):
        quiz.participation(world.alice, period=month)


# --- the pages ------------------------------------------------------------------------------------------------


def test_a_resident_plays_a_round_through_the_pages_without_script(questions, world):
    client = Client()
    page = client.get(reverse("quiz:start"))
    assert page.status_code == 200 and "甲一社区" in page.content.decode()
    response = client.post(reverse("quiz:start"), {"community": world.community_a1.pk, "school": ""})
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("quiz:round", kwargs={"token": attempt.token})
    html = client.get(response["Location"]).content.decode()
    assert html.count('type="radio"') == sum(len(q["options"]) for q in attempt.questions)
    assert "data-answer" not in html  # the right answers stay on the server
    missing = {f"q{n}": a for n, a in enumerate(_right(attempt), start=1) if n != 4}
    refused = client.post(response["Location"], missing)
    assert refused.status_code == 400 and 'id="question-4"' in refused.content.decode()
    answers = {f"q{n}": a for n, a in enumerate(_right(attempt), start=1)}
    done = client.post(response["Location"], answers)
    assert done.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert f'data-score="{attempt.total}"' in html and html.count('data-right="1"') == attempt.total
    again = client.post(response["Location"], answers)  # the back button and send again
    assert again.status_code == 302
    assert Activity.objects.get(organiser=quiz.ORGANISER).participants == 1


def test_the_start_page_says_when_the_limit_is_reached(questions, world, settings):
    settings.FENLEI_PUBLIC_ROUNDS_PER_HOUR = 1
    client = Client()
    assert client.post(reverse("quiz:start"), {}).status_code == 302
    assert client.post(reverse("quiz:start"), {}).status_code == 429


def test_the_api_deals_scores_once_and_refuses_bad_input(questions, world):
    api = APIClient()
    response = api.post(
        reverse("public-api:quiz-rounds"), {"community": world.community_a1.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == 10 and "answer" not in body["questions"][0] and body["community"] == "甲一社区"
    token = body["token"]
    attempt = Attempt.objects.get(token=token)
    url = reverse("public-api:quiz-answers", args=[token])
    assert api.post(url, {"answers": [0]}, format="json").status_code == 400
    scored = api.post(url, {"answers": _right(attempt)}, format="json").json()
    assert scored["score"] == 10 and scored["counted"] is True
    assert scored["questions"][0]["answer"] == attempt.questions[0]["answer"]
    again = api.post(url, {"answers": _wrong(attempt)}, format="json").json()
    assert (again["score"], again["counted"]) == (10, False)
    assert api.get(reverse("public-api:quiz-round", args=[token])).json()["score"] == 10
    bad = api.post(reverse("public-api:quiz-rounds"), {"community": world.street_a.pk}, format="json")
    assert bad.status_code == 400 and "community" in bad.json()


def test_the_api_answers_429_at_the_limit(questions, world, settings):
    settings.FENLEI_PUBLIC_ROUNDS_PER_HOUR = 1
    api = APIClient()
    assert api.post(reverse("public-api:quiz-rounds"), {}, format="json").status_code == 201
    assert api.post(reverse("public-api:quiz-rounds"), {}, format="json").status_code == 429


def test_the_office_pages_follow_the_scope(questions, world, client_for):
    _played(world, ("c1", "community_a1", None, 10), ("c2", "community_b1", None, 5))
    sam = client_for("sam").get(reverse("quiz:participation"))
    assert sam.status_code == 200
    assert "甲一社区" in sam.content.decode() and "乙一社区" not in sam.content.decode()
    alice = client_for("alice")
    export = alice.get(reverse("quiz:participation"), {"format": "xlsx"})
    assert export.status_code == 200
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"甲一社区", "乙一社区"}
    assert client_for("nina").get(reverse("quiz:participation"), {"format": "xlsx"}).status_code == 403
    # only the district office keeps questions (a street's administrator too, in a world whose root
    # is the district: the scoping function's rule for reference data, see tests/matrix_quiz.py)
    assert client_for("cora").post(reverse("quiz:question-generate")).status_code == 403
    assert client_for("cora").get(reverse("quiz:question-add")).status_code == 403
    assert client_for("leo").get(reverse("quiz:question-add")).status_code == 403
    created = alice.post(
        reverse("quiz:question-add"),
        {"text": "玻璃瓶属于？", "options": "可回收物\n有害垃圾", "right": "3", "active": "on"},
    )
    assert created.status_code == 400  # the right option must be one of the options
    created = alice.post(
        reverse("quiz:question-add"),
        {"text": "玻璃瓶属于？", "options": "可回收物\n有害垃圾", "right": "1", "active": "on"},
    )
    assert created.status_code == 302
    question = Question.objects.get(text="玻璃瓶属于？")
    assert (question.options, question.answer, question.source) == (["可回收物", "有害垃圾"], 0, "written")
    assert history(question).get().user == world.alice
    edited = alice.post(
        reverse("quiz:question-edit", args=[question.pk]),
        {"text": "玻璃瓶属于哪一类？", "options": "可回收物\n有害垃圾", "right": "1"},
    )
    assert edited.status_code == 302
    question.refresh_from_db()
    assert question.text == "玻璃瓶属于哪一类？" and not question.active
    assert alice.post(reverse("quiz:question-generate")).status_code == 302


# --- demo data -----------------------------------------------------------------------------------------------


def test_the_demo_rounds_add_up_to_their_publicity_rows(world):
    from fenlei.org.models import Site
    from fenlei.public import seeding_quiz
    from fenlei.publicity.selectors import activity_totals

    def write(model, objs):
        from fenlei.core import audit
        from fenlei.core.models import AuditAction

        model.objects.bulk_create(objs)
        return audit.log_bulk(objs, AuditAction.CREATE, by=None)

    from django.db import transaction

    with transaction.atomic():
        written = seeding_quiz.seed(sites=list(Site.objects.all()), rng=random.Random(7), write=write)
    rounds = Attempt.objects.filter(finished_at__isnull=False)
    activities = Activity.objects.filter(kind="quiz", organiser=quiz.ORGANISER)
    assert rounds.count() > 20 and written >= rounds.count() + activities.count()
    assert activity_totals(activities)["participants"] == rounds.count()
    assert set(activities.values_list("target", flat=True)) == {"communities", "schools"}
    for activity in activities:
        assert activity.area_path == activity.area.path
