"""公示 and 异议: evaluated applications are publicized for a number of working days; anyone may object
while the notice runs; an open objection blocks designation until the deciders resolve it."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed

from .. import rules
from ..models import (
    Application,
    ApplicationState,
    Campaign,
    EventKind,
    Objection,
    ObjectionState,
    PublicNotice,
)
from .applications import (
    APPLICATION_FIELDS,
    _advance,
    _lock,
    _record,
    _require_open,
    _target,
    notice_calendar,
)
from .common import event, require_campaign_manager, require_decider, today

NOTICE_FIELDS = ["campaign_id", "title", "starts_on", "ends_on", "working_days"]
OBJECTION_FIELDS = ["application_id", "notice_id", "state", "upheld", "resolution", "resolved_on"]


@transaction.atomic
def notice_publish(
    *,
    actor,
    campaign: Campaign,
    applications: list[Application],
    starts_on: dt.date | None = None,
    working_days: int | None = None,
    title: str = "",
    text: str = "",
) -> PublicNotice:
    """Publicize evaluated applications together: one notice, `working_days` working days from `starts_on`
    (today by default; the campaign's setting by default). All move to `publicized`, or none does."""
    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_open(campaign)
    if not applications:
        raise ValidationFailed.field("application_ids", _("请选择要公示的申报"))
    day = today()
    starts_on = starts_on or day
    if starts_on < day:
        raise ValidationFailed.field("starts_on", _("公示开始日期不能早于今天"))
    working_days = campaign.notice_working_days if working_days is None else working_days
    if working_days < 1 or working_days > 30:
        raise ValidationFailed.field("working_days", _("公示期应为 1 到 30 个工作日"))
    holidays, extra = notice_calendar()
    ends_on = rules.notice_ends_on(starts_on, working_days, holidays, extra)
    title = (title or "").strip() or _("%(year)d 年度党建示范点拟命名名单公示") % {"year": campaign.year}
    notice = PublicNotice.objects.create(
        campaign=campaign,
        title=title[:200],
        text=(text or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=working_days,
        published_by=actor,
    )
    for application in applications:
        require_decider(actor, application)
        locked = _lock(application)
        if locked.campaign_id != campaign.pk:
            raise ValidationFailed.field("application_ids", _("申报不属于本年度创建工作"))
        before = audit.snapshot(locked, APPLICATION_FIELDS)
        locked = _advance(locked, "publicize", notice=notice, publicized_on=starts_on)
        event(
            org=locked.org,
            kind=EventKind.PUBLICIZED,
            on=starts_on,
            note=_("公示期 %(start)s 至 %(end)s")
            % {"start": f"{starts_on:%Y-%m-%d}", "end": f"{ends_on:%Y-%m-%d}"},
            actor=actor,
            application=locked,
        )
        _record(actor, locked, before, summary=_("公示"), action="transition")
    audit.record(
        actor=actor,
        action="create",
        obj=notice,
        org=campaign.org,
        after=audit.snapshot(notice, NOTICE_FIELDS),
    )
    return notice


def application_publicize(
    *, actor, application: Application, starts_on: dt.date | None = None, working_days: int | None = None
) -> Application:
    """Publicize one evaluated application on a notice of its own."""
    _target(application, "publicize")  # say why in the state machine's words (409) first
    notice = notice_publish(
        actor=actor,
        campaign=application.campaign,
        applications=[application],
        starts_on=starts_on,
        working_days=working_days,
        title=_("%(org)s 拟命名为%(tier)s党建示范点公示")
        % {"org": application.org.name, "tier": application.get_tier_display()},
    )
    return notice.applications.get(pk=application.pk)


@transaction.atomic
def objection_file(*, application: Application, text: str, contact: str = "") -> Objection:
    """Anyone (no account) objects to an application under a running public notice. The optional contact is
    stored encrypted and never written to the log."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("notice", "org")
        .get(pk=application.pk)
    )
    notice = application.notice
    day = today()
    if application.state != ApplicationState.PUBLICIZED or notice is None:
        raise TransitionNotAllowed(_("该项目不在公示中，不能提出异议"))
    if not rules.notice_running(notice.starts_on, notice.ends_on, day):
        raise TransitionNotAllowed(
            _("公示期为 %(start)s 至 %(end)s，现在不能提出异议")
            % {"start": f"{notice.starts_on:%Y-%m-%d}", "end": f"{notice.ends_on:%Y-%m-%d}"}
        )
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationFailed.field("text", _("请写明异议的具体内容（至少 5 个字）"))
    if len(text) > 2000:
        raise ValidationFailed.field("text", _("异议内容最多 2000 个字"))
    contact = (contact or "").strip()
    if len(contact) > 100:
        raise ValidationFailed.field("contact", _("联系方式最多 100 个字"))
    objection = Objection.objects.create(
        application=application, notice=notice, text=text, contact=contact, received_on=day
    )
    event(org=application.org, kind=EventKind.OBJECTION, on=day, application=application)
    audit.record(
        actor=None,
        action="create",
        obj=objection,
        org=application.org,
        summary=_("收到公示异议"),
        after=audit.snapshot(objection, OBJECTION_FIELDS),
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """Resolve an objection with a written resolution. An upheld objection usually leads the deciders to
    reject the application (a separate, explicit step)."""
    application = objection.application
    require_decider(actor, application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != ObjectionState.OPEN:
        raise TransitionNotAllowed(_("该异议已经处理"))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationFailed.field("resolution", _("请填写处理结果"))
    if len(resolution) > 2000:
        raise ValidationFailed.field("resolution", _("处理结果最多 2000 个字"))
    before = audit.snapshot(objection, OBJECTION_FIELDS)
    day = today()
    objection.state = ObjectionState.RESOLVED
    objection.upheld = bool(upheld)
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_on = day
    objection.save(update_fields=["state", "upheld", "resolution", "resolved_by", "resolved_on"])
    event(
        org=application.org,
        kind=EventKind.OBJECTION_RESOLVED,
        on=day,
        note=(_("异议成立：") if upheld else _("异议不成立：")) + resolution,
        actor=actor,
        application=application,
    )
    audit.record(
        actor=actor,
        action="hold",
        obj=objection,
        org=application.org,
        summary=_("处理公示异议：%(result)s") % {"result": _("异议成立") if upheld else _("异议不成立")},
        before=before,
        after=audit.snapshot(objection, OBJECTION_FIELDS),
    )
    return objection
