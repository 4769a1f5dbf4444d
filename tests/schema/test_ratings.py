"""Satisfaction ratings through GraphQL: rating with each outcome a member of the result union,
anonymous and suspended callers refused at the top level, one's own ratings on `viewer`, who
sees a rating through `node` and who rated it, and what staff, group staff and members read of
the summary and the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schema.relay import encode_id
from server.models import (
    AccountState,
    Event,
    EventKind,
    EventSignup,
    ExperienceSubject,
    GroupVisibility,
    PlatformRole,
    SatisfactionRating,
    SignupState,
    User,
)
from tests.conftest import Api
from tests.helpers import make_group, make_role

RATE = """mutation($input: RateExperienceInput!) { rateExperience(input: $input) {
  __typename
  ... on RateExperienceSuccess { rating { id subject score comment city createdAt
    event { id title } rater { handle } } }
  ... on NotEligibleError { reason }
  ... on ValidationError { field }
  ... on Error { code message } } }"""
MINE = """query($first: Int, $after: String) { viewer { ratings(first: $first, after: $after) {
  edges { node { subject score } } pageInfo { hasNextPage endCursor } } } }"""
THEIRS = (
    """query($handle: String!) { user(handle: $handle) { ratings { edges { node { id } } } } }"""
)
NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on SatisfactionRating { score rater { handle } } } }"""
SUMMARY = """query($subject: ExperienceSubject, $city: String, $from: DateTime, $to: DateTime) {
  satisfactionSummary(subject: $subject, city: $city, from: $from, to: $to) {
    count average distribution { score count } promoterShare detractorShare netScore } }"""
LIST = """query($subject: ExperienceSubject, $first: Int, $after: String) {
  ratings(subject: $subject, first: $first, after: $after) {
    edges { node { id subject score comment rater { handle } event { title } } }
    pageInfo { hasNextPage endCursor } } }"""


def top_error(body: dict[str, Any]) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


async def rate(api: Api, token: str | None, **values: Any) -> dict[str, Any]:
    body = await api.query(RATE, {"input": values}, token)
    assert "errors" not in body, body
    return body["data"]["rateExperience"]


async def finished_event(organizer: str, *, group_id: int | None = None) -> Event:
    now = datetime.now(UTC)
    return await Event.create(
        title="Owners' night",
        kind=EventKind.OFFLINE,
        city="成都",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2, hours=-3),
        capacity=20,
        signup_opens_at=now - timedelta(days=20),
        signup_closes_at=now - timedelta(days=3),
        organizer=await User.get(handle=organizer),
        group_id=group_id,
    )


async def attended(event: Event, handle: str) -> None:
    user = await User.get(handle=handle)
    await EventSignup.create(
        event_id=event.id, user_id=user.id, state=SignupState.ATTENDED, check_in_code=handle
    )


async def test_rating_an_experience_answers_each_outcome_in_its_union(api):
    mia = await api.register("mia")

    done = await rate(api, mia, subject="CHARGING", score=4, comment="Quick.", city="杭州")
    assert done["__typename"] == "RateExperienceSuccess"
    rating = done["rating"]
    assert (rating["subject"], rating["score"], rating["comment"], rating["city"]) == (
        "CHARGING",
        4,
        "Quick.",
        "杭州",
    )
    assert rating["event"] is None and rating["rater"] is None  # raters are for staff alone

    again = await rate(api, mia, subject="CHARGING", score=2)
    assert (again["__typename"], again["reason"]) == ("NotEligibleError", "ALREADY_RATED")
    assert "again from" in again["message"]
    bad = await rate(api, mia, subject="APP", score=9)
    assert (bad["__typename"], bad["field"]) == ("ValidationError", "score")
    stray = await rate(api, mia, subject="APP", score=3, eventId=encode_id("Event", 1))
    assert (stray["__typename"], stray["field"]) == ("ValidationError", "eventId")
    assert await SatisfactionRating.all().count() == 1


