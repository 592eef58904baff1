"""Every page a coach, a client or a visitor can reach, checked with axe-core (WCAG 2 A/AA).

The pages come from the one crawl of the demo site (crawl.py), which runs axe-core on each page
while it is open.
"""

import json

import pytest

from tests.browser.crawl import ACCOUNTS

pytestmark = pytest.mark.browser

# Serious and critical are what keeps someone from using a page; minor/moderate are reported
# in the failure message too, but do not fail the test.
BLOCKING = {"serious", "critical"}


def blocking(pages) -> dict:
    """Per path: the page's blocking violations, or its HTTP status when it did not answer 200."""
    found = {}
    for page in pages:
        if page.status != 200:
            found[page.path] = [{"id": "http", "help": page.status or "no response"}]
        elif violations := [v for v in page.axe_violations if v["impact"] in BLOCKING]:
            found[page.path] = violations
    return found


@pytest.mark.parametrize("account", ACCOUNTS, ids=[account.name for account in ACCOUNTS])
def test_every_reachable_page_passes_axe(crawled_pages, account):
    pages = crawled_pages[account.name]

    assert len(pages) >= account.at_least, sorted(page.path for page in pages)
    report = {page.path: page.axe_violations for page in pages}
    assert blocking(pages) == {}, json.dumps(report, indent=1)
