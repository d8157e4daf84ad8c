"""A real browser (Debian's chromium through chromedriver, driven by selenium) on a live server.

It loads the page, fills the form, reads the budget, follows the shared link and takes a
screenshot (saved in the test's temporary folder, or in ``$BOUNDS_SCREENSHOT_DIR`` when set).
Skipped only when chromium, chromedriver or selenium is absent *and* ``BOUNDS_REQUIRE_LATEX``
(CI's "external tools are required") is unset.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._tools import require_all_present

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)


def _require_browser() -> None:
    missing = [name for name, found in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not found]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    require_all_present(missing)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1800",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    """A live server for the page itself, with a generous limit: this test is about the page, not about
    the limits (tests/web/test_limits.py), and on a loaded machine one page job can take seconds."""
    from bounds.web.app import create_app
    from bounds.web.server import running
    from bounds.web.workers import Limits

    with running(create_app(Limits(timeout=120, workers=2))) as url:
        yield url


def _budget_text(browser: Any) -> str:
    """The budget once the page that shows it has loaded (a click navigates; wait for the result)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    element = WebDriverWait(browser, 120).until(expected_conditions.presence_of_element_located((By.ID, "budget")))
    return str(element.text)


def test_fill_the_form_read_the_budget_follow_the_shared_link(browser, page_url, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    live_url = page_url

    browser.get(live_url + "/?model=independent")
    for name, value in (("epsilon", "0.001"), ("threshold", "0.605"), ("generations", "500")):
        field = browser.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)
    browser.find_element(By.ID, "compute").click()
    assert _budget_text(browser) == "N* = 502"
    assert "0.999" not in browser.current_url and "epsilon=0.001" in browser.current_url  # the state is the URL
    shared = browser.find_element(By.ID, "share").get_attribute("href")

    browser.get(live_url + "/?model=geometric")  # somewhere else, then back through the shared link
    browser.get(shared)
    assert _budget_text(browser) == "N* = 502"
    assert browser.find_element(By.CSS_SELECTOR, "#plot svg polyline") is not None
    assert browser.find_elements(By.CSS_SELECTOR, "#derivation math")  # the maths, as MathML
    folder = Path(os.environ.get("BOUNDS_SCREENSHOT_DIR", tmp_path))
    assert browser.save_screenshot(str(folder / "bounds-web.png"))

    # a bad input: the CLI's message next to the field, in the browser too
    browser.get(live_url + "/?model=independent&epsilon=nan&threshold=0.605")
    assert "finite number" in browser.find_element(By.ID, "error-epsilon").text
