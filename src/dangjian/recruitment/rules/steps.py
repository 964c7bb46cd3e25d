"""The five stages and 25 steps of member development (细则 2014; RULES.md section D) as data."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

# --- stages ---------------------------------------------------------------------------------------------------

# The case's `stage` (API enum): where the person stands, not the 细则's five stages of work.
APPLICANT = "applicant"  # 入党申请人
ACTIVIST = "activist"  # 入党积极分子
CANDIDATE = "candidate"  # 发展对象
PROBATIONARY = "probationary"  # 预备党员
FULL = "full"  # 正式党员 (converted)
WITHDRAWN = "withdrawn"  # 已终止 (application withdrawn, or development stopped)
CANCELLED = "cancelled"  # 取消预备党员资格
OPEN_STAGES = (APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY)
CLOSED_STAGES = (FULL, WITHDRAWN, CANCELLED)

# The five stages of the work (细则 chapters 2–5; RULES.md D).
PHASES = {
    1: gettext_lazy("申请入党"),
    2: gettext_lazy("入党积极分子的确定和培养教育"),
    3: gettext_lazy("发展对象的确定和考察"),
    4: gettext_lazy("预备党员的接收"),
    5: gettext_lazy("预备党员的教育、考察和转正"),
}

# Who takes a step's decision.
BY_APPLICANT = "applicant"  # the person themself (application, 志愿书, 转正申请)
BY_BRANCH = "branch"  # the branch (its secretary or committee)
BY_BRANCH_BODY = "branch_body"  # the 支委会, or the 支部大会 where the branch has no committee
BY_ASSEMBLY = "assembly"  # the 支部大会 (党员大会), by vote
BY_COMMITTEE = "committee"  # the 基层党委 that holds approval authority
BY_DEPARTMENT = "department"  # the higher committee's organization department (组织部门)
DECIDERS = {
    BY_APPLICANT: gettext_lazy("本人"),
    BY_BRANCH: gettext_lazy("党支部"),
    BY_BRANCH_BODY: gettext_lazy("支委会（未设支委会的为支部大会）"),
    BY_ASSEMBLY: gettext_lazy("支部大会"),
    BY_COMMITTEE: gettext_lazy("具有审批权限的基层党委"),
    BY_DEPARTMENT: gettext_lazy("上级党委组织部门"),
}

# The bodies that may decide a BY_BRANCH_BODY step (the `body` of a step).
BODY_COMMITTEE = "committee"  # 支委会
BODY_ASSEMBLY = "assembly"  # 支部大会


@dataclass(frozen=True)
class Step:
    number: int
    phase: int  # 1..5, key of PHASES
    title: str
    decider: str  # key of DECIDERS
    source: str
    documents: tuple[str, ...]
    requires: tuple[int, ...]  # steps that must be recorded (and current) first
    periodic: bool = False  # recorded again and again (half-yearly reviews, probation records)

    @property
    def phase_title(self) -> str:
        return str(PHASES[self.phase])


def _step(number, phase, title, decider, source, documents, requires, periodic=False) -> Step:
    return Step(number, phase, title, decider, source, tuple(documents), tuple(requires), periodic)


_ = gettext_lazy  # named "_" so that makemessages extracts the titles, sources and documents
STEPS: dict[int, Step] = {
    s.number: s
    for s in (
        _step(1, 1, _("递交入党申请书"), BY_APPLICANT, _("细则 第6条"), [_("入党申请书")], []),
        _step(2, 1, _("党组织派人谈话"), BY_BRANCH, _("细则 第7条"), [_("谈话记录")], [1]),
        _step(
            3,
            2,
            _("推荐和确定入党积极分子"),
            BY_BRANCH_BODY,
            _("细则 第8条"),
            [_("党员推荐、群团组织推优材料"), _("支委会会议记录")],
            [2],
        ),
        _step(4, 2, _("报上级党委备案"), BY_BRANCH, _("细则 第8条"), [_("入党积极分子备案报告")], [3]),
        _step(5, 2, _("指定培养联系人"), BY_BRANCH, _("细则 第9条"), [_("培养联系人指定记录")], [3]),
        _step(
            6,
            2,
            _("培养教育考察"),
            BY_BRANCH,
            _("细则 第11条"),
            [_("入党积极分子考察登记表"), _("思想汇报")],
            [5],
            periodic=True,
        ),
        _step(
            7,
            3,
            _("确定发展对象"),
            BY_BRANCH_BODY,
            _("细则 第13条"),
            [_("征求意见情况"), _("支委会会议记录")],
            [4, 5, 6],
        ),
        _step(8, 3, _("报上级党委备案"), BY_BRANCH, _("细则 第13条"), [_("发展对象备案报告")], [7]),
        _step(9, 3, _("确定入党介绍人"), BY_BRANCH, _("细则 第14条"), [_("入党介绍人确定记录")], [7]),
        _step(10, 3, _("进行政治审查"), BY_BRANCH, _("细则 第16条"), [_("政治审查结论性材料")], [7]),
        _step(11, 3, _("开展集中培训"), BY_COMMITTEE, _("细则 第17条"), [_("培训结业证书")], [7]),
        _step(
            12,
            4,
            _("支部委员会审查"),
            BY_BRANCH_BODY,
            _("细则 第19条"),
            [_("支委会审查意见")],
            [8, 9, 10, 11],
        ),
        _step(
            13,
            4,
            _("上级党委预审"),
            BY_COMMITTEE,
            _("细则 第19条"),
            [_("预审请示"), _("预审意见"), _("发展对象公示")],
            [12],
        ),
        _step(14, 4, _("填写入党志愿书"), BY_APPLICANT, _("细则 第20条"), [_("入党志愿书")], [13]),
        _step(
            15,
            4,
            _("支部大会讨论"),
            BY_ASSEMBLY,
            _("细则 第20条、第21条"),
            [_("支部大会会议记录"), _("表决票")],
            [14],
        ),
        _step(
            16, 4, _("上级党委派人谈话"), BY_COMMITTEE, _("细则 第23条"), [_("谈话记录（入党志愿书）")], [15]
        ),
        _step(
            17,
            4,
            _("上级党委审批"),
            BY_COMMITTEE,
            _("细则 第24条"),
            [_("审批意见（注明预备期起止时间）")],
            [16],
        ),
        _step(
            18,
            4,
            _("再上级党委组织部门备案"),
            BY_DEPARTMENT,
            _("细则 第四章"),
            [_("接收预备党员备案报告")],
            [17],
        ),
        _step(19, 5, _("编入党支部和党小组"), BY_BRANCH, _("细则 第五章"), [_("编入党小组记录")], [17]),
        _step(20, 5, _("入党宣誓"), BY_BRANCH, _("党章 第6条"), [_("入党宣誓记录")], [17]),
        _step(
            21,
            5,
            _("继续教育考察"),
            BY_BRANCH,
            _("细则 第32条"),
            [_("预备党员考察登记表"), _("思想汇报")],
            [17],
            periodic=True,
        ),
        _step(22, 5, _("提出转正申请"), BY_APPLICANT, _("细则 第33条"), [_("转正申请书")], [19, 20, 21]),
        _step(
            23,
            5,
            _("支部大会讨论（转正）"),
            BY_ASSEMBLY,
            _("细则 第33条"),
            [_("支部大会会议记录"), _("表决票")],
            [22],
        ),
        _step(24, 5, _("上级党委审批（转正）"), BY_COMMITTEE, _("细则 第34条"), [_("转正审批意见")], [23]),
        _step(
            25,
            5,
            _("材料归档"),
            BY_BRANCH,
            _("细则 第37条"),
            [_("入党志愿书"), _("入党申请书"), _("政治审查材料"), _("转正申请书"), _("培养教育考察材料")],
            [24],
        ),
    )
}
del _

FIRST_STEP, LAST_STEP = 1, 25
VOTE_STEPS = frozenset({15, 23})  # 支部大会 votes (细则 第21条, 第33条)
COMMITTEE_STEPS = frozenset({13, 16, 17, 18, 24})  # taken by the 基层党委 or above, never by the branch alone
APPROVAL_STEPS = frozenset({17, 24})  # need a body that may approve
BODY_STEPS = frozenset(n for n, s in STEPS.items() if s.decider == BY_BRANCH_BODY)
ADMISSION_ROUND = (12, 13, 14, 15, 16)  # redone together when the [LOCAL] redo rule applies
CONVERSION_ROUND = (22, 23, 24)  # done again after an extension of probation

# Which step may be recorded while the case is at which stage; the steps in brackets move it on.
STAGE_OF_STEP = {
    **dict.fromkeys(range(2, 4), APPLICANT),  # [3] → activist
    **dict.fromkeys(range(4, 8), ACTIVIST),  # [7] → candidate
    **dict.fromkeys(range(8, 18), CANDIDATE),  # [17] → probationary
    **dict.fromkeys(range(18, 25), PROBATIONARY),  # [24 confirm] → full, [24 cancel] → cancelled
    25: FULL,
}

# Outcomes of the 转正 vote and its approval (细则 第32、33条; 党章 第7条).
CONFIRM = "confirm"  # 按期转为正式党员
EXTEND = "extend"  # 延长预备期
CANCEL = "cancel"  # 取消预备党员资格
OUTCOMES = {
    CONFIRM: gettext_lazy("转为正式党员"),
    EXTEND: gettext_lazy("延长预备期"),
    CANCEL: gettext_lazy("取消预备党员资格"),
}

STAGE_LABELS = {
    APPLICANT: gettext_lazy("入党申请人"),
    ACTIVIST: gettext_lazy("入党积极分子"),
    CANDIDATE: gettext_lazy("发展对象"),
    PROBATIONARY: gettext_lazy("预备党员"),
    FULL: gettext_lazy("正式党员"),
    WITHDRAWN: gettext_lazy("已终止"),
    CANCELLED: gettext_lazy("已取消预备党员资格"),
}
