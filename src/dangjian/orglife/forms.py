"""Forms of the organizational-life pages. They check the input's shape; the services decide and write, and a
service's `ValidationFailed` lands on the field it names (`ServiceForm.add_service_errors`).

The meeting form shows only the fields of its kind: 4+X for a 主题党日, 召开形式 for a 组织生活会, 授课人 and
学时 for a 党课 or a training, the participants of a 谈心谈话.
"""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_field, date_input

from . import rules, services
from .models import AppraisalGrade, Attendance, MeetingKind, MeetingState


def text(label, limit: int, *, required: bool = False, help_text="", rows: int | None = None):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"max_length": _("最多 %(limit_value)d 个字")},
    )


def time_field(label):
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("时间格式应为 时:分（如 09:30）")},
    )


def count_field(label, *, required: bool = False, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=100000,
        initial=0,
        help_text=help_text,
        error_messages={"invalid": _("请输入整数"), "min_value": _("不能为负数")},
    )


# --- the list's filter bar -----------------------------------------------------------------------------------


class MonthField(forms.CharField):
    """A month as the browser's month picker sends it (YYYY-MM)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 < int(match.group(1)) < 2200:
            raise forms.ValidationError(gettext("月份格式应为 年-月（如 2026-03）"))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


class MeetingFilterForm(forms.Form):
    within = forms.TypedChoiceField(label=_("组织"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *MeetingKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *MeetingState.choices]
    )
    date_from = forms.DateField(label=_("从"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("到"), required=False, widget=date_input())
    q = forms.CharField(label=_("主题"), required=False, max_length=50)

    def __init__(self, data=None, *, within_choices=()):
        super().__init__(data)
        self.fields["within"].choices = [("", _("全部（管理范围）")), *within_choices]

    def values(self) -> dict:
        """The valid filters; an invalid one is ignored (the list never fails on a bad query string)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name) or ("" if name in ("kind", "state", "q") else None) for name in self.fields
        }


# --- creating and editing a meeting --------------------------------------------------------------------------


class StartForm(forms.Form):
    """Step one of recording: which organization, which kind, held or planned (the form then fits the kind)."""

    org = forms.TypedChoiceField(label=_("党组织"), coerce=int)
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    state = forms.ChoiceField(
        label=_("登记"),
        choices=[(MeetingState.HELD, _("已召开的会议")), (MeetingState.PLANNED, _("计划召开的会议"))],
        initial=MeetingState.HELD,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data=None, *, org_choices=(), initial=None):
        super().__init__(data, initial=initial)
        self.fields["org"].choices = org_choices
        self.fields["org"].error_messages["invalid_choice"] = gettext("请选择管理范围内的党组织")


HELD_AS_CHOICES = [
    ("", _("请选择")),
    (MeetingKind.ASSEMBLY, _("党员大会")),
    (MeetingKind.COMMITTEE, _("支委会")),
    (MeetingKind.GROUP, _("党小组会")),
]
# Fields shown only for some kinds of meeting.
KIND_FIELDS = {
    "lecturer": services.LECTURE_KINDS,
    "hours": services.LECTURE_KINDS,
    "ends_on": frozenset({MeetingKind.TRAINING}),
    "themed_items": frozenset({MeetingKind.THEMED_DAY}),
    "themed_extra": frozenset({MeetingKind.THEMED_DAY}),
    "held_as": frozenset({MeetingKind.LIFE_MEETING}),
    "participants": frozenset({MeetingKind.TALK}),
}


