"""Every page a coach, a client or a visitor can reach, checked with axe-core (WCAG 2 A/AA).

The pages are found by following links from each home on the demo data, the way a user would:
one page per URL shape (ids replaced), GET only, never a download or the sign-out. axe-core comes
from the npm registry (package.json, devDependencies) and is injected into each page.
"""

import json
import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Serious and critical are what keeps someone from using a page; minor/moderate are reported
# in the failure message too, but do not fail the test.
BLOCKING = {"serious", "critical"}
SKIP = re.compile(r"/logout/|\.csv|\.ics|/export|/feed|/calendar|/admin/|/unsubscribe|/r/")
MAX_PAGES = 80


def shape(target: str) -> str:
    """One page per view: ids become N, and a query keeps only its keys (?sort=name and
    ?sort=lamp are the same page, ?q= is another)."""
    path, _, query = target.partition("?")
    keys = sorted(part.partition("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("coachdesk-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',
                                                        'wcag21aa']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return result


def crawl(page, base, start: str) -> dict[str, list[dict]]:
    """Audits every page reachable from `start` by links, one per URL shape."""
    seen, queue, found = set(), [start], {}
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.goto(base + path)
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            found[path] = [{"id": "http", "impact": "critical", "help": status, "nodes": []}]
            continue
        found[path] = audit(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if not href.startswith(base) or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if shape(target) not in seen:
                queue.append(target)
    return found


def blocking(found: dict) -> dict:
    return {
        path: [v for v in violations if v["impact"] in BLOCKING]
        for path, violations in found.items()
        if any(v["impact"] in BLOCKING for v in violations)
    }


@pytest.mark.parametrize(
    ("email", "start", "at_least"),
    [
        ("coach@example.com", "/coach/", 15),
        ("client@example.com", "/portal/", 6),
        ("", "/accounts/login/", 2),
    ],
    ids=["coach", "client", "visitor"],
)
def test_every_reachable_page_passes_axe(live_server, page, email, start, at_least):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    if email:
        log_in(page, live_server.url, email)

    found = crawl(page, live_server.url, start)

    assert len(found) >= at_least, sorted(found)
    assert blocking(found) == {}, json.dumps(found, indent=1)
