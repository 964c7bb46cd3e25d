"""Member-record pages: the roster (花名册), one member (基本信息, 历程, 附件, 操作记录), the record forms,
revealing personal data and attached files.

Every view is the same short story as in orgs.views: scoped fetch (404 outside the user's scope) → form →
one service → redirect with a message; or the form again with the service's answer (422 bad input, 409 not
allowed now, with the reason). Members and reviewers have no business here (403): a member sees their own
record on the self-service pages.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from dangjian.core import scoping
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, partial, submit
from dangjian.orgs.models import Organization, OrgKind

from .codes import EDUCATION, ETHNICITIES, translated
from .forms_records import MemberCreateForm, MemberEditForm, MemberFileForm, RosterFilterForm
from .models import GONE_STATUSES, Category, Gender, Member, Status
from .selectors import records as selectors
from .services import records as services

# --- helpers -------------------------------------------------------------------------------------------------


def _roster_crumbs(*tail) -> list[tuple[str, str | None]]:
    return [(_("党员管理"), reverse("members:roster")), *tail]


def _member_crumbs(member: Member, *tail) -> list[tuple[str, str | None]]:
    return _roster_crumbs((member.name, reverse("members:detail", args=[member.pk])), *tail)


def _optional_url(name: str, *args) -> str | None:
    """A link into another module, if that module is installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- the roster --------------------------------------------------------------------------------------------

WITHIN_CHOICES_LIMIT = 200


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


@login_required
def roster(request):
    scoping.require_tree_role(request.user)
    raw_within = request.GET.get("within", "")
    # An organization outside the user's scope is 404, as everywhere.
    current = scoping.get_org_or_404(request.user, int(raw_within)) if raw_within.isdigit() else None
    form = RosterFilterForm(request.GET, within_choices=_within_choices(request.user, current))
    values = form.values()
    filters = RosterFilterForm.filters(values, current)
    today = timezone.localdate()
    page = selectors.roster(
        user=request.user, filters=filters, after=request.GET.get("after"), before=request.GET.get("before")
    )
    count, more = selectors.capped_count(selectors.members_within(user=request.user, filters=filters))
    query = [(key, value) for key, value in request.GET.items() if value and key not in ("after", "before")]
    # The export (members/views_import.py) takes the roster's own filter names: it exports what is shown.
    export_query = urlencode([(key, value) for key, value in query if key in RosterFilterForm.base_fields])
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [_roster_row(member, today) for member in page.rows],
        "count": count,
        "count_more": more,
        "query": urlencode(query),
        "export_url": (_optional_url("member_import:export") or "")
        + (f"?{export_query}" if export_query else ""),
        "import_url": _optional_url("member_import:index"),
        "create_url": reverse("members:create")
        + (f"?org={current.pk}" if current is not None and current.kind == OrgKind.BRANCH else ""),
        "crumbs": _roster_crumbs(),
    }
    if partial(request, "roster-results"):
        response = render(request, "members/records/roster.html#results", context)
        page_query = urlencode([(key, value) for key, value in request.GET.items() if value])
        return push_url(response, reverse("members:roster") + (f"?{page_query}" if page_query else ""))
    return render(request, "members/records/roster.html", context)


# Labels looked up once per page rather than through get_FOO_display for every cell of 50 rows; all lazy, so
# they show in the reader's language (the code tables' labels are marked with gettext_noop).
LABELS = {
    "gender": dict(Gender.choices),
    "ethnicity": dict(translated(ETHNICITIES)),
    "education": dict(translated(EDUCATION)),
    "category": dict(Category.choices),
    "status": dict(Status.choices),
}
# Never by colour alone: each status has an icon and its word too (also _status_badge.html).
STATUS_BADGES = {
    "active": ("badge-active", "check-circle"),
    "mobile": ("text-bg-info", "signpost-split"),
    "lost_contact": ("text-bg-warning", "question-circle"),
    "suspended": ("text-bg-danger", "pause-circle"),
}
GONE_BADGE = ("badge-dissolved", "slash-circle")


def _roster_row(member: Member, today) -> dict:
    css, icon = STATUS_BADGES.get(member.status, GONE_BADGE)
    return {
        "member": member,
        "age": selectors.age_today(member, today),
        "gender": LABELS["gender"].get(member.gender, ""),
        "ethnicity": LABELS["ethnicity"].get(member.ethnicity, ""),
        "education": LABELS["education"].get(member.education, ""),
        "category": LABELS["category"].get(member.category, ""),
        "status": LABELS["status"].get(member.status, ""),
        "badge_css": css,
        "badge_icon": icon,
        "id_number": mask_id_number(member.id_number),
        "phone": mask_phone(member.phone),
    }


