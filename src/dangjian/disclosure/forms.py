"""Forms of the disclosure pages. They check the input's shape; the services decide and write, and a
service's `ValidationFailed` lands on the field it names (`ServiceForm.add_service_errors`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field
from dangjian.sites import survey
from dangjian.sites.services.evaluation import MAX_CODES_PER_BATCH

from . import rules
from .models import Category, ItemState


def _text(label, limit: int, *, required: bool = True, rows: int | None = None, help_text=""):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"max_length": _("最多 %(limit_value)d 个字")},
    )


# --- staff ---------------------------------------------------------------------------------------------------


class ItemFilterForm(forms.Form):
    within = forms.TypedChoiceField(label=_("组织"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ItemState.choices]
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)

    def __init__(self, *args, within_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", _("全部组织")), *within_choices]

    def values(self) -> dict:
        """The filters that parsed; a bad value is ignored rather than refused (a filter bar, not a form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "within": data.get("within"),
            "category": data.get("category") or "",
            "state": data.get("state") or "",
            "q": (data.get("q") or "").strip(),
        }


class ItemForm(ServiceForm):
    org = forms.TypedChoiceField(label=_("公开组织"), coerce=int)
    category = forms.ChoiceField(label=_("公开类别"), choices=Category.choices)
    title = _text(_("标题"), rules.TITLE_MAX)
    body = _text(_("公开内容"), rules.BODY_MAX, rows=10, help_text=_("不要填写身份证号、手机号等个人信息。"))
    publish_on = date_field(_("公开日期"), help_text=_("当天起在党务公开栏显示；公开后不能再修改。"))
    expires_on = date_field(_("截止日期"), help_text=_("显示到当天为止（含当天），须晚于公开日期。"))
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("可选：PDF、Word、Excel 或 JPG/PNG 图片，公开期内群众可以下载。"),
    )
    remove_attachment = forms.BooleanField(label=_("删除现有附件"), required=False)

    def __init__(self, *args, org_choices: list[tuple[int, str]], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices
        if editing:
            del self.fields["org"]
        else:
            del self.fields["remove_attachment"]


class WithdrawForm(ServiceForm):
    reason = _text(_("撤回原因"), rules.REASON_MAX, rows=3)


class SheetForm(ServiceForm):
    count = forms.IntegerField(
        label=_("测评码个数"),
        min_value=1,
        max_value=MAX_CODES_PER_BATCH,
        initial=20,
        help_text=_("每页 10 张，裁开后分发；每个测评码只能使用一次。"),
        error_messages={
            "invalid": _("请输入整数"),
            "min_value": _("至少生成 1 个"),
            "max_value": _("每次最多生成 %(limit_value)d 个"),
        },
    )


# --- public --------------------------------------------------------------------------------------------------


class ObjectionForm(ServiceForm):
    text = _text(_("异议内容"), 2000, rows=6, help_text=_("请写明具体事实，以便核实。"))
    contact = _text(
        _("联系方式（可不填）"),
        100,
        required=False,
        help_text=_("如希望得到答复，可留下电话或地址；加密保存，只用于核实和答复。"),
    )


class SurveyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("测评码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("请输入测评码")},
    )


class SurveyForm(ServiceForm):
    """The questionnaire of `sites.survey`, as big radio buttons; the service checks the answers again."""

    comment = _text(_("意见建议（可不填）"), survey.COMMENT_MAX, required=False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = {}
        for question in survey.QUESTIONS:
            questions[question["key"]] = forms.ChoiceField(
                label=question["text"],
                choices=question["choices"],
                required=question["required"],
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择一项"), "invalid_choice": _("请从选项中选择")},
            )
        self.fields = {**questions, "comment": self.fields["comment"]}

    def answers(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}
