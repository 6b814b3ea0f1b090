"""The map in Debian's Chromium, on the real register, boundaries and campaign
facts: every municipality drawn in its colour, reachable by mouse and keyboard,
with nothing fetched from another host."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from .conftest import load_campaign_data
from .test_map import ADOPTED_IN_THE_LETTER

pytestmark = pytest.mark.django_db(transaction=True)

MUNICIPALITIES_2025 = 342


def open_map(browser_page, url: str):
    """The page at ``url`` once map.js has drawn its map."""
    response = browser_page.open(url)
    assert response.status == 200
    browser_page.page.wait_for_selector("[data-map][data-ready='true']")
    return browser_page.page


def css_variable(page, name: str) -> str:
    return page.evaluate(
        "name => getComputedStyle(document.documentElement).getPropertyValue(name).trim()", name
    )


def shapes(page) -> list[tuple[str, str]]:
    """(aria-label, fill) of every municipality drawn."""
    return page.eval_on_selector_all(
        "path.leaflet-interactive",
        "paths => paths.map(p => [p.getAttribute('aria-label'), p.getAttribute('fill')])",
    )


def legend_counts(page) -> dict[str, int]:
    items = page.eval_on_selector_all(
        "#map-legend [data-status]",
        "items => items.map(i => [i.dataset.status, i.lastElementChild.textContent])",
    )
    return {status: int(count) for status, count in items}


def test_map_page_draws_every_municipality_in_the_colour_of_its_status(browser_page):
    load_campaign_data()

    page = open_map(browser_page, reverse("motions:map"))

    drawn = shapes(page)
    assert len(drawn) == MUNICIPALITIES_2025
    adopted_fill = css_variable(page, "--status-adopted")
    adopted = {label.split(":")[0] for label, fill in drawn if fill == adopted_fill}
    assert adopted == ADOPTED_IN_THE_LETTER
    assert "Amsterdam: Motie aangenomen" in {label for label, _fill in drawn}
    fills = Counter(fill for _label, fill in drawn)
    legend = legend_counts(page)
    assert legend == {"adopted": 7, "pending": 0, "rejected": 0, "none": MUNICIPALITIES_2025 - 7}
    for status, count in legend.items():
        assert fills[css_variable(page, f"--status-{status}")] == count
    assert page.locator("#map-table tbody tr").count() == MUNICIPALITIES_2025
    browser_page.screenshot("map.png")
    assert browser_page.outside_requests == []
    assert browser_page.console_errors == []
    assert browser_page.serious_accessibility_violations() == []


def test_municipality_opens_by_click_and_by_enter(browser_page):
    load_campaign_data()
    page = open_map(browser_page, reverse("motions:map"))

    page.locator("path[aria-label^='Kampen:']").click()
    page.wait_for_url(re.compile(r"/gemeenten/kampen/$"))

    page = open_map(browser_page, reverse("motions:map"))
    culemborg = page.locator("path[aria-label^='Culemborg:']")
    culemborg.focus()
    assert page.locator(".leaflet-tooltip").inner_text() == "Culemborg: Motie aangenomen"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/gemeenten/culemborg/$"))
    assert browser_page.outside_requests == []
    assert browser_page.console_errors == []


def test_province_select_zooms_to_the_province(browser_page):
    load_campaign_data()
    page = open_map(browser_page, reverse("motions:map"))
    maastricht = page.locator("path[aria-label^='Maastricht:']")
    width_before = maastricht.bounding_box()["width"]

    page.get_by_label("Zoom naar provincie").select_option("Limburg")
    page.wait_for_timeout(600)  # Leaflet's zoom animation

    assert maastricht.bounding_box()["width"] > 1.5 * width_before
    assert browser_page.console_errors == []


def test_embed_draws_the_map_with_legend_and_attribution(browser_page):
    load_campaign_data()

    page = open_map(browser_page, reverse("motions:map_embed"))

    assert page.locator("path.leaflet-interactive").count() == MUNICIPALITIES_2025
    assert page.locator(".site-header").count() == 0
    assert legend_counts(page)["adopted"] == 7
    assert "kaartgegevens CBS/Kadaster" in page.locator(".map-attribution").inner_text()
    browser_page.screenshot("map-embed.png")
    assert browser_page.outside_requests == []
    assert browser_page.console_errors == []
    assert browser_page.serious_accessibility_violations() == []


def test_english_map_opens_the_english_municipality_page(browser_page):
    load_campaign_data()
    page = open_map(browser_page, "/en" + reverse("motions:map"))

    page.locator("path[aria-label^='Kampen:']").click()

    page.wait_for_url(re.compile(r"/en/gemeenten/kampen/$"))
    assert browser_page.console_errors == []
