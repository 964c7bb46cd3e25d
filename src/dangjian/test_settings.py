"""Settings for the test suite: the ordinary settings with DANGJIAN_TESTING on (set before they load)."""

import os

os.environ["DANGJIAN_TESTING"] = "1"

from dangjian.settings import *  # noqa: F403

AXES_ENABLED = True
