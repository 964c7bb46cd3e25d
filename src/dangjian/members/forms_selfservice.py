"""Forms of the self-service pages. They parse the input's shape; services.selfservice decides and writes,
and its `ValidationFailed` lands on the field it names (ServiceForm.add_service_errors)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.orgs.forms import ServiceForm, date_input

from .codes import translated
from .services import selfservice as services


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CorrectionForm(ServiceForm):
    """One field of the member's record: the requested value's widget follows the field (code table, date
    or text)."""

    field = forms.ChoiceField(widget=forms.HiddenInput)
    requested_value = forms.CharField(label=_("更正为"), max_length=200)
    reason = forms.CharField(
        label=_("更正理由"),
        max_length=services.REASON_MAX,
        widget=_textarea(3),
        help_text=_("请写明依据，例如户口簿、毕业证书或组织档案中的哪份材料"),
        error_messages={"max_length": _("更正理由最多 300 个字")},
    )

    def __init__(self, *args, spec: services.Correctable, **kwargs):
        super().__init__(*args, initial={"field": spec.name}, **kwargs)
        self.fields["field"].choices = [(name, s.label) for name, s in services.CORRECTABLE.items()]
        label = _("%(label)s更正为") % {"label": spec.label}
        if spec.kind == "code":
            value = forms.ChoiceField(label=label, choices=[("", "—"), *translated(spec.table)])
        elif spec.kind == "date":
            value = forms.DateField(
                label=label,
                widget=date_input(),
                help_text=_("日期的更正，党支部须查阅您的组织档案（入党志愿书、转正审批表）核实后办理"),
                error_messages={"invalid": _("日期格式应为 年-月-日（如 2026-03-01）")},
            )
        elif spec.kind == "phone":
            value = forms.CharField(
                label=label,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                help_text=_("11 位手机号码"),
            )
        else:
            value = forms.CharField(
                label=label,
                max_length=spec.limit,
                error_messages={"max_length": _("最多 %(limit)s 个字") % {"limit": spec.limit}},
            )
        value.required = True
        value.error_messages["required"] = _("请填写更正后的内容")
        self.fields["requested_value"] = value
        self.order_fields(["field", "requested_value", "reason"])


class ConsultationForm(ServiceForm):
    subject = forms.CharField(
        label=_("主题"),
        max_length=services.SUBJECT_MAX,
        help_text=_("一句话概括，例如“党费交纳标准”"),
        error_messages={"max_length": _("主题最多 100 个字")},
    )
    question = forms.CharField(
        label=pgettext_lazy("在线咨询", "问题"),
        max_length=services.TEXT_MAX,
        widget=_textarea(6),
        error_messages={"max_length": _("问题最多 2000 个字")},
    )


class ApproveForm(ServiceForm):
    note = forms.CharField(
        label=_("处理意见"),
        required=False,
        max_length=services.REASON_MAX,
        widget=_textarea(2),
        help_text=_("可不填，例如“已查阅档案核实”"),
    )


class RejectForm(ServiceForm):
    note = forms.CharField(
        label=_("驳回理由"),
        max_length=services.REASON_MAX,
        widget=_textarea(2),
        help_text=_("党员会看到这段说明，请写明原因和办理方式"),
    )


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label=_("答复"),
        max_length=services.TEXT_MAX,
        widget=_textarea(6),
        help_text=_("答复发出后不能修改，请仔细核对"),
        error_messages={"max_length": _("答复最多 2000 个字")},
    )


class CorrectionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("pending", _("待处理")),
            ("approved", _("已同意")),
            ("rejected", _("已驳回")),
            ("all", _("全部")),
        ],
    )
    q = forms.CharField(label=_("党员姓名"), required=False, max_length=50)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"state": data.get("state") or "pending", "q": (data.get("q") or "").strip()}


class ConsultationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("open", _("待答复")), ("answered", _("已答复")), ("all", _("全部"))],
    )
    q = forms.CharField(label=_("主题或姓名"), required=False, max_length=50)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"state": data.get("state") or "open", "q": (data.get("q") or "").strip()}