async def test_anonymous_and_suspended_callers_are_refused_at_the_top(api):
    ivy = await api.register("ivy")
    await User.filter(handle="ivy").update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=3)
    )
    variables = {"input": {"subject": "APP", "score": 5}}

    assert top_error(await api.query(RATE, variables)) == "UNAUTHENTICATED"
    assert top_error(await api.query(RATE, variables, ivy)) == "FORBIDDEN"
    assert not await SatisfactionRating.exists()


async def test_an_event_is_rated_once_by_those_who_attended_it_and_can_see_it(api):
    tokens = {h: await api.register(h) for h in ("kai", "lin", "ann")}
    kai = await User.get(handle="kai")
    event = await finished_event("kai")
    hidden = await make_group("inner-circle", kai, visibility=GroupVisibility.MEMBERS_ONLY)
    secret = await finished_event("kai", group_id=hidden.id)
    await attended(event, "lin")
    await attended(secret, "lin")
    event_id, secret_id = encode_id("Event", event.id), encode_id("Event", secret.id)

    absent = await rate(api, tokens["ann"], subject="EVENT", score=5, eventId=event_id)
    assert (absent["__typename"], absent["reason"]) == ("NotEligibleError", "NOT_ATTENDED")
    hidden_one = await rate(api, tokens["lin"], subject="EVENT", score=5, eventId=secret_id)
    assert hidden_one["__typename"] == "NotFoundError"
    done = await rate(api, tokens["lin"], subject="EVENT", score=5, eventId=event_id)
    assert done["__typename"] == "RateExperienceSuccess"
    assert done["rating"]["event"] == {"id": event_id, "title": "Owners' night"}
    assert done["rating"]["city"] == "成都"
    twice = await rate(api, tokens["lin"], subject="EVENT", score=1, eventId=event_id)
    assert (twice["__typename"], twice["reason"]) == ("NotEligibleError", "ALREADY_RATED")


async def test_people_see_their_own_ratings_and_staff_see_who_rated(api):
    mia, lin = await api.register("mia"), await api.register("lin")
    max_ = await api.register("max")
    await make_role("max", PlatformRole.ADMIN)
    for subject, score in (("APP", 3), ("SERVICE", 5)):
        await rate(api, mia, subject=subject, score=score)
    [first, _] = await SatisfactionRating.all().order_by("id")
    rating_id = encode_id("SatisfactionRating", first.id)

    mine = (await api.data(MINE, {"first": 1}, mia))["viewer"]["ratings"]
    assert [e["node"]["subject"] for e in mine["edges"]] == ["SERVICE"]
    more = await api.data(MINE, {"first": 5, "after": mine["pageInfo"]["endCursor"]}, mia)
    assert [e["node"]["subject"] for e in more["viewer"]["ratings"]["edges"]] == ["APP"]
    assert (await api.data(THEIRS, {"handle": "mia"}, lin))["user"]["ratings"] is None
    assert (await api.data(THEIRS, {"handle": "mia"}, max_))["user"]["ratings"] is None

    assert (await api.data(NODE, {"id": rating_id}, mia))["node"] == {
        "__typename": "SatisfactionRating",
        "score": 3,
        "rater": None,
    }
    assert (await api.data(NODE, {"id": rating_id}, lin))["node"] is None
    assert (await api.data(NODE, {"id": rating_id}))["node"] is None
    seen = (await api.data(NODE, {"id": rating_id}, max_))["node"]
    assert seen["rater"] == {"handle": "mia"}


async def seed(handle: str, subject: ExperienceSubject, score: int, **more: Any) -> None:
    user = await User.get(handle=handle)
    await SatisfactionRating.create(user_id=user.id, subject=subject, score=score, **more)


