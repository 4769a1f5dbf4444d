"""Credits through GraphQL: a co-credited post, the invitation, the answer, the user's works."""

from __future__ import annotations

from server.models import RadioStation, StationHead, User
from tests.helpers import create_post

CREDITED = """query($id: ID!) { post(id: $id) { credits { id role state user { handle } } } }"""
INVITATIONS = """{ viewer { creditInvitations(first: 10) { edges { node {
  id role state work { __typename ... on Post { id body } } } } } } }"""
RESPOND = """mutation($input: RespondToCreditInput!) { respondToCredit(input: $input) {
  __typename ... on RespondToCreditSuccess { credit { state user { handle } } }
  ... on Error { code message } } }"""
WORKS = """query($handle: String!) { user(handle: $handle) { works(first: 10) { edges { node {
  __typename ... on Post { id credits { role user { handle } } } } } } } }"""
WORKS_ANY = """query($handle: String!) { user(handle: $handle) { works(first: 10) { edges { node {
  __typename ... on Post { id } ... on RadioEpisode { id } } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Credit { state } } }"


async def co_credited_post(api) -> tuple[str, str, str]:
    """ann's post crediting mia as photographer; (ann's token, mia's token, the post's id)."""
    ann, mia = await api.register("ann"), await api.register("mia")
    result = await create_post(
        api, ann, body="川西自驾", credits=[{"handle": "mia", "role": "PHOTOGRAPHER"}]
    )
    assert result["__typename"] == "CreatePostSuccess", result
    return ann, mia, result["post"]["id"]


async def test_a_credit_is_shown_to_the_public_only_once_accepted(api):
    ann, mia, post = await co_credited_post(api)
    seen = await api.data(CREDITED, {"id": post}, token=ann)
    assert [(c["role"], c["state"]) for c in seen["post"]["credits"]] == [
        ("PHOTOGRAPHER", "PENDING")
    ]
    assert (await api.data(CREDITED, {"id": post}))["post"]["credits"] == []

    invited = (await api.data(INVITATIONS, token=mia))["viewer"]["creditInvitations"]["edges"]
    assert [e["node"]["work"] for e in invited] == [
        {"__typename": "Post", "id": post, "body": "川西自驾"}
    ]
    credit_id = invited[0]["node"]["id"]
    answer = await api.data(RESPOND, {"input": {"creditId": credit_id, "accept": True}}, mia)
    assert answer["respondToCredit"] == {
        "__typename": "RespondToCreditSuccess",
        "credit": {"state": "ACCEPTED", "user": {"handle": "mia"}},
    }
    public = (await api.data(CREDITED, {"id": post}))["post"]["credits"]
    assert [(c["user"]["handle"], c["state"]) for c in public] == [("mia", "ACCEPTED")]
    works = (await api.data(WORKS, {"handle": "mia"}))["user"]["works"]["edges"]
    assert [w["node"]["id"] for w in works] == [post]
    assert (await api.data(INVITATIONS, token=mia))["viewer"]["creditInvitations"]["edges"] == []


async def test_a_pending_credit_is_missing_to_others_and_unanswerable_by_them(api):
    ann, mia, post = await co_credited_post(api)
    lin = await api.register("lin")
    invited = (await api.data(INVITATIONS, token=mia))["viewer"]["creditInvitations"]["edges"]
    credit_id = invited[0]["node"]["id"]
    assert (await api.data(NODE, {"id": credit_id}, token=lin))["node"] is None
    assert (await api.data(NODE, {"id": credit_id}))["node"] is None
    assert (await api.data(NODE, {"id": credit_id}, token=ann))["node"]["state"] == "PENDING"
    answer = await api.data(RESPOND, {"input": {"creditId": credit_id, "accept": True}}, lin)
    assert answer["respondToCredit"]["code"] == "NOT_FOUND"
    anonymous = await api.query(RESPOND, {"input": {"creditId": credit_id, "accept": True}})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Another user's invitations are nobody else's business.
    other = await api.data(
        '{ user(handle: "mia") { creditInvitations(first: 5) { edges { cursor } } } }', token=lin
    )
    assert other["user"]["creditInvitations"] is None


async def test_too_many_credits_is_a_validation_error_naming_the_field(api):
    ann = await api.register("ann")
    credits = [{"handle": f"user{i}", "role": "OTHER"} for i in range(21)]
    result = await create_post(api, ann, credits=credits)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "credits"


SUBMIT = """mutation($input: SubmitEpisodeInput!) { submitEpisode(input: $input) {
  __typename ... on SubmitEpisodeSuccess { episode { id state credits { role state user { handle } } } }
  ... on Error { code message } } }"""
EPISODE = """query($id: ID!) { node(id: $id) { ... on RadioEpisode { title
  credits { role state user { handle } } comments(first: 5) { edges { node { body } } } } } }"""


async def test_a_hosts_episode_credits_its_guest_once_they_accept(api):
    chief, mia = await api.register("chief"), await api.register("mia")
    station = await RadioStation.create(slug="shanghai", name="蔚来电台·上海站", city="上海")
    await StationHead.create(station=station, user=await User.get(handle="chief"))
    submitted = await api.data(
        SUBMIT,
        {
            "input": {
                "stationSlug": "shanghai",
                "title": "冬季续航",
                "audio": {
                    "url": "https://media.example.com/1.mp3",
                    "durationSeconds": 600,
                    "mimeType": "audio/mpeg",
                },
                "credits": [{"handle": "mia", "role": "GUEST"}],
            }
        },
        chief,
    )
    episode = submitted["submitEpisode"]["episode"]
    assert episode["state"] == "PUBLISHED"
    assert [(c["role"], c["state"]) for c in episode["credits"]] == [("GUEST", "PENDING")]
    assert (await api.data(EPISODE, {"id": episode["id"]}))["node"]["credits"] == []
    invited = (await api.data(INVITATIONS, token=mia))["viewer"]["creditInvitations"]["edges"]
    answer = {"creditId": invited[0]["node"]["id"], "accept": True}
    await api.data(RESPOND, {"input": answer}, mia)
    heard = (await api.data(EPISODE, {"id": episode["id"]}))["node"]
    assert [(c["user"]["handle"], c["state"]) for c in heard["credits"]] == [("mia", "ACCEPTED")]
    works = (await api.data(WORKS_ANY, {"handle": "mia"}))["user"]["works"]["edges"]
    assert [w["node"] for w in works] == [{"__typename": "RadioEpisode", "id": episode["id"]}]
    comment = await api.data(
        "mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }",
        {"input": {"postId": episode["id"], "body": "好听"}},
        mia,
    )
    assert comment["addComment"]["__typename"] == "AddCommentSuccess"
    heard = (await api.data(EPISODE, {"id": episode["id"]}))["node"]
    assert [e["node"]["body"] for e in heard["comments"]["edges"]] == ["好听"]
