"""Production settings for the load benchmark, with static files collected under bench/.work/."""

import os
from pathlib import Path

from newsroom.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
