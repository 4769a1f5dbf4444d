"""Comments and reactions through GraphQL."""

from __future__ import annotations

from server.models import Comment, Post, PostReaction, PostState
from tests.helpers import post_id

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on AddCommentSuccess { comment { id body author { handle } parent { id } } }
  ... on Error { code message } } }"""
THREAD = """query($id: ID!) { post(id: $id) { commentCount comments { edges { node {
  id body deleted author { handle } replyCount replies { edges { node { body } } } } } } } }"""
REACT = """mutation($input: AddReactionInput!) { addReaction(input: $input) {
  __typename ... on AddReactionSuccess { subject { id reactionCount viewerReactions reactionSummary { kind count } } }
  ... on Error { code } } }"""
UNREACT = """mutation($input: RemoveReactionInput!) { removeReaction(input: $input) {
  __typename ... on RemoveReactionSuccess { subject { reactionCount viewerReactions } } } }"""


async def test_threaded_comments_are_counted_and_ordered(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann)
    first = (await api.data(ADD, {"input": {"postId": pid, "body": "第一"}}, token=ben))[
        "addComment"
    ]["comment"]
    await api.data(ADD, {"input": {"postId": pid, "body": "second"}}, token=ann)
    reply = await api.data(
        ADD, {"input": {"postId": pid, "body": "reply", "parentId": first["id"]}}, token=ann
    )
    assert reply["addComment"]["comment"]["parent"] == {"id": first["id"]}
    post = (await api.data(THREAD, {"id": pid}))["post"]
    assert post["commentCount"] == 3
    nodes = [e["node"] for e in post["comments"]["edges"]]
    assert [n["body"] for n in nodes] == ["第一", "second"]
    assert nodes[0]["replyCount"] == 1
    assert [e["node"]["body"] for e in nodes[0]["replies"]["edges"]] == ["reply"]


async def test_comment_validation_and_missing_targets(api):
    ann = await api.register("ann")
    pid = await post_id(api, ann)
    other = await post_id(api, ann)
    first = (await api.data(ADD, {"input": {"postId": pid, "body": "x"}}, token=ann))["addComment"][
        "comment"
    ]
    cases = [
        ({"postId": pid, "body": " "}, "ValidationError"),
        ({"postId": pid, "body": "x" * 2001}, "ValidationError"),
        ({"postId": "UG9zdDo5OTk", "body": "x"}, "NotFoundError"),
        ({"postId": other, "body": "x", "parentId": first["id"]}, "NotFoundError"),
    ]
    for values, typename in cases:
        data = await api.data(ADD, {"input": values}, token=ann)
        assert data["addComment"]["__typename"] == typename, values
    assert await Comment.all().count() == 1


async def test_comments_on_drafts_or_hidden_posts_are_refused(api):
    ann = await api.register("ann")
    draft = await post_id(api, ann, publish=False)
    data = await api.data(ADD, {"input": {"postId": draft, "body": "x"}}, token=ann)
    assert data["addComment"]["__typename"] == "ConflictError"
    hidden = await post_id(api, ann)
    await Post.filter(state=PostState.PUBLISHED).update(state=PostState.HIDDEN)
    data = await api.data(ADD, {"input": {"postId": hidden, "body": "x"}}, token=ann)
    assert data["addComment"]["__typename"] == "NotFoundError"


async def test_deleted_comment_leaves_a_tombstone_that_keeps_replies(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann)
    parent = (await api.data(ADD, {"input": {"postId": pid, "body": "parent"}}, token=ben))[
        "addComment"
    ]["comment"]
    await api.data(
        ADD, {"input": {"postId": pid, "body": "child", "parentId": parent["id"]}}, token=ann
    )
    delete = "mutation($id: ID!) { deleteComment(input: {commentId: $id}) { __typename } }"
    body = await api.query(delete, {"id": parent["id"]}, token=ann)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.data(delete, {"id": parent["id"]}, token=ben))["deleteComment"][
        "__typename"
    ] == "DeleteCommentSuccess"
    post = (await api.data(THREAD, {"id": pid}))["post"]
    node = post["comments"]["edges"][0]["node"]
    assert node["deleted"] is True and node["body"] is None and node["author"] is None
    assert [e["node"]["body"] for e in node["replies"]["edges"]] == ["child"]
    assert post["commentCount"] == 1
    reacted = await api.data(REACT, {"input": {"subjectId": parent["id"]}}, token=ann)
    assert reacted["addReaction"]["__typename"] == "NotFoundError"


async def test_reactions_are_one_per_user_and_kind(api):
    ann = await api.register("ann")
    ben = await api.register("ben")
    pid = await post_id(api, ann)
    for _ in range(2):
        data = await api.data(REACT, {"input": {"subjectId": pid, "kind": "LIKE"}}, token=ben)
    subject = data["addReaction"]["subject"]
    assert subject["reactionCount"] == 1 and subject["viewerReactions"] == ["LIKE"]
    await api.data(REACT, {"input": {"subjectId": pid, "kind": "CLAP"}}, token=ben)
    data = await api.data(REACT, {"input": {"subjectId": pid}}, token=ann)
    assert data["addReaction"]["subject"]["reactionSummary"] == [
        {"kind": "LIKE", "count": 2},
        {"kind": "CLAP", "count": 1},
    ]
    assert await PostReaction.all().count() == 3
    removed = await api.data(UNREACT, {"input": {"subjectId": pid, "kind": "LIKE"}}, token=ben)
    assert removed["removeReaction"]["subject"] == {"reactionCount": 2, "viewerReactions": ["CLAP"]}


async def test_reactions_on_comments_and_on_invisible_things(api):
    ann = await api.register("ann")
    pid = await post_id(api, ann)
    comment = (await api.data(ADD, {"input": {"postId": pid, "body": "nice"}}, token=ann))[
        "addComment"
    ]["comment"]
    data = await api.data(REACT, {"input": {"subjectId": comment["id"], "kind": "LOVE"}}, token=ann)
    assert data["addReaction"]["subject"]["reactionCount"] == 1
    draft = await post_id(api, ann, publish=False)
    ben = await api.register("ben")
    user_id = (await api.data('{ user(handle: "ann") { id } }'))["user"]["id"]
    for subject in (draft, "garbage", user_id):
        data = await api.data(REACT, {"input": {"subjectId": subject}}, token=ben)
        assert data["addReaction"]["__typename"] == "NotFoundError"
