"""Pages of organizational life: the meeting list and calendar, recording and planning, one meeting's tabs.

Every view is the same short story as in orgs.views: scoped fetch (404 outside the user's scope) → form →
one service → redirect with a message; or the page again with the service's answer (422 bad input, 409 not
allowed now, with the reason). Members and reviewers have no access here (403).
"""

import calendar
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from dangjian.core import scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.pages import bound, partial, submit
from dangjian.orgs.models import Organization

from . import documents, forms, rules, selectors, services
from .models import AppraisalGrade, Attendance, Meeting, MeetingKind, MeetingState

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WITHIN_CHOICES_LIMIT = 200
ORG_CHOICES_LIMIT = 500


# --- helpers -------------------------------------------------------------------------------------------------


def _list_crumb() -> tuple[str, str]:
    return _("组织生活"), reverse("orglife:meeting_list")


def _meeting_crumbs(meeting: Meeting, *tail) -> list[tuple[str, str | None]]:
    title = f"{meeting.held_on:%Y-%m-%d} {meeting.get_kind_display()}"
    return [_list_crumb(), (title, reverse("orglife:meeting_detail", args=[meeting.pk])), *tail]


def _detail_url(meeting: Meeting, tab: str = "") -> str:
    url = reverse("orglife:meeting_detail", args=[meeting.pk])
    return f"{url}?tab={tab}" if tab else url


def _require_writer(user, org: Organization) -> None:
    if not selectors.may_write(user, org):
        raise PermissionDenied(_("党支部书记只能登记本支部及其党小组的组织生活"))


def _within_choices(user, current: Organization | None) -> list[tuple[int, str]]:
    """The scope's root and its direct children (plus the organization chosen, wherever it lies)."""
    root = scoping.get_org_or_404(user, user.org_id)
    children = scoping.scoped(Organization.objects.active().filter(parent=root), user).order_by(
        "sort_order", "id"
    )
    choices = [(root.pk, root.name)] + [
        (child.pk, f"　{child.name}") for child in children[:WITHIN_CHOICES_LIMIT]
    ]
    if current is not None and all(pk != current.pk for pk, _label in choices):
        choices.append((current.pk, current.name))
    return choices


def _org_choices(user) -> list[tuple[int, str]]:
    """Organizations whose meetings the user may record, indented by level below the scope's root."""
    root_depth = user.org.depth if user.org_id else 0
    return [
        (org.pk, "　" * max(0, org.depth - root_depth) + org.name)
        for org in selectors.writable_orgs(user=user).only("pk", "name", "depth")[:ORG_CHOICES_LIMIT]
    ]


def _root(request) -> Organization | None:
    within = request.GET.get("within", "")
    return scoping.get_org_or_404(request.user, int(within)) if within.isdigit() else None


# --- the list ------------------------------------------------------------------------------------------------


