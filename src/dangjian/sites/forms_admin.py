"""Forms of the county's side of the programme: catalogues, campaigns (deadlines, weights, quotas), public
notices, objections, re-review, 末位管理 and the designated-site list."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field
from dangjian.orgs.models import Domain

from . import rules
from .forms import FilterForm, _blank, score_field, text
from .metrics import METRICS
from .models import ALL_DOMAINS, CatalogueState, Criterion, Method, ObjectionState, RectificationState, Tier


def _between(low: int, high: int) -> str:
    return gettext("应在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high}


def number(label, low: int, high: int, *, required: bool = True, help_text="", initial=None):
    message = lazy(_between, str)(low, high)
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        initial=initial,
        help_text=help_text,
        error_messages={"invalid": _("请填写整数"), "min_value": message, "max_value": message},
    )


def domain_choices(*, with_all: bool = False) -> list[tuple[str, str]]:
    choices = list(Domain.choices)
    if with_all:
        choices.append((ALL_DOMAINS, gettext("通用（各领域）")))
    return choices


# --- catalogues ----------------------------------------------------------------------------------------------------


class CatalogueFilterForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    domain = forms.ChoiceField(label=_("适用领域"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, data, *, admin: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["domain"].choices = _blank(domain_choices(with_all=True))
        self.fields["state"].choices = _blank(CatalogueState.choices)
        if not admin:  # others see published catalogues only
            del self.fields["state"]


class CatalogueForm(ServiceForm):
    year = number(_("年度"), 2000, 2100)
    domain = forms.ChoiceField(label=_("适用领域"))
    title = text(_("标题"), 200)
    description = text(_("说明"), 5000, required=False, rows=3)
    source = text(_("依据"), 300, required=False, help_text=_("如：方案一 二；县委组织部考核细则"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = domain_choices(with_all=True)


class CriterionForm(ServiceForm):
    code = text(_("编码"), 20, help_text=_("在本标准内唯一，如 A10"))
    group = text(pgettext_lazy("标准条目", "类别"), 60, help_text=_("如：阵地建设规范达标、工作机制健全完善"))
    title = text(_("标准"), 200)
    description = text(_("具体要求"), 5000, required=False, rows=2)
    max_score = forms.DecimalField(
        label=_("分值"),
        min_value=Decimal("0.5"),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=1,
        error_messages={
            "invalid": _("请填写数字"),
            "min_value": _("分值应大于 0"),
            "max_value": _("分值不能超过 100"),
            "max_decimal_places": _("分值最多保留一位小数"),
        },
    )
    method = forms.ChoiceField(label=_("评价方式"), choices=Method.choices, initial=Method.MANUAL)
    metric = forms.ChoiceField(label=_("自动指标"), required=False, help_text=_("评价方式为“自动指标”时必选"))
    threshold = forms.DecimalField(
        label=_("达标值"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("自动指标的达标线，如 90（%）或 120（㎡）"),
        error_messages={"invalid": _("请填写数字")},
    )
    evidence = text(_("佐证材料"), 300, required=False)
    source = text(_("出处"), 200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [
            ("", gettext("（人工评分不选）")),
            *[(key, f"{metric.label}（{key}）") for key, metric in sorted(METRICS.items())],
        ]

    def clean(self):
        data = super().clean()
        if data.get("method") == Method.AUTO and not data.get("metric"):
            self.add_error("metric", gettext("自动指标须选择指标"))
        if data.get("method") == Method.MANUAL:
            data["metric"] = ""
        return data

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["max_score"] = float(data["max_score"])
        if data.get("threshold") is not None:
            data["threshold"] = float(data["threshold"])
        return data


# --- campaigns -----------------------------------------------------------------------------------------------------

QUOTA_TIERS = (Tier.TOWNSHIP, Tier.COUNTY, Tier.CITY)


def quota_key(domain: str, tier: str) -> str:
    return f"quota_{domain}_{tier}"


class QuotaFieldsMixin(forms.Form):
    """The quotas table: one number per domain and tier (方案三's 40 county sites prefilled)."""

    def add_quota_fields(self, current: dict[tuple[str, str], int] | None) -> None:
        current = rules.DEFAULT_QUOTAS if current is None else current
        for domain, label in Domain.choices:
            for tier in QUOTA_TIERS:
                self.fields[quota_key(domain, tier)] = number(
                    f"{label}·{Tier(tier).label}", 0, 9999, required=False
                )
                self.initial.setdefault(quota_key(domain, tier), current.get((domain, tier), 0))

    def quota_rows(self):
        for domain, label in Domain.choices:
            yield label, [self[quota_key(domain, tier)] for tier in QUOTA_TIERS]

    def quota_tiers(self):
        return [Tier(t).label for t in QUOTA_TIERS]

    def quotas(self) -> dict[tuple[str, str], int]:
        values = {}
        for domain in Domain.values:
            for tier in QUOTA_TIERS:
                values[(domain, tier)] = self.cleaned_data.get(quota_key(domain, tier)) or 0
        return values


class CampaignSettingsMixin(ServiceForm):
    title = text(_("名称"), 200)
    mobilization_by = date_field(_("动员部署截止"), help_text=_("方案一：3月下旬前"))
    plan_due = date_field(_("创建计划报送截止"), help_text=_("方案四：每年3月底前"))
    implementation_by = date_field(_("组织实施（申报）截止"), help_text=_("方案一：6月上旬前"))
    acceptance_by = date_field(_("总结验收截止"), help_text=_("方案一：7月上旬前"))
    weight_self = number(_("基层自评权重（%）"), 0, 100)
    weight_mass = number(_("群众测评权重（%）"), 0, 100)
    weight_org = number(_("组织考评权重（%）"), 0, 100, help_text=_("三项权重之和应为 100"))
    satisfaction_threshold = number(_("群众满意度达标线（%）"), 0, 100, help_text=_("方案二：90% 以上"))
    survey_min_answers = number(_("测评最少有效答卷数"), 1, 10000)
    notice_working_days = number(_("公示期（工作日）"), 1, 30)
    rereview_pass_score = number(_("复审达标分"), 0, 100)
    bottom_rank_count = number(_("末位管理：每个领域末位个数"), 0, 1000)
    bottom_rank_share = number(
        _("末位管理：每个领域末位比例（%）"), 0, 100, help_text=_("大于 0 时按比例，否则按个数")
    )
    notes = text(_("说明"), 5000, required=False, rows=2)

    SETTINGS = (
        "title",
        "mobilization_by",
        "plan_due",
        "implementation_by",
        "acceptance_by",
        "weight_self",
        "weight_mass",
        "weight_org",
        "satisfaction_threshold",
        "survey_min_answers",
        "notice_working_days",
        "rereview_pass_score",
        "bottom_rank_count",
        "bottom_rank_share",
        "notes",
    )

    def settings_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SETTINGS}


