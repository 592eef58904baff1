"""Every page a coach, a client or a visitor can reach works under its Content Security Policy.

The policy (coachdesk/settings.py) refuses inline script and style; tests/test_security_headers.py
checks that the HTML holds none. Here the browser itself says whether it refused anything on
any page of the one crawl of the demo site (crawl.py): the securitypolicyviolation events and
the console's policy messages while each page was open, with the headers its response carried.
"""

import json

import pytest

from tests.browser.crawl import ACCOUNTS

pytestmark = pytest.mark.browser


def test_no_reachable_page_breaks_its_content_security_policy(crawled_pages):
    pages = [page for account in ACCOUNTS for page in crawled_pages[account.name]]

    assert len(pages) >= sum(account.at_least for account in ACCOUNTS)
    refused = {str(page): page.policy_violations for page in pages if page.policy_violations}
    assert refused == {}, json.dumps(refused, indent=1, ensure_ascii=False)


def test_every_reachable_page_came_with_the_policy_and_the_other_security_headers(
    crawled_pages,
):
    pages = [page for account in ACCOUNTS for page in crawled_pages[account.name]]
    expected = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
    }

    missing = {}
    for page in pages:
        headers = page.headers
        wrong = [name for name, value in expected.items() if headers.get(name) != value]
        policy = headers.get("content-security-policy", "")
        if "default-src 'self'" not in policy or "'unsafe-" in policy:
            wrong.append("content-security-policy")
        if "camera=()" not in headers.get("permissions-policy", ""):
            wrong.append("permissions-policy")
        if wrong:
            missing[str(page)] = wrong
    assert missing == {}, json.dumps(missing, indent=1)
