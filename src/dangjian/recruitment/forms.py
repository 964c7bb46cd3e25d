"""Forms of the member-development pages: the case list's filter bar, the application (step 1), corrections,
withdrawal, attachments, the due list's filters and the development plan.

They check the input's shape; `recruitment.services` decides and writes, and a service's field errors land
next to the field they name (`ServiceForm.add_service_errors`). The step forms are in `forms_steps.py`.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.members.codes import EDUCATION, ETHNICITIES, OCCUPATIONS
from dangjian.orgs.forms import ServiceForm, date_field

from . import rules
from .models import CaseStep

# --- the case list's filter bar --------------------------------------------------------------------------------

STAGE_CHOICES = [("", _("全部阶段")), *rules.STAGE_LABELS.items()]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或公民身份号码"), required=False, max_length=50)
    within = forms.TypedChoiceField(label=_("所在组织"), required=False, coerce=int, empty_value=None)
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=STAGE_CHOICES)
    year = forms.TypedChoiceField(label=_("申请年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, within_choices: list[tuple[int, str]], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", gettext("全部（本人管理范围）")), *within_choices]
        self.fields["year"].choices = [("", gettext("全部年度")), *[(y, str(y)) for y in years]]

    def values(self) -> dict:
        """The valid filters; anything invalid in the URL is ignored rather than turned into an error page."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return {
            "q": (data.get("q") or "").strip(),
            "within": data.get("within"),
            "stage": data.get("stage") or "",
            "year": data.get("year"),
        }


# --- the application (step 1) and corrections -----------------------------------------------------------------