class CampaignOpenForm(CampaignSettingsMixin, QuotaFieldsMixin):
    year = number(_("年度"), 2000, 2100)
    field_order = ["year", *CampaignSettingsMixin.SETTINGS]

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = rules.default_deadlines(year)
        config = settings.DANGJIAN_SITES
        self.initial.update(
            {
                "year": year,
                "title": gettext("%(year)d 年度党建示范点创建工作") % {"year": year},
                "mobilization_by": defaults.mobilization_by,
                "plan_due": defaults.plan_due,
                "implementation_by": defaults.implementation_by,
                "acceptance_by": defaults.acceptance_by,
                "weight_self": config["WEIGHT_SELF"],
                "weight_mass": config["WEIGHT_MASS"],
                "weight_org": config["WEIGHT_ORG"],
                "satisfaction_threshold": config["SATISFACTION_THRESHOLD"],
                "survey_min_answers": config["SURVEY_MIN_ANSWERS"],
                "notice_working_days": config["NOTICE_WORKING_DAYS"],
                "rereview_pass_score": config["REREVIEW_PASS_SCORE"],
                "bottom_rank_count": config["BOTTOM_RANK_COUNT"],
                "bottom_rank_share": config["BOTTOM_RANK_SHARE"],
            }
        )
        self.add_quota_fields(None)


