"""The form of each step (2–25): the date and notes every step has, plus the step's own fields.

`StepForm(data, case=…, step=…, choices=StepChoices(…))` builds the fields of one step; `details()` gives
the keyword arguments of `services.step_record` for it. The form checks only the shape of the input (a
number is a number, a member is one of those offered); every rule is the service's.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import ServiceForm, date_input

from . import rules
from .models import DevelopmentCase

VOTE_FIGURES = ("yes", "no", "abstain", "written_yes", "written_no", "excluded")
FIGURE_LABELS = {
    "yes": _("赞成票"),
    "no": _("反对票"),
    "abstain": _("弃权票"),
    "written_yes": _("书面赞成"),
    "written_no": _("书面反对"),
    "excluded": _("经上级同意不计入应到会人数"),
}
FIGURE_HELP = {
    "written_yes": _("未到会的有表决权党员会前提交的书面意见，计入赞成票（细则 第21条）"),
    "written_no": _("未到会的有表决权党员会前提交的书面意见，计入反对票"),
    "excluded": _("如因病、出国等经上级党组织同意不计入应到会的人数；一般为 0"),
}
MEETING_STEPS = frozenset({3, 7, 12, 15, 23})
BODY_LABELS = {rules.BODY_COMMITTEE: _("支委会"), rules.BODY_ASSEMBLY: _("支部大会")}


@dataclass
class StepChoices:
    """What the form may offer for one case (read by the view from `selectors_pages`)."""

    meetings: list = field(default_factory=list)  # held meetings of the branch
    full_members: object = None  # QuerySet of the branch's full members (mentors, sponsors)
    people: object = None  # QuerySet of members in scope (talker, interviewer)
    deciders: list = field(default_factory=list)  # selectors_pages.Decider above the branch
    groups: object = None  # QuerySet of the branch's party groups
    expected_body: str = rules.BODY_COMMITTEE
    default_decider: object = None  # Organization
    default_people: list = field(default_factory=list)  # sponsors: the mentors, normally (细则 第14条)


def _meeting_label(meeting) -> str:
    return f"{meeting.held_on:%Y-%m-%d} {meeting.get_kind_display()}：{meeting.topic}"


def _member_label(member) -> str:
    return member.name if not getattr(member, "org", None) else f"{member.name}（{member.org.name}）"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class MembersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StepForm(ServiceForm):
    date = forms.DateField(
        label=_("办理日期"),
        widget=date_input(),
        error_messages={"invalid": _("日期格式应为 年-月-日（如 2026-03-01）")},
    )
    notes = forms.CharField(
        label=_("情况记录"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args, case: DevelopmentCase, step: int, choices: StepChoices, preview_url: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.case, self.step, self.choices = case, step, choices
        self.fields["notes"].error_messages["max_length"] = gettext("情况记录最多 %(n)d 字") % {"n": 2000}
        if step in (6, 21):
            self.fields["notes"].required = True
            self.fields["notes"].label = _("考察情况")
            self.fields["notes"].error_messages["required"] = gettext("请填写考察情况")
        builder = BUILDERS.get(step)
        if builder is not None:
            builder(self)
        if step in MEETING_STEPS:
            self.fields["date"].required = False
            self.fields["date"].help_text = _("可不填：按所选会议的召开日期登记")
        self.order_fields(["date", *[n for n in self.fields if n not in ("date", "notes")], "notes"])
        self._ask_in_chinese()
        if preview_url:
            self._wire_previews(preview_url)

    def _ask_in_chinese(self) -> None:
        """The fields added for the step ask for themselves as ServiceForm's own fields do."""
        for form_field in self.fields.values():
            if form_field.required and "请" not in str(form_field.error_messages.get("required", "")):
                choose = isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField | forms.DateField)
                message = gettext("请选择%(label)s") if choose else gettext("请填写%(label)s")
                form_field.error_messages["required"] = message % {"label": form_field.label}

    def _wire_previews(self, url: str) -> None:
        """htmx: the vote figures follow the meeting chosen; the notice's last day follows its first."""
        if self.step in rules.VOTE_STEPS:
            for name in ("meeting", "excluded"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": url,
                        "hx-target": "#vote-figures",
                        "hx-trigger": "change",
                        "hx-include": "[name='meeting'], [name='excluded']",
                    }
                )
        if self.step == 13:
            self.fields["notice_starts_on"].widget.attrs.update(
                {"hx-get": url, "hx-target": "#notice-end", "hx-trigger": "change"}
            )

    # --- building blocks ---------------------------------------------------------------------------------------

    def add_meeting(self, *, required: bool, label, help_text=""):
        self.fields["meeting"] = forms.TypedChoiceField(
            label=label,
            required=required,
            coerce=int,
            empty_value=None,
            choices=[("", gettext("（请选择）"))]
            + [(m.pk, _meeting_label(m)) for m in self.choices.meetings],
            help_text=help_text,
            error_messages={"invalid_choice": _("请选择本党支部已召开的会议")},
        )

    def add_decider(self, *, approving: bool, label):
        options = [d for d in self.choices.deciders if not approving or d.refusal is None]
        self.fields["decided_by"] = forms.TypedChoiceField(
            label=label,
            coerce=int,
            required=False,
            empty_value=None,
            choices=[("", gettext("（按规定自动确定）"))] + [(d.org.pk, d.org.name) for d in options],
            initial=self.choices.default_decider.pk if self.choices.default_decider else None,
            error_messages={"invalid_choice": _("请选择该党支部的上级党组织")},
            help_text=_("只列出有审批权限的上级党委（细则 第24条）") if approving else "",
        )

    def add_ref(self):
        self.fields["decision_ref"] = forms.CharField(
            label=_("文号"), max_length=100, required=False, help_text=_("如：甲委〔2025〕12号")
        )

    def add_body(self):
        expected = self.choices.expected_body
        self.fields["body"] = forms.ChoiceField(
            label=_("决定会议"),
            choices=list(BODY_LABELS.items()),
            initial=expected,
            widget=forms.RadioSelect,
            help_text=_("已设支委会的由支委会讨论决定，未设支委会的由支部大会讨论决定（细则 第8条）"),
        )
        self.add_meeting(
            required=False,
            label=_("会议"),
            help_text=_("可选：组织生活中已登记召开的支委会或党员大会，日期须与办理日期一致"),
        )

    def add_vote(self, *, outcome: bool):
        self.add_meeting(
            required=True,
            label=_("支部大会（党员大会）"),
            help_text=_("选择组织生活中已登记召开、已登记出席情况的党员大会"),
        )
        if outcome:
            self.fields["outcome"] = forms.ChoiceField(
                label=_("讨论结果"), choices=list(rules.OUTCOMES.items()), widget=forms.RadioSelect
            )
            self.fields["extension_months"] = forms.IntegerField(
                label=_("延长预备期（月）"),
                required=False,
                min_value=1,
                max_value=24,
                help_text=_("延长预备期时填写：不少于 6 个月，不超过 1 年，只能延长一次（党章 第7条）"),
            )
        for name in VOTE_FIGURES:
            self.fields[name] = forms.IntegerField(
                label=FIGURE_LABELS[name],
                min_value=0,
                max_value=9999,
                required=name == "yes",
                initial=0 if name != "yes" else None,
                help_text=FIGURE_HELP.get(name, ""),
                error_messages={"min_value": _("票数和人数不能为负数"), "invalid": _("请输入整数")},
            )

    # --- reading the form --------------------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        meeting_id = data.get("meeting")
        if "meeting" in self.fields and meeting_id:
            meeting = next((m for m in self.choices.meetings if m.pk == meeting_id), None)
            data["meeting"] = meeting
            if meeting is not None and not data.get("date") and "date" not in self.errors:
                data["date"] = meeting.held_on
        elif "meeting" in self.fields:
            data["meeting"] = None
        if not data.get("date") and "date" not in self.errors:
            self.add_error("date", gettext("请填写办理日期"))
        return data

    def details(self) -> dict:
        """The step's keyword arguments for `services.step_record` (besides actor, case, step)."""
        data = self.cleaned_data
        values = {"date": data["date"], "notes": data.get("notes") or ""}
        for name, form_field in self.fields.items():
            if name in ("date", "notes"):
                continue
            value = data.get(name)
            if name in ("mentors", "sponsors"):
                value = list(value or [])
            elif name in VOTE_FIGURES:
                value = value or 0
            elif name == "decided_by":
                value = self._decider(value)
            elif name in ("days", "hours"):
                value = _number(value)
            elif name == "passed":
                value = value == "yes"
            elif name == "extension_months":
                if data.get("outcome") != rules.EXTEND:
                    continue
            elif isinstance(form_field, forms.CharField):
                value = value or ""
            values[name] = value
        return values

    def _decider(self, pk):
        if pk is None:
            return None
        return next((d.org for d in self.choices.deciders if d.org.pk == pk), None)


