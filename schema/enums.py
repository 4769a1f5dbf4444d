"""The stored enumerations, registered as GraphQL enums.

`strawberry.enum` marks the model enums in place, so the schema and the models share one class
and type checkers see a plain Enum. Each keeps its own name, except where a model enum was
renamed after clients came to know it: those keep the GraphQL name clients use.
"""

import strawberry

from server.models import (
    AccountState,
    AppealState,
    AuditKind,
    ClubKind,
    CommentState,
    CreditRole,
    CreditState,
    EpisodeState,
    EventKind,
    EventState,
    ExperienceSubject,
    GroupInvitationState,
    GroupKind,
    GroupRequestState,
    GroupRole,
    GroupVisibility,
    IdentityKind,
    Industry,
    JoinPolicy,
    KocApplicationState,
    KocRoleKind,
    KocRoleState,
    Ledger,
    LedgerEntryKind,
    MatchKind,
    MediaKind,
    ModerationAction,
    ModerationItemEventKind,
    ModerationItemState,
    ModerationTarget,
    NotificationKind,
    PersonaDomain,
    PlatformRole,
    PollState,
    PollWeighting,
    PostKind,
    PostState,
    ReactionKind,
    ReportOutcome,
    ReportReason,
    ResultsVisibility,
    RuleAction,
    SignupState,
)