def _keyset(queryset, cursor: str) -> tuple[list[Meeting], str]:
    """One page, newest first, continued below (held_on, id): no deep OFFSET."""
    day, _sep, pk = cursor.partition("_")
    try:
        day_value, pk_value = dt.date.fromisoformat(day), int(pk)
    except ValueError:
        day_value = None
    if day_value is not None:
        queryset = queryset.filter(held_on__lte=day_value).exclude(held_on=day_value, pk__gte=pk_value)
    rows = list(queryset[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (f"{rows[-1].held_on:%Y-%m-%d}_{rows[-1].pk}" if more and rows else "")


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v and k != "before"}
    params.update({k: v for k, v in changes.items() if v})
    return "?" + urlencode(params) if params else "?"


@login_required
def meeting_list(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    form = forms.MeetingFilterForm(request.GET, within_choices=_within_choices(request.user, root))
    values = form.values()
    queryset = selectors.meetings_within(
        user=request.user,
        root=root,
        kind=values["kind"],
        state=values["state"],
        date_from=values["date_from"],
        date_to=values["date_to"],
        q=values["q"],
    )
    rows, cursor = _keyset(queryset, request.GET.get("before", ""))
    counts = selectors.attendee_counts(rows)
    today = timezone.localdate()
    context = {
        "form": form,
        "root": root,
        "rows": [(m, counts[m.pk]) for m in rows],
        "today": today,
        "next_url": _query(request, before=cursor) if cursor else "",
        "first_url": _query(request) if request.GET.get("before") else "",
        "cards": selectors.meeting_counts(user=request.user, root=root, today=today),
        "can_create": selectors.writable_orgs(user=request.user).exists(),
        "filtered": any(values[name] for name in ("kind", "state", "date_from", "date_to", "q")),
        "calendar_query": urlencode({k: v for k, v in request.GET.items() if k in ("within", "kind") and v}),
        "crumbs": [(_("组织生活"), None)],
    }
    if partial(request, "list-body"):
        response = render(request, "orglife/list.html#list-body", context)
        query = urlencode([(k, v) for k, v in request.GET.items() if v])
        return push_url(response, reverse("orglife:meeting_list") + (f"?{query}" if query else ""))
    return render(request, "orglife/list.html", context)


# --- the calendar --------------------------------------------------------------------------------------------


def _month(value: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1) if 1900 < year < 2200 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


@login_required
def meeting_calendar(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    today = timezone.localdate()
    first = _month(request.GET.get("month", ""), today)
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    weeks = selectors.calendar_month(
        user=request.user, year=first.year, month=first.month, root=root, kind=kind
    )
    previous_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = first + dt.timedelta(days=calendar.monthrange(first.year, first.month)[1])
    keep = {k: v for k, v in (("within", root.pk if root else ""), ("kind", kind)) if v}
    context = {
        "weeks": weeks,
        "first": first,
        "today": today,
        "root": root,
        "kind": kind,
        "kinds": MeetingKind.choices,
        "within_choices": _within_choices(request.user, root),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "previous_url": "?" + urlencode({**keep, "month": f"{previous_month:%Y-%m}"}),
        "next_url": "?" + urlencode({**keep, "month": f"{next_month:%Y-%m}"}),
        "this_month_url": "?" + urlencode(keep) if keep else "?",
        "count": sum(day.total for week in weeks for day in week if day.in_month),
        "can_create": selectors.writable_orgs(user=request.user).exists(),
        "crumbs": [_list_crumb(), (_("日历"), None)],
    }
    return render(request, "orglife/calendar.html", context)


# --- recording and planning -------------------------------------------------------------------------------


def _participant_choices(org: Organization) -> list[tuple[int, str]]:
    return [
        (m.pk, m.name + (f"（{m.get_category_display()}）" if m.category == "probationary" else ""))
        for m in selectors.candidates_queryset(org).order_by("name_key", "id")
    ]


@login_required
def meeting_create(request):
    """Step one picks the organization, the kind and held/planned; step two is the form of that kind."""
    scoping.require_tree_role(request.user)
    org_choices = _org_choices(request.user)
    if not org_choices:
        raise PermissionDenied(_("您没有可以登记组织生活的党组织"))
    wanted = request.GET.get("org", "")
    if wanted.isdigit() and all(pk != int(wanted) for pk, _label in org_choices):
        # An organization beyond the first ORG_CHOICES_LIMIT (a link from its own page) is offered too.
        extra = selectors.writable_orgs(user=request.user).filter(pk=int(wanted)).first()
        if extra is not None:
            org_choices.append((extra.pk, extra.name))
    today = timezone.localdate()
    start = forms.StartForm(
        request.GET if "kind" in request.GET else None,
        org_choices=org_choices,
        initial={
            "org": request.GET.get("org") or org_choices[0][0],
            "state": request.GET.get("state") or MeetingState.HELD,
            "kind": request.GET.get("kind") or "",
        },
    )
    if not start.is_bound or not start.is_valid():
        status = 422 if start.is_bound else 200
        return render(
            request,
            "orglife/start.html",
            {"form": start, "crumbs": [_list_crumb(), (_("登记组织生活"), None)]},
            status=status,
        )
    org = scoping.get_org_or_404(request.user, start.cleaned_data["org"])
    _require_writer(request.user, org)
    kind, state = start.cleaned_data["kind"], start.cleaned_data["state"]
    if kind not in services.kinds_for(org):
        start.add_error("kind", _kind_refusal(org, kind))
        return render(
            request,
            "orglife/start.html",
            {"form": start, "crumbs": [_list_crumb(), (_("登记组织生活"), None)]},
            status=422,
        )
    held_on = request.GET.get("held_on", "")
    form = forms.MeetingForm(
        bound(request),
        kind=kind,
        participant_choices=_participant_choices(org) if kind == MeetingKind.TALK else (),
        initial={
            "held_on": held_on or (today if state == MeetingState.HELD else today + dt.timedelta(days=7)),
            "themed_items": list(rules.THEMED_DAY_ITEMS),
        },
    )

    def create(_data):
        return services.meeting_create(
            actor=request.user, org=org, kind=kind, state=state, attendees=form.attendees(), **form.record()
        )

    meeting, status, reason = submit(request, form, create)
    if meeting is not None:
        if state == MeetingState.PLANNED:
            messages.success(
                request,
                _("已计划 %(day)s 召开%(kind)s")
                % {"day": f"{meeting.held_on:%Y-%m-%d}", "kind": meeting.get_kind_display()},
            )
        else:
            messages.success(
                request, _("已登记%(kind)s，请登记参会情况") % {"kind": meeting.get_kind_display()}
            )
        next_tab = "attendance" if kind != MeetingKind.TALK and state == MeetingState.HELD else ""
        return redirect(_detail_url(meeting, next_tab))
    title = (_("计划%(kind)s") if state == MeetingState.PLANNED else _("登记%(kind)s")) % {
        "kind": MeetingKind(kind).label
    }
    return render(
        request,
        "orglife/form.html",
        {
            "form": form,
            "org": org,
            "title": title,
            "status_note": _("计划召开") if state == MeetingState.PLANNED else _("已召开"),
            "refusal": reason,
            "submit": _("保存计划") if state == MeetingState.PLANNED else _("保存记录"),
            "cancel_url": reverse("orglife:meeting_create")
            + "?"
            + urlencode({"org": org.pk, "state": state}),
            "crumbs": [_list_crumb(), (title, None)],
            "themed_day": kind == MeetingKind.THEMED_DAY,
        },
        status=status,
    )


def _kind_refusal(org: Organization, kind: str) -> str:
    if kind == MeetingKind.GROUP:
        return _("党小组会由党小组召开（支部条例第十三条），请选择党小组")
    return _("%(org_kind)s只召开党小组会和谈心谈话，%(kind)s请在所在党支部登记") % {
        "org_kind": org.get_kind_display(),
        "kind": MeetingKind(kind).label,
    }


# --- one meeting ---------------------------------------------------------------------------------------------

STATE_BADGES = {
    MeetingState.PLANNED: ("text-bg-info", "calendar-event"),
    MeetingState.HELD: ("badge-active", "check-circle"),
    MeetingState.CANCELLED: ("badge-dissolved", "x-circle"),
}


def _tabs(meeting: Meeting) -> list[tuple[str, str]]:
    tabs = [("info", gettext_lazy("基本信息")), ("attendance", gettext_lazy("参会情况"))]
    if meeting.kind in services.VOTING_KINDS:
        tabs.append(("votes", gettext_lazy("表决")))
    if meeting.kind == MeetingKind.APPRAISAL:
        tabs.append(("grades", gettext_lazy("评议等次")))
    tabs += [("files", gettext_lazy("附件")), ("history", gettext_lazy("操作记录"))]
    return tabs


def _actions(user, meeting: Meeting) -> dict[str, bool]:
    write = selectors.may_write(user, meeting.org)
    open_ = meeting.state != MeetingState.CANCELLED
    return {
        "write": write and open_,
        "edit": write and open_,
        "hold": write and meeting.state == MeetingState.PLANNED,
        "cancel": write and meeting.state == MeetingState.PLANNED,
        "attendance": write and open_,
        "vote": write and meeting.state == MeetingState.HELD and meeting.kind in services.VOTING_KINDS,
        "grades": write and meeting.state == MeetingState.HELD and meeting.kind == MeetingKind.APPRAISAL,
        "files": write,
    }


def _tab_context(meeting: Meeting, tab: str, extra: dict) -> dict:
    if tab == "attendance":
        return {
            "people": extra.get("people") or selectors.meeting_people(meeting),
            "choices": Attendance.choices,
        }
    if tab == "votes":
        return {
            "figures": selectors.vote_figures(meeting),
            "votes": selectors.meeting_votes(meeting),
            "vote_form": extra.get("vote_form") or forms.VoteForm(meeting_kind=meeting.kind),
        }
    if tab == "grades":
        graded = {g.member_id: g for g in selectors.meeting_grades(meeting)}
        people = [
            c for c in selectors.meeting_people(meeting) if c.role != selectors.TEAM or c.member.pk in graded
        ]
        rows = extra.get("grade_rows") or [
            {
                "member": c.member,
                "grade": graded[c.member.pk].grade if c.member.pk in graded else "",
                "note": graded[c.member.pk].note if c.member.pk in graded else "",
            }
            for c in people
        ]
        tally = {code: sum(1 for g in graded.values() if g.grade == code) for code in rules.GRADES}
        return {
            "grade_rows": rows,
            "grade_choices": forms.GRADE_CHOICES,
            "tally": [(label, tally[code]) for code, label in AppraisalGrade.Grade.choices],
            "graded": len(graded),
            "max_excellent": len(graded) // 3,
        }
    if tab == "files":
        return {
            "files": list(selectors.meeting_files(meeting)),
            "file_form": extra.get("file_form") or forms.MeetingFileForm(),
        }
    if tab == "history":
        return {"history": selectors.meeting_history(meeting)}
    return {}


def _detail_page(request, meeting: Meeting, tab: str, *, status: int = 200, **extra):
    tabs = _tabs(meeting)
    if tab not in dict(tabs):
        tab = "info"
    summary = selectors.attendance_summary(meeting)
    context = {
        "meeting": meeting,
        "tab": tab,
        "tabs": tabs,
        "summary": summary,
        "actions": _actions(request.user, meeting),
        "state_badge": STATE_BADGES[meeting.state],
        "themed_missing": [
            rules.THEMED_DAY_ITEMS[c] for c in rules.themed_day_missing(meeting.themed_items or [])
        ]
        if meeting.kind == MeetingKind.THEMED_DAY
        else [],
        "themed_done": [
            rules.THEMED_DAY_ITEMS[c] for c in meeting.themed_items or [] if c in rules.THEMED_DAY_ITEMS
        ],
        "held_as_label": dict(forms.HELD_AS_CHOICES).get(meeting.held_as, "") if meeting.held_as else "",
        "quorum": selectors.committee_quorum(meeting),
        "overdue_plan": meeting.state == MeetingState.PLANNED and meeting.held_on < timezone.localdate(),
        "org_in_scope_link": reverse("orgs:detail", args=[meeting.org_id]),
        "refusal": extra.pop("refusal", ""),
        "error": extra.pop("error", ""),
        "crumbs": _meeting_crumbs(meeting),
        **_tab_context(meeting, tab, extra),
    }
    if partial(request, "meeting-tabs") and status == 200:
        return render(request, "orglife/detail.html#tabs", context)
    return render(request, "orglife/detail.html", context, status=status)


@login_required
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_or_404(request.user, pk)
    return _detail_page(request, meeting, request.GET.get("tab", "info"))


def _meeting_for_writing(request, pk) -> Meeting:
    meeting = selectors.get_meeting_or_404(request.user, pk)
    _require_writer(request.user, meeting.org)
    return meeting


def _form_page(request, meeting, form, *, title: str, status: int, refusal: str = "", **extra):
    context = {
        "meeting": meeting,
        "org": meeting.org,
        "form": form,
        "title": title,
        "refusal": refusal,
        "cancel_url": _detail_url(meeting),
        "crumbs": _meeting_crumbs(meeting, (title, None)),
        **extra,
    }
    return render(request, "orglife/form.html", context, status=status)


def _state_refusal(meeting: Meeting, doing: str) -> str:
    if meeting.state == MeetingState.CANCELLED:
        return _("会议已取消，不能%(doing)s") % {"doing": doing}
    if meeting.state == MeetingState.HELD:
        return _("会议已于 %(day)s 召开，不能%(doing)s") % {
            "day": f"{meeting.held_on:%Y-%m-%d}",
            "doing": doing,
        }
    return ""


@login_required
def meeting_edit(request, pk):
    meeting = _meeting_for_writing(request, pk)
    title = _("修改会议记录")
    if meeting.state == MeetingState.CANCELLED:
        return _form_page(
            request, meeting, None, title=title, status=409, refusal=_state_refusal(meeting, _("修改"))
        )
    initial = {name: getattr(meeting, name) for name in services.EDITABLE_FIELDS}
    form = forms.MeetingForm(bound(request), kind=meeting.kind, initial=initial)

    def update(_data):
        return services.meeting_update(actor=request.user, meeting=meeting, **form.record())

    result, status, reason = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存会议记录"))
        return redirect(_detail_url(result))
    return _form_page(
        request,
        meeting,
        form,
        title=title,
        status=status,
        refusal=reason,
        submit=_("保存"),
        themed_day=meeting.kind == MeetingKind.THEMED_DAY,
    )


@login_required
def meeting_hold(request, pk):
    meeting = _meeting_for_writing(request, pk)
    title = _("登记召开")
    if meeting.state != MeetingState.PLANNED:
        return _form_page(
            request, meeting, None, title=title, status=409, refusal=_state_refusal(meeting, _("再登记召开"))
        )
    today = timezone.localdate()
    initial = {
        name: getattr(meeting, name)
        for name in ("place", "host", "recorder", "starts_at", "minutes", "resolutions")
    }
    initial["held_on"] = min(meeting.held_on, today)
    form = forms.HoldForm(bound(request), initial=initial)

    def hold(data):
        values = dict(data)
        return services.meeting_hold(
            actor=request.user, meeting=meeting, held_on=values.pop("held_on"), **values
        )

    result, status, reason = submit(request, form, hold)
    if result is not None:
        messages.success(request, _("已登记会议召开，请核对参会情况"))
        return redirect(_detail_url(result, "attendance"))
    return _form_page(
        request,
        meeting,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("计划的会议已经召开：填写实际召开日期和会议记录。参会情况在会议页面的“参会情况”中登记。"),
        submit=_("登记召开"),
    )


@login_required
def meeting_cancel(request, pk):
    meeting = _meeting_for_writing(request, pk)
    title = _("取消会议")
    if meeting.state != MeetingState.PLANNED:
        return _form_page(
            request, meeting, None, title=title, status=409, refusal=_state_refusal(meeting, _("取消"))
        )
    form = forms.CancelForm(bound(request))

    def cancel(data):
        return services.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"])

    result, status, reason = submit(request, form, cancel)
    if result is not None:
        messages.success(request, _("已取消会议"))
        return redirect(_detail_url(result))
    return _form_page(
        request,
        meeting,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("计划的会议不再召开时取消它，并写明原因。已召开的会议不能取消。"),
        submit=_("确认取消"),
        submit_class="btn-danger",
    )


# --- the tabs' forms -----------------------------------------------------------------------------------------


def _tab_refusal(request, meeting, tab: str, exc: Exception, **extra):
    if isinstance(exc, TransitionNotAllowed):
        return _detail_page(request, meeting, tab, status=409, refusal=exc.message, **extra)
    return _detail_page(request, meeting, tab, status=422, error=exc.message, **extra)


@login_required
@require_POST
def meeting_attendance(request, pk):
    """The one-screen attendance form: a radio per person (present / leave / absent / not recorded)."""
    meeting = _meeting_for_writing(request, pk)
    people = selectors.meeting_people(meeting)
    everyone_present = request.POST.get("all") == "present"
    entries = []
    for person in people:
        value = Attendance.PRESENT if everyone_present else request.POST.get(f"a_{person.member.pk}", "")
        note = request.POST.get(f"n_{person.member.pk}", "")[:100]
        person.attendance, person.note = value, note
        if value:
            entries.append({"member_id": person.member.pk, "attendance": value, "note": note})
    try:
        services.attendance_set(actor=request.user, meeting=meeting, entries=entries)
    except (ValidationFailed, TransitionNotAllowed) as exc:
        return _tab_refusal(request, meeting, "attendance", exc, people=people)
    counts = {a: sum(1 for e in entries if e["attendance"] == a) for a in Attendance.values}
    messages.success(
        request,
        _("已登记参会情况：出席 %(present)d 人，请假 %(leave)d 人，缺席 %(absent)d 人") % counts,
    )
    next_tab = (
        "votes"
        if meeting.kind in services.VOTING_KINDS and meeting.state == MeetingState.HELD
        else "attendance"
    )
    return redirect(_detail_url(meeting, next_tab))


@login_required
@require_POST
def meeting_vote(request, pk):
    meeting = _meeting_for_writing(request, pk)
    form = forms.VoteForm(request.POST, meeting_kind=meeting.kind)
    if not form.is_valid():
        return _detail_page(request, meeting, "votes", status=422, vote_form=form)
    try:
        vote = services.vote_record(actor=request.user, meeting=meeting, **form.values())
    except TransitionNotAllowed as exc:
        return _tab_refusal(request, meeting, "votes", exc, vote_form=form)
    except ValidationFailed as exc:
        form.add_service_errors(exc)
        return _detail_page(request, meeting, "votes", status=422, vote_form=form)
    messages.success(
        request,
        _("已登记表决“%(motion)s”：%(outcome)s")
        % {"motion": vote.motion, "outcome": documents.vote_outcome(vote)},
    )
    return redirect(_detail_url(meeting, "votes") + f"#vote-{vote.pk}")


@login_required
@require_POST
def meeting_grades(request, pk):
    meeting = _meeting_for_writing(request, pk)
    rows, grades = [], []
    graded = {g.member_id: g for g in selectors.meeting_grades(meeting)}
    for person in selectors.meeting_people(meeting):
        if person.role == selectors.TEAM and person.member.pk not in graded:
            continue
        grade = request.POST.get(f"g_{person.member.pk}", "")
        note = request.POST.get(f"n_{person.member.pk}", "")[:200]
        rows.append({"member": person.member, "grade": grade, "note": note})
        if grade:
            grades.append({"member_id": person.member.pk, "grade": grade, "note": note})
    try:
        services.grades_set(actor=request.user, meeting=meeting, grades=grades)
    except (ValidationFailed, TransitionNotAllowed) as exc:
        return _tab_refusal(request, meeting, "grades", exc, grade_rows=rows)
    messages.success(request, _("已登记评议等次，共 %(n)d 人") % {"n": len(grades)})
    return redirect(_detail_url(meeting, "grades"))


@login_required
@require_POST
def meeting_file_upload(request, pk):
    meeting = _meeting_for_writing(request, pk)
    form = forms.MeetingFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, meeting, "files", status=422, file_form=form)
    try:
        stored = services.meeting_file_add(
            actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
        )
    except ValidationFailed as exc:
        form.add_service_errors(exc)
        return _detail_page(request, meeting, "files", status=422, file_form=form)
    messages.success(request, _("已上传“%(name)s”") % {"name": stored.name})
    return redirect(_detail_url(meeting, "files"))


@login_required
def meeting_file(request, pk, file_pk):
    """Attachments are served here, scoped: never from a public media URL. Images open inline (thumbnails)."""
    meeting = selectors.get_meeting_or_404(request.user, pk)
    stored = selectors.get_file_or_404(meeting, file_pk)
    inline = request.GET.get("inline") == "1" and stored.content_type.startswith("image/")
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        return HttpResponse(
            _("文件已不在存储中，请联系管理员"), status=404, content_type="text/plain; charset=utf-8"
        )
    response = FileResponse(
        handle, as_attachment=not inline, filename=stored.name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def meeting_file_delete(request, pk, file_pk):
    meeting = _meeting_for_writing(request, pk)
    stored = selectors.get_file_or_404(meeting, file_pk)
    name = stored.name
    services.meeting_file_remove(actor=request.user, meeting_file=stored)
    messages.success(request, _("已删除“%(name)s”") % {"name": name})
    return redirect(_detail_url(meeting, "files"))


# --- documents -----------------------------------------------------------------------------------------------


@login_required
def meeting_record_docx(request, pk):
    meeting = selectors.get_meeting_or_404(request.user, pk)
    response = HttpResponse(
        documents.meeting_record_export(actor=request.user, meeting=meeting), content_type=DOCX
    )
    response["Content-Disposition"] = documents.content_disposition(meeting)
    return response


@login_required
def meeting_print(request, pk):
    meeting = selectors.get_meeting_or_404(request.user, pk)
    return render(
        request, "orglife/print.html", {"meeting": meeting, "record": documents.record_context(meeting)}
    )