class CampaignEditForm(CampaignSettingsMixin):
    pass


class QuotaForm(ServiceForm, QuotaFieldsMixin):
    def __init__(self, *args, current: dict[tuple[str, str], int], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_quota_fields(current)


class NoticeForm(ServiceForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("公示的申报"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择要公示的申报")},
    )
    starts_on = date_field(_("公示开始日期"), required=False, help_text=_("留空则从今天开始"))
    working_days = number(
        _("公示期（工作日）"), 1, 30, required=False, help_text=_("留空则按年度创建工作的设置")
    )
    title = text(_("公示标题"), 200, required=False, help_text=_("留空则为“××年度党建示范点拟命名名单公示”"))
    text = text(_("公示说明"), 5000, required=False, rows=3)
    service_fields = {"application_ids": "applications"}

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
        self.fields["applications"].label_from_instance = lambda a: (
            gettext("%(org)s（%(tier)s，综合得分 %(score)s）")
            % {"org": a.org.name, "tier": a.get_tier_display(), "score": a.total_score}
        )


class ObjectionFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False)
    campaign = forms.ModelChoiceField(
        label=_("年度创建工作"), queryset=None, required=False, empty_label=_("全部")
    )

    def __init__(self, data, *, campaigns, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["state"].choices = _blank(ObjectionState.choices)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.year} {c.title}"


class ObjectionResolveForm(ServiceForm):
    upheld = forms.TypedChoiceField(
        label=_("处理结论"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    resolution = text(
        _("处理结果"), 2000, rows=4, help_text=_("写明核查经过和结论；异议成立的，可随后将申报确定为未通过")
    )


# --- designated sites, re-review, 末位管理 ----------------------------------------------------------------------------


class SiteFilterForm(FilterForm):
    campaign = forms.ModelChoiceField(
        label=_("年度创建工作"), queryset=None, required=False, empty_label=_("全部")
    )
    domain = forms.ChoiceField(label=_("领域"), required=False)
    tier = forms.ChoiceField(label=_("层级"), required=False)
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("yes", _("在牌")), ("no", _("已摘牌"))],
    )

    def __init__(self, data, *, campaigns, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.year} {c.title}"
        self.fields["domain"].choices = _blank(Domain.choices)
        self.fields["tier"].choices = _blank(Tier.choices)


class ReReviewScoresForm(ServiceForm):
    """复审评分: the criteria scored by hand (manual ones and the survey-based ones: a re-review has no new
    survey). Blank rows are left as they were."""

    def __init__(self, *args, criteria: list[Criterion], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = score_field(criterion, label=_("评分"))
            self.fields[f"note_{criterion.code}"] = text(_("意见"), 2000, required=False, rows=1)
            existing = scores.get(criterion.pk)
            if existing is not None:
                self.initial[f"score_{criterion.code}"] = existing.score
                self.initial[f"note_{criterion.code}"] = existing.note

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.code}"], self[f"note_{criterion.code}"]

    def items(self) -> list[dict]:
        return [
            {
                "code": c.code,
                "score": self.cleaned_data[f"score_{c.code}"],
                "note": self.cleaned_data.get(f"note_{c.code}") or "",
            }
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.code}") is not None
        ]

    def add_service_errors(self, exc) -> None:
        from .forms import SelfScoresForm

        SelfScoresForm.add_service_errors(self, exc)


class NoteForm(ServiceForm):
    note = text(_("复审意见"), 2000, required=False, rows=3)


class BottomRankForm(ServiceForm):
    deadline = date_field(_("整改期限"))
    task = text(
        _("整改任务"),
        2000,
        required=False,
        rows=3,
        help_text=_("留空则为“对照创建标准查找差距，限期整改到位”"),
    )


class RectificationCloseForm(ServiceForm):
    note = text(_("整改情况"), 2000, rows=4)


class RectificationFilterForm(FilterForm):
    campaign = forms.ModelChoiceField(
        label=_("年度创建工作"), queryset=None, required=False, empty_label=_("全部")
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, data, *, campaigns, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].label_from_instance = lambda c: f"{c.year} {c.title}"
        self.fields["state"].choices = _blank(RectificationState.choices)
