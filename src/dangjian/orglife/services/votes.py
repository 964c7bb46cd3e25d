"""Votes at a held 党员大会 or 支委会, decided by `rules.decide_vote` from the meeting's own attendance."""

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, tree
from dangjian.core.errors import ValidationFailed
from dangjian.members.models import Member

from .. import rules, selectors
from ..models import (
    Meeting,
    MeetingState,
    Vote,
)
from ._common import (
    RULES_FOR_KIND,
    VOTING_KINDS,
    _lock,
    _require_writer,
    _state_refusal,
)

VOTE_FIELDS = [
    "meeting_id",
    "motion",
    "rule",
    "subject_id",
    "subject_name",
    "eligible",
    "excluded",
    "should_attend",
    "present",
    "yes",
    "no",
    "abstain",
    "written_yes",
    "written_no",
    "quorum_met",
    "passed",
]
# Fields a meeting's record may carry, and which of them `meeting_update` may change.


# --- votes ---------------------------------------------------------------------------------------------------


def _count(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed.field(field, _("请输入整数"))
    if value < 0:
        raise ValidationFailed.field(field, _("票数和人数不能为负数"))
    return value


@transaction.atomic
def vote_record(
    *,
    actor,
    meeting: Meeting,
    motion: str,
    yes: int,
    no: int = 0,
    abstain: int = 0,
    written_yes: int = 0,
    written_no: int = 0,
    excluded: int = 0,
    subject: Member | None = None,
    subject_name: str = "",
    rule: str | None = None,
) -> Vote:
    """Record a vote at a held 党员大会 or 支委会 and decide it by the rules (`rules.decide_vote`).

    The platform works out the figures from the meeting itself: `eligible` is the body's members who have a
    vote (`rules.has_vote`: the committee at a 支委会, the organization's own members otherwise); `excluded`
    of them are left out of 应到会 with the higher organization's consent (RULES.md 第30条), giving
    `should_attend`; `present` is the eligible members marked present. `yes`, `no`, `abstain` are the
    ballots cast; `written_yes` / `written_no` the written opinions of absent voting members (细则 第21条,
    党员大会 only). Impossible figures → 422; an inquorate meeting passes nothing.
    """
    _require_writer(actor, meeting.org)
    meeting = _lock(meeting)
    if meeting.kind not in VOTING_KINDS:
        raise ValidationFailed.field(
            "meeting",
            _("只有党员大会和支委会可以表决（支部条例第十一条、第十二条），本次是%(kind)s")
            % {"kind": meeting.get_kind_display()},
        )
    if meeting.state != MeetingState.HELD:
        raise _state_refusal(meeting, _("登记表决"))
    rule = rule or selectors.vote_rule_for(meeting)
    if rule not in RULES_FOR_KIND[meeting.kind]:
        raise ValidationFailed.field("rule", _("此类会议不适用该表决规则"))
    motion = (motion or "").strip()
    if not motion:
        raise ValidationFailed.field("motion", _("请填写表决事项"))
    if len(motion) > 300:
        raise ValidationFailed.field("motion", _("表决事项最多 300 个字"))
    figures = {
        name: _count(value, name)
        for name, value in (
            ("yes", yes),
            ("no", no),
            ("abstain", abstain),
            ("written_yes", written_yes),
            ("written_no", written_no),
            ("excluded", excluded),
        )
    }
    if (figures["written_yes"] or figures["written_no"]) and rule != rules.ASSEMBLY_VOTE:
        raise ValidationFailed.field(
            "written_yes", _("未到会党员的书面意见只在党员大会表决时计入（发展党员工作细则第二十一条）")
        )
    if subject is not None:
        if not tree.is_within(subject.org_path, meeting.org_path):
            raise ValidationFailed.field("subject", _("表决对象不是本组织的党员"))
        subject_name = (subject_name or "").strip() or subject.name
    subject_name = (subject_name or "").strip()
    if len(subject_name) > 50:
        raise ValidationFailed.field("subject_name", _("表决对象最多 50 个字"))
    shown = selectors.vote_figures(meeting, rule)
    if figures["excluded"] > shown.eligible:
        raise ValidationFailed.field(
            "excluded",
            _("不计入应到会的人数（%(excluded)d）不能超过有表决权的人数（%(eligible)d）")
            % {"excluded": figures["excluded"], "eligible": shown.eligible},
        )
    should_attend = shown.eligible - figures["excluded"]
    try:
        outcome = rules.decide_vote(
            rule,
            should_attend,
            shown.present,
            figures["yes"],
            figures["no"],
            figures["abstain"],
            written_yes=figures["written_yes"],
            written_no=figures["written_no"],
        )
    except rules.VoteInvalid as exc:
        raise ValidationFailed.field(exc.field or "yes", exc.message) from None
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        rule=rule,
        subject=subject,
        subject_name=subject_name,
        eligible=shown.eligible,
        excluded=figures["excluded"],
        should_attend=should_attend,
        present=shown.present,
        yes=outcome.yes,
        no=outcome.no,
        abstain=outcome.abstain,
        written_yes=outcome.written_yes,
        written_no=outcome.written_no,
        quorum_met=outcome.quorum_met,
        passed=outcome.passed,
        reasons=list(outcome.reasons),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=vote,
        org=meeting.org,
        summary=_("表决“%(motion)s”：%(verdict)s")
        % {
            "motion": motion[:100],
            "verdict": _("通过")
            if vote.passed
            else (_("未通过") if vote.quorum_met else _("不足法定人数，未能表决")),
        },
        after=audit.snapshot(vote, VOTE_FIELDS),
    )
    return vote
