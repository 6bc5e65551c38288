"""Work done in a fresh process, so that the memory it takes is its own and not memory this
process freed earlier (building the clinics leaves plenty for Python to reuse)."""

from __future__ import annotations

import importlib
import multiprocessing
from typing import Any

import django


def call_apart(function: str, *args: Any) -> Any:
    """`function` ("package.module.name") called with `args` in a new process set up like this
    one (the same environment: settings, database); its result."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_call, (function, *args))


def _call(function: str, *args: Any) -> Any:
    django.setup()
    module, name = function.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(*args)