class MeetingForm(ServiceForm):
    """The record of one meeting; `kind` decides which of the kind-specific fields are there."""

    topic = text(_("会议主题"), 200, required=True)
    held_on = date_field(_("日期"))
    starts_at = time_field(_("开始时间"))
    ends_on = date_field(_("结束日期"), required=False, help_text=_("培训跨日时填写；学时按天分摊到各年度"))
    place = text(_("地点"), 100)
    host = text(_("主持人"), 50)
    recorder = text(_("记录人"), 50)
    lecturer = text(_("授课人"), 50)
    hours = forms.DecimalField(
        label=_("学时"),
        required=False,
        min_value=0,
        max_value=200,
        decimal_places=1,
        help_text=_("计入出席党员的年度学习学时：全天 8 学时，半天 4 学时"),
        error_messages={
            "invalid": _("学时应为数字，如 2 或 3.5"),
            "min_value": _("学时不能为负数"),
            "max_value": _("学时不能超过 200"),
            "max_decimal_places": _("学时最多保留 1 位小数"),
        },
    )
    themed_items = forms.MultipleChoiceField(
        label=_("“4+X”中的“4”项"),
        required=False,
        choices=[(code, label) for code, label in rules.THEMED_DAY_ITEMS.items()],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("集中学习、过组织生活、开展民主议事、志愿服务；未勾选的项目会在会议页面提示"),
    )
    themed_extra = text(_("X 项内容"), 200, help_text=_("本地特色内容，如“清理河道”“走访困难党员”"))
    held_as = forms.ChoiceField(
        label=_("召开形式"),
        required=False,
        choices=HELD_AS_CHOICES,
        help_text=_("组织生活会以党员大会、支委会或党小组会形式召开（支部条例第十七条）"),
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("谈话参加人"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("谈心谈话至少两人：勾选谈话双方（一轮谈话可勾选多人）"),
    )
    minutes = text(_("会议记录"), 20000, rows=8)
    resolutions = text(_("决议事项"), 5000, rows=3)

    service_fields = {"attendees": "participants"}

    def __init__(self, data=None, *, kind: str, participant_choices=(), initial=None):
        super().__init__(data, initial=initial)
        self.kind = kind
        for name, kinds in KIND_FIELDS.items():
            if kind not in kinds:
                del self.fields[name]
        if "participants" in self.fields:
            self.fields["participants"].choices = participant_choices
            self.fields["participants"].error_messages["invalid_choice"] = gettext("请从名单中选择谈话参加人")
        if kind == MeetingKind.LIFE_MEETING:
            self.fields["held_as"].required = True
            self.fields["held_as"].error_messages["required"] = gettext("请选择召开形式")

    def record(self) -> dict:
        """The cleaned values as the services take them (kind-specific fields only where they belong)."""
        data = dict(self.cleaned_data)
        data.pop("participants", None)
        if "hours" in data:
            data["hours"] = data["hours"] or 0
        return data

    def attendees(self) -> list[dict] | None:
        if "participants" not in self.fields:
            return None
        return [
            {"member_id": pk, "attendance": Attendance.PRESENT} for pk in self.cleaned_data["participants"]
        ]


class HoldForm(ServiceForm):
    held_on = date_field(_("召开日期"), help_text=_("会议实际召开的日期，不能晚于今天"))
    starts_at = time_field(_("开始时间"))
    place = text(_("地点"), 100)
    host = text(_("主持人"), 50)
    recorder = text(_("记录人"), 50)
    minutes = text(_("会议记录"), 20000, rows=8)
    resolutions = text(_("决议事项"), 5000, rows=3)


class CancelForm(ServiceForm):
    reason = text(_("取消原因"), 200, required=True, help_text=_("如“暴雨预警，改期召开”"))


# --- votes, grades, files ------------------------------------------------------------------------------------


class VoteForm(ServiceForm):
    motion = text(
        _("表决事项"), 300, required=True, help_text=_("一次表决一个事项；发展党员、转正须一人一表决")
    )
    subject_name = text(_("表决对象"), 50, help_text=_("表决涉及的人（如发展对象姓名），可不填"))
    rule = forms.ChoiceField(
        label=_("表决方式"),
        choices=[
            (rules.ASSEMBLY_VOTE, _("一般表决（过半数）")),
            (rules.ELECTION_VOTE, _("选举（到会须超过五分之四）")),
        ],
        initial=rules.ASSEMBLY_VOTE,
        required=False,
    )
    yes = count_field(_("赞成"), required=True)
    no = count_field(_("反对"))
    abstain = count_field(_("弃权"))
    written_yes = count_field(_("书面赞成"), help_text=_("未到会有表决权党员的书面意见（细则第二十一条）"))
    written_no = count_field(_("书面反对"))
    excluded = count_field(
        _("不计入应到会人数"),
        help_text=_(
            "经上级党组织同意、党员大会通过，不计入应到会的人数，如自费出国半年以上、长期卧床（中组部有关规定）"
        ),
    )

    def __init__(self, data=None, *, meeting_kind: str, initial=None):
        super().__init__(data, initial=initial)
        if meeting_kind == MeetingKind.COMMITTEE:
            for name in ("rule", "written_yes", "written_no"):
                del self.fields[name]

    def values(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        for name in ("no", "abstain", "written_yes", "written_no", "excluded"):
            data.setdefault(name, 0)
        return data


GRADE_CHOICES = [("", _("未评定")), *AppraisalGrade.Grade.choices]
ATTENDANCE_CHOICES = [("", _("未登记")), *Attendance.choices]


class MeetingFileForm(ServiceForm):
    file = forms.FileField(
        label=_("照片或文件"),
        help_text=_("照片 JPG、PNG；文件 PDF、Word（.docx）、Excel（.xlsx）"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件是空的，请重新选择")},
    )
