"""Writes of member records (党员档案): create, correct, reveal personal data, attach files.

Every function is keyword-only, atomic, checks who may do it and what the rules allow, then writes and
records an audit entry. What this module deliberately does not change:

- the member's organization — a transfer moves it (members.services.transfers, 组织关系转接);
- the member's status — a status change sets it (members.services.status, 党籍异动);
- the category 预备/正式 — probation conversion does (the member-development issue, 预备党员转正).

Decisions recorded here:
- A full member's conversion date may be left blank: records taken over from paper archives often lack it.
  The member page says it is missing. When it is given it must lie one to two years after joining (党章 第7条:
  one year of probation, extended at most once by six months to a year).
- Records of members who left the Party, died or were transferred out are kept unchanged (409).
- Personal data in the audit trail is masked: the trail shows that an ID number changed, never the number.
"""

import datetime as dt
import re
from collections.abc import Callable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, idnumber, scoping, uploads
from dangjian.core.crypto import lookup_hash, mask_id_number, mask_phone
from dangjian.core.errors import FieldErrors, TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.rules import add_months

from .. import rules, strokes
from ..codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS
from ..models import GONE_STATUSES, Category, Member, MemberFile

# The admission and probation rules live in members.rules; these names stay for existing callers.
ADMISSION_MIN_AGE = rules.ADMISSION_MIN_AGE
PROBATION_MONTHS = rules.PROBATION_MONTHS
PROBATION_LONGEST_MONTHS = rules.PROBATION_LONGEST_MONTHS
old_enough_to_join = rules.old_enough_to_join
conversion_date_fits = rules.conversion_date_fits
PHONE = re.compile(r"1[3-9]\d{9}")

# Fields recorded in the audit trail (personal data masked, see `_snapshot`).
AUDIT_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "degree",
    "occupation",
    "native_place",
    "work_unit",
    "job_title",
    "org_id",
    "party_group_id",
    "category",
    "joined_on",
    "converted_on",
    "status",
]
# What member_update may change. The rest of the record has its own procedure (see the module docstring).
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "id_number",
        "gender",
        "birth_date",
        "ethnicity",
        "education",
        "degree",
        "occupation",
        "native_place",
        "work_unit",
        "job_title",
        "phone",
        "address",
        "party_group",
        "joined_on",
        "converted_on",
    }
)
TEXT_LIMITS = {"name": 50, "native_place": 50, "work_unit": 100, "job_title": 50, "address": 200}


def _procedure_for(field: str) -> str | None:
    return {
        "org": _("所在党组织的变更请办理组织关系转接"),
        "org_id": _("所在党组织的变更请办理组织关系转接"),
        "status": _("党籍状态的变更请办理党籍异动登记"),
        "category": _("人员类别（预备党员转为正式党员）的变更请办理预备党员转正"),
    }.get(field)


# --- pure checks (the rules these fields must satisfy) ----------------------------------------------------


def mask_address(value: str | None) -> str:
    """安徽省宣城市旌德县旌阳镇… → 安徽省宣城市****: the region stays readable, the street does not."""
    if not value:
        return ""
    keep = min(6, len(value) // 2)
    return value[:keep] + "****"


# --- permission helpers -----------------------------------------------------------------------------------


def _require_manager(actor, org: Organization) -> None:
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))


def _snapshot(member: Member) -> dict:
    data = audit.snapshot(member, AUDIT_FIELDS)
    data["id_number"] = mask_id_number(member.id_number)
    data["phone"] = mask_phone(member.phone)
    data["address"] = mask_address(member.address)
    return data


# --- validation -------------------------------------------------------------------------------------------


def _clean_text(values: dict, errors: FieldErrors) -> None:
    labels = {
        "name": _("姓名"),
        "native_place": _("籍贯"),
        "work_unit": _("工作单位"),
        "job_title": _("职务"),
        "address": _("家庭住址"),
    }
    for field, limit in TEXT_LIMITS.items():
        if field not in values:
            continue
        value = (values[field] or "").strip()
        values[field] = value
        if len(value) > limit:
            errors.add(field, _("%(label)s最多 %(limit)s 个字") % {"label": labels[field], "limit": limit})
    if "name" in values and not values["name"]:
        errors.add("name", _("请填写姓名"))


def _clean_codes(values: dict, errors: FieldErrors) -> None:
    tables = {
        "ethnicity": (ETHNICITIES, False, _("民族")),
        "education": (EDUCATION, True, _("学历")),
        "degree": (DEGREES, True, _("学位")),
        "occupation": (OCCUPATIONS, True, _("职业")),
    }
    for field, (table, blank_ok, label) in tables.items():
        if field not in values:
            continue
        value = values[field] or ""
        values[field] = value
        if (value == "" and not blank_ok) or (value != "" and value not in dict(table)):
            errors.add(field, _("%(label)s取值无效，请从代码表中选择") % {"label": label})