# --- one member --------------------------------------------------------------------------------------------

TABS = (
    ("info", gettext_lazy("基本信息")),
    ("timeline", gettext_lazy("历程")),
    ("files", gettext_lazy("附件")),
    ("history", gettext_lazy("操作记录")),
)


def _actions(user, member: Member) -> dict:
    """What the page offers; the services remain the real check."""
    open_record = member.status not in GONE_STATUSES
    return {
        "edit": open_record,
        "upload": open_record,
        "reveal": services.may_reveal(user, member),
        "status": _optional_url("transfers:status:new", member.pk) if open_record else None,
        "mobile": _optional_url("transfers:mobile:new", member.pk) if open_record else None,
        "transfer": (_optional_url("transfers:letters:new") or "") + f"?member={member.pk}"
        if open_record
        else None,
    }


def _tab_context(request, member: Member, tab: str, file_form=None) -> dict:
    user = request.user
    if tab == "timeline":
        return {"events": selectors.member_timeline(user=user, member=member)}
    if tab == "files":
        return {
            "files": selectors.member_files(member),
            "file_form": file_form or MemberFileForm(),
            "max_mb": services.file_max_bytes() // (1024 * 1024),
        }
    if tab == "history":
        return {"history": selectors.member_history(user=user, member=member)}
    return {}


def _detail_context(request, member: Member, tab: str, **extra) -> dict:
    return {
        "member": member,
        "tab": tab,
        "tabs": TABS,
        "age": selectors.age_today(member),
        "masked": {
            "id_number": mask_id_number(member.id_number),
            "phone": mask_phone(member.phone),
            "address": services.mask_address(member.address),
        },
        "actions": _actions(request.user, member),
        "crumbs": _member_crumbs(member),
        **_tab_context(request, member, tab, extra.pop("file_form", None)),
        **extra,
    }