async def test_staff_read_the_summary_and_group_staff_only_their_events(api):
    tokens = {h: await api.register(h) for h in ("mia", "kai", "rui", "lin", "eva", "ann")}
    await make_role("mia", PlatformRole.MODERATOR)
    mia = tokens["mia"]
    kai, rui, lin = [await User.get(handle=h) for h in ("kai", "rui", "lin")]
    group = await make_group("night-drivers", kai, lin, moderators=(rui,))
    ours = await finished_event("kai", group_id=group.id)
    elsewhere = await finished_event("eva")
    await seed("lin", ExperienceSubject.EVENT, 5, event_id=ours.id, group_id=group.id)
    await seed("ann", ExperienceSubject.EVENT, 2, event_id=elsewhere.id)
    for handle, score in (("lin", 5), ("ann", 4), ("eva", 1)):
        await seed(handle, ExperienceSubject.SERVICE, score, city="上海")

    staff = (await api.data(SUMMARY, {"subject": "SERVICE", "city": "上海"}, mia))[
        "satisfactionSummary"
    ]
    assert staff["count"] == 3 and abs(staff["average"] - 10 / 3) < 1e-9
    assert [d["count"] for d in staff["distribution"]] == [1, 0, 0, 1, 1]
    assert abs(staff["promoterShare"] - 1 / 3) < 1e-9
    assert abs(staff["detractorShare"] - 1 / 3) < 1e-9
    assert staff["netScore"] == 0
    later = datetime.now(UTC) + timedelta(hours=1)
    empty = await api.data(SUMMARY, {"from": later.isoformat()}, mia)
    assert empty["satisfactionSummary"]["count"] == 0
    assert empty["satisfactionSummary"]["average"] is None
    everything = (await api.data(LIST, {"first": 10}, mia))["ratings"]["edges"]
    assert len(everything) == 5
    assert {e["node"]["rater"]["handle"] for e in everything} == {"lin", "ann", "eva"}

    for handle in ("kai", "rui"):
        listed = (await api.data(LIST, {"first": 10}, tokens[handle]))["ratings"]["edges"]
        assert [(e["node"]["score"], e["node"]["rater"]) for e in listed] == [(5, None)]
        assert listed[0]["node"]["event"] == {"title": "Owners' night"}
        summary = await api.data(SUMMARY, {}, tokens[handle])
        assert summary["satisfactionSummary"]["count"] == 1
        service = await api.data(SUMMARY, {"subject": "SERVICE"}, tokens[handle])
        assert service["satisfactionSummary"]["count"] == 0

    for token in (tokens["lin"], tokens["ann"]):
        assert top_error(await api.query(SUMMARY, {}, token)) == "FORBIDDEN"
        assert top_error(await api.query(LIST, {}, token)) == "FORBIDDEN"
    assert top_error(await api.query(SUMMARY, {})) == "UNAUTHENTICATED"
    assert top_error(await api.query(LIST, {})) == "UNAUTHENTICATED"


async def test_a_page_of_ratings_costs_the_same_statements_for_5_and_20(api, sql_statements):
    admin = await api.register("max")
    await make_role("max", PlatformRole.ADMIN)
    owner = await User.get(handle="max")
    raters = [await User.create(handle=f"rater{n:02d}", display_name="R") for n in range(22)]
    for n, rater in enumerate(raters):
        group = await make_group(f"club-{n:02d}", owner, rater)
        event = await finished_event("max", group_id=group.id)
        await seed(rater.handle, ExperienceSubject.EVENT, n % 5 + 1, event_id=event.id)
    read = """query($first: Int) { ratings(first: $first) { edges { node {
      score rater { handle } event { title group { slug } organizer { handle } } } } } }"""

    counts = []
    for first in (5, 20):
        sql_statements.statements.clear()
        edges = (await api.data(read, {"first": first}, admin))["ratings"]["edges"]
        assert len(edges) == first and all(e["node"]["event"] for e in edges)
        counts.append(len(sql_statements.statements))
    assert counts[0] == counts[1], counts
