"""Roster import and export (花名册导入导出): every row checked, all rows written or none, audited in bulk.

An import runs in three steps. (1) Read and check each row on its own (members/importing.py). (2) Check the
rows against the database: the organization codes must be branches in the uploader's scope, a known ID
number updates its member only when that member is in scope, and so on. (3) Only when no row has an error,
write everything in one transaction: new members with plain INSERTs in batches, changed members with one
UPDATE statement run for many rows, and one audit entry per member written or changed plus one for the
import. Steps 1–2 run outside the transaction so the page can show progress and SQLite's single writer is
held only for the short write.

Small files are imported during the request; bigger ones become an ImportJob that the background worker
(`dangjian worker`, members/tasks.py) runs. The uploaded file is kept encrypted until it is processed.
The roster export is in services/exporting.py.
"""

import base64
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit, crypto, scoping
from dangjian.core.errors import ValidationFailed
from dangjian.core.middleware import current_ip
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organization, OrgKind

from .. import importing, rules, strokes
from ..models import Category, ImportJob, ImportJobState, Member, Status
from . import records

ERROR_LIST_LIMIT = 1000  # errors kept on the job and returned by the API; the error sheet has them all
PROGRESS_EVERY = 1000  # rows between two progress updates of a job
BATCH = 2000  # rows per executemany / per IN (…) lookup
# Fields an import may change on a member who is already registered. The organization, category and status
# change only through their own procedures (transfer, 转正, 党籍异动).
UPDATABLE = (
    "name",
    "ethnicity",
    "education",
    "joined_on",
    "converted_on",
    "phone",
    "native_place",
    "occupation",
    "degree",
    "work_unit",
    "job_title",
    "address",
    "party_group_id",
)
CREATE_FIELDS = (
    "name",
    "gender",
    "id_number",
    "id_hash",
    "birth_date",
    "ethnicity",
    "education",
    "org_id",
    "org_path",
    "party_group_id",
    "category",
    "joined_on",
    "converted_on",
    "status",
    "phone",
    "native_place",
    "degree",
    "occupation",
    "work_unit",
    "job_title",
    "address",
    "name_key",
    "updated_at",
)
AUDIT_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "org_id",
    "org_path",
    "summary",
    "before",
    "after",
    "ip",
)
# Names of the updatable fields in the audit summary of a change.
FIELD_LABELS = {
    "name": gettext_lazy("姓名"),
    "ethnicity": gettext_lazy("民族"),
    "education": gettext_lazy("学历"),
    "joined_on": gettext_lazy("入党日期"),
    "converted_on": gettext_lazy("转正日期"),
    "phone": gettext_lazy("手机号码"),
    "native_place": gettext_lazy("籍贯"),
    "occupation": gettext_lazy("职业"),
    "degree": gettext_lazy("学位"),
    "work_unit": gettext_lazy("工作单位"),
    "job_title": gettext_lazy("职务"),
    "address": gettext_lazy("家庭住址"),
    "party_group_id": gettext_lazy("党小组"),
}


def limits() -> dict[str, int]:
    """DANGJIAN_IMPORT of the settings: SYNC_ROWS (imported during the request), MAX_ROWS, MAX_BYTES."""
    configured = getattr(settings, "DANGJIAN_IMPORT", {})
    return {
        "SYNC_ROWS": configured.get("SYNC_ROWS", 2000),
        "MAX_ROWS": configured.get("MAX_ROWS", 200_000),
        "MAX_BYTES": configured.get("MAX_BYTES", 50 * 1024 * 1024),
    }


# --- permissions -----------------------------------------------------------------------------------------------


