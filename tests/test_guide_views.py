"""The introduction after the invitation (resumable, skippable, then straight to Today), the help
pages (one per topic, reachable from every patient page) and the baseline week on Today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from journal.guide import BASELINE_WEEK, BASELINE_WHY, INTRODUCTION, TOPICS
from journal.schedule import DAY
from tests.factories import make_plan

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def screen_url(screen: int) -> str:
    return reverse("introduction", args=[screen])


def test_a_new_patient_reads_the_introduction_screen_by_screen_then_reaches_today(client, newcomer):
    client.force_login(newcomer.user)
    assert client.get("/").url == reverse("introduction_start")
    assert client.get(reverse("introduction_start")).url == screen_url(1)
    for screen, topic in enumerate(INTRODUCTION, start=1):
        content = client.get(screen_url(screen)).content.decode()
        assert f"<h1>{topic.title}</h1>" in content
        assert f"{screen} of {len(INTRODUCTION)}" in content
        assert escape(f"[{topic.sources[0].key}] “{topic.sources[0].title}”") in content  # named
        answer = client.post(screen_url(screen), {"action": "next"})
        assert answer.url == (screen_url(screen + 1) if screen < len(INTRODUCTION) else reverse("today"))
    assert "Go to Today" in content  # the last screen's button
    assert client.get("/").url == reverse("today")  # a returning patient goes straight to Today
    assert client.get(reverse("introduction_start")).url == reverse("today")


def test_a_patient_who_left_halfway_resumes_where_they_stopped(client, newcomer):
    client.force_login(newcomer.user)
    client.post(screen_url(1))  # "Next" by Enter: no action sent
    client.post(screen_url(2), {"action": "next"})
    assert client.get("/").url == reverse("introduction_start")
    assert client.get(reverse("introduction_start")).url == screen_url(3)
    content = client.get(screen_url(3)).content.decode()
    assert f'href="{screen_url(2)}">Back</a>' in content


def test_skipping_goes_to_today_and_keeps_every_topic_in_help(client, newcomer):
    client.force_login(newcomer.user)
    content = client.get(screen_url(1)).content.decode()
    assert "Skip the introduction" in content
    assert client.post(screen_url(1), {"action": "skip"}).url == reverse("today")
    assert client.get("/").url == reverse("today")
    # Read again later, from the start: no skip button, nothing changes.
    assert "Skip the introduction" not in client.get(screen_url(1)).content.decode()


@pytest.mark.parametrize("screen", [0, len(INTRODUCTION) + 1, 2**63])
def test_a_screen_outside_the_introduction_is_not_found(client, newcomer, screen):
    client.force_login(newcomer.user)
    assert client.get(screen_url(screen)).status_code == 404
    assert client.post(screen_url(screen), {"action": "next"}).status_code == 404


def test_the_help_index_lists_every_topic(client, newcomer):
    client.force_login(newcomer.user)
    content = client.get(reverse("help_index")).content.decode()
    for topic in TOPICS:
        assert f'<a href="{reverse("help_topic", args=[topic.slug])}">{topic.title}</a>' in content
        assert topic.summary in content


def test_a_help_topic_shows_its_words_and_its_sources(client, newcomer):
    client.force_login(newcomer.user)
    topic = TOPICS[3]
    content = client.get(reverse("help_topic", args=[topic.slug])).content.decode()
    assert f"<h1>{topic.title}</h1>" in content
    assert all(f"<p>{escape(paragraph)}</p>" in content for paragraph in topic.paragraphs)
    for source in topic.sources:
        assert escape(f"[{source.key}] “{source.title}”, {source.by}") in content


@pytest.mark.parametrize("slug", ["no-such-topic", "a" * 40])
def test_an_unknown_help_topic_is_not_found(client, newcomer, slug):
    client.force_login(newcomer.user)
    assert client.get(reverse("help_topic", args=[slug])).status_code == 404


@pytest.mark.parametrize(
    "name", ["today", "entry", "history", "medications", "my_plan", "my_chart", "calendar", "help_index"]
)
def test_help_is_in_the_navigation_of_every_patient_page(client, newcomer, name):
    client.force_login(newcomer.user)
    content = client.get(reverse(name)).content.decode()
    assert f'<a href="{reverse("help_index")}"' in content


def test_today_explains_the_baseline_week_before_the_first_dose(client, newcomer, carol):
    make_plan(newcomer, carol, [(TODAY + 5 * DAY, "1.5")])
    client.force_login(newcomer.user)
    content = client.get(reverse("today")).content.decode()
    assert 'data-testid="baseline-week"' in content
    assert f"<p>{escape(BASELINE_WEEK.summary)}</p>" in content
    assert f"<p>{escape(BASELINE_WHY)}</p>" in content
    assert "not set your first dose" not in content  # the dose card says when it is
    assert reverse("help_topic", args=[BASELINE_WEEK.slug]) in content


def test_today_says_when_no_first_dose_is_set_yet(client, newcomer):
    client.force_login(newcomer.user)
    content = client.get(reverse("today")).content.decode()
    assert "Your clinician has not set your first dose yet." in content


def test_today_has_no_baseline_card_once_the_patient_takes_ldn(client, newcomer, carol):
    make_plan(newcomer, carol, [(TODAY - 3 * DAY, "1.5")])
    client.force_login(newcomer.user)
    assert 'data-testid="baseline-week"' not in client.get(reverse("today")).content.decode()


def test_accepting_the_invitation_leads_into_the_introduction(client, clinic, carol):
    from journal.services.invitations import patient_invite

    patient, token = patient_invite(clinician=carol, name="Nora New", time_zone="Europe/London")
    password = "a-long-pass-phrase-7"
    answer = client.post(
        reverse("accept_invitation", args=[token]),
        {"username": "nora", "password1": password, "password2": password},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == screen_url(1)
    assert f"<h1>{INTRODUCTION[0].title}</h1>" in answer.content.decode()