def _number(value):
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else float(value)


# --- the fields of each step -------------------------------------------------------------------------------


def _talk(form: StepForm):
    form.fields["talker_name"] = forms.CharField(
        label=_("谈话人"), max_length=50, help_text=_("党组织派去谈话的同志，如：支部书记王某")
    )
    form.fields["talker"] = MemberChoice(
        label=_("谈话人的党员档案"),
        queryset=form.choices.people,
        required=False,
        empty_label=_("（可不选）"),
        error_messages={"invalid_choice": _("请选择管理范围内的党员")},
    )


def _activists(form: StepForm):
    form.add_body()
    form.fields["recommended_by"] = forms.CharField(
        label=_("推荐方式"),
        max_length=100,
        required=False,
        help_text=_("如：党员推荐、团组织推优、群团组织推荐"),
    )


def _filing(form: StepForm):
    form.add_decider(approving=False, label=_("备案的上级党委"))
    form.add_ref()


def _mentors(form: StepForm):
    form.fields["mentors"] = MembersChoice(
        label=_("培养联系人"),
        queryset=form.choices.full_members,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("从本支部正式党员中指定 1 至 2 名（细则 第9条）"),
        error_messages={"required": _("请选择培养联系人"), "invalid_choice": _("请选择本支部的正式党员")},
    )


