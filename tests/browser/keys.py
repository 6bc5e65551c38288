"""Keyboard-only helpers for the browser tests: every key press goes through `Keys`, which
counts them, so a test can print and bound what a task costs someone without a mouse."""

from __future__ import annotations

from collections.abc import Callable

# What the focused element is, in words a test can compare: role-ish tag, name, value.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: "body", text: "", id: "", name: "", value: ""};
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const text = el.getAttribute("aria-label") || el.innerText || label || "";
  return {tag: el.tagName.toLowerCase(), text: text.trim(),
          id: el.id || "", name: el.getAttribute("name") || "", value: el.value || "",
          type: el.getAttribute("type") || "", href: el.getAttribute("href") || ""};
}"""


class Keys:
    """Presses keys on `page` and counts them (a typed character counts as one press)."""

    def __init__(self, page, limit: int = 200):
        self.page = page
        self.count = 0
        self.limit = limit

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        for character in text:
            self.page.keyboard.press(character)
            self.count += 1

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, wanted: Callable[[dict], bool], *, key: str = "Tab", what: str = "") -> dict:
        """Press Tab (or `key`) until the focused element is the one wanted."""
        for _ in range(self.limit):
            self.press(key)
            focused = self.focused()
            if wanted(focused):
                return focused
        raise AssertionError(f"{what or 'the element'} was not reached with {key} in {self.limit} presses")


def text_is(text: str) -> Callable[[dict], bool]:
    return lambda focused: focused["text"] == text


def name_is(name: str) -> Callable[[dict], bool]:
    return lambda focused: focused["name"] == name