def _clean_identity(values: dict, errors: FieldErrors, today: dt.date) -> None:
    """ID number → birth date and gender; a birth date or gender given as well must agree with it."""
    raw = values.get("id_number")
    if raw is None:
        return
    number = idnumber.normalize(raw or "")
    if not number:
        errors.add("id_number", _("请填写公民身份号码"))
        return
    try:
        birth, gender = idnumber.parse(number, today=today)
    except idnumber.InvalidIdNumber as exc:
        errors.add("id_number", str(exc))
        return
    values["id_number"] = number
    given_birth, given_gender = values.get("birth_date"), values.get("gender")
    if given_birth and given_birth != birth:
        errors.add(
            "birth_date",
            _("出生日期与公民身份号码不一致：号码中的出生日期为 %(birth)s") % {"birth": f"{birth:%Y-%m-%d}"},
        )
    if given_gender and given_gender != gender:
        errors.add(
            "gender",
            _("性别与公民身份号码不一致：号码第 17 位为%(parity)s，应为%(gender)s")
            % {
                "parity": _("奇数") if gender == "male" else _("偶数"),
                "gender": _("男") if gender == "male" else _("女"),
            },
        )
    values["birth_date"], values["gender"] = birth, gender


def _clean_phone(values: dict, errors: FieldErrors) -> None:
    if "phone" not in values:
        return
    phone = re.sub(r"[\s-]", "", values["phone"] or "")
    values["phone"] = phone
    if phone and not PHONE.fullmatch(phone):
        errors.add("phone", _("手机号码应为 11 位数字，以 1 开头"))


def _clean_dates(record: dict, changed: set[str], errors: FieldErrors, today: dt.date) -> None:
    """Join and conversion dates against today, the birth date and the category (`record` is the result)."""
    joined, converted = record.get("joined_on"), record.get("converted_on")
    if "joined_on" in changed:
        if joined is None:
            errors.add("joined_on", _("请填写入党日期"))
            return
        if joined > today:
            errors.add("joined_on", _("入党日期不能晚于今天"))
    if "converted_on" in changed and converted is not None and converted > today:
        errors.add("converted_on", _("转正日期不能晚于今天"))
    birth = record.get("birth_date")
    if joined and birth and {"joined_on", "birth_date"} & changed and not old_enough_to_join(birth, joined):
        errors.add(
            "joined_on",
            _("入党时应年满 18 周岁（细则 第5条）：出生于 %(birth)s，入党日期不能早于 %(adult)s")
            % {"birth": f"{birth:%Y-%m-%d}", "adult": f"{rules.coming_of_age(birth):%Y-%m-%d}"},
        )
    if not {"joined_on", "converted_on", "category"} & changed or errors.has("converted_on"):
        return
    if record.get("category") == Category.PROBATIONARY and converted is not None:
        errors.add("converted_on", _("预备党员尚未转正，转正日期应留空"))
    elif converted is not None and joined is not None and not conversion_date_fits(joined, converted):
        errors.add(
            "converted_on",
            _(
                "转正日期应在入党日期满一年后、两年内（党章 第7条：预备期一年，最多延长一年）：应在 %(start)s 至 %(end)s 之间"
            )
            % {
                "start": f"{add_months(joined, PROBATION_MONTHS):%Y-%m-%d}",
                "end": f"{add_months(joined, PROBATION_LONGEST_MONTHS):%Y-%m-%d}",
            },
        )


def _check_party_group(org: Organization, group: Organization | None, errors: FieldErrors) -> None:
    if group is None:
        return
    if group.kind != OrgKind.GROUP or group.parent_id != org.pk:
        errors.add("party_group", _("党小组应为“%(org)s”下设的党小组") % {"org": org.name})
    elif group.is_dissolved:
        errors.add("party_group", _("党小组“%(group)s”已撤销") % {"group": group.name})


def _check_branch(org: Organization, errors: FieldErrors) -> None:
    # 教管条例 第25条: every member belongs to a branch; 党小组 members are recorded on their branch.
    if org.kind != OrgKind.BRANCH:
        errors.add(
            "org",
            _("党员应编入党支部：“%(org)s”是%(kind)s，请选择党支部")
            % {"org": org.name, "kind": org.get_kind_display()},
        )
    elif org.is_dissolved:
        errors.add("org", _("“%(org)s”已撤销，不能再编入党员") % {"org": org.name})


