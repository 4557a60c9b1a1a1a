"""Production settings for the load benchmark, with static files collected under bench/.work/."""

import os
from pathlib import Path

from newsroom.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
# wrk posts every consent choice from one address: the flood limit would answer most with 429.
CONSENT_CHOICES_PER_MINUTE = 10**9
