"""The layout's rules, checked: the domain core imports no Django; no view imports another
view; services and selectors import no views or forms. See docs/architecture.md."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JOURNAL = ROOT / "journal"
DOMAIN_CORE = [
    "advice", "assessment", "bounds", "caregiving", "charts", "compounding", "diary", "dose_calendar",
    "entry_history", "exports", "fhir", "fhir_api", "fhir_import", "findings", "growth", "guide", "labs",
    "lockout", "measuring", "medicines",
    "outcome_charts", "outcomes", "plan_changes", "questionnaires", "reminders", "response", "rulebook",
    "safety", "schedule", "sources", "step_effects", "titration", "vocabulary", "wording",
]  # fmt: skip


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(package: str) -> list[Path]:
    return sorted(path for path in (JOURNAL / package).glob("*.py") if path.name != "__init__.py")


def test_every_domain_module_is_listed():
    """A new module at the top of journal/ is either domain core (add it here) or Django's."""
    django_side = {"__init__", "access", "admin", "append_only", "apps", "auth", "catalogue",
                   "context_processors", "lookups", "middleware", "models", "offline", "sessions",
                   "tasks", "uploads", "urls"}  # fmt: skip
    top = {path.stem for path in JOURNAL.glob("*.py")}
    assert top - django_side == set(DOMAIN_CORE)


@pytest.mark.parametrize("name", DOMAIN_CORE)
def test_the_domain_core_imports_no_django(name):
    imported = imports_of(JOURNAL / f"{name}.py")
    django = {module for module in imported if module.split(".")[0] == "django"}
    shell = {
        module for module in imported
        if module.startswith(("journal.models", "journal.views", "journal.selectors", "journal.services",
                              "journal.forms", "journal.access"))
    }  # fmt: skip
    assert django == set()
    assert shell == set()


def test_the_domain_core_imports_without_django_configured():
    """Importing a Django model without settings raises: the core must import cleanly."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    code = "; ".join(f"import journal.{name}" for name in DOMAIN_CORE)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", modules("views"), ids=lambda path: path.stem)
def test_no_view_imports_another_view(path):
    views = {module for module in imports_of(path) if module.startswith("journal.views")}
    assert {module for module in views if not module.startswith("journal.views.common")} == set()


@pytest.mark.parametrize(
    "path", modules("services") + modules("selectors"), ids=lambda path: path.parent.name + "." + path.stem
)
def test_services_and_selectors_import_no_views_or_forms(path):
    imported = imports_of(path)
    assert {module for module in imported if module.startswith(("journal.views", "journal.forms"))} == set()
