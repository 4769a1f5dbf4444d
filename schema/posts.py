"""Posts, media and revisions; one post by id; writing, editing and publishing posts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import Info

from resolvers import post_input, post_relations
from resolvers import posts as cases
from resolvers.admin import visible_post_operator
from resolvers.comments import list_comments
from resolvers.context import Context
from resolvers.pagination import Page
from resolvers.visibility import visible_post
from resolvers.works import WorkRef
from schema.comments import Comment
from schema.credits import Credit, CreditInput, credit_drafts, work_credits
from schema.enums import MediaKind, PostKind, PostState, ReactionKind
from schema.errors import (
    ConflictError,
    ContentRejectedError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)
from schema.feedback import FeedbackAdoption
from schema.groups import Group
from schema.loading import now_or_later, selected_paths
from schema.reactable import Reactable, ReactionCount, summary
from schema.relay import Connection, decode_pk, encode_id, page_size, parse_id, to_connection
from schema.users import User
from server import models


@strawberry.type(description="An image or a video attached to a post.")
class Media:
    url: str = strawberry.field(description="Where the file is served.")
    kind: MediaKind = strawberry.field(description="IMAGE or VIDEO.")
    width: int | None = strawberry.field(description="Width in pixels.")
    height: int | None = strawberry.field(description="Height in pixels.")
    alt: str | None = strawberry.field(description="Text describing it, for screen readers.")

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Media:
        return cls(
            url=item["url"],
            kind=models.MediaKind(item.get("kind", "IMAGE")),
            width=item.get("width"),
            height=item.get("height"),
            alt=item.get("alt"),
        )


@strawberry.type(description="A post as it was before one edit.")
class PostRevision:
    title: str | None = strawberry.field(description="The title then.")
    body: str = strawberry.field(description="The body then.")
    tags: list[str] = strawberry.field(description="The tags then.")
    replaced_at: datetime = strawberry.field(description="When an edit replaced this version.")


@strawberry.type(description="A moment (short, with images) or an article (long, titled).")
class Post(Reactable):
    pk: strawberry.Private[int]
    row: strawberry.Private[models.Post]
    kind: PostKind = strawberry.field(description="MOMENT or ARTICLE.")
    title: str | None = strawberry.field(description="An article's title; null for moments.")
    body: str = strawberry.field(description="The text.")
    media: list[Media] = strawberry.field(description="Images and videos, in order.")
    tags: list[str] = strawberry.field(description="Lowercase tags without '#'.")
    state: PostState = strawberry.field(description="DRAFT, PUBLISHED, HIDDEN or REMOVED.")
    published_at: datetime | None = strawberry.field(description="When it went live.")
    scheduled_at: datetime | None = strawberry.field(
        description="When a scheduled draft will publish itself."
    )
    edited_at: datetime | None = strawberry.field(description="When it was last edited.")
    created_at: datetime = strawberry.field(description="When it was written.")
    comment_count: int = strawberry.field(description="How many comments it has.")
    feedback: bool = strawberry.field(
        description="Its author offers it as product feedback (group posts only)."
    )

    @classmethod
    def from_row(cls, row: models.Post) -> Post:
        return cls(
            id=encode_id("Post", row.id),
            pk=row.id,
            row=row,
            kind=row.kind,
            title=row.title,
            body=row.body,
            media=[Media.from_json(m) for m in row.media or []],
            tags=list(row.tags or []),
            state=row.state,
            published_at=row.published_at,
            scheduled_at=row.scheduled_at,
            edited_at=row.edited_at,
            created_at=row.created_at,
            comment_count=row.comment_count,
            reaction_count=row.reaction_count,
            feedback=row.feedback,
        )

    @strawberry.field(description="Who published it (a persona account for persona posts).")
    def author(self, info: Info[Context, None]) -> User:
        return now_or_later(info.context.loaders.user_by_id, self.row.author_id, User.from_row)

    @strawberry.field(description="The employee who wrote a persona's post. Admins only.")
    async def operator(self, info: Info[Context, None]) -> User | None:
        operator = await visible_post_operator(info.context, self.row)
        return User.from_row(operator) if operator else None

    @strawberry.field(description="The group it was posted in, if any.")
    def group(self, info: Info[Context, None]) -> Group | None:
        if self.row.group_id is None:
            return None
        return now_or_later(info.context.loaders.group_by_id, self.row.group_id, Group.from_row)

    @strawberry.field(
        description="Staff's adoption of this product feedback; null unless it was adopted."
    )
    def adoption(self, info: Info[Context, None]) -> FeedbackAdoption | None:
        loader = info.context.loaders.adoption_by_post_id
        return now_or_later(
            loader, self.pk, lambda row: FeedbackAdoption.from_row(row) if row else None
        )

    @strawberry.field(description="The kinds of reaction the viewer gave it.")
    def viewer_reactions(self, info: Info[Context, None]) -> list[ReactionKind]:
        loader = info.context.loaders.viewer_reactions_by_post_id
        return now_or_later(loader, self.pk, lambda kinds: [ReactionKind(k) for k in kinds])

    @strawberry.field(description="Reaction counts by kind, most frequent first.")
    def reaction_summary(self, info: Info[Context, None]) -> list[ReactionCount]:
        loader = info.context.loaders.post_reaction_summary_by_post_id
        return now_or_later(loader, self.pk, summary)

    @strawberry.field(description="Top-level comments, oldest first; replies hang below them.")
    async def comments(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Comment]:
        on = WorkRef(post_id=self.pk)
        page = await list_comments(on, page_size(info.context.settings, first), after)
        return to_connection(page, Comment.from_row)

    @strawberry.field(
        description="Who it was made with: ACCEPTED credits for everyone; the author sees "
        "every credit with its state, a credited user their own."
    )
    async def credits(self, info: Info[Context, None]) -> list[Credit]:
        return await work_credits(info, self.row)

    @strawberry.field(description="Earlier versions, newest first. Author and moderators only.")
    async def revisions(self, info: Info[Context, None]) -> list[PostRevision] | None:
        rows = await cases.list_revisions(info.context, self.row)
        if rows is None:
            return None
        return [
            PostRevision(title=r.title, body=r.body, tags=list(r.tags), replaced_at=r.created_at)
            for r in rows
        ]

    @classmethod
    async def connection(
        cls, info: Info[Context, None], page: Page[models.Post]
    ) -> Connection[Post]:
        """A page of posts, with the relations its selection reads loaded in one batch each."""
        paths = selected_paths(info)
        wanted = post_relations.PostRelations(
            authors="edges.node.author" in paths,
            badges="edges.node.author.employeeBadge" in paths,
            groups="edges.node.group" in paths,
            viewer_reactions="edges.node.viewerReactions" in paths,
            reaction_summaries="edges.node.reactionSummary" in paths,
        )
        await post_relations.prefetch_post_relations(
            info.context, [post for _, post in page.edges], wanted
        )
        return to_connection(page, cls.from_row)


# --- mutations -------------------------------------------------------------------------------


@strawberry.input(description="An image or a video to attach.")
class MediaInput:
    url: str = strawberry.field(description="An http(s) URL.")
    kind: MediaKind = strawberry.field(
        default=models.MediaKind.IMAGE, description="IMAGE or VIDEO."
    )
    width: int | None = strawberry.field(default=None, description="Width in pixels.")
    height: int | None = strawberry.field(default=None, description="Height in pixels.")
    alt: str | None = strawberry.field(default=None, description="Text describing it.")


def _media(items: list[MediaInput] | None) -> list[post_input.MediaInput] | None:
    if items is None:
        return None
    return [
        post_input.MediaInput(url=m.url, kind=m.kind, width=m.width, height=m.height, alt=m.alt)
        for m in items
    ]


@strawberry.input(description="A new post.")
class CreatePostInput:
    kind: PostKind = strawberry.field(description="MOMENT or ARTICLE.")
    body: str = strawberry.field(
        description="The text (moments up to 5,000 characters, articles 50,000)."
    )
    title: str | None = strawberry.field(default=None, description="Required for articles.")
    tags: list[str] | None = strawberry.field(default=None, description="Up to 10 tags.")
    media: list[MediaInput] | None = strawberry.field(default=None, description="Up to 9 items.")
    group_slug: str | None = strawberry.field(
        default=None, description="Post in this group (members only)."
    )
    publish: bool = strawberry.field(default=True, description="Publish now; false keeps a draft.")
    as_persona: str | None = strawberry.field(
        default=None, description="Post as this persona account (its operators only)."
    )
    credits: list[CreditInput] | None = strawberry.field(
        default=None,
        description="Up to 20 people it was made with; each is asked to accept once it is live.",
    )
    feedback: bool = strawberry.field(
        default=False,
        description="Offer it as product feedback, for staff to adopt (posts in a group only).",
    )


@strawberry.type(description="The post was created.")
class CreatePostSuccess:
    post: Post = strawberry.field(description="The new post.")


CreatePostResult = Annotated[
    CreatePostSuccess | ValidationError | NotFoundError | RateLimitedError | ContentRejectedError,
    strawberry.union("CreatePostResult"),
]


@strawberry.input(description="Changes to a post; omitted fields stay. Each edit keeps a revision.")
class UpdatePostInput:
    post_id: strawberry.ID = strawberry.field(description="The post to change.")
    title: str | None = strawberry.field(default=None, description="The new title (articles).")
    body: str | None = strawberry.field(default=None, description="The new text.")
    tags: list[str] | None = strawberry.field(default=None, description="The new tags.")
    media: list[MediaInput] | None = strawberry.field(default=None, description="The new media.")
    credits: list[CreditInput] | None = strawberry.field(
        default=None,
        description="The credits from now on: kept ones keep their answer, new ones are asked.",
    )
    feedback: bool | None = strawberry.field(
        default=None,
        description="Mark (true) or unmark (false) it as product feedback (posts in a group "
        "only; adopted feedback stays feedback).",
    )


@strawberry.type(description="The post was changed.")
class UpdatePostSuccess:
    post: Post = strawberry.field(description="The post as it is now.")


UpdatePostResult = Annotated[
    UpdatePostSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("UpdatePostResult"),
]


@strawberry.input(description="The post to delete.")
class DeletePostInput:
    post_id: strawberry.ID = strawberry.field(description="The post's id.")


@strawberry.type(description="The post and its comments are gone.")
class DeletePostSuccess:
    deleted_post_id: strawberry.ID = strawberry.field(description="The id the post had.")


DeletePostResult = Annotated[
    DeletePostSuccess | NotFoundError, strawberry.union("DeletePostResult")
]


@strawberry.input(description="The draft to publish.")
class PublishPostInput:
    post_id: strawberry.ID = strawberry.field(description="The post's id.")


@strawberry.type(description="The draft is published.")
class PublishPostSuccess:
    post: Post = strawberry.field(description="The published post.")


PublishPostResult = Annotated[
    PublishPostSuccess
    | NotFoundError
    | ConflictError
    | ValidationError
    | RateLimitedError
    | ContentRejectedError,
    strawberry.union("PublishPostResult"),
]


@strawberry.input(description="When a draft should publish itself.")
class SchedulePostInput:
    post_id: strawberry.ID = strawberry.field(description="The draft.")
    publish_at: datetime | None = strawberry.field(
        description="A future time with its time zone; null cancels the schedule."
    )


@strawberry.type(description="The draft will publish itself at the given time.")
class SchedulePostSuccess:
    post: Post = strawberry.field(description="The scheduled draft.")


SchedulePostResult = Annotated[
    SchedulePostSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("SchedulePostResult"),
]


@strawberry.type
class PostQueries:
    @strawberry.field(description="A post by id, or null if it does not exist or is not visible.")
    async def post(self, info: Info[Context, None], id: strawberry.ID) -> Post | None:
        parsed = parse_id(id)
        if parsed is None or parsed[0] != "Post":
            return None
        row = await visible_post(info.context, parsed[1])
        return Post.from_row(row) if row else None


@strawberry.type
class PostMutations:
    @strawberry.mutation(description="Write a post: published at once, or kept as a draft.")
    async def create_post(
        self, info: Info[Context, None], input: CreatePostInput
    ) -> CreatePostResult:
        draft = post_input.PostDraft(
            kind=input.kind,
            body=input.body,
            title=input.title,
            tags=input.tags or [],
            media=_media(input.media) or [],
            group_slug=input.group_slug,
            as_persona=input.as_persona,
            credits=credit_drafts(input.credits),
            feedback=input.feedback,
        )
        row = await cases.create_post(info.context, draft, publish=input.publish)
        return CreatePostSuccess(post=Post.from_row(row))

    @strawberry.mutation(description="Edit a post; the previous version is kept as a revision.")
    async def update_post(
        self, info: Info[Context, None], input: UpdatePostInput
    ) -> UpdatePostResult:
        changes = post_input.PostChanges(
            title=input.title,
            body=input.body,
            tags=input.tags,
            media=_media(input.media),
            credits=credit_drafts(input.credits),
            feedback=input.feedback,
        )
        row = await cases.update_post(info.context, decode_pk(input.post_id, "Post"), changes)
        return UpdatePostSuccess(post=Post.from_row(row))

    @strawberry.mutation(description="Delete a post for good, with its comments and reactions.")
    async def delete_post(
        self, info: Info[Context, None], input: DeletePostInput
    ) -> DeletePostResult:
        await cases.delete_post(info.context, decode_pk(input.post_id, "Post"))
        return DeletePostSuccess(deleted_post_id=input.post_id)

    @strawberry.mutation(description="Publish a draft now.")
    async def publish_post(
        self, info: Info[Context, None], input: PublishPostInput
    ) -> PublishPostResult:
        row = await cases.publish_post(info.context, decode_pk(input.post_id, "Post"))
        return PublishPostSuccess(post=Post.from_row(row))

    @strawberry.mutation(description="Have a draft publish itself at a later time.")
    async def schedule_post(
        self, info: Info[Context, None], input: SchedulePostInput
    ) -> SchedulePostResult:
        row = await cases.schedule_post(
            info.context, decode_pk(input.post_id, "Post"), input.publish_at
        )
        return SchedulePostSuccess(post=Post.from_row(row))
