"""The benchmark's settings: production settings (DEBUG off, as the README runs the app) with one
page added, the trivial view the request rates are measured against (benchmarks/urls.py), and
static files collected into the run's own folder."""

import os
from pathlib import Path

from ldnjournal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
