"""Member development (发展党员, RULES.md section D, rules 38–63) as data and pure functions. No ORM here.

- `STEPS`: the five stages and 25 steps of the 细则 (2014) — title, who decides, source, documents, and
  which steps must come before each.
- Time and authority rules, each naming its source: age on application, the talk within a month, the
  activist year, sponsors, training, the public notice in working days, the approval window, who may
  approve, probation, extension and conversion.
- `check_step`: whether a step may be recorded now on a given date, given what the case already holds
  (order, stage and every date rule); it raises `StepRefused` with the rule and its article.
- `dues_of`: what a case is due for next, with its date and rule (the due list and the reminders).

Dates are always passed in (`today`, `on`); [LOCAL] values come in through `Config` (settings).
"""

from .deadlines import *  # noqa: F403
from .dues import *  # noqa: F403
from .order import *  # noqa: F403
from .steps import *  # noqa: F403
