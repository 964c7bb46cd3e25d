"""Every write of member development: cases (step 1, corrections, withdrawal, files), steps 2–25, plans.

Import the functions from here: `from dangjian.recruitment import services; services.step_record(...)`.
"""

from .cases import (
    case_create,
    case_file_add,
    case_file_download,
    case_reveal,
    case_update,
    case_withdraw,
    may_reveal,
)
from .plans import plan_create, plan_update
from .steps import step_record

__all__ = [
    "case_create",
    "case_file_add",
    "case_file_download",
    "case_reveal",
    "case_update",
    "case_withdraw",
    "may_reveal",
    "plan_create",
    "plan_update",
    "step_record",
]