def require_roster_role(actor) -> None:
    """Import and export are for the organization department, the 党（工）委 and the branches."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if actor.role not in scoping.TREE_ROLES or actor.org_id is None:
        raise PermissionDenied(_("您的角色无权导入或导出党员花名册"))


# --- the result of an import -------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    rows: int = 0  # members in the file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {row, field, message}, the first ERROR_LIST_LIMIT
    error_sheet: bytes | None = None
    failure: str = ""  # the whole file was refused (not a workbook, no data …)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0 and not self.failure

    def detail(self) -> str:
        if self.failure:
            return self.failure
        return _("有 %(rows)s 行数据有误，未导入任何党员。请按错误说明修改后重新上传整个文件。") % {
            "rows": self.error_rows
        }

    def as_error(self):
        """The refusal as the API states it: 422 with {row, field, message} for each problem."""
        return ValidationFailed(self.detail(), self.errors)


@dataclass
class _Existing:
    pk: int
    org_id: int
    org_path: str
    org_name: str
    status: str
    category: str
    values: dict  # the UPDATABLE fields as stored


@dataclass
class _Plan:
    creates: list = field(default_factory=list)  # (Row, branch, group)
    updates: list = field(default_factory=list)  # (Row, _Existing, new values, changed field names)
    unchanged: int = 0


# --- import ---------------------------------------------------------------------------------------------------------


def roster_import(
    *,
    actor,
    data: bytes,
    filename: str = "",
    job: ImportJob | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Check every row of an uploaded roster; if all are right create or update the members, else nothing.

    Raises ValidationFailed for a file that cannot be read at all; row errors come back in the outcome,
    with the uploaded sheet annotated in `error_sheet`.
    """
    require_roster_role(actor)
    try:
        roster = importing.open_roster(data, max_rows=limits()["MAX_ROWS"])
    except importing.ImportFileError as exc:
        raise ValidationFailed.field("file", str(exc)) from None
    if progress is not None:
        progress(0, roster.data_rows)
    today = timezone.localdate()
    rows: list[importing.Row] = []
    errors: dict[int, importing.RowErrors] = {}
    first_seen: dict[str, int] = {}
    checked = 0
    for line, cells in roster.rows():
        if importing.is_blank(cells):
            continue
        row, problems = importing.check_row(line, cells, roster.columns, today)
        checked += 1
        if row is not None:
            earlier = first_seen.setdefault(row.id_hash, line)
            if earlier != line:
                problems = [("id_number", _("与第 %(line)s 行的公民身份号码重复") % {"line": earlier})]
            else:
                rows.append(row)
        if problems:
            errors[line] = problems
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, roster.data_rows)
    if checked == 0:
        raise ValidationFailed.field("file", _("文件中没有党员数据：表头下面是空的"))

    plan = _plan(actor, rows, errors)
    if progress is not None:
        progress(checked, checked)
    outcome = ImportOutcome(rows=checked)
    if errors:
        outcome.error_rows = len(errors)
        outcome.errors = [
            {"row": line, "field": key, "message": message}
            for line in sorted(errors)
            for key, message in errors[line]
        ][:ERROR_LIST_LIMIT]
        outcome.error_sheet = importing.build_error_sheet(roster, errors)
        return outcome
    outcome.created, outcome.updated = _write(actor=actor, plan=plan, job=job, filename=filename)
    outcome.unchanged = plan.unchanged
    return outcome


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(actor, rows: list[importing.Row], errors: dict[int, importing.RowErrors]) -> _Plan:
    """The database checks of every row; adds to `errors` and returns what to write."""
    codes = sorted({row.org_code for row in rows} | {row.group_code for row in rows if row.group_code})
    orgs: dict[str, Organization] = {}
    for chunk in _chunks(codes, 500):
        found = scoping.scoped(Organization.objects.filter(code__in=chunk), actor).only(
            "pk", "code", "name", "kind", "path", "parent_id", "dissolved_on"
        )
        orgs.update({org.code: org for org in found})

    # The lookup by ID number is deliberately not scoped: a number already registered outside the
    # user's scope must be refused (it is unique), with a message that names nothing of that organization.
    registered: dict[str, tuple[int, str]] = {}
    for chunk in _chunks([row.id_hash for row in rows], 500):
        registered.update(
            {
                h: (pk, path)
                for h, pk, path in Member.objects.filter(id_hash__in=chunk).values_list(
                    "id_hash", "pk", "org_path"
                )
            }
        )
    existing = _existing_in_scope(
        actor, [pk for pk, path in registered.values() if scoping.in_scope(actor, path)]
    )

    plan = _Plan()
    for row in rows:
        problems: importing.RowErrors = []
        branch = _branch_of(row.org_code, orgs, problems)
        group = _group_of(row.group_code, branch, orgs, problems) if row.group_code else None
        known = registered.get(row.id_hash)
        current = existing.get(known[0]) if known else None
        if known and current is None:
            problems.append(
                (
                    "id_number",
                    _(
                        "该公民身份号码已登记为您管理范围以外的党员，不能在此导入；如需转入，请由其所在党组织办理组织关系转接"
                    ),
                )
            )
        elif current is not None:
            problems += _update_conflicts(row, current, branch)
        if problems:
            errors.setdefault(row.line, []).extend(problems)
            continue
        if current is None:
            plan.creates.append((row, branch, group))
            continue
        values = _merged(row, current, group)
        changed = [name for name in UPDATABLE if values[name] != current.values[name]]
        if changed:
            plan.updates.append((row, current, values, changed))
        else:
            plan.unchanged += 1
    return plan


