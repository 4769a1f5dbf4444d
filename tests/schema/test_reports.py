"""Reports: one per person and target, gathered into one queue item, hiding the target past the
threshold."""

from __future__ import annotations

from server.settings import Settings
from tests.conftest import Api
from tests.helpers import feed_ids, post_id
from tests.schema.moderation_helpers import established, queue, staff


async def test_reports_gather_into_one_item_and_hide_the_target_past_the_threshold(
    api: Api, settings: Settings
) -> None:
    mod = await staff(api, "mia")
    writer = await api.register("writer")
    post = await post_id(api, writer, body="questionable claim about range")
    for n in range(4):  # established fans, ten days old: weight 1 each
        reporter = await api.register(f"reporter{n}")
        await established(f"reporter{n}", days=10)
        data = await api.data(
            """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: MISINFORMATION,
                 note: "wrong numbers"}) { __typename } }""",
            {"id": post},
            token=reporter,
        )
        assert data["reportContent"]["__typename"] == "ReportContentSuccess"
    again = await api.data(
        """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
             __typename } }""",
        {"id": post},
        token=reporter,
    )
    assert again["reportContent"]["__typename"] == "ConflictError"  # one report per target
    [item] = await queue(api, mod)
    assert item["score"] == 4.0 and not item["targetHidden"]
    assert post in await feed_ids(api)

    fifth = await api.register("reporter4")
    await established("reporter4", days=10)
    await api.data(
        "mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) { __typename } }",
        {"id": post},
        token=fifth,
    )
    [item] = await queue(api, mod)
    assert item["score"] >= settings.report_hide_threshold and item["targetHidden"]
    assert post not in await feed_ids(api)  # hidden until reviewed
    assert [r["reason"] for r in item["reports"]].count("MISINFORMATION") == 4
