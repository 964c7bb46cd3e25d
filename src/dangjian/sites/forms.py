"""Forms of the demonstration-site pages: applications, the three-way evaluation and the workflow actions.

They check the input's shape (numbers, lengths, dates); the services decide and write, and a service's
`ValidationFailed` lands on the field it names (`ServiceForm.add_service_errors`). Campaigns, catalogues and
dynamic management are in `forms_admin`.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field
from dangjian.orgs.models import Domain

from .models import ApplicationState, Criterion, ReviewMethod, Tier

LIMIT = _("最多 %(limit_value)d 个字")


def text(label, limit: int, *, required: bool = True, rows: int | None = None, help_text=""):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"max_length": LIMIT},
    )


def score_field(criterion: Criterion, *, label=None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label or criterion.title,
        required=False,
        min_value=Decimal(0),
        max_value=criterion.max_score,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": f"{criterion.max_score:f}"}),
        error_messages={
            "invalid": _("请填写数字"),
            "min_value": _("得分不能为负数"),
            "max_value": _("得分不能超过该项分值 %(limit_value)s"),
            "max_decimal_places": _("得分最多保留一位小数"),
            "max_digits": _("得分最多保留一位小数"),
        },
    )


def _blank(choices, label=None):
    return [("", label or gettext("全部")), *choices]


# --- lists ---------------------------------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """A filter bar: every field optional; `values()` gives the cleaned values, "" when absent or invalid."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}


class ApplicationFilterForm(FilterForm):
    campaign = forms.ModelChoiceField(
        label=_("年度创建工作"), queryset=None, required=False, empty_label=_("全部")
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    domain = forms.ChoiceField(label=_("领域"), required=False)
    tier = forms.ChoiceField(label=_("层级"), required=False)
    within = forms.ModelChoiceField(
        label=_("所属党（工）委"), queryset=None, required=False, empty_label=_("全部")
    )

    def __init__(self, data, *, campaigns, subtrees, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.year} {c.title}"
        self.fields["within"].queryset = subtrees
        self.fields["within"].label_from_instance = lambda o: o.name
        self.fields["state"].choices = _blank(ApplicationState.choices)
        self.fields["domain"].choices = _blank(Domain.choices)
        self.fields["tier"].choices = _blank(Tier.choices)


# --- the application and its plan --------------------------------------------------------------------------------


class PlanForm(ServiceForm):
    """创建计划 (方案一 三(二)): 目标、内容、进度、措施、责任人 — complete before submission, not before."""

    goals = text(_("创建目标"), 5000, required=False, rows=3)
    content = text(_("创建内容"), 5000, required=False, rows=4)
    schedule = text(_("进度安排"), 5000, required=False, rows=3)
    measures = text(_("工作措施"), 5000, required=False, rows=3)
    responsible = text(_("责任人"), 100, required=False, help_text=_("具体负责创建工作的同志，可写多人"))
    features = text(_("特色亮点"), 5000, required=False, rows=3)
    site_area = forms.DecimalField(
        label=_("活动场所面积（㎡）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100000),
        max_digits=7,
        decimal_places=1,
        help_text=_("村级活动场所不低于 120 平方米（方案一 二(一)），验收时现场核实"),
        error_messages={
            "invalid": _("请填写数字"),
            "min_value": _("面积不能为负数"),
            "max_value": _("面积应在 0 到 100000 平方米之间"),
            "max_decimal_places": _("面积最多保留一位小数"),
        },
    )

    PLAN_FIELDS = ("goals", "content", "schedule", "measures", "responsible", "features", "site_area")

    def plan(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.PLAN_FIELDS}


class ApplicationCreateForm(PlanForm):
    campaign = forms.ModelChoiceField(label=_("年度创建工作"), queryset=None, empty_label=None)
    org = forms.ModelChoiceField(label=_("申报组织"), queryset=None, empty_label=None)
    tier = forms.ChoiceField(
        label=_("申报层级"),
        choices=[(Tier.COUNTY, Tier.COUNTY.label), (Tier.TOWNSHIP, Tier.TOWNSHIP.label)],
        initial=Tier.COUNTY,
        help_text=_("市级示范点由县级示范点推荐产生，不能直接申报"),
    )
    service_fields = {"campaign_id": "campaign", "org_id": "org"}

    field_order = ["campaign", "org", "tier", *PlanForm.PLAN_FIELDS]

    def __init__(self, *args, campaigns, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.year} {c.title}"
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: (
            gettext("%(name)s（%(domain)s）") % {"name": o.name, "domain": o.get_domain_display()}
        )


class SelfScoresForm(ServiceForm):
    """基层自评: a score and a note for every manual criterion (blank rows are left as they were)."""

    def __init__(self, *args, criteria: list[Criterion], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            existing = scores.get(criterion.code)
            self.fields[f"score_{criterion.code}"] = score_field(criterion)
            self.fields[f"note_{criterion.code}"] = text(_("自评说明"), 2000, required=False, rows=1)
            if existing is not None:
                self.initial[f"score_{criterion.code}"] = existing.score
                self.initial[f"note_{criterion.code}"] = existing.note

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.code}"], self[f"note_{criterion.code}"]

    def items(self) -> list[dict]:
        items = []
        for criterion in self.criteria:
            score = self.cleaned_data.get(f"score_{criterion.code}")
            if score is None:
                continue
            items.append(
                {
                    "code": criterion.code,
                    "score": score,
                    "note": self.cleaned_data.get(f"note_{criterion.code}"),
                }
            )
        return items

    def add_service_errors(self, exc) -> None:
        # A service names items by index ("items.3.score"); point at the row's own field instead.
        items = self.items()
        for error in exc.errors or [{"field": None, "message": exc.message}]:
            name = str(error.get("field") or "")
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(items):
                code = items[int(parts[1])]["code"]
                key = f"{'note' if parts[2] == 'note' else 'score'}_{code}"
                self.add_error(key, error["message"])
            else:
                self.add_error(None, error["message"])


class EvidenceForm(ServiceForm):
    criterion = forms.ChoiceField(label=_("对应标准条目"), required=False)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、Word、Excel 或 JPG/PNG 图片"),
        error_messages={"required": _("请选择要上传的文件")},
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            ("", gettext("（整份申报，不对应具体条目）")),
            *[(c.code, f"{c.code} {c.title}") for c in criteria],
        ]


class SurveyCodesForm(ServiceForm):
    count = forms.IntegerField(
        label=_("生成数量"),
        min_value=1,
        max_value=500,
        initial=20,
        help_text=_("每个测评码只能使用一次；测评码只在生成时显示一次，请当场打印或抄录"),
        error_messages={
            "invalid": _("请填写整数"),
            "min_value": _("每次可生成 1 到 500 个测评码"),
            "max_value": _("每次可生成 1 到 500 个测评码"),
        },
    )


class AssignReviewerForm(ServiceForm):
    reviewer = forms.ModelChoiceField(label=_("评审人员"), queryset=None, empty_label=_("请选择"))
    service_fields = {"reviewer_id": "reviewer"}

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: (
            gettext("%(name)s（%(role)s，%(org)s）")
            % {"name": u.get_full_name(), "role": u.get_role_display(), "org": u.org.name}
            if u.org_id
            else gettext("%(name)s（%(role)s）") % {"name": u.get_full_name(), "role": u.get_role_display()}
        )


# --- workflow actions --------------------------------------------------------------------------------------------


class ConfirmForm(ServiceForm):
    """An action without input: the POST itself is the confirmation."""


class ReasonForm(ServiceForm):
    reason = text(_("原因"), 300, rows=3)


class PublicizeForm(ServiceForm):
    starts_on = date_field(_("公示开始日期"), required=False, help_text=_("留空则从今天开始"))
    working_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("留空则按年度创建工作的设置"),
        error_messages={
            "invalid": _("请填写整数"),
            "min_value": _("公示期应为 1 到 30 个工作日"),
            "max_value": _("公示期应为 1 到 30 个工作日"),
        },
    )