def _existing_in_scope(actor, pks: list[int]) -> dict[int, _Existing]:
    found: dict[int, _Existing] = {}
    for chunk in _chunks(pks, 500):
        queryset = scoping.scoped(Member.objects.filter(pk__in=chunk), actor, "org_path")
        for values in queryset.values(
            "pk", "org_id", "org_path", "org__name", "status", "category", *UPDATABLE
        ):
            existing = _Existing(
                pk=values.pop("pk"),
                org_id=values.pop("org_id"),
                org_path=values.pop("org_path"),
                org_name=values.pop("org__name"),
                status=values.pop("status"),
                category=values.pop("category"),
                values={
                    name: values[name] if values[name] is not None or name in _NULLABLE else ""
                    for name in UPDATABLE
                },
            )
            found[existing.pk] = existing
    return found


_NULLABLE = {"converted_on", "party_group_id"}


def _branch_of(
    code: str, orgs: dict[str, Organization], problems: importing.RowErrors
) -> Organization | None:
    org = orgs.get(code)
    if org is None:
        problems.append(
            ("org_code", _("党组织编码“%(code)s”不存在或不在您的管理范围内") % {"code": code[:30]})
        )
        return None
    if org.dissolved_on is not None:
        problems.append(("org_code", _("“%(name)s”已撤销，不能再登记党员") % {"name": org.name}))
        return None
    if org.kind == OrgKind.GROUP:
        problems.append(
            (
                "org_code",
                _("“%(name)s”是党小组：请填写其所属党支部的编码，党小组编码填在“党小组编码”列")
                % {"name": org.name},
            )
        )
        return None
    if org.kind != OrgKind.BRANCH:
        problems.append(
            (
                "org_code",
                _("“%(name)s”是%(kind)s；党员应编入党支部，请填写党支部的编码")
                % {"name": org.name, "kind": org.get_kind_display()},
            )
        )
        return None
    return org


def _group_of(
    code: str, branch: Organization | None, orgs: dict[str, Organization], problems: importing.RowErrors
) -> Organization | None:
    group = orgs.get(code)
    if group is None or group.kind != OrgKind.GROUP:
        problems.append(
            ("group_code", _("党小组编码“%(code)s”不存在或不在您的管理范围内") % {"code": code[:30]})
        )
        return None
    if group.dissolved_on is not None:
        problems.append(("group_code", _("“%(name)s”已撤销") % {"name": group.name}))
        return None
    if branch is not None and group.parent_id != branch.pk:
        problems.append(
            ("group_code", _("“%(group)s”不属于“%(branch)s”") % {"group": group.name, "branch": branch.name})
        )
        return None
    return group


def _update_conflicts(
    row: importing.Row, current: _Existing, branch: Organization | None
) -> importing.RowErrors:
    if current.status in rules.GONE:
        return [
            (
                "id_number",
                _("该党员的党籍状态为“%(status)s”，不能通过导入修改")
                % {"status": Status(current.status).label},
            )
        ]
    problems = []
    if branch is not None and branch.pk != current.org_id:
        problems.append(
            (
                "org_code",
                _("该党员现属“%(org)s”，不能通过导入变更所在党组织，请办理组织关系转接")
                % {"org": current.org_name},
            )
        )
    if row.category != current.category:
        problems.append(
            (
                "category",
                _("该党员现为%(category)s；人员类别的变更应按预备党员转正或取消预备党员资格的程序办理")
                % {"category": Category(current.category).label},
            )
        )
    return problems


def _merged(row: importing.Row, current: _Existing, group: Organization | None) -> dict:
    """The member's updatable fields after the import: optional cells left empty keep the stored value."""
    values = dict(current.values)
    for name in UPDATABLE:
        if name == "party_group_id":
            if row.group_code:
                values[name] = group.pk
        elif name == "converted_on":
            if row.converted_on is not None:
                values[name] = row.converted_on
        else:
            new = getattr(row, name)
            if new is not None:
                values[name] = new
    return values


