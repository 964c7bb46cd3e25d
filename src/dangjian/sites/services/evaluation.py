"""The three-way evaluation (方案二 四(六)): 基层自评 with evidence, 群众测评 by one-time codes, 组织考评 by
assigned reviewers using 查阅资料 / 现场验收 / 座谈走访 (方案一 三(三))."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit, crypto, scoping, uploads
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed

from .. import rules, survey
from ..models import (
    Application,
    ApplicationState,
    Criterion,
    Evidence,
    Method,
    ReviewerAssignment,
    ReviewMethod,
    ReviewPhoto,
    ReviewScore,
    SelfScore,
    SurveyCode,
    SurveyResponse,
)
from .common import REVIEWER_ROLES, is_above, require_above, require_applicant, require_decider, today

# The mass survey and the reviewers work between submission and the evaluation result.
SURVEY_STATES = (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED)
REVIEW_STATES = (ApplicationState.RECOMMENDED,)
MAX_CODES_PER_BATCH = 500
MAX_CODES_PER_APPLICATION = 2000


def _criteria_by_code(application: Application) -> dict[str, Criterion]:
    return {c.code: c for c in application.catalogue.criteria.all()}


def _checked_items(application: Application, items: list[dict], *, manual_only: bool = True):
    """(criterion, score, note, item) per item, or ValidationFailed naming the item's field."""
    criteria = _criteria_by_code(application)
    checked = []
    if not items:
        raise ValidationFailed.field("items", _("请至少填写一项评分"))
    for index, item in enumerate(items):
        code = str(item.get("code") or "").strip()
        criterion = criteria.get(code)
        if criterion is None:
            raise ValidationFailed.field(
                f"items.{index}.code", _("创建标准中没有编码为“%(code)s”的条目") % {"code": code}
            )
        if manual_only and criterion.method != Method.MANUAL:
            raise ValidationFailed.field(
                f"items.{index}.code",
                _("“%(code)s”为自动指标，由系统根据数据计算，不需评分") % {"code": code},
            )
        score = item.get("score")
        if score is None:
            raise ValidationFailed.field(f"items.{index}.score", _("请填写得分"))
        score = Decimal(str(score))
        problem = rules.score_problem(score, criterion.max_score)
        if problem:
            raise ValidationFailed.field(f"items.{index}.score", problem)
        if score.as_tuple().exponent < -1:
            raise ValidationFailed.field(f"items.{index}.score", _("得分最多保留一位小数"))
        note = str(item.get("note") or "").strip()
        if len(note) > 2000:
            raise ValidationFailed.field(f"items.{index}.note", _("说明最多 2000 个字"))
        checked.append((criterion, score, note, item))
    return checked


