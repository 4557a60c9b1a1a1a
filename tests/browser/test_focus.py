"""Every element a keyboard reaches shows where the focus is: a ring at least 2px wide that
stands out 3:1 from what is behind it (WCAG 1.4.11, 2.4.7), not clipped by a scrolling box,
and not hidden behind the cookie banner (2.4.11), on a phone and on a desktop."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_release

from .conftest import SIZES

pytestmark = pytest.mark.django_db(transaction=True)


# What the focused element looks like: its ring, the colour behind the ring, whether a box that
# clips its overflow cuts the ring off, and whether something else covers the whole element.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const rgba = (value) => {
    const match = /rgba?\\(([^)]+)\\)/.exec(value || "");
    if (!match) return null;
    const [r, g, b, a = 1] = match[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return {r, g, b, a};
  };
  const luminance = ({r, g, b}) => {
    const channel = (v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (one, two) => {
    const [high, low] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
  };
  const style = getComputedStyle(element);
  const offset = parseFloat(style.outlineOffset) || 0;
  // An outline drawn outside the element sits on its parent's background; inside, on its own.
  const layers = [];
  for (let node = offset < 0 ? element : element.parentElement; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour && colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
  }
  const behind = layers.reverse().reduce((under, over) => ({
    r: over.r * over.a + under.r * (1 - over.a),
    g: over.g * over.a + under.g * (1 - over.a),
    b: over.b * over.a + under.b * (1 - over.a),
  }), {r: 255, g: 255, b: 255});
  let ring = null;
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    const width = parseFloat(style.outlineWidth);
    ring = {kind: "outline", width, colour: rgba(style.outlineColor)};
  } else if (style.boxShadow && style.boxShadow !== "none") {
    const lengths = style.boxShadow.replace(/rgba?\\([^)]*\\)/, "").match(/-?[\\d.]+px/g) || [];
    const spread = parseFloat(lengths[3] || "0");
    ring = {kind: "box-shadow", width: spread, colour: rgba(style.boxShadow)};
  }
  const box = element.getBoundingClientRect();
  const reach = ring && ring.kind === "outline" ? offset + ring.width : 0;
  let clippedBy = null;
  for (let node = element.parentElement; node !== document.body; node = node.parentElement) {
    const nodeStyle = getComputedStyle(node);
    if (nodeStyle.overflowX === "visible" && nodeStyle.overflowY === "visible") continue;
    const clip = node.getBoundingClientRect();
    if (box.left - reach < clip.left - 0.5 || box.right + reach > clip.right + 0.5 ||
        box.top - reach < clip.top - 0.5 || box.bottom + reach > clip.bottom + 0.5) {
      clippedBy = node.className || node.tagName;
      break;
    }
  }
  // Entirely hidden: no point of the element inside the window shows the element itself.
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  const seen = points.some(([x, y]) => {
    const px = box.left + box.width * x, py = box.top + box.height * y;
    if (px < 0 || py < 0 || px >= innerWidth || py >= innerHeight) return false;
    const hit = document.elementFromPoint(px, py);
    return hit !== null && (hit === element || element.contains(hit));
  });
  const attribute = (name) =>
    element.getAttribute(name) ? `[${name}="${element.getAttribute(name)}"]` : "";
  const text = (element.innerText || element.getAttribute("aria-label") || "").trim();
  const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
    attribute("href") + attribute("value") + attribute("name") +
    (element.tagName === "SELECT" ? "" : ` "${text.slice(0, 30)}"`);
  // A text field's or select's edge must be seen too, 3:1 against what is around it.
  let edge = null;
  if (/^(SELECT|TEXTAREA)$/.test(element.tagName) ||
      (element.tagName === "INPUT" && !/^(checkbox|radio)$/.test(element.type))) {
    const around = [];
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour && colour.a >= 1) { around.push(colour); break; }
    }
    const border = rgba(style.borderTopColor);
    edge = parseFloat(style.borderTopWidth) > 0 && border
      ? Math.round(contrast(border, around[0] || {r: 255, g: 255, b: 255}) * 100) / 100 : 0;
  }
  return {
    name, ring, clippedBy, seen, edge,
    contrast: ring && ring.colour ? Math.round(contrast(ring.colour, behind) * 100) / 100 : 0,
  };
}"""


def tab_through(page, limit: int = 200) -> list[dict]:
    """Press Tab from the top of the page until the focus leaves the page; what each stop showed."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop["name"] == stops[0]["name"]):
            break
        stops.append(stop)
    return stops


def ring_problems(stop: dict) -> list[str]:
    ring = stop["ring"]
    if ring is None:
        return ["no focus ring"]
    problems = []
    if ring["width"] < 2:
        problems.append(f"{ring['kind']} only {ring['width']}px wide")
    if stop["contrast"] < 3:
        problems.append(f"{ring['kind']} contrast {stop['contrast']}:1 against its background")
    if stop["clippedBy"]:
        problems.append(f"ring cut off by .{stop['clippedBy']}")
    if stop["edge"] is not None and stop["edge"] < 3:
        problems.append(f"the field's edge has contrast {stop['edge']}:1 against its background")
    if not stop["seen"]:
        problems.append("hidden behind other content (the cookie banner?)")
    return problems


@pytest.fixture
def pages(seeded) -> dict[str, str]:
    """Pages that between them have every kind of focusable thing: links, the skip link, the
    language switcher, selects, a search field, buttons, checkboxes, a summary, a scrolling
    table region."""
    make_release(headline="Another release", slug="another")  # so the list has a filter to clear
    with translation.override("en"):
        releases = reverse("media_centre:release-list")
        return {
            "home": reverse("media_centre:home"),
            "release list, filtered": f"{releases}?topic=green-finance",
            "release": seeded["release"].get_absolute_url(),
            "search": f"{reverse('media_centre:search')}?q=Shanghai",
            "cookies": reverse("consent:cookies"),
        }


@pytest.mark.parametrize("size", SIZES)
def test_every_focusable_element_shows_a_visible_focus_ring(visitor, pages, size):
    page = visitor(viewport=SIZES[size])
    # Where the focus ends up, not the smooth scroll on the way there (test_reduced_motion.py).
    page.emulate_media(reduced_motion="reduce")
    problems = []
    for name, path in pages.items():
        page.goto(path)
        # The banner's own checkboxes and button are reachable once "Choose" is open.
        page.locator("#consent-banner details").evaluate("details => { details.open = true; }")
        stops = tab_through(page)
        assert len(stops) >= 10, f"{name}: only {len(stops)} stops: {stops}"
        for stop in stops:
            if found := ring_problems(stop):
                problems.append(f"{name} ({path}): {stop['name']}: {', '.join(found)}")
    assert not problems, "Focus is hard to see:\n" + "\n".join(problems)
