"""The tests mirror the code: every domain-core module has tests/test_<module>.py, every service
and selector module tests/services/test_<module>.py and tests/selectors/test_<module>.py, and
each public function of a service or selector is called in its own test module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.test_layout import DOMAIN_CORE, ROOT, modules

TESTS = ROOT / "tests"


def public_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def called_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            function = node.func
            names.add(function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", ""))
    return names


@pytest.mark.parametrize("name", DOMAIN_CORE)
def test_every_domain_module_has_its_test_module(name):
    assert (TESTS / f"test_{name}.py").exists(), f"journal/{name}.py has no tests/test_{name}.py"


@pytest.mark.parametrize(
    "path", modules("services") + modules("selectors"), ids=lambda path: f"{path.parent.name}.{path.stem}"
)
def test_every_public_service_and_selector_is_called_in_its_test_module(path):
    test_module = TESTS / path.parent.name / f"test_{path.stem}.py"
    assert test_module.exists(), f"{path.relative_to(ROOT)} has no {test_module.relative_to(ROOT)}"
    untested = set(public_functions(path)) - called_names(test_module)
    assert untested == set(), f"not called in {test_module.relative_to(ROOT)}"