def _check_duplicate(actor, number: str, exclude_pk: int | None, errors: FieldErrors) -> str:
    """The keyed hash of the number, after making sure no other member holds it.

    The message names the member only when the actor may see them; otherwise it says no more than that
    the number is registered elsewhere.
    """
    digest = lookup_hash(number)
    clash = Member.objects.filter(id_hash=digest).select_related("org")
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.first()
    if other is not None:
        if scoping.in_scope(actor, other.org_path):
            errors.add(
                "id_number",
                _("该公民身份号码已登记为“%(org)s”的党员%(name)s，不能重复登记")
                % {"org": other.org.name, "name": other.name},
            )
        else:
            errors.add(
                "id_number",
                _("该公民身份号码已在其他党组织登记，不能重复登记；如需转入，请办理组织关系转接"),
            )
    return digest


# --- services -----------------------------------------------------------------------------------------------


@transaction.atomic
def member_create(
    *,
    actor,
    org: Organization,
    name: str,
    id_number: str,
    category: str,
    joined_on: dt.date | None,
    converted_on: dt.date | None = None,
    ethnicity: str = "01",
    education: str = "",
    degree: str = "",
    occupation: str = "",
    native_place: str = "",
    work_unit: str = "",
    job_title: str = "",
    phone: str = "",
    address: str = "",
    party_group: Organization | None = None,
    gender: str | None = None,
    birth_date: dt.date | None = None,
) -> Member:
    """Register a member in a branch. Birth date and gender come from the ID number (and must agree)."""
    _require_manager(actor, org)
    today = timezone.localdate()
    values = {
        "name": name,
        "id_number": id_number,
        "category": category,
        "joined_on": joined_on,
        "converted_on": converted_on,
        "ethnicity": ethnicity,
        "education": education,
        "degree": degree,
        "occupation": occupation,
        "native_place": native_place,
        "work_unit": work_unit,
        "job_title": job_title,
        "phone": phone,
        "address": address,
        "gender": gender,
        "birth_date": birth_date,
    }
    errors = FieldErrors()
    _check_branch(org, errors)
    _check_party_group(org, party_group, errors)
    _clean_text(values, errors)
    _clean_codes(values, errors)
    _clean_identity(values, errors, today)
    _clean_phone(values, errors)
    if category not in Category.values:
        errors.add("category", _("人员类别应为正式党员或预备党员"))
    _clean_dates(values, set(values), errors, today)
    digest = "" if errors.has("id_number") else _check_duplicate(actor, values["id_number"], None, errors)
    errors.raise_if_any()
    member = Member(
        **values,
        id_hash=digest,
        org=org,
        org_path=org.path,
        party_group=party_group,
        name_key=strokes.name_key(values["name"]),
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # another request registered the same number a moment ago
        raise ValidationFailed.field("id_number", _("该公民身份号码已登记，不能重复登记")) from None
    audit.record(
        actor=actor,
        action="create",
        obj=member,
        org=org,
        summary=_("登记党员档案"),
        after=_snapshot(member),
    )
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **changes) -> Member:
    """Correct a member's record. Organization, status and category are not changed here (see the docstring)."""
    for field in changes:
        procedure = _procedure_for(field)
        if procedure:
            raise ValidationFailed.field(field, _("不能在档案中直接修改：%(how)s") % {"how": procedure})
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require_manager(actor, member.org)
    if member.status in GONE_STATUSES:
        raise TransitionNotAllowed(
            _("该党员已%(status)s，档案保留原样，不能再修改") % {"status": member.get_status_display()}
        )
    today = timezone.localdate()
    values = dict(changes)
    if "id_number" in values:
        values["id_number"] = values["id_number"] or ""
    elif "gender" in values or "birth_date" in values:
        # Birth date and gender follow the number: check them against the number on record.
        values["id_number"] = member.id_number
    errors = FieldErrors()
    _clean_text(values, errors)
    _clean_codes(values, errors)
    _clean_identity(values, errors, today)
    _clean_phone(values, errors)
    if values.get("id_number") == member.id_number:
        for name in ("id_number", "gender", "birth_date"):
            values.pop(name, None)
    # Only what really changes is checked against the rest of the record, written and audited.
    values = {name: value for name, value in values.items() if getattr(member, name) != value}
    if "party_group" in values:
        _check_party_group(member.org, values["party_group"], errors)
    record = {
        name: values.get(name, getattr(member, name))
        for name in ("joined_on", "converted_on", "category", "birth_date")
    }
    _clean_dates(record, set(values), errors, today)
    digest = None
    if "id_number" in values and not errors.has("id_number"):
        digest = _check_duplicate(actor, values["id_number"], member.pk, errors)
    errors.raise_if_any()
    if not values:
        return member
    before = _snapshot(member)
    for name, value in values.items():
        setattr(member, name, value)
    written = [*values, "updated_at"]
    if digest is not None:
        member.id_hash = digest
        written.append("id_hash")
    if "name" in values:
        member.name_key = strokes.name_key(member.name)
        written.append("name_key")
    try:
        with transaction.atomic():
            # Only the changed columns: an empty encrypted field reads back as None (core.crypto), and
            # writing that None back would break its NOT NULL column.
            member.save(update_fields=written)
    except IntegrityError:
        raise ValidationFailed.field("id_number", _("该公民身份号码已登记，不能重复登记")) from None
    after = _snapshot(member)
    audit.record(
        actor=actor,
        action="update",
        obj=member,
        org=member.org,
        summary=_("修改党员档案"),
        before=before,
        after=after,
    )
    return member