def _sponsors(form: StepForm):
    form.fields["sponsors"] = MembersChoice(
        label=_("入党介绍人"),
        queryset=form.choices.full_members,
        widget=forms.CheckboxSelectMultiple,
        initial=[m.pk for m in form.choices.default_people],
        help_text=_("2 名正式党员，一般为培养联系人（细则 第14条）；受留党察看处分未恢复党员权利的不能担任"),
        error_messages={"required": _("请选择入党介绍人"), "invalid_choice": _("请选择本支部的正式党员")},
    )


def _review(form: StepForm):
    form.fields["conclusion"] = forms.CharField(
        label=_("审查结论"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("政治审查须形成结论性材料（细则 第16条）"),
    )
    form.fields["passed"] = forms.ChoiceField(
        label=_("审查结果"),
        choices=[("yes", _("合格")), ("no", _("不合格"))],
        initial="yes",
        widget=forms.RadioSelect,
    )


def _training(form: StepForm):
    form.fields["days"] = forms.FloatField(label=_("培训天数"), min_value=0, max_value=1000, required=False)
    form.fields["hours"] = forms.FloatField(
        label=_("培训学时"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("一般不少于 3 天或不少于 24 学时（细则 第17条）"),
    )
    form.fields["organizer"] = forms.CharField(label=_("举办单位"), max_length=100, required=False)
    form.fields["certificate_no"] = forms.CharField(label=_("结业证书编号"), max_length=50, required=False)
    form.add_decider(approving=False, label=_("组织培训的党委"))


def _pre_review(form: StepForm):
    form.add_decider(approving=True, label=_("预审的基层党委"))
    form.add_ref()
    form.fields["notice_starts_on"] = forms.DateField(
        label=_("公示开始日期"),
        widget=date_input(),
        help_text=_("公示结束日期按工作日自动计算并显示"),
        error_messages={"invalid": _("日期格式应为 年-月-日（如 2026-03-01）")},
    )


def _admission_vote(form: StepForm):
    form.add_vote(outcome=False)


def _committee_talk(form: StepForm):
    form.add_decider(approving=False, label=_("派人谈话的党委"))
    form.fields["submitted_on"] = forms.DateField(
        label=_("支部大会决议报送日期"),
        widget=date_input(),
        help_text=_("党支部把支部大会决议报上级党委的日期"),
        error_messages={"invalid": _("日期格式应为 年-月-日（如 2026-03-01）")},
    )
    form.fields["interviewer_name"] = forms.CharField(
        label=_("谈话的党委委员或组织员"), max_length=50, help_text=_("细则 第23条")
    )
    form.fields["interviewer"] = MemberChoice(
        label=_("谈话人的党员档案"),
        queryset=form.choices.people,
        required=False,
        empty_label=_("（可不选）"),
        error_messages={"invalid_choice": _("请选择管理范围内的党员")},
    )


def _approval(form: StepForm):
    form.add_decider(approving=True, label=_("审批的基层党委"))
    form.add_ref()
    form.fields["reason"] = forms.CharField(
        label=_("逾期原因"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("超过 3 个月审批的须说明原因"),
    )


def _department_filing(form: StepForm):
    form.add_decider(approving=False, label=_("备案的上级党委组织部门"))
    form.add_ref()


def _placement(form: StepForm):
    form.fields["party_group"] = forms.ModelChoiceField(
        label=_("编入党小组"),
        queryset=form.choices.groups,
        required=False,
        empty_label=_("（本支部未设党小组或暂不编入）"),
        error_messages={"invalid_choice": _("请选择本支部下设的党小组")},
    )


def _conversion_vote(form: StepForm):
    form.add_vote(outcome=True)


BUILDERS = {
    2: _talk,
    3: _activists,
    4: _filing,
    5: _mentors,
    7: lambda form: form.add_body(),
    8: _filing,
    9: _sponsors,
    10: _review,
    11: _training,
    12: lambda form: form.add_body(),
    13: _pre_review,
    15: _admission_vote,
    16: _committee_talk,
    17: _approval,
    18: _department_filing,
    19: _placement,
    23: _conversion_vote,
    24: _approval,
}