class CommendForm(ServiceForm):
    commended_on = date_field(_("表彰日期"), required=False, help_text=_("留空则为今天；应在当年“七一”前"))


# --- the reviewer's scoring ----------------------------------------------------------------------------------------


class ReviewScoresForm(ServiceForm):
    """组织考评: per manual criterion a method (查阅资料 / 现场验收 / 座谈走访), a score and a note. A criterion
    scored by several methods keeps one score per method; blank rows are left as they were."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"method_{criterion.code}"] = forms.ChoiceField(
                label=_("考评方式"), choices=ReviewMethod.choices, initial=ReviewMethod.DOCUMENT_REVIEW
            )
            self.fields[f"score_{criterion.code}"] = score_field(criterion, label=_("评分"))
            self.fields[f"note_{criterion.code}"] = text(_("考评意见"), 2000, required=False, rows=1)

    def rows(self):
        for c in self.criteria:
            yield c, self[f"method_{c.code}"], self[f"score_{c.code}"], self[f"note_{c.code}"]

    def items(self) -> list[dict]:
        items = []
        for criterion in self.criteria:
            score = self.cleaned_data.get(f"score_{criterion.code}")
            if score is None:
                continue
            items.append(
                {
                    "code": criterion.code,
                    "method": self.cleaned_data[f"method_{criterion.code}"],
                    "score": score,
                    "note": self.cleaned_data.get(f"note_{criterion.code}"),
                }
            )
        return items

    add_service_errors = SelfScoresForm.add_service_errors


class ReviewPhotoForm(ServiceForm):
    criterion = forms.ChoiceField(label=_("对应标准条目"))
    method = forms.ChoiceField(label=_("考评方式"), required=False)
    file = forms.FileField(
        label=_("照片"), help_text=_("JPG 或 PNG"), error_messages={"required": _("请选择要上传的照片")}
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            ("", gettext("请选择")),
            *[(c.code, f"{c.code} {c.title}") for c in criteria],
        ]
        self.fields["method"].choices = [("", gettext("（不限）")), *ReviewMethod.choices]
