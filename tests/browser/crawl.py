"""The demo site as a coach (a practice's admin), a viewer, a client and a visitor see it: every
page reachable by links.

The pages are found by following links from each home on the demo data, the way a user would:
one page per URL shape (ids replaced), GET only, never a download or the sign-out. While a page is
open it is audited with axe-core (from the npm registry, package.json devDependencies); its HTML
and headers are kept as the server sent them, with what the browser refused under the page's
Content Security Policy. One crawl serves every check that reads pages (test_accessibility.py,
test_html_validity.py, test_content_security_policy.py): the `crawled_pages` fixture in
conftest.py.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SKIP = re.compile(r"/logout/|\.csv|\.ics|\.zip|/export|/feed|/calendar|/admin/|/unsubscribe|/r/")
MAX_PAGES = 80

# Run by the browser before any of the page's own scripts (an init script, which no page
# policy can refuse): keeps every securitypolicyviolation event for the crawl to read.
RECORD_POLICY_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__policyViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"}` +
        ` at ${event.sourceFile || "the page"}:${event.lineNumber}: ${event.sample}`);
});
"""
# The browser's own log entries (not the page's console.log) in which it reports what the
# Content Security Policy refused: a second witness beside the events.
POLICY_MESSAGE = re.compile(r"Content Security Policy", re.I)


@dataclass(frozen=True)
class Account:
    """A demo account (no email: a visitor) and the home its crawl starts from."""

    name: str
    email: str
    start: str
    at_least: int  # pages the crawl must reach, so a broken log-in or home cannot pass quietly


ACCOUNTS = [
    Account("coach", "coach@example.com", "/coach/", at_least=15),
    # A practice's viewer: the practice home and every caseload, read only.
    Account("viewer", "viewer@example.com", "/practice/", at_least=6),
    Account("client", "client@example.com", "/portal/", at_least=6),
    Account("visitor", "", "/accounts/login/", at_least=2),
]


@dataclass(frozen=True)
class CrawledPage:
    account: str
    path: str
    status: int | None  # None: no response
    html: str  # the response body, as a validator fetching the URL would read it
    axe_violations: list[dict]
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    # securitypolicyviolation events and the browser log's CSP messages while the page was open
    policy_violations: list[str] = field(default_factory=list)

    def __str__(self):
        return f"{self.path} (as {self.account})"


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
    """axe-core's WCAG 2.1 A/AA violations on the open page, with up to three nodes each."""
    # Evaluated, not added as a <script> element: the page's policy refuses inline scripts,
    # but not what the browser is told to run from outside the page.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',
                                                        'wcag21aa']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )


def crawl(page, base, account: Account) -> list[CrawledPage]:
    """Every page reachable from the account's home by links, one per URL shape."""
    page.add_init_script(RECORD_POLICY_VIOLATIONS)
    browser_log = []
    devtools = page.context.new_cdp_session(page)  # Chromium's log: Playwright does not relay it
    devtools.on("Log.entryAdded", lambda event: browser_log.append(event["entry"]["text"]))
    devtools.send("Log.enable")
    if account.email:
        log_in(page, base, account.email)
    seen, queue, found = set(), [account.start], []
    while queue and len(found) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        browser_log.clear()
        response = page.goto(base + path)
        if response is None or response.status != 200:
            status = response.status if response else None
            headers = response.headers if response else {}
            found.append(CrawledPage(account.name, path, status, "", [], headers))
            continue
        axe_violations = audit(page)
        # Read after the audit: violation events are queued as tasks, and have run by now.
        violations = page.evaluate("window.__policyViolations") + [
            text for text in browser_log if POLICY_MESSAGE.search(text)
        ]
        found.append(
            CrawledPage(
                account.name,
                path,
                200,
                response.text(),
                axe_violations,
                response.headers,
                violations,
            )
        )
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if not href.startswith(base) or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if shape(target) not in seen:
                queue.append(target)
    return found
