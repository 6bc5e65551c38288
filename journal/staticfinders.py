"""Serve plotly.js from the installed plotly package, so the chart script is never
copied into the repository and never loaded from another host.

Only the one file is exposed: the package's data folder also holds 28 MB of sample
data sets that collectstatic must not copy.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC_PATH = "vendor/plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_JS.parent))

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != STATIC_PATH:
            return [] if find_all else None
        return [str(PLOTLY_JS)] if find_all else str(PLOTLY_JS)

    def list(self, ignore_patterns):
        # The storage is rooted at package_data; its prefix puts the file at vendor/.
        self.storage.prefix = "vendor"  # type: ignore[attr-defined]  # read by collectstatic
        yield PLOTLY_JS.name, self.storage