def member_reveal(*, actor, member: Member) -> dict[str, str]:
    """The member's full ID number, phone and address, for those who may see them; every view is audited."""
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, member.org_path):
        raise PermissionDenied(_("该党员不在您的管理范围内"))
    if not rules.may_reveal(role=actor.role, user_org_id=actor.org_id, member_org_id=member.org_id):
        raise PermissionDenied(_("只有组织部管理员和该党员所在党支部的书记可以查看完整的身份证号和手机号"))
    audit.record(
        actor=actor,
        action="reveal",
        obj=member,
        org=member.org,
        summary=_("查看完整的公民身份号码、手机号码和家庭住址"),
    )
    return {"id_number": member.id_number, "phone": member.phone or "", "address": member.address or ""}


def may_reveal(user, member: Member) -> bool:
    """Whether `user` would be allowed to reveal (for offering the button; member_reveal is the real check)."""
    return (
        getattr(user, "role", None) in scoping.TREE_ROLES
        and scoping.in_scope(user, member.org_path)
        and rules.may_reveal(role=user.role, user_org_id=user.org_id, member_org_id=member.org_id)
    )


# --- attached files -----------------------------------------------------------------------------------------

file_max_bytes = uploads.file_max_bytes


@transaction.atomic
def member_file_add(*, actor, member: Member, upload: UploadedFile, title: str = "") -> MemberFile:
    """Attach a scan or document to the record: PDF, JPG, PNG, Word (.docx) or Excel (.xlsx), size-limited."""
    _require_manager(actor, member.org)
    if member.status in GONE_STATUSES:
        raise TransitionNotAllowed(
            _("该党员已%(status)s，档案保留原样，不能再添加附件") % {"status": member.get_status_display()}
        )
    original = uploads.check_upload(upload)
    title = (title or "").strip() or PurePath(original).stem
    if len(title) > 100:
        raise ValidationFailed.field("title", _("标题最多 100 个字"))
    # Stored under a random name: the original name may carry personal details and is kept only as the title.
    record = MemberFile.objects.create(
        member=member, title=title, file=upload, size=upload.size, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=member,
        org=member.org,
        summary=_("上传附件“%(title)s”") % {"title": title},
        after={"file_id": record.pk, "title": title, "size": record.size},
    )
    return record


def member_file_download(*, actor, member_file: MemberFile) -> MemberFile:
    """Hand out an attached file (it may show personal data, so the download is audited like a reveal)."""
    member = member_file.member
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, member.org_path):
        raise PermissionDenied(_("该党员不在您的管理范围内"))
    audit.record(
        actor=actor,
        action="reveal",
        obj=member,
        org=member.org,
        summary=_("下载附件“%(title)s”") % {"title": member_file.title},
    )
    return member_file


# --- stroke-order keys --------------------------------------------------------------------------------------


def name_keys_fill(*, batch_size: int = 5_000, progress: Callable[[int], None] | None = None) -> int:
    """Give every member without a stroke-order key (姓氏笔画) its key; returns how many were filled.

    For bulk loaders (the seed, imports written before keys existed). Works in batches by id, each in its
    own transaction, so a million rows never sit in memory and an interrupted run resumes where it stopped.
    """
    table = connection.ops.quote_name(Member._meta.db_table)
    filled, last_id = 0, 0
    while True:
        rows = list(
            Member.objects.filter(name_key="", pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "name")[:batch_size]
        )
        if not rows:
            return filled
        updates = [(strokes.name_key(name), pk) for pk, name in rows]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET name_key = %s WHERE id = %s", updates)
        filled += len(rows)
        last_id = rows[-1][0]
        if progress is not None:
            progress(filled)
