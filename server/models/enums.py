"""Enumerations stored in the database and exposed, unchanged, through the API."""

from enum import StrEnum


class IdentityKind(StrEnum):
    FAN = "FAN"
    DEPOSIT_HOLDER = "DEPOSIT_HOLDER"
    OWNER = "OWNER"


class PlatformRole(StrEnum):
    USER = "USER"
    MODERATOR = "MODERATOR"
    ADMIN = "ADMIN"


class AccountState(StrEnum):
    ACTIVE = "ACTIVE"
    # Silenced: what they write waits for a moderator's approval until the term ends.
    SILENCED = "SILENCED"
    SUSPENDED = "SUSPENDED"
    BANNED = "BANNED"


class PersonaDomain(StrEnum):
    CHARGING = "CHARGING"
    SERVICE = "SERVICE"
    PURCHASE = "PURCHASE"


class GroupKind(StrEnum):
    INDUSTRY = "INDUSTRY"
    INTEREST = "INTEREST"
    PROFESSION = "PROFESSION"
    REGION = "REGION"


class GroupVisibility(StrEnum):
    PUBLIC = "PUBLIC"
    MEMBERS_ONLY = "MEMBERS_ONLY"


class JoinPolicy(StrEnum):
    OPEN = "OPEN"
    # A join makes a request the group's staff decide.
    APPROVAL = "APPROVAL"
    # Only an invitation (or an invite link) lets anyone in.
    INVITE_ONLY = "INVITE_ONLY"


