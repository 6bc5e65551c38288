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
  return {tag: el.tagName.toLowerCase(), text: text.replace(/\\s+/g, " ").trim(),
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


def live_regions(page) -> dict[str, str]:
    """Every live region in the page's accessibility tree (Chromium's, through the DevTools
    protocol), by its DOM id, with the text a screen reader would announce from it."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        by_id = {node["nodeId"]: node for node in nodes}

        def text(node) -> str:
            if node.get("role", {}).get("value") == "StaticText":
                return node.get("name", {}).get("value", "")
            return " ".join(
                filter(None, (text(by_id[child]) for child in node.get("childIds", []) if child in by_id))
            )

        regions = {}
        for node in nodes:
            properties = {prop["name"]: prop["value"].get("value") for prop in node.get("properties", [])}
            if properties.get("live") in ("polite", "assertive") and "backendDOMNodeId" in node:
                if node.get("parentId") in by_id and any(
                    prop["name"] == "live" for prop in by_id[node["parentId"]].get("properties", [])
                ):
                    continue  # inside a region already counted
                described = session.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
                attributes = described["node"].get("attributes", [])
                dom_id = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("id", "")
                regions[dom_id] = " ".join(text(node).split())
        return regions
    finally:
        session.detach()