class PersonForm(ServiceForm):
    """The applicant's particulars; birth date and gender are read from the ID number."""

    person_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        help_text=_("18 位，最后一位可以是 X；出生日期和性别据此自动填写，并检查申请时是否年满十八岁"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The code tables' labels are marked with gettext_noop; the lazy _(label) shows them translated.
    ethnicity = forms.ChoiceField(
        label=_("民族"), choices=[(code, _(label)) for code, label in ETHNICITIES], initial="01"
    )
    education = forms.ChoiceField(
        label=_("学历"),
        choices=[("", _("（未填写）")), *((c, _(label)) for c, label in EDUCATION)],
        required=False,
    )
    occupation = forms.ChoiceField(
        label=_("职业"),
        choices=[("", _("（未填写）")), *((c, _(label)) for c, label in OCCUPATIONS)],
        required=False,
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("person_name", "work_unit", "notes"):
            limit = self.fields[name].max_length
            self.fields[name].error_messages["max_length"] = gettext("最多 %(limit)s 个字") % {"limit": limit}


class CaseCreateForm(PersonForm):
    """Step 1: the written application received by a branch (细则 第6条)."""

    org = forms.TypedChoiceField(label=_("接收申请的党支部"), coerce=int)
    applied_on = date_field(
        _("递交入党申请书日期"), not_future=True, help_text=_("申请人在入党申请书上签署的日期")
    )
    field_order = [
        "org",
        "person_name",
        "id_number",
        "applied_on",
        "ethnicity",
        "education",
        "occupation",
        "work_unit",
        "phone",
        "notes",
    ]

    def __init__(self, *args, branches: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", gettext("（请选择）")), *branches]
        self.fields["org"].error_messages["invalid_choice"] = gettext("请选择管理范围内的党支部")


# Personal data is not put back into the edit form: the user may not be allowed to see it in full.
KEEP_IF_BLANK = ("id_number", "phone")


class CaseEditForm(PersonForm):
    """Corrections of the applicant's particulars before admission (then the member record rules)."""

    def __init__(self, *args, case, masked: dict[str, str], **kwargs):
        initial = {
            name: getattr(case, name)
            for name in ("person_name", "ethnicity", "education", "occupation", "work_unit", "notes")
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name in KEEP_IF_BLANK:
            field = self.fields[name]
            field.required = False
            current = masked.get(name) or gettext("未填写")
            field.help_text = gettext("留空则保持不变（当前：%(current)s）") % {"current": current}
        self.case = case

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        for name in KEEP_IF_BLANK:
            if not (data.get(name) or "").strip():
                data.pop(name, None)
        return {name: value for name, value in data.items() if getattr(self.case, name) != value}


class WithdrawForm(ServiceForm):
    date = date_field(_("终止日期"), not_future=True)
    reason = forms.CharField(
        label=_("终止原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：本人申请撤回入党申请；经支委会研究停止培养"),
    )


class CaseFileForm(ServiceForm):
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        required=False,
        help_text=_("如：入党申请书、思想汇报；留空则使用文件名"),
    )
    step = forms.TypedChoiceField(label=_("所属步骤"), required=False, coerce=int, empty_value=None)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def __init__(self, *args, steps: list[CaseStep] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = gettext("请选择要上传的文件")
        self.fields["file"].error_messages["empty"] = gettext("文件是空的，请重新选择")
        self.fields["step"].choices = [
            ("", gettext("（不属于某一步骤）")),
            *[(s.pk, f"{rules.step_label(s.step)} {s.date:%Y-%m-%d}") for s in steps],
        ]
        self.fields["step"].error_messages["invalid_choice"] = gettext("请选择本记录中已登记的步骤")


# --- the due list -------------------------------------------------------------------------------------------

DAY_CHOICES = [
    (7, _("7 天内")),
    (15, _("15 天内")),
    (30, _("30 天内")),
    (60, _("60 天内")),
    (90, _("90 天内")),
]


class DueFilterForm(forms.Form):
    within = forms.TypedChoiceField(label=_("所在组织"), required=False, coerce=int, empty_value=None)
    days = forms.TypedChoiceField(label=_("时间范围"), required=False, coerce=int, choices=DAY_CHOICES)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, within_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", gettext("全部（本人管理范围）")), *within_choices]

    def values(self) -> dict:
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return {
            "within": data.get("within"),
            "days": data.get("days") or 30,
            "overdue": bool(data.get("overdue")),
        }


# --- the development plan -----------------------------------------------------------------------------------


class PlanForm(ServiceForm):
    """A committee's plan for a year: one number per branch below it (fields `quota_<branch id>`)."""

    org = forms.TypedChoiceField(label=_("制定计划的党委"), coerce=int)
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": _("年度应为 2000 至 2100 之间的年份"),
            "max_value": _("年度应为 2000 至 2100 之间的年份"),
            "invalid": _("年度应为 2000 至 2100 之间的年份"),
        },
    )
    note = forms.CharField(
        label=_("说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, orgs: list[tuple[int, str]], branches=(), initial_quotas=None, fixed=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", gettext("（请选择）")), *orgs]
        self.fields["org"].error_messages["invalid_choice"] = gettext("请选择管理范围内的党委")
        self.fields["note"].error_messages["max_length"] = gettext("说明最多 300 个字")
        if fixed:
            self.fields["org"].disabled = True
            self.fields["year"].disabled = True
        else:  # the reference numbers (admitted that year) follow the year typed
            self.fields["year"].widget.attrs.update(
                {
                    "hx-get": reverse("recruitment:plan_create"),
                    "hx-target": "#plan-lines",
                    "hx-trigger": "change",
                    "hx-include": "[name='org']",
                }
            )
        self.branches = list(branches)
        initial_quotas = initial_quotas or {}
        for branch in self.branches:
            self.fields[f"quota_{branch.pk}"] = forms.IntegerField(
                label=branch.name,
                min_value=0,
                max_value=999,
                required=False,
                initial=initial_quotas.get(branch.pk),
                error_messages={
                    "min_value": _("计划人数应为 0 至 999 的整数"),
                    "max_value": _("计划人数应为 0 至 999 的整数"),
                    "invalid": _("计划人数应为 0 至 999 的整数"),
                },
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm quota-input"}),
            )

    def quota_fields(self):
        return [(branch, self[f"quota_{branch.pk}"]) for branch in self.branches]

    def lines(self) -> list[tuple]:
        """(branch, number) for every branch given a number (blank = not in the plan)."""
        return [
            (branch, self.cleaned_data[f"quota_{branch.pk}"])
            for branch in self.branches
            if self.cleaned_data.get(f"quota_{branch.pk}") is not None
        ]

    def add_service_errors(self, exc) -> None:
        """Line errors (`lines.<i>.quota`) land on the branch's own field."""
        rest = []
        planned = [
            branch for branch in self.branches if self.cleaned_data.get(f"quota_{branch.pk}") is not None
        ]
        for error in exc.errors or [{"field": None, "message": exc.message}]:
            name = error.get("field") or ""
            if name.startswith("lines."):
                index = int(name.split(".")[1])
                if index < len(planned):
                    self.add_error(f"quota_{planned[index].pk}", error["message"])
                    continue
            if name == "org_id":
                name = "org"
            rest.append({"field": name, "message": error["message"]})
        for error in rest:
            self.add_error(error["field"] if error["field"] in self.fields else None, error["message"])
