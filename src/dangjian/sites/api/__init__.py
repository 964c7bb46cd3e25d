"""/api/v1/sites — the demonstration-site programme (design/API.md conventions; issue 5).

catalogues · campaigns (quotas, progress, ranking, notices, re-review round, bottom rank) · applications
(state machine actions, scores, evidence, survey codes, reviewers, history) · surveys/{code} and objections
(public, no account) · sites (designated) · re-reviews · rectifications · award-bars · public (the board).
"""

from . import applications, campaigns, catalogues, management, public  # noqa: F401  (routes)
from .base import router

__all__ = ["router"]