DESCRIPTIONS = {
    IdentityKind: "Who a user is to the brand: fan, deposit holder or owner.",
    PlatformRole: "A user's role on the platform.",
    AccountState: "Whether an account may write (suspended ones may not).",
    PersonaDomain: "The service a persona account answers for.",
    GroupKind: "INDUSTRY groups are created and certified by the brand; the others by owners.",
    GroupVisibility: (
        "PUBLIC: anyone sees the group's posts. MEMBERS_ONLY: members alone, everywhere."
    ),
    JoinPolicy: (
        "How people join a group. OPEN: at once; APPROVAL: the group's staff decide a request; "
        "INVITE_ONLY: by invitation or invite link alone."
    ),
    GroupRole: (
        "A member's role in a group. OWNER and ADMIN change its settings and roles; "
        "MODERATOR works its moderation queue and join requests; MEMBER takes part."
    ),
    Industry: "The industry of an industry group.",
    GroupRequestState: (
        "Where a join request or a certification application stands. PENDING: waiting for a "
        "decision; APPROVED; REJECTED; WITHDRAWN: taken back by whoever asked."
    ),
    GroupInvitationState: (
        "PENDING: waiting for an answer; ACCEPTED; DECLINED; REVOKED: taken back by the group, "
        "or the invitee joined another way."
    ),
    PostKind: "MOMENT: a short post with images. ARTICLE: long form, titled.",
    PostState: "DRAFT: its author's alone. PUBLISHED: visible. HIDDEN/REMOVED: by moderators.",
    CommentState: "The state of a comment.",
    MediaKind: "An image or a video.",
    ReactionKind: "A reaction: LIKE or one of a few emoji kinds.",
    NotificationKind: "What a notification is about.",
    ModerationTarget: "What can be reported and moderated.",
    ReportReason: "Why something is reported.",
    ModerationItemState: (
        "PENDING: waiting; RESOLVED: decided; IGNORED: closed without action; "
        "ESCALATED: handed to platform moderators."
    ),
    ReportOutcome: "Whether the moderators agreed with a report.",
    ModerationAction: (
        "What a moderator does: APPROVE (keep or restore), HIDE, REMOVE, LOCK_COMMENTS, "
        "WARN, SILENCE and SUSPEND (for `days`), BAN, IGNORE, ESCALATE; RESTORE and "
        "LIFT_SANCTION undo on appeal."
    ),
    AuditKind: "What an audit entry records.",
    AppealState: "Where an appeal stands.",
    ModerationItemEventKind: "A step of an item's history.",
    RuleAction: (
        "BLOCK: refuse the text; HOLD: keep it from others until approved; FLAG: "
        "publish and open a queue item; REPLACE: mask the word."
    ),
    MatchKind: "WORD: a whole word (`*` is a wildcard); SUBSTRING: anywhere in the text.",
    CreditRole: "What a credited person did on a work.",
    CreditState: (
        "PENDING: waiting for the credited user's consent; ACCEPTED: shown on the work; "
        "DECLINED: refused, seen by the author only."
    ),
    EpisodeState: (
        "DRAFT: its author's alone. SUBMITTED: waiting for a station head. PUBLISHED: on air. "
        "REJECTED: a head turned it down. HIDDEN/REMOVED: by moderators."
    ),
    KocRoleKind: (
        "A KOC programme's role: VOLUNTEER 车主志愿者, EXPERIENCE_OFFICER 用户体验官, "
        "CHIEF_CREATIVE_OFFICER 首席创意官, STORY_SCOUT 星河发现官, QUALITY_OFFICER 质量官, "
        "PERK_PARTNER 车主福利合伙人, PRODUCT_ADVISOR 产品顾问团."
    ),
    KocApplicationState: (
        "PENDING: waiting for staff; APPROVED: the role was granted; REJECTED: not accepted; "
        "WITHDRAWN: taken back by the applicant."
    ),
    KocRoleState: ("ACTIVE: held now; EXPIRED: its term ended; REVOKED: ended early by staff."),
    Ledger: "POINTS: spendable, earned by activity. CONTRIBUTION: never spent; ranks the year.",
    LedgerEntryKind: (
        "EARNED: under an earning rule; SPENT: by the account's owner; ADJUSTED: an admin's "
        "correction; REVERSED: takes back earnings of content moderators removed; RESTORED: "
        "gives them back when the removal was undone."
    ),
    ClubKind: (
        "FOUNDER: a founding owner (a 10-year term); SPONSOR: a sponsor (1 year); "
        "TOP_CONTRIBUTOR: among a year's top contributors, for the next year."
    ),
    EventKind: "ONLINE: held online; OFFLINE: at a venue in a city.",
    EventState: (
        "SCHEDULED: takes signups while signup is open; CANCELLED: called off by its staff; "
        "FINISHED: it has ended."
    ),
    SignupState: (
        "CONFIRMED: holds its seats; WAITLISTED: waits for seats, in the order of `position`; "
        "CANCELLED: given up; ATTENDED: checked in at the event."
    ),
    PollWeighting: (
        "EQUAL: one vote each; CONTRIBUTION: a vote weighs by the voter's contribution when it "
        "is cast, within a cap (see the README)."
    ),
    ResultsVisibility: (
        "ALWAYS: results are shown to everyone who sees the poll; AFTER_VOTE: to those who "
        "voted, and to everyone once it closes; AFTER_CLOSE: once it closes. The poll's staff "
        "see them always."
    ),
    PollState: "OPEN: takes votes until `closesAt`; CLOSED: its results are final.",
    ExperienceSubject: (
        "What a satisfaction rating is about: PURCHASE, DELIVERY, SERVICE, CHARGING, EVENT (an "
        "event the rater attended) or APP."
    ),
}
# The GraphQL names of model enums renamed since clients first saw them.
CLIENT_NAMES = {
    ModerationItemState: "QueueState",
    ModerationItemEventKind: "ItemEventKind",
}
for enum_class, description in DESCRIPTIONS.items():
    strawberry.enum(enum_class, name=CLIENT_NAMES.get(enum_class), description=description)

__all__ = [
    "AccountState",
    "AppealState",
    "AuditKind",
    "ClubKind",
    "CommentState",
    "CreditRole",
    "CreditState",
    "EpisodeState",
    "EventKind",
    "EventState",
    "ExperienceSubject",
    "GroupInvitationState",
    "GroupKind",
    "GroupRequestState",
    "GroupRole",
    "GroupVisibility",
    "IdentityKind",
    "Industry",
    "JoinPolicy",
    "KocApplicationState",
    "KocRoleKind",
    "KocRoleState",
    "Ledger",
    "LedgerEntryKind",
    "MatchKind",
    "MediaKind",
    "ModerationAction",
    "ModerationItemEventKind",
    "ModerationItemState",
    "ModerationTarget",
    "NotificationKind",
    "PersonaDomain",
    "PlatformRole",
    "PollState",
    "PollWeighting",
    "PostKind",
    "PostState",
    "ReactionKind",
    "ReportOutcome",
    "ReportReason",
    "ResultsVisibility",
    "RuleAction",
    "SignupState",
]
