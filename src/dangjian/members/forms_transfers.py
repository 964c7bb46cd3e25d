"""Forms of the transfer, status-change and mobile-member pages. They check the input's shape; the services
decide and write, and a service's `ValidationFailed` lands on the field it names."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field

from .codes import ETHNICITIES, translated
from .models import Category, ExitKind, MobileState, StatusChangeKind, TransferKind, TransferState
from .services.status import MANUAL_KINDS


class MonthField(forms.CharField):
    """A month as the browser's month picker sends it (YYYY-MM); cleaned to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(gettext("月份格式应为 年-月（如 2026-03）"))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


def text(label, limit: int, *, required: bool = True, help_text="", rows: int | None = None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={"max_length": _("最多 %(limit_value)d 个字")},
    )


class PickedChoiceField(forms.ModelChoiceField):
    """A choice made in an htmx picker: the page lists a few options; any row of `queryset` is accepted."""

    def __init__(self, *args, invalid: str, **kwargs):
        super().__init__(*args, queryset=None, empty_label=None, **kwargs)
        self.error_messages["invalid_choice"] = invalid


# --- transfers -----------------------------------------------------------------------------------------------


class TransferIssueForm(ServiceForm):
    member = PickedChoiceField(label=_("党员"), invalid=_("请从查找结果中选择本组织（或下级组织）的党员"))
    kind = forms.ChoiceField(
        label=_("转往"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[
            (TransferKind.INTERNAL, _("本系统内的党支部")),
            (TransferKind.OUTGOING, _("系统外的党组织")),
        ],
        initial=TransferKind.INTERNAL,
    )
    to_org = PickedChoiceField(
        label=_("接收党支部"), required=False, invalid=_("请从查找结果中选择一个未撤销的党支部")
    )
    destination_text = text(
        _("转往单位（系统外）"),
        200,
        required=False,
        help_text=_("写明接收党组织的全称，如：中共××市××区××街道工作委员会"),
    )
    valid_months = forms.IntegerField(
        label=_("有效期（月）")
    )  # replaced in __init__ with the setting's maximum
    dues_paid_until = MonthField(label=_("党费交至"), help_text=_("应交至转接当月或以后（RULES.md 第98条）"))
    reason = text(_("转接原因"), 200, required=False, help_text=_("如：工作调动、迁居、升学"))
    service_fields = {"to_org_id": "to_org", "member_id": "member"}

    def __init__(self, *args, members, branches, **kwargs):
        today = timezone.localdate()
        rules = settings.DANGJIAN_RULES
        initial = {"valid_months": rules["TRANSFER_VALID_MONTHS"], "dues_paid_until": today.replace(day=1)}
        initial.update(kwargs.pop("initial", {}))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["member"].queryset = members
        self.fields["to_org"].queryset = branches
        maximum = rules["TRANSFER_MAX_MONTHS"]
        # The maximum is a deployment setting, so the field is built here rather than in the class.
        self.fields["valid_months"] = forms.IntegerField(
            label=gettext("有效期（月）"),
            min_value=1,
            max_value=maximum,
            help_text=gettext("默认 %(default)s 个月，最长 %(max)s 个月（RULES.md 第95条）")
            % {"default": rules["TRANSFER_VALID_MONTHS"], "max": maximum},
            error_messages={
                "required": gettext("请填写有效期"),
                "min_value": gettext("有效期至少 1 个月"),
                "max_value": gettext("有效期最长 %(max)s 个月") % {"max": maximum},
                "invalid": gettext("请填写整数"),
            },
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == TransferKind.INTERNAL:
            data["destination_text"] = ""
            if not data.get("to_org") and "to_org" not in self.errors:
                self.add_error("to_org", gettext("请查找并选择接收党支部"))
        elif data.get("kind") == TransferKind.OUTGOING:
            data["to_org"] = None
            if not (data.get("destination_text") or "").strip():
                self.add_error("destination_text", gettext("请填写系统外的转往单位"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "member": data["member"],
            "to_org": data.get("to_org"),
            "destination_text": data.get("destination_text", ""),
            "valid_months": data["valid_months"],
            "dues_paid_until": data["dues_paid_until"],
            "reason": data.get("reason", ""),
        }


class ReceiveForm(ServiceForm):
    received_on = date_field(_("接收日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"received_on": timezone.localdate()}, **kwargs)


class CancelForm(ServiceForm):
    reason = text(_("撤销原因"), 200, required=False, rows=2)


class IncomingForm(ServiceForm):
    to_org = forms.ModelChoiceField(
        label=_("接收党支部"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择本组织（或下级组织）中的党支部")},
    )
    source_text = text(_("转出党组织（系统外）"), 200, help_text=_("照介绍信上的开具单位填写"))
    letter_no = text(_("介绍信编号"), 40, help_text=_("照介绍信填写，如：沪组转〔2026〕第0123号"))
    issued_on = date_field(_("开具日期"), not_future=True)
    valid_until = date_field(_("有效期至"))
    dues_paid_until = MonthField(label=_("党费交至"))
    received_on = date_field(_("接收日期"), not_future=True)
    name = text(_("姓名"), 50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        min_length=18,
        error_messages={"min_length": _("公民身份号码应为18位")},
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=translated(ETHNICITIES), initial="01")
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices)
    joined_on = date_field(_("入党日期"), not_future=True)
    converted_on = date_field(_("转正日期"), required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    reason = text(_("转接原因"), 200, required=False)
    service_fields = {"to_org_id": "to_org"}

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, initial={"received_on": timezone.localdate()}, **kwargs)
        self.fields["to_org"].queryset = branches


# --- status changes ------------------------------------------------------------------------------------------


class StatusChangeForm(ServiceForm):
    kind = forms.ChoiceField(label=_("异动类别"), choices=MANUAL_KINDS)
    exit_kind = forms.ChoiceField(
        label=_("出党方式"),
        required=False,
        choices=[("", _("（仅出党时选择）")), *ExitKind.choices],
        help_text=_("统计年报口径：开除党籍、除名、自行脱党除名、退党除名、劝退、取消预备党员资格"),
    )
    effective_on = date_field(_("生效日期"), not_future=True)
    reason = text(_("原因"), 300, rows=3)
    approved_by = text(_("批准机关"), 100, required=False, help_text=_("如：甲镇党委、县纪委"))
    decision_ref = text(_("批准文号"), 100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"effective_on": timezone.localdate()}, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("kind") == StatusChangeKind.LEAVE and not data.get("exit_kind"):
            self.add_error("exit_kind", gettext("请选择出党方式"))
        return data


# --- mobile members ------------------------------------------------------------------------------------------


class OutflowForm(ServiceForm):
    left_on = date_field(_("外出日期"), not_future=True)
    expected_return_on = date_field(
        _("预计返回日期"), required=False, help_text=_("外出满 6 个月且地点相对固定的，应转移组织关系")
    )
    destination = text(_("流入地"), 200, help_text=_("外出去向，如：上海市浦东新区"))
    contact = text(_("外出期间联系方式"), 100, required=False)
    card_no = forms.CharField(label=_("流动党员活动证编号"), max_length=40, required=False)
    host_org = PickedChoiceField(
        label=_("流入地党组织（系统内）"), required=False, invalid=_("请从查找结果中选择一个党组织")
    )
    host_text = text(_("流入地党组织（系统外）"), 200, required=False)
    note = text(_("备注"), 200, required=False)
    service_fields = {"host_org_id": "host_org"}

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, initial={"left_on": timezone.localdate()}, **kwargs)
        self.fields["host_org"].queryset = hosts

    def clean(self):
        data = super().clean()
        if data.get("host_org") and (data.get("host_text") or "").strip():
            self.add_error("host_text", gettext("系统内的流入地党组织和系统外的党组织只能填写一项"))
        return data


class ReturnForm(ServiceForm):
    returned_on = date_field(_("返回日期"), not_future=True)
    note = text(_("备注"), 200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"returned_on": timezone.localdate()}, **kwargs)


class ActivityForm(ServiceForm):
    held_on = date_field(_("活动日期"), not_future=True)
    activity = text(_("活动内容"), 200, help_text=_("如：主题党日——集中学习；志愿服务"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"held_on": timezone.localdate()}, **kwargs)


# --- list filters --------------------------------------------------------------------------------------------


class _Filters(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)

    def values(self) -> dict:
        """The valid filters; an unknown value in the URL is ignored rather than answered with an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}


class TransferFilterForm(_Filters):
    direction = forms.ChoiceField(
        label=_("方向"),
        required=False,
        choices=[("", _("全部")), ("incoming", _("转入")), ("outgoing", _("转出"))],
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *TransferState.choices]
    )
    kind = forms.ChoiceField(
        label=_("转接类型"), required=False, choices=[("", _("全部类型")), *TransferKind.choices]
    )


class StatusFilterForm(_Filters):
    kind = forms.ChoiceField(
        label=_("异动类别"), required=False, choices=[("", _("全部类别")), *StatusChangeKind.choices]
    )


class MobileFilterForm(_Filters):
    side = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("out", _("流出党员")), ("in", _("流入党员"))]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *MobileState.choices]
    )
