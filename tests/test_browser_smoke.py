"""The browser test set-up works: Debian's Chromium opens the live app."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_opens_in_chromium_without_errors_or_outside_requests(browser_page):
    response = browser_page.open("/")
    assert response.status == 200
    assert browser_page.page.locator("h1").count() == 1
    assert browser_page.outside_requests == []
    assert browser_page.console_errors == []
    assert browser_page.serious_accessibility_violations() == []
