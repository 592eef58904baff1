"""Every page of the URLconf sends the headers a security scanner checks, and holds no inline
script or style, so the Content Security Policy (coachdesk/settings.py) can forbid them.

The pages are the access test's (tests/test_access.py): every named URL, built for the first
coach's objects and opened as its owner; a PUBLIC one anonymously and as the coach (the
password-change pages are only pages when logged in), its token, if any, a wrong one (the
"this link is not valid" page).
"""

import re

import pytest
from django.urls import reverse

from tests.test_access import ALL_URLS, PUBLIC, World, owner_of, url_for

# Answered before any middleware, so without these headers: the container's health and readiness
# probes (coachdesk/middleware.py), plain "ok" and JSON that no browser renders.
BEFORE_THE_MIDDLEWARE = {"healthz", "readyz"}

WRONG_TOKEN = {"token": "not-a-valid-token", "uidb64": "MQ"}

INLINE_CODE = {
    "an inline <script>": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.I
    ),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.I),
}


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def responses_as_owner(client, coach, name, pattern):
    """(who, response) for each way the page is opened."""
    if name in PUBLIC:
        url = reverse(name, kwargs={key: WRONG_TOKEN[key] for key in pattern.pattern.converters})
        yield "anonymous", client.get(url)
        client.force_login(coach)
        yield "the coach", client.get(url)
        return
    world = World(coach)
    url = url_for(name, pattern, world)
    owner = owner_of(name, world)
    client.force_login(owner)
    yield str(owner), client.get(url)


@pytest.mark.parametrize(
    ("name", "pattern"), [u for u in ALL_URLS if u[0] not in BEFORE_THE_MIDDLEWARE]
)
@pytest.mark.django_db
def test_every_page_sends_the_security_headers_and_no_inline_script_or_style(
    client, coach, name, pattern
):
    for who, response in responses_as_owner(client, coach, name, pattern):
        where = f"{name} as {who} ({response.status_code})"

        policy = directives(response.headers.get("Content-Security-Policy", ""))
        assert policy.get("default-src") == ["'self'"], where
        assert policy.get("script-src") == ["'self'"], where
        assert policy.get("style-src") == ["'self'"], where
        assert policy.get("object-src") == ["'none'"], where
        assert policy.get("frame-ancestors") == ["'none'"], where
        unsafe = [s for sources in policy.values() for s in sources if s.startswith("'unsafe-")]
        assert unsafe == [], where
        assert response.headers.get("X-Content-Type-Options") == "nosniff", where
        assert response.headers.get("Referrer-Policy") == "same-origin", where
        assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
        assert "camera=()" in response.headers.get("Permissions-Policy", ""), where

        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            found = {what: rx.findall(html)[:3] for what, rx in INLINE_CODE.items()}
            assert {what: tags for what, tags in found.items() if tags} == {}, where