# --- 基层自评 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def self_scores_record(*, actor, application: Application, items: list[dict]) -> list[SelfScore]:
    """Record the applicant's own scores on manual criteria (while the application is a draft)."""
    require_applicant(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != ApplicationState.DRAFT:
        raise TransitionNotAllowed(_("申报已提交，不能再修改自评分"))
    saved = []
    before = {}
    for criterion, score, note, _item in _checked_items(application, items):
        existing = SelfScore.objects.filter(application=application, criterion=criterion).first()
        if existing:
            before[criterion.code] = str(existing.score)
        record, _created = SelfScore.objects.update_or_create(
            application=application, criterion=criterion, defaults={"score": score, "note": note}
        )
        saved.append(record)
    audit.record(
        actor=actor,
        action="update",
        obj=application,
        org=application.org,
        summary=_("基层自评 %(n)d 项") % {"n": len(saved)},
        before=before or None,
        after={s.criterion.code: str(s.score) for s in saved},
    )
    return saved


@transaction.atomic
def evidence_add(
    *, actor, application: Application, upload: UploadedFile, criterion_code: str = ""
) -> Evidence:
    """Attach a file of evidence (佐证材料) to the application or one of its criteria, while a draft."""
    require_applicant(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != ApplicationState.DRAFT:
        raise TransitionNotAllowed(_("申报已提交，不能再上传佐证材料"))
    criterion = None
    if criterion_code:
        criterion = _criteria_by_code(application).get(criterion_code.strip())
        if criterion is None:
            raise ValidationFailed.field("criterion", _("创建标准中没有该条目"))
    original = uploads.check_upload(upload)
    record = Evidence.objects.create(
        application=application,
        criterion=criterion,
        file=upload,
        name=original[:200],
        size=upload.size,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=application,
        org=application.org,
        summary=_("上传佐证材料“%(name)s”") % {"name": original[:100]},
        after={
            "evidence_id": record.pk,
            "criterion": criterion.code if criterion else "",
            "size": record.size,
        },
    )
    return record


# --- 群众测评 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def survey_codes_generate(*, actor, application: Application, count: int) -> list[str]:
    """One-time codes for the mass survey, made by the committee above (never by the applicant itself).
    Only their keyed hashes are stored: the returned codes are shown once, to be printed and handed out."""
    require_above(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in SURVEY_STATES:
        raise TransitionNotAllowed(_("只有已申报、正在考评的申报可以生成测评码"))
    if count < 1 or count > MAX_CODES_PER_BATCH:
        raise ValidationFailed.field(
            "count", _("每次可生成 1 到 %(max)d 个测评码") % {"max": MAX_CODES_PER_BATCH}
        )
    existing = application.survey_codes.count()
    if existing + count > MAX_CODES_PER_APPLICATION:
        raise ValidationFailed.field(
            "count",
            _("每个申报最多 %(max)d 个测评码，已有 %(n)d 个")
            % {"max": MAX_CODES_PER_APPLICATION, "n": existing},
        )
    day = today()
    codes: list[str] = []
    digests: set[str] = set()
    while len(codes) < count:
        code = survey.new_code()
        digest = crypto.lookup_hash(code)
        if digest in digests or SurveyCode.objects.filter(digest=digest).exists():
            continue
        digests.add(digest)
        codes.append(code)
    SurveyCode.objects.bulk_create(
        [SurveyCode(application=application, digest=crypto.lookup_hash(c), created_on=day) for c in codes]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=application,
        org=application.org,
        summary=_("生成群众测评码 %(n)d 个") % {"n": count},
        after={"survey_codes": count},
    )
    return [survey.shown(code) for code in codes]


def survey_lookup(code: str) -> Application:
    """The application a survey code belongs to, if the code is valid and unused (404 / 409 otherwise)."""
    found = (
        SurveyCode.objects.select_related("application__org", "application__campaign")
        .filter(digest=crypto.lookup_hash(survey.normalised(code)))
        .first()
        if survey.looks_like_code(code)
        else None
    )
    if found is None:
        raise Http404(_("测评码无效，请核对后重新输入"))
    if found.used:
        raise TransitionNotAllowed(_("该测评码已经使用过，每个测评码只能使用一次"))
    if found.application.state not in SURVEY_STATES:
        raise TransitionNotAllowed(_("该项目的群众测评已经结束"))
    return found.application


@transaction.atomic
def survey_answer(*, code: str, answers: dict) -> SurveyResponse:
    """Record one anonymous answer sheet. The code is spent by a conditional update, so it works once even
    when two people send it at the same moment. The sheet keeps no link to the code, no account, no address
    and no time of day — only the application, the answers and the date. No audit entry either (it would
    keep the sender's address)."""
    application = survey_lookup(code)
    cleaned, satisfied = survey.clean(answers)
    # Answers and the evaluation queue on the application's row: none arrives after the result is fixed.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in SURVEY_STATES:
        raise TransitionNotAllowed(_("该项目的群众测评已经结束"))
    day = today()
    # Only columns of the code's own row in the condition: PostgreSQL re-checks them after waiting for a
    # concurrent update of the row (a join would make the UPDATE use a sub-select evaluated beforehand).
    spent = SurveyCode.objects.filter(digest=crypto.lookup_hash(survey.normalised(code)), used=False).update(
        used=True, used_on=day
    )
    if spent != 1:
        raise TransitionNotAllowed(_("该测评码已经使用过，每个测评码只能使用一次"))
    return SurveyResponse.objects.create(
        application=application, answers=cleaned, satisfied=satisfied, answered_on=day
    )


# --- 组织考评 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def reviewer_assign(*, actor, application: Application, reviewer: User) -> ReviewerAssignment:
    """Assign a reviewer (评审组成员, or a committee officer / admin above the applicant) to an application."""
    require_decider(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED):
        raise TransitionNotAllowed(_("只有已申报、尚未确定考评结果的申报可以安排评审"))
    if not reviewer.is_active or reviewer.role not in REVIEWER_ROLES:
        raise ValidationFailed.field(
            "reviewer_id", _("只能安排评审组成员、党（工）委工作人员或组织部管理员评审")
        )
    if reviewer.role != "reviewer" and not is_above(reviewer, application.org_path):
        raise ValidationFailed.field("reviewer_id", _("该工作人员不是申报组织的上级，不能参与评审"))
    assignment, created = ReviewerAssignment.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": actor, "assigned_on": today()}
    )
    if not created:
        raise ValidationFailed.field("reviewer_id", _("该评审人员已经安排过了"))
    audit.record(
        actor=actor,
        action="create",
        obj=application,
        org=application.org,
        summary=_("安排评审：%(name)s") % {"name": reviewer.get_full_name()},
        after={"reviewer_id": reviewer.pk},
    )
    return assignment


@transaction.atomic
def reviewer_unassign(*, actor, assignment: ReviewerAssignment) -> None:
    application = assignment.application
    require_decider(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED):
        raise TransitionNotAllowed(_("考评结果已确定，不能再调整评审人员"))
    name = assignment.reviewer.get_full_name()
    reviewer_id = assignment.reviewer_id
    assignment.delete()
    audit.record(
        actor=actor,
        action="delete",
        obj=application,
        org=application.org,
        summary=_("取消评审安排：%(name)s") % {"name": name},
        before={"reviewer_id": reviewer_id},
    )


def _own_assignment(actor, application: Application) -> ReviewerAssignment:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    assignment = ReviewerAssignment.objects.filter(application=application, reviewer=actor).first()
    if assignment is None:
        raise PermissionDenied(_("您没有被安排评审该申报"))
    if actor.role != "reviewer":
        scoping.require_tree_role(actor)
    return assignment


@transaction.atomic
def review_scores_record(*, actor, application: Application, items: list[dict]) -> list[ReviewScore]:
    """An assigned reviewer's scores: per manual criterion and method (查阅资料 / 现场验收 / 座谈走访)."""
    assignment = _own_assignment(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in REVIEW_STATES:
        raise TransitionNotAllowed(_("只有已推荐、尚未确定考评结果的申报可以评分"))
    day = today()
    saved = []
    for index, (criterion, score, note, item) in enumerate(_checked_items(application, items)):
        method = item.get("method") or ""
        if method not in ReviewMethod.values:
            raise ValidationFailed.field(
                f"items.{index}.method", _("请选择考评方式：查阅资料、现场验收或座谈走访")
            )
        record, _created = ReviewScore.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            method=method,
            defaults={"score": score, "note": note, "recorded_on": day},
        )
        saved.append(record)
    audit.record(
        actor=actor,
        action="update",
        obj=application,
        org=application.org,
        summary=_("组织考评评分 %(n)d 项") % {"n": len(saved)},
        after={f"{s.criterion.code}/{s.method}": str(s.score) for s in saved},
    )
    return saved


@transaction.atomic
def review_photo_add(
    *, actor, application: Application, criterion_code: str, upload: UploadedFile, method: str = ""
) -> ReviewPhoto:
    """A photo an assigned reviewer took for a criterion (JPG or PNG)."""
    assignment = _own_assignment(actor, application)
    if application.state not in REVIEW_STATES:
        raise TransitionNotAllowed(_("只有已推荐、尚未确定考评结果的申报可以上传考评照片"))
    criterion = _criteria_by_code(application).get((criterion_code or "").strip())
    if criterion is None:
        raise ValidationFailed.field("criterion", _("创建标准中没有该条目"))
    if method and method not in ReviewMethod.values:
        raise ValidationFailed.field("method", _("考评方式取值无效"))
    original = uploads.check_upload(upload, suffixes=uploads.IMAGE_SUFFIXES)
    photo = ReviewPhoto.objects.create(
        assignment=assignment,
        criterion=criterion,
        method=method,
        file=upload,
        name=original[:200],
        size=upload.size,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=application,
        org=application.org,
        summary=_("上传考评照片“%(name)s”") % {"name": original[:100]},
        after={"photo_id": photo.pk, "criterion": criterion.code},
    )
    return photo
