"""群众测评: the short questionnaire the public answers with a one-time code, and the codes themselves.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as ABCD-EFGH; people may
type them in lower case, with or without the dash or spaces. 32⁸ ≈ 10¹² codes: guessing one is hopeless.
"""

import secrets

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.errors import ValidationFailed

from . import rules

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
COMMENT_MAX = 300

SATISFACTION = [
    ("satisfied", gettext_lazy("满意")),
    ("basically_satisfied", gettext_lazy("基本满意")),
    ("dissatisfied", gettext_lazy("不满意")),
]
RATING = [("good", gettext_lazy("好")), ("fair", gettext_lazy("一般")), ("poor", gettext_lazy("差"))]

# 方案二 三(二)4 群众反映好 (the overall question decides "satisfied"); the others follow "五好" and 党务公开.
QUESTIONS = [
    {
        "key": "overall",
        "text": gettext_lazy("您对该党组织领导班子的总体评价"),
        "choices": SATISFACTION,
        "required": True,
    },
    {
        "key": "service",
        "text": gettext_lazy("党组织和党员为群众办实事、解难题的情况"),
        "choices": RATING,
        "required": True,
    },
    {
        "key": "openness",
        "text": gettext_lazy("党务公开（村务、居务公开）的情况"),
        "choices": RATING,
        "required": True,
    },
    {"key": "conduct", "text": gettext_lazy("党员干部的工作作风"), "choices": RATING, "required": True},
]


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalised(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch not in "- \t")


def looks_like_code(text: str) -> bool:
    code = normalised(text)
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def questions() -> list[dict]:
    """The questionnaire as plain values (for the API and the public page)."""
    return [
        {
            "key": q["key"],
            "text": str(q["text"]),
            "required": q["required"],
            "choices": [{"value": value, "label": str(label)} for value, label in q["choices"]],
        }
        for q in QUESTIONS
    ]


def clean(answers: dict) -> tuple[dict, bool]:
    """The answers kept (known questions, valid choices, a short comment) and whether the sheet counts as
    satisfied; ValidationFailed (422) names the question otherwise."""
    if not isinstance(answers, dict):
        raise ValidationFailed.field("answers", _("答卷格式错误"))
    cleaned = {}
    for question in QUESTIONS:
        value = answers.get(question["key"])
        allowed = {v for v, _label in question["choices"]}
        if value in (None, ""):
            if question["required"]:
                raise ValidationFailed.field(question["key"], _("请回答：%(q)s") % {"q": question["text"]})
            continue
        if value not in allowed:
            raise ValidationFailed.field(question["key"], _("请从选项中选择"))
        cleaned[question["key"]] = value
    comment = str(answers.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed.field("comment", _("意见建议最多 %(n)d 个字") % {"n": COMMENT_MAX})
    if comment:
        cleaned["comment"] = comment
    return cleaned, rules.is_satisfied(cleaned["overall"])