@login_required
def member_detail(request, pk):
    member = selectors.get_member_or_404(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in dict(TABS):
        tab = "info"
    context = _detail_context(request, member, tab)
    if partial(request, "member-tabs"):
        return render(request, "members/records/detail.html#tabs", context)
    return render(request, "members/records/detail.html", context)


@login_required
@require_POST
def member_reveal(request, pk):
    """The full ID number, phone and address: county admin and the member's own branch secretary (audited)."""
    member = selectors.get_member_or_404(request.user, pk)
    revealed = services.member_reveal(actor=request.user, member=member)
    context = {**_detail_context(request, member, "info"), "revealed": revealed}
    if partial(request):
        return render(request, "members/records/_tab_info.html#personal", context)
    return render(request, "members/records/detail.html", context)


# --- the record forms --------------------------------------------------------------------------------------

BRANCH_OPTIONS_LIMIT = 30


def _branch_options(user, q: str, selected: Organization | None) -> dict:
    branches = selectors.branches_within(user=user)
    if q:
        branches = branches.filter(name__icontains=q) | branches.filter(code__iexact=q)
    options = list(branches.select_related("parent").order_by("path")[: BRANCH_OPTIONS_LIMIT + 1])
    more = len(options) > BRANCH_OPTIONS_LIMIT
    options = options[:BRANCH_OPTIONS_LIMIT]
    if selected is not None and all(option.pk != selected.pk for option in options):
        options.insert(0, selected)
    return {"options": options, "more_options": more, "selected": selected, "q": q}


def _chosen_branch(user, value) -> Organization | None:
    """The branch named by `value` if it is an active branch in the user's scope."""
    if not str(value or "").isdigit():
        return None
    return selectors.branches_within(user=user).filter(pk=int(value)).select_related("parent").first()


def _form_page(request, form, *, title: str, status: int, refusal: str = "", **extra):
    context = {"form": form, "title": title, "refusal": refusal, **extra}
    return render(request, "members/records/form.html", context, status=status)


@login_required
def member_create(request):
    scoping.require_tree_role(request.user)
    title = _("新增党员")
    user = request.user
    fixed = None
    if user.role == "branch_secretary":
        fixed = _chosen_branch(user, user.org_id)
        if fixed is None:
            raise PermissionDenied(_("只有党支部可以新增党员，您的账号不属于党支部"))
    source = request.POST if request.method == "POST" else request.GET
    branch = fixed or _chosen_branch(user, source.get("org"))
    groups = selectors.groups_of(branch) if branch is not None else Organization.objects.none()
    if request.method == "GET" and partial(request, "branch-options"):
        context = _branch_options(user, request.GET.get("q", "").strip()[:50], branch)
        return render(request, "members/records/form.html#branch-options", context)
    if request.method == "GET" and partial(request, "group-field"):
        form = MemberCreateForm(groups=groups)
        return render(request, "members/records/form.html#group-field", {"form": form})
    form = MemberCreateForm(bound(request), groups=groups)
    org_error = ""
    if request.method == "POST" and branch is None:
        org_error = _("请选择党员所在的党支部")

    def create(data):
        if branch is None:
            raise ValidationFailed.field("org", org_error)
        return services.member_create(actor=user, org=branch, **data)

    member, status, reason = submit(request, form, create)
    if member is not None:
        messages.success(
            request,
            _("已登记%(name)s（%(org)s）的党员档案") % {"name": member.name, "org": member.org.name},
        )
        return redirect("members:detail", member.pk)
    if org_error:
        status = 422
    return _form_page(
        request,
        form,
        title=title,
        status=status,
        refusal=reason,
        mode="create",
        fixed_branch=fixed,
        org_error=org_error or _org_error(form),
        crumbs=_roster_crumbs((title, None)),
        cancel_url=reverse("members:roster"),
        submit=_("登记"),
        intro=_("登记一名党员的档案。出生日期和性别从公民身份号码读取；号码、手机号码和住址加密保存。"),
        **({} if fixed else _branch_options(user, "", branch)),
    )


def _org_error(form) -> str:
    errors = form.errors.get("org") if form.is_bound else None
    return " ".join(errors) if errors else ""


@login_required
def member_edit(request, pk):
    member = selectors.get_member_or_404(request.user, pk)
    title = _("编辑档案")
    crumbs = _member_crumbs(member, (title, None))
    if member.status in GONE_STATUSES:
        reason = _("该党员已%(status)s，档案保留原样，不能再修改") % {"status": member.get_status_display()}
        return _form_page(
            request,
            None,
            title=title,
            status=409,
            refusal=reason,
            crumbs=crumbs,
            member=member,
            mode="edit",
            cancel_url=reverse("members:detail", args=[member.pk]),
        )
    masked = {
        "id_number": mask_id_number(member.id_number),
        "phone": mask_phone(member.phone),
        "address": services.mask_address(member.address),
    }
    form = MemberEditForm(
        bound(request), member=member, masked=masked, groups=selectors.groups_of(member.org)
    )

    def update(_data):
        return services.member_update(actor=request.user, member=member, **form.changes())

    result, status, reason = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存%(name)s的档案") % {"name": result.name})
        return redirect("members:detail", result.pk)
    return _form_page(
        request,
        form,
        title=title,
        status=status,
        refusal=reason,
        mode="edit",
        member=member,
        crumbs=crumbs,
        cancel_url=reverse("members:detail", args=[member.pk]),
        submit=_("保存"),
        intro=_(
            "更正档案中的信息，每次修改都记入操作记录。所在党组织、党籍状态和人员类别不在这里修改："
            "请分别办理组织关系转接、党籍异动和预备党员转正。"
        ),
    )


# --- attached files ----------------------------------------------------------------------------------------


@login_required
@require_POST
def member_file_upload(request, pk):
    member = selectors.get_member_or_404(request.user, pk)
    form = MemberFileForm(request.POST, request.FILES)

    def upload(data):
        return services.member_file_add(
            actor=request.user, member=member, upload=data["file"], title=data["title"]
        )

    record, status, reason = submit(request, form, upload)
    if record is not None:
        messages.success(request, _("已上传附件“%(title)s”") % {"title": record.title})
        return redirect(reverse("members:detail", args=[member.pk]) + "?tab=files")
    context = _detail_context(request, member, "files", file_form=form, upload_refusal=reason)
    return render(request, "members/records/detail.html", context, status=status)


@login_required
def member_file_download(request, pk, file_pk):
    """Attached files are served here, scoped and audited: never from a public media URL."""
    member = selectors.get_member_or_404(request.user, pk)
    member_file = services.member_file_download(
        actor=request.user, member_file=selectors.get_file_or_404(member, file_pk)
    )
    try:
        handle = member_file.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("附件文件已丢失，请联系管理员")) from None
    suffix = member_file.file.name.rsplit(".", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=f"{member.name}-{member_file.title}.{suffix}")