class GroupRole(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    # Works the group's moderation queue and its join requests; changes no settings or roles.
    MODERATOR = "MODERATOR"
    MEMBER = "MEMBER"


class Industry(StrEnum):
    """The industry a certified industry group brings together."""

    EDUCATION = "EDUCATION"
    SHIPPING = "SHIPPING"
    HUMAN_RESOURCES = "HUMAN_RESOURCES"
    FINANCE = "FINANCE"
    MEDICINE = "MEDICINE"
    LAW = "LAW"
    IT = "IT"
    MEDIA = "MEDIA"
    MANUFACTURING = "MANUFACTURING"
    ENERGY = "ENERGY"
    RETAIL = "RETAIL"
    PUBLIC_SERVICE = "PUBLIC_SERVICE"
    RESEARCH = "RESEARCH"
    CONSTRUCTION = "CONSTRUCTION"
    OTHER = "OTHER"


class GroupRequestState(StrEnum):
    """Where a join request or a certification application stands."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class GroupInvitationState(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    # The group's staff took it back, or the invitee joined another way.
    REVOKED = "REVOKED"


class PostKind(StrEnum):
    MOMENT = "MOMENT"
    ARTICLE = "ARTICLE"


class PostState(StrEnum):
    DRAFT = "DRAFT"
    # Written and submitted, waiting for a moderator (a screening rule, a new account, a repeat).
    HELD = "HELD"
    PUBLISHED = "PUBLISHED"
    HIDDEN = "HIDDEN"
    REMOVED = "REMOVED"


class CommentState(StrEnum):
    HELD = "HELD"
    PUBLISHED = "PUBLISHED"
    HIDDEN = "HIDDEN"
    REMOVED = "REMOVED"
    DELETED = "DELETED"


class MediaKind(StrEnum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"


class ReactionKind(StrEnum):
    LIKE = "LIKE"
    LOVE = "LOVE"
    LAUGH = "LAUGH"
    WOW = "WOW"
    SAD = "SAD"
    CLAP = "CLAP"


class ChangeKind(StrEnum):
    POST_ADDED = "POST_ADDED"
    POST_UPDATED = "POST_UPDATED"
    POST_REMOVED = "POST_REMOVED"
    COMMENT_ADDED = "COMMENT_ADDED"
    NOTIFICATION_ADDED = "NOTIFICATION_ADDED"
    # A moderation queue item was opened, grew, was claimed or decided.
    QUEUE_CHANGED = "QUEUE_CHANGED"
    EPISODE_ADDED = "EPISODE_ADDED"
    EPISODE_UPDATED = "EPISODE_UPDATED"
    EPISODE_REMOVED = "EPISODE_REMOVED"
    # Staff featured a work: what the points and contribution rules will reward.
    WORK_FEATURED = "WORK_FEATURED"
    # Staff adopted a post of product feedback (rewarded like a featured work).
    FEEDBACK_ADOPTED = "FEEDBACK_ADOPTED"
    # An event's signup counts or state changed (what `eventUpdated` sends).
    EVENT_UPDATED = "EVENT_UPDATED"
    # A poll's results or state changed (what `pollUpdated` sends).
    POLL_UPDATED = "POLL_UPDATED"


class NotificationKind(StrEnum):
    REPLY = "REPLY"
    MENTION = "MENTION"
    REACTION = "REACTION"
    FOLLOW = "FOLLOW"
    GROUP_JOIN = "GROUP_JOIN"
    # A moderator's decision about the recipient or what they wrote; the text says what and why.
    MODERATION = "MODERATION"
    # Someone credited the recipient on a work and waits for their consent.
    CREDIT_INVITATION = "CREDIT_INVITATION"
    # A credited user accepted or declined (told to the work's author).
    CREDIT_ANSWERED = "CREDIT_ANSWERED"
    # Staff featured a work the recipient made or co-created.
    WORK_FEATURED = "WORK_FEATURED"
    # A station head approved or rejected the recipient's episode.
    EPISODE_REVIEWED = "EPISODE_REVIEWED"
    # An episode waits for the recipient's review as a head of its station.
    EPISODE_SUBMITTED = "EPISODE_SUBMITTED"
    # About the recipient's KOC application or role (decided, granted, ending soon, ended,
    # revoked); the text says which.
    KOC = "KOC"
    # Someone asks to join a group the recipient helps run.
    GROUP_JOIN_REQUEST = "GROUP_JOIN_REQUEST"
    # The recipient's request to join was decided; the text says how.
    GROUP_JOIN_DECIDED = "GROUP_JOIN_DECIDED"
    # The recipient is invited to a group (answer it from `viewer { groupInvitations }`).
    GROUP_INVITATION = "GROUP_INVITATION"
    # The recipient's role in a group changed, or they received its ownership.
    GROUP_ROLE = "GROUP_ROLE"
    # The recipient was removed from a group (and perhaps barred from rejoining).
    GROUP_REMOVED = "GROUP_REMOVED"
    # A group's certification was decided or revoked (told to its owners).
    GROUP_CERTIFICATION = "GROUP_CERTIFICATION"
    # Staff adopted the recipient's product feedback.
    FEEDBACK_ADOPTED = "FEEDBACK_ADOPTED"
    # Points or contribution credited to or taken from the recipient by something they did
    # not do themselves (a featured work, a correction, a reversal); the text says how much.
    REWARD = "REWARD"
    # The recipient entered the club or left it; the text says which membership.
    CLUB = "CLUB"
    # About an event the recipient signed up for (cancelled, a seat freed up for them).
    EVENT = "EVENT"


class SearchEntity(StrEnum):
    """What a search outbox row asks to bring up to date in the index."""

    POST = "POST"
    GROUP = "GROUP"
    USER = "USER"
    EPISODE = "EPISODE"
    STATION = "STATION"
    COLLECTION = "COLLECTION"
    EVENT = "EVENT"


class ModerationTarget(StrEnum):
    POST = "POST"
    COMMENT = "COMMENT"
    USER = "USER"
    GROUP = "GROUP"
    EPISODE = "EPISODE"
    STATION = "STATION"
    COLLECTION = "COLLECTION"
    CREDIT = "CREDIT"


class ReportReason(StrEnum):
    SPAM = "SPAM"
    HARASSMENT = "HARASSMENT"
    HATE = "HATE"
    MISINFORMATION = "MISINFORMATION"
    ILLEGAL = "ILLEGAL"
    PRIVACY = "PRIVACY"
    OTHER = "OTHER"


class ModerationItemState(StrEnum):
    PENDING = "PENDING"
    RESOLVED = "RESOLVED"
    IGNORED = "IGNORED"
    ESCALATED = "ESCALATED"


class ReportOutcome(StrEnum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


class ModerationAction(StrEnum):
    """What a moderator can do about a queue item's target (several per decision)."""

    APPROVE = "APPROVE"
    HIDE = "HIDE"
    REMOVE = "REMOVE"
    LOCK_COMMENTS = "LOCK_COMMENTS"
    WARN = "WARN"
    SILENCE = "SILENCE"
    SUSPEND = "SUSPEND"
    BAN = "BAN"
    IGNORE = "IGNORE"
    ESCALATE = "ESCALATE"
    # Undoing a decision on appeal.
    RESTORE = "RESTORE"
    LIFT_SANCTION = "LIFT_SANCTION"


class AuditKind(StrEnum):
    """What the audit log records: moderators' actions, and changes to the rules."""

    ACTION = "ACTION"
    RULE_CREATED = "RULE_CREATED"
    RULE_UPDATED = "RULE_UPDATED"
    RULE_DELETED = "RULE_DELETED"
    APPEAL_UPHELD = "APPEAL_UPHELD"
    APPEAL_OVERTURNED = "APPEAL_OVERTURNED"
    # Platform staff took a queue item over from whoever had claimed it.
    CLAIM_TAKEN_OVER = "CLAIM_TAKEN_OVER"
    # Platform staff read a members-only group's post or comment through the queue.
    CONTENT_VIEWED = "CONTENT_VIEWED"
    # KOC programmes: staff decided an application, renewed or revoked a role, edited a
    # programme.
    KOC_APPLICATION_DECIDED = "KOC_APPLICATION_DECIDED"
    KOC_ROLE_RENEWED = "KOC_ROLE_RENEWED"
    KOC_ROLE_REVOKED = "KOC_ROLE_REVOKED"
    KOC_PROGRAM_UPDATED = "KOC_PROGRAM_UPDATED"
    # Groups: certification decided, revoked or set directly by an admin; a member removed
    # (or barred), a member's role changed, ownership handed over.
    GROUP_CERTIFICATION_DECIDED = "GROUP_CERTIFICATION_DECIDED"
    GROUP_CERTIFICATION_REVOKED = "GROUP_CERTIFICATION_REVOKED"
    GROUP_CERTIFIED_SET = "GROUP_CERTIFIED_SET"
    GROUP_MEMBER_REMOVED = "GROUP_MEMBER_REMOVED"
    GROUP_ROLE_CHANGED = "GROUP_ROLE_CHANGED"
    GROUP_OWNERSHIP_TRANSFERRED = "GROUP_OWNERSHIP_TRANSFERRED"
    # Staff adopted a post of product feedback.
    FEEDBACK_ADOPTED = "FEEDBACK_ADOPTED"
    # The two ledgers: an admin changed an earning rule or corrected a balance, staff recorded
    # an outside activity; the club: a membership granted or revoked, a year's run.
    LEDGER_RULE_UPDATED = "LEDGER_RULE_UPDATED"
    POINTS_ADJUSTED = "POINTS_ADJUSTED"
    ACTIVITY_RECORDED = "ACTIVITY_RECORDED"
    CLUB_GRANTED = "CLUB_GRANTED"
    CLUB_REVOKED = "CLUB_REVOKED"
    CLUB_ANNUAL_RUN = "CLUB_ANNUAL_RUN"
    # Events and polls run by staff and group staff.
    EVENT_CREATED = "EVENT_CREATED"
    EVENT_UPDATED = "EVENT_UPDATED"
    EVENT_CANCELLED = "EVENT_CANCELLED"
    POLL_CREATED = "POLL_CREATED"
    POLL_CLOSED = "POLL_CLOSED"


class AppealState(StrEnum):
    PENDING = "PENDING"
    UPHELD = "UPHELD"
    OVERTURNED = "OVERTURNED"


class ModerationItemEventKind(StrEnum):
    """The timeline of a queue item."""

    OPENED = "OPENED"
    REPORTED = "REPORTED"
    SCREENED = "SCREENED"
    CLAIMED = "CLAIMED"
    RELEASED = "RELEASED"
    NOTE = "NOTE"
    ACTION = "ACTION"
    APPEALED = "APPEALED"
    APPEAL_DECIDED = "APPEAL_DECIDED"


class RuleAction(StrEnum):
    """What a watched word does to a text that contains it."""

    BLOCK = "BLOCK"
    HOLD = "HOLD"
    FLAG = "FLAG"
    REPLACE = "REPLACE"


class MatchKind(StrEnum):
    WORD = "WORD"
    SUBSTRING = "SUBSTRING"


class CreditRole(StrEnum):
    """What a credited person did on a work."""

    WRITER = "WRITER"
    PHOTOGRAPHER = "PHOTOGRAPHER"
    VIDEOGRAPHER = "VIDEOGRAPHER"
    EDITOR = "EDITOR"
    ILLUSTRATOR = "ILLUSTRATOR"
    HOST = "HOST"
    GUEST = "GUEST"
    PRODUCER = "PRODUCER"
    TRANSLATOR = "TRANSLATOR"
    OTHER = "OTHER"


class CreditState(StrEnum):
    # Nobody is credited without consent: a credit waits for the credited user's answer.
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


class EpisodeState(StrEnum):
    DRAFT = "DRAFT"
    # Sent by someone who is not a head of the station: waits for a head's review.
    SUBMITTED = "SUBMITTED"
    PUBLISHED = "PUBLISHED"
    REJECTED = "REJECTED"
    # By moderators (HIDDEN can be restored; REMOVED is final).
    HIDDEN = "HIDDEN"
    REMOVED = "REMOVED"


class KocRoleKind(StrEnum):
    """The community roles owners take on for a term (KOC: key opinion consumers)."""

    VOLUNTEER = "VOLUNTEER"
    EXPERIENCE_OFFICER = "EXPERIENCE_OFFICER"
    CHIEF_CREATIVE_OFFICER = "CHIEF_CREATIVE_OFFICER"
    STORY_SCOUT = "STORY_SCOUT"
    QUALITY_OFFICER = "QUALITY_OFFICER"
    PERK_PARTNER = "PERK_PARTNER"
    PRODUCT_ADVISOR = "PRODUCT_ADVISOR"


class KocApplicationState(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class KocRoleState(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class Ledger(StrEnum):
    """The two currencies: points are spent, contribution only ever accumulates."""

    POINTS = "POINTS"
    CONTRIBUTION = "CONTRIBUTION"


class LedgerEntryKind(StrEnum):
    """Why a ledger entry moved a balance."""

    # Earned under a rule.
    EARNED = "EARNED"
    # Spent by its owner.
    SPENT = "SPENT"
    # An admin's correction, up or down.
    ADJUSTED = "ADJUSTED"
    # Compensates earnings for content that moderation removed.
    REVERSED = "REVERSED"
    # Gives back a reversal when the removal was undone.
    RESTORED = "RESTORED"


class ClubKind(StrEnum):
    FOUNDER = "FOUNDER"
    SPONSOR = "SPONSOR"
    TOP_CONTRIBUTOR = "TOP_CONTRIBUTOR"


class EventKind(StrEnum):
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"


class EventState(StrEnum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    # It has ended; its organiser was credited and its attendees may rate it.
    FINISHED = "FINISHED"


class SignupState(StrEnum):
    CONFIRMED = "CONFIRMED"
    # Waiting for seats to free up, in the order of `position`.
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"
    # Checked in at the event.
    ATTENDED = "ATTENDED"


class PollWeighting(StrEnum):
    EQUAL = "EQUAL"
    # Each vote weighs by the voter's contribution when they cast it (Settings.vote_weight).
    CONTRIBUTION = "CONTRIBUTION"


class ResultsVisibility(StrEnum):
    ALWAYS = "ALWAYS"
    AFTER_VOTE = "AFTER_VOTE"
    AFTER_CLOSE = "AFTER_CLOSE"


class PollState(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ExperienceSubject(StrEnum):
    PURCHASE = "PURCHASE"
    DELIVERY = "DELIVERY"
    SERVICE = "SERVICE"
    CHARGING = "CHARGING"
    EVENT = "EVENT"
    APP = "APP"
