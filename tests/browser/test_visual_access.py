"""What axe cannot see: reflow at 320 px and at 200 % text on every patient page, the
chosen answer under forced colours (high contrast), and the contrast of the focus
indicator against what surrounds it. Screenshots: test-artifacts/screenshots/access-*.png."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import Patient
from tests.browser.conftest import log_in, screenshot
from tests.browser.keys import Keys

EVENING = dt.datetime(2026, 3, 20, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(EVENING, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        yield Patient.objects.get(user__username="anna")


def patient_pages(anna: Patient) -> dict[str, str]:
    names = ["today", "entry", "history", "medications", "calendar", "my_plan", "my_chart"]
    pages = {name: reverse(name) for name in names}
    three_weeks_ago = anna.local_today() - dt.timedelta(days=20)
    pages["day_detail"] = reverse("day_detail", args=[three_weeks_ago.isoformat()])
    return pages


# Everything in <main> whose text runs out of its own box or out of its card, and whether
# the page scrolls sideways. Tables in their scrolling region and the chart are left out:
# a data table may scroll sideways (WCAG 1.4.10), and the chart's SVG is hidden text.
OVERFLOWS = """() => {
  document.querySelectorAll("main details").forEach((details) => { details.open = true; });
  const page = document.scrollingElement;
  const found = [];
  if (page.scrollWidth > page.clientWidth)
    found.push(`page: ${page.scrollWidth} px wide in ${page.clientWidth}`);
  const skip = ".table-wrap, .chart, .visually-hidden, script";
  for (const el of document.querySelectorAll("main *")) {
    if (el.closest(skip) || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const name = `${el.tagName.toLowerCase()}.${el.className} "${(el.innerText || "").trim().slice(0, 30)}"`;
    if (style.display !== "inline" && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim())
      found.push(`${name}: text ${el.scrollWidth} px in a ${el.clientWidth} px box`);
    const card = el.parentElement.closest(".card, .warning-box, .ok-box, .error-summary");
    if (card) {
      const box = el.getBoundingClientRect(), edge = card.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) found.push(`${name}: runs past its card`);
    }
  }
  return found;
}"""


# 200 % text as a reader who set a larger default font has it: set before the page's own
# scripts run, so the chart is drawn at that size too.
TEXT_200 = """document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.style.fontSize = "200%"; }, {once: true});"""


def test_patient_pages_reflow_at_320_px_and_200_percent_text(browser, live_server, demo):
    found = {}
    for text in ("100%", "200%"):
        context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
        if text == "200%":
            context.add_init_script(TEXT_200)
        page = context.new_page()
        log_in(page, "anna", DEMO_PASSWORD)
        for name, path in patient_pages(demo).items():
            page.goto(path)
            if name == "my_chart":
                page.locator(".chart .main-svg").first.wait_for()
            root = page.evaluate("getComputedStyle(document.documentElement).fontSize")
            assert root == ("32px" if text == "200%" else "16px")
            problems = page.evaluate(OVERFLOWS)
            if problems:
                found[f"{name} at {text} text"] = problems
            if name in ("today", "entry"):
                screenshot(page, f"access-320px-{text[:-1]}pc-{name}")
        context.close()
    assert not found, found


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The focused element's indicator (the label of a hidden radio draws it) and the colours
# next to it: the background it sits on (ancestors' backgrounds, blended) and, for content
# in <main>, the page background around the cards.
FOCUS_RING = """() => {
  const focused = document.activeElement;
  const ring = focused.closest(".choices label") || focused;
  const parse = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  function backdrop(el) {
    const layers = [];
    for (; el; el = el.parentElement) {
      const [r, g, b, a = 1] = parse(getComputedStyle(el).backgroundColor);
      if (a > 0) layers.push([r, g, b, a]);
      if (a >= 1) break;
    }
    let colour = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) colour = [r * a + colour[0] * (1 - a),
      g * a + colour[1] * (1 - a), b * a + colour[2] * (1 - a)];
    return colour;
  }
  const style = getComputedStyle(ring);
  return {
    what: `${ring.tagName.toLowerCase()} ${ring.getAttribute("name") || ""} `
      + `"${(ring.innerText || ring.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
    body: focused === document.body,
    skip: focused.classList.contains("skip-link"),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: parse(style.outlineColor),
    around: backdrop(ring.parentElement),
    page: ring.closest("main") ? backdrop(document.body) : null,
  };
}"""


def focus_ring_problems(keys: Keys, stops: int) -> list[str]:
    problems = []
    for _ in range(stops):
        keys.press("Tab")
        ring = keys.page.evaluate(FOCUS_RING)
        if ring["body"]:
            break  # past the end of the page
        if ring["skip"]:
            continue  # the skip link is a yellow box on the dark header: checked on its own
        if ring["style"] == "none" or ring["width"] < 2:
            problems.append(f"{ring['what']}: no visible outline")
            continue
        for where in ("around", "page"):
            ratio = contrast(ring["colour"], ring[where]) if ring[where] else 21
            if ratio < 3:
                problems.append(f"{ring['what']}: {ratio:.1f}:1 against {where}")
    return problems


@pytest.mark.parametrize("theme", ["desktop", "dark_desktop"])
def test_the_focus_indicator_stands_out_from_its_neighbours(request, demo, theme):
    desktop = request.getfixturevalue(theme)
    log_in(desktop, "anna", DEMO_PASSWORD)
    desktop.goto(reverse("entry"))
    problems = focus_ring_problems(Keys(desktop), 40)  # header, day links, the whole form
    desktop.goto(reverse("my_chart"))
    desktop.locator(".chart .main-svg").first.wait_for()
    problems += focus_ring_problems(Keys(desktop), 16)  # the range buttons and the chart toolbar
    skip = desktop.evaluate("""() => {
      const link = document.querySelector(".skip-link"); link.focus();
      const header = document.querySelector(".site-header");
      return [getComputedStyle(link).backgroundColor, getComputedStyle(header).backgroundColor];
    }""")
    link, header = ([float(n) for n in colour[4:-1].split(",")] for colour in skip)
    assert contrast(link, header) >= 3, skip
    assert not problems, problems


# Fraction of pixels that differ clearly between two PNGs of the same size, measured in
# the browser (a canvas), so the tests need no imaging library.
PIXEL_DIFFERENCE = """async ([first, second]) => {
  const load = (data) => new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.src = "data:image/png;base64," + data;
  });
  const pixels = async (data) => {
    const image = await load(data), canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [a, b] = [await pixels(first), await pixels(second)];
  if (a.length !== b.length) return 1;
  let differ = 0;
  for (let i = 0; i < a.length; i += 4)
    if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 96) differ++;
  return differ / (a.length / 4);
}"""


def test_forced_colours_show_which_answer_is_chosen(browser, live_server, demo):
    """Under forced colours (Windows high contrast), a chosen score, Yes/No and
    Bedtime/Morning look different from the same choice not chosen."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, base_url=live_server.url, forced_colors="active"
    )
    page = context.new_page()
    log_in(page, "anna", DEMO_PASSWORD)
    page.goto(reverse("entry"))
    keys = Keys(page)

    def shot(label) -> str:
        page.evaluate("document.activeElement.blur()")
        return base64.b64encode(label.screenshot()).decode()

    def chosen_looks_different(group: str) -> float:
        """The group's first choice chosen (Space), then not (the arrow moves the choice on)."""
        first = page.locator(f"#field-{group} input").first
        label = page.locator(f"#field-{group} label").first
        first.focus()
        keys.press("Space")
        assert first.is_checked()
        chosen = shot(label)
        first.focus()
        keys.press("ArrowRight")
        assert not first.is_checked()
        return page.evaluate(PIXEL_DIFFERENCE, [chosen, shot(label)])

    score = page.locator("[name^=score_]").first.get_attribute("name")
    differences = {group: chosen_looks_different(group) for group in ("timing_taken", score, "dose_taken")}
    screenshot(page, "access-forced-colours-entry")
    context.close()
    assert all(difference > 0.3 for difference in differences.values()), differences
