"""Roster export (花名册导出): the roster page's filters, in surname stroke order, printable; full ID numbers
and phones only for those who may see them (members.rules.may_reveal). Every export is audited (`export`)."""

from dataclasses import dataclass
from functools import partial

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, scoping
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Domain

from .. import importing, rules
from ..codes import EDUCATION, ETHNICITIES
from ..models import Category, Gender, Status
from ..selectors.records import RosterFilters, looks_like_id_number, members_within
from .importing import BATCH, require_roster_role


def _age_text(low: int | None, high: int | None) -> str | None:
    if low is not None and high is not None:
        return _("%(low)s至%(high)s岁") % {"low": low, "high": high}
    if low is not None:
        return _("%(low)s岁及以上") % {"low": low}
    if high is not None:
        return _("%(high)s岁及以下") % {"high": high}
    return None


@dataclass
class RosterExport:
    filename: str
    content: bytes
    count: int
    revealed: int  # members whose ID number and phone were written in full


def roster_export(*, actor, filters: RosterFilters, masked: bool = False) -> RosterExport:
    """The roster (花名册) as a printable .xlsx: the roster page's filters, in surname stroke order.

    ID number and phone are written in full only where members.rules.may_reveal allows it (the county
    admin; a branch secretary for their own branch) and `masked` is not asked for. Every export is audited
    (`export`: who, the organization, how many members, how many of them in full).
    """
    require_roster_role(actor)
    root = filters.within or actor.org
    if not scoping.in_scope(actor, root.path):
        raise Http404(_("组织不存在或不在您的管理范围内"))
    queryset = members_within(user=actor, filters=RosterFilters(**{**filters.__dict__, "within": root}))
    count = queryset.count()
    today = timezone.localdate()
    # Plain strings once, not lazy translations per cell: XlsxWriter writes str.
    labels = {
        name: {code: str(label) for code, label in table}
        for name, table in (
            ("gender", Gender.choices),
            ("ethnicity", ETHNICITIES),
            ("education", EDUCATION),
            ("category", Category.choices),
            ("status", Status.choices),
        )
    }
    revealed = 0

    def rows():
        nonlocal revealed
        fields = (
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "education",
            "category",
            "joined_on",
            "converted_on",
            "org_id",
            "org__name",
            "work_unit",
            "job_title",
            "phone",
            "status",
        )
        may = partial(rules.may_reveal, role=actor.role, user_org_id=actor.org_id)
        for (
            name,
            gender_,
            ethnicity,
            birth,
            number,
            education,
            category_,
            joined,
            converted,
            org_id,
            org_name,
            work_unit,
            job_title,
            phone,
            status_,
        ) in queryset.order_by("name_key", "id").values_list(*fields).iterator(chunk_size=BATCH):
            full = not masked and may(member_org_id=org_id)
            revealed += full
            yield (
                name,
                labels["gender"].get(gender_, ""),
                labels["ethnicity"].get(ethnicity, ""),
                birth.isoformat() if birth else "",
                number if full else crypto.mask_id_number(number),
                labels["education"].get(education, ""),
                labels["category"].get(category_, ""),
                joined.isoformat() if joined else "",
                converted.isoformat() if converted else "",
                org_name,
                " ".join(part for part in (work_unit, job_title) if part),
                (phone if full else crypto.mask_phone(phone)) or "",
                labels["status"].get(status_, ""),
            )

    described = [
        str(label)
        for label in (
            _("全部党籍状态") if filters.status == "all" else labels["status"].get(filters.status),
            labels["category"].get(filters.category),
            labels["gender"].get(filters.gender),
            labels["education"].get(filters.education),
            _("少数民族") if filters.ethnicity == "minority" else labels["ethnicity"].get(filters.ethnicity),
            _age_text(filters.age_min, filters.age_max),
            str(Domain(filters.domain).label) if filters.domain in Domain.values else None,
            _("姓名含“%(q)s”") % {"q": filters.q}
            if filters.q and not looks_like_id_number(filters.q)
            else None,
        )
        if label
    ]
    subtitle = _("截至 %(day)s，共 %(count)s 名党员%(filters)s") % {
        "day": f"{today.year}年{today.month}月{today.day}日",
        "count": count,
        "filters": f"（{'、'.join(described)}）" if described else "",
    }
    content = importing.build_roster(title=importing.roster_title(root.name), subtitle=subtitle, rows=rows())
    # Every export is a read of members' personal data: one entry, whoever exports, full numbers or not.
    summary = _("导出党员花名册 %(count)s 人") % {"count": count}
    if revealed:
        summary += _("（其中 %(revealed)s 人含完整公民身份号码和手机号码）") % {"revealed": revealed}
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="members.member",
        org=root,
        summary=summary,
        after={
            "within": root.pk,
            "status": filters.status,
            "category": filters.category,
            "q": "（公民身份号码）" if looks_like_id_number(filters.q) else filters.q,
            "count": count,
            "revealed": revealed,
        },
    )
    filename = f"{root.name}党员花名册-{today:%Y%m%d}.xlsx"
    return RosterExport(filename=filename, content=content, count=count, revealed=revealed)
