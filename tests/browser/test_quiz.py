"""A resident on a phone plays the knowledge contest: opens /quiz/, says they are from 甲一社区,
answers every question, sends the answers and reads the score with the right answers; the round is
kept as scored on the server and the day's contest activity of 甲一社区 counts one participant."""

from __future__ import annotations

import os

from django.utils import timezone

from tests.browser.conftest import PHONE

PHONE_CONTEXT = {"viewport": PHONE, "is_mobile": True, "has_touch": True}


def test_a_resident_plays_a_round_on_a_phone(browser_world, browser, live_server, tmp_path):
    from fenlei.public import quiz
    from fenlei.public.models import Attempt, Question
    from fenlei.publicity.models import Activity

    w = browser_world
    quiz.generate(by=None)
    quiz.question_save(
        question=Question(),
        by=None,
        data={
            "text": "废电池属于哪一类？",
            "options": ["有害垃圾", "干垃圾"],
            "answer": 0,
            "explanation": "含重金属。",
        },
    )
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_CONTEXT)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/quiz/")
        page.select_option("#id_community", str(w.community_a1.pk))
        with page.expect_navigation():
            page.tap("#start")
        attempt = Attempt.objects.get()
        assert page.url.endswith(f"/quiz/{attempt.token}/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # answer every question (the first one wrongly), as a thumb would
        for number, question in enumerate(attempt.questions, start=1):
            choice = question["answer"] if number > 1 else (question["answer"] + 1) % len(question["options"])
            page.locator(f"#question-{number} input[value='{choice}']").tap()
        shots = os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path))
        page.screenshot(path=f"{shots}/quiz-phone.png", full_page=True)
        with page.expect_navigation():
            page.tap("#send")

        score = page.locator("#score")
        score.wait_for()
        assert score.get_attribute("data-score") == str(attempt.total - 1)
        assert page.locator(".result[data-right='0']").count() == 1
        assert page.locator(".result .answer-text").count() == attempt.total
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=f"{shots}/quiz-phone-score.png", full_page=True)

        # sent again (the back button, then send): the same round, counted once
        page.go_back()
        if page.locator("#send").count():
            with page.expect_navigation():
                page.tap("#send")
    finally:
        context.close()

    attempt.refresh_from_db()
    assert attempt.score == attempt.total - 1 and attempt.finished_at is not None
    assert attempt.community == w.community_a1 and attempt.area_path == w.community_a1.path
    activity = Activity.objects.get(kind="quiz", organiser=quiz.ORGANISER)
    assert (activity.area, activity.site, activity.target) == (w.community_a1, None, "communities")
    assert (activity.date, activity.participants, activity.events) == (timezone.localdate(), 1, 1)