# --- writing --------------------------------------------------------------------------------------------------------


def _preparers(model: type[models.Model], fields: Iterable[str], db) -> list:
    """Per column, how a Python value becomes what the ORM would store (None: as it is).

    The conversions are looked up once here rather than through Field.get_db_prep_save per value, which
    goes through the connection proxy each time and costs more than the INSERT itself at this volume.
    """
    prepared = []
    for name in fields:
        model_field = model._meta.get_field(name)
        if isinstance(model_field, crypto.EncryptedCharField):
            prepared.append(_encrypt)
        elif isinstance(model_field, models.DateTimeField):
            prepared.append(lru_cache(maxsize=4)(db.ops.adapt_datetimefield_value))  # one `now` per import
        elif isinstance(model_field, models.DateField):
            prepared.append(db.ops.adapt_datefield_value)
        elif isinstance(model_field, models.JSONField):
            prepared.append(partial(model_field.get_db_prep_save, connection=db))
        else:
            prepared.append(None)
    return prepared


def _encrypt(value: str | None) -> str:
    return crypto.encrypt(value) if value else ""


def _executemany(sql: str, preparers: list, rows: Iterable[tuple]) -> None:
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(
                [value if prep is None else prep(value) for prep, value in zip(preparers, row, strict=True)]
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _insert(model: type[models.Model], fields: tuple[str, ...], rows: Iterable[tuple]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    _executemany(sql, _preparers(model, fields, connections[DEFAULT_DB_ALIAS]), rows)


def _masked(values: dict) -> dict:
    """A member's values as the audit trail keeps them: personal data masked (it is never logged in full)."""
    shown = dict(values)
    if "id_number" in shown:
        shown["id_number"] = crypto.mask_id_number(shown["id_number"])
    if "phone" in shown:
        shown["phone"] = crypto.mask_phone(shown["phone"])
    if "address" in shown:
        shown["address"] = records.mask_address(shown["address"])
    return {key: audit._plain(value) for key, value in shown.items()}


@transaction.atomic
def _write(*, actor, plan: _Plan, job: ImportJob | None, filename: str) -> tuple[int, int]:
    now = timezone.now()
    ip = current_ip.get()
    actor_name = actor.get_full_name() or actor.username

    def entry(action: str, pk: int, name: str, org_id: int, org_path: str, summary, before, after) -> tuple:
        # One audit row per member, in AUDIT_FIELDS order; generated as they are inserted, never all kept.
        return (
            now,
            actor.pk,
            actor_name,
            action,
            "members.member",
            str(pk),
            name[:200],
            org_id,
            org_path,
            summary,
            before,
            after,
            ip,
        )

    # Members to update: locked, and still where the checks found them (a transfer may have happened since).
    if plan.updates:
        pks = [current.pk for _row, current, _values, _changed in plan.updates]
        seen = {}
        for chunk in _chunks(pks, 500):
            seen.update(
                {
                    pk: (org_id, status, category)
                    for pk, org_id, status, category in Member.objects.select_for_update()
                    .filter(pk__in=chunk)
                    .values_list("pk", "org_id", "status", "category")
                }
            )
        for _row, current, _values, _changed in plan.updates:
            if seen.get(current.pk) != (current.org_id, current.status, current.category):
                raise ValidationFailed.field(
                    "file", _("导入期间有党员的信息被其他人修改，未导入任何数据，请重新上传")
                )
        quote = connection.ops.quote_name
        columns = [*UPDATABLE, "name_key", "updated_at"]
        assignments = ", ".join(f"{quote(Member._meta.get_field(name).column)} = %s" for name in columns)
        sql = f"UPDATE {quote(Member._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
        preparers = [*_preparers(Member, columns, connections[DEFAULT_DB_ALIAS]), None]
        _executemany(
            sql,
            preparers,
            (
                (*(values[name] for name in UPDATABLE), strokes.name_key(values["name"]), now, current.pk)
                for _row, current, values, _changed in plan.updates
            ),
        )
        _insert(
            AuditEntry,
            AUDIT_FIELDS,
            (
                entry(
                    "update",
                    current.pk,
                    values["name"],
                    current.org_id,
                    current.org_path,
                    _("花名册导入：修改%(fields)s")
                    % {"fields": "、".join(str(FIELD_LABELS[name]) for name in changed)},
                    _masked({name: current.values[name] for name in changed}),
                    _masked({name: values[name] for name in changed}),
                )
                for _row, current, values, changed in plan.updates
            ),
        )

    if plan.creates:
        try:
            _insert(
                Member,
                CREATE_FIELDS,
                (_create_values(row, branch, group, now) for row, branch, group in plan.creates),
            )
        except IntegrityError:
            raise ValidationFailed.field(
                "file", _("导入期间其他人登记了文件中的党员，未导入任何数据，请重新上传")
            ) from None
        summary = _("花名册导入：新增党员")
        for chunk in _chunks(plan.creates, BATCH):
            ids = dict(
                Member.objects.filter(id_hash__in=[row.id_hash for row, _b, _g in chunk]).values_list(
                    "id_hash", "pk"
                )
            )
            _insert(
                AuditEntry,
                AUDIT_FIELDS,
                (
                    entry(
                        "create",
                        ids[row.id_hash],
                        row.name,
                        branch.pk,
                        branch.path,
                        summary,
                        None,
                        _masked(_create_snapshot(row, branch, group)),
                    )
                    for row, branch, group in chunk
                ),
            )

    created, updated = len(plan.creates), len(plan.updates)
    audit.record(
        actor=actor,
        action="import",
        obj=job,
        object_type="members.importjob",
        org=actor.org,
        summary=_("导入花名册“%(file)s”：新增 %(created)s 名、修改 %(updated)s 名党员")
        % {"file": filename[:100], "created": created, "updated": updated},
        after={"filename": filename, "created": created, "updated": updated, "unchanged": plan.unchanged},
    )
    return created, updated


def _create_values(row: importing.Row, branch: Organization, group: Organization | None, now) -> tuple:
    return (
        row.name,
        row.gender,
        row.id_number,
        row.id_hash,
        row.birth_date,
        row.ethnicity,
        row.education or "",
        branch.pk,
        branch.path,
        group.pk if group else None,
        row.category,
        row.joined_on,
        row.converted_on,
        Status.ACTIVE,
        row.phone or "",
        row.native_place or "",
        row.degree or "",
        row.occupation or "",
        row.work_unit or "",
        row.job_title or "",
        row.address or "",
        strokes.name_key(row.name),
        now,
    )


def _create_snapshot(row: importing.Row, branch: Organization, group: Organization | None) -> dict:
    return {
        "name": row.name,
        "gender": row.gender,
        "id_number": row.id_number,
        "birth_date": row.birth_date,
        "ethnicity": row.ethnicity,
        "education": row.education or "",
        "org_id": branch.pk,
        "party_group_id": group.pk if group else None,
        "category": row.category,
        "joined_on": row.joined_on,
        "converted_on": row.converted_on,
        "status": Status.ACTIVE,
        "phone": row.phone or "",
        "native_place": row.native_place or "",
        "occupation": row.occupation or "",
        "degree": row.degree or "",
        "work_unit": row.work_unit or "",
        "job_title": row.job_title or "",
    }


# --- import jobs: the page's uploads, run now or by the background worker ----------------------------------------


def _seal(data: bytes) -> bytes:
    """Uploads hold ID numbers in clear: they are kept on disk only encrypted, like the database fields."""
    return crypto.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def _unseal(sealed: bytes) -> bytes:
    return base64.b64decode(crypto.decrypt(sealed.decode("ascii")))


def read_upload(upload) -> tuple[str, bytes]:
    """(file name, content) of an uploaded file, refusing what is plainly not a roster before reading it."""
    if upload is None:
        raise ValidationFailed.field("file", _("请选择要上传的 .xlsx 文件"))
    name = PurePath(upload.name or "").name[:200] or "roster.xlsx"
    max_bytes = limits()["MAX_BYTES"]
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationFailed.field(
            "file",
            _("文件过大（%(size)s MB），单个文件不能超过 %(max)s MB")
            % {"size": f"{upload.size / 1048576:.1f}", "max": max_bytes // 1048576},
        )
    if name.lower().endswith((".xls", ".csv", ".et", ".wps", ".ods", ".numbers")):
        raise ValidationFailed.field(
            "file",
            _("请上传 .xlsx 格式的文件：在 Excel 或 WPS 中把“%(name)s”另存为 .xlsx 后再上传")
            % {"name": name},
        )
    return name, upload.read()


def import_job_submit(*, actor, filename: str, data: bytes, background: bool | None = None) -> ImportJob:
    """Record an upload as an ImportJob and run it: now when it is small (or `background` is False),
    else by the background worker. A file that cannot be read at all is refused here, before any job."""
    from ..tasks import run_import_job

    require_roster_role(actor)
    try:
        roster = importing.open_roster(data, max_rows=limits()["MAX_ROWS"])
    except importing.ImportFileError as exc:
        raise ValidationFailed.field("file", str(exc)) from None
    if background is None:
        background = roster.data_rows > limits()["SYNC_ROWS"]
    del roster
    job = ImportJob(
        org=actor.org,
        uploaded_by=actor,
        filename=filename,
        state=ImportJobState.QUEUED,
        total_rows=0,
    )
    if not background:
        job.save()
        return import_job_run(job_id=job.pk, data=data)
    with transaction.atomic():
        job.file.save(f"{uuid.uuid4().hex}.sealed", ContentFile(_seal(data)), save=False)
        job.save()
        # The database backend stores the task in this same transaction: job and task commit together.
        run_import_job.enqueue(job.pk)
    return job


def import_job_run(*, job_id: int, data: bytes | None = None) -> ImportJob:
    """Run one queued job (the worker's task, or the request for a small file). Running it twice is harmless."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJobState.QUEUED).update(
        state=ImportJobState.RUNNING
    )
    job = ImportJob.objects.select_related("uploaded_by", "org").get(pk=job_id)
    if not claimed:
        return job
    actor = job.uploaded_by

    def progress(processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=processed, total_rows=total)

    try:
        if data is None:
            with job.file.open("rb") as sealed:
                data = _unseal(sealed.read())
        try:
            outcome = roster_import(actor=actor, data=data, filename=job.filename, job=job, progress=progress)
        except (ValidationFailed, PermissionDenied) as exc:
            message = exc.message if isinstance(exc, ValidationFailed) else str(exc)
            _finish(job, state=ImportJobState.FAILED, outcome=_refused(message))
            return job
    except Exception:
        message = _("导入时发生内部错误，未导入任何数据，请联系管理员")
        _finish(job, state=ImportJobState.FAILED, outcome=_refused(message))
        raise
    _finish(job, state=ImportJobState.SUCCEEDED if outcome.ok else ImportJobState.FAILED, outcome=outcome)
    return job


def _refused(message: str) -> ImportOutcome:
    return ImportOutcome(failure=message, errors=[{"row": None, "field": "file", "message": message}])


def _finish(job: ImportJob, *, state: str, outcome: ImportOutcome) -> None:
    job.state = state
    job.total_rows = outcome.rows
    job.processed_rows = outcome.rows
    job.created_count = outcome.created
    job.updated_count = outcome.updated
    job.errors = outcome.errors
    job.finished_at = timezone.now()
    if job.file:
        job.file.delete(save=False)
    if outcome.error_sheet is not None:
        job.error_file.save(f"{uuid.uuid4().hex}.sealed", ContentFile(_seal(outcome.error_sheet)), save=False)
    job.save()
    job.outcome = outcome  # for the caller in the same request (the API answers with it)


def import_job_error_sheet(*, actor, job: ImportJob) -> tuple[str, bytes]:
    """(download name, content) of a failed job's annotated sheet. It repeats the uploaded rows with full ID
    numbers, so the download is audited as an export."""
    if not job.error_file:
        raise Http404(_("该导入没有错误说明表"))
    with job.error_file.open("rb") as sealed:
        content = _unseal(sealed.read())
    audit.record(
        actor=actor,
        action="export",
        obj=job,
        object_type="members.importjob",
        org=job.org,
        summary=_("下载花名册导入错误说明表“%(file)s”") % {"file": job.filename[:100]},
    )
    stem = PurePath(job.filename).stem or "roster"
    return f"{stem}-错误说明.xlsx", content


def import_template(*, actor) -> bytes:
    """The import template, with the branches and 党小组 the actor may import into listed and offered."""
    require_roster_role(actor)
    orgs = (
        scoping.scoped(Organization.objects.active(), actor)
        .filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP))
        .select_related("parent")
        .order_by("path")
    )
    branches, groups = [], []
    for org in orgs:
        choice = importing.OrgChoice(org.code, org.name, org.parent.name if org.parent else "")
        (branches if org.kind == OrgKind.BRANCH else groups).append(choice)
    return importing.build_template(branches=branches, groups=groups, max_rows=limits()["MAX_ROWS"])
