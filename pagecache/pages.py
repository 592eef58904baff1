"""A short-lived cache of whole pages, per user, dropped by every write to their caseload.

The busiest pages (coach home, caseload, client page, prep page, client home) are read far more
often than anything on them changes, and rendering them costs 10-40 ms of Python on a large
caseload (bench/README.md). `cached_page` keeps a user's rendered page for
PAGE_CACHE_SECONDS (a minute by default) under a key of that user, their CSRF cookie and the full
path, so nobody else can ever be served it and its form tokens stay valid.

What keeps it honest:

- Every write to a caseload arrives as a POST (or another unsafe method) from a coach, a client,
  or staff in the admin. `PageCacheMiddleware` then changes the generation of every user who may
  see it, and every page rendered before that write stops matching. Who that is, is not this
  app's to know. Before the view runs it asks the function named by PAGE_CACHE_NARROW_AUDIENCE
  (coachdesk.page_writes): for the writes that change one client's records only, the people
  who can see that client. For any other write it asks PAGE_CACHE_AUDIENCE after the view
  (clients.access.users_sharing_caseload: everyone sharing the writer's caseload), and drops
  everyone's pages for the admin and for anonymous writes. A coach who saves something and is
  sent back to the page sees the change at once, and so does their client.
- Writes without a request call `invalidate_users()` with the audience of what they changed (the
  reminder sweep) or `invalidate_all()` (management commands).
- The generations are read before the view runs: a write that lands while a page renders
  leaves that page stale-stamped, so it is not served again.
- What only time changes ("interview today", "overdue by 49 h") is at most PAGE_CACHE_SECONDS
  old. Pages with a one-off message (after a redirect) are never cached or served from cache.
- With the test settings' dummy cache, or PAGE_CACHE_SECONDS=0, every request renders.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

ALL = "pagecache:gen:all"
# Says whether a page came from the cache ("hit") or was rendered ("miss"): the load benchmark
# (bench/mixed.py) reads its hit rate from it, and an operator can see it in the browser.
RESULT_HEADER = "X-Page-Cache"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Unsafe requests that write nothing any page shows: signing in and out, asking for a password
# reset, setting a new password (the user's save drops their cached user row by itself).
NO_PAGE_WRITES = {
    "login",
    "login_code",
    "login_recovery",
    "logout",
    "password_reset",
    "password_reset_confirm",
}


def _user_key(user_id) -> str:
    return f"pagecache:gen:user:{user_id}"


def _own_key(user_id) -> str:
    return f"pagecache:gen:own:{user_id}"


def _page_key(user_id, csrf_cookie: str, path: str) -> str:
    digest = hashlib.sha256(f"{user_id}\0{csrf_cookie}\0{path}".encode()).hexdigest()
    return f"pagecache:page:{user_id}:{digest}"


def audience(user) -> list[int]:
    """The users whose pages may show what this user writes (PAGE_CACHE_AUDIENCE)."""
    return import_string(settings.PAGE_CACHE_AUDIENCE)(user)


def invalidate_users(user_ids, *, writer=None) -> None:
    """Drops the pages of these users; `writer`, the user who wrote, also gets a new
    `own_generation`."""
    stamps = {_user_key(user_id): uuid.uuid4().hex for user_id in user_ids}
    if writer is not None:
        stamps[_own_key(writer)] = uuid.uuid4().hex
    if stamps:
        cache.set_many(stamps, None)


def invalidate_all() -> None:
    """For writes made outside a request: every cached page stops matching."""
    cache.set(ALL, uuid.uuid4().hex, None)


def _stamps(keys: list[str]) -> dict:
    """The current generation of each key, creating the ones missing: a page is never stored
    against "no generation yet", which an evicted key would match again later."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
    return found if len(found) == len(keys) else cache.get_many(keys)


def generation(user_id) -> str:
    """A token that changes whenever this user's pages are dropped: for other caches of what
    those pages show (the coach home's funnel and chart) to follow the same writes."""
    return ":".join(_stamps([ALL, _user_key(user_id)]).values())


def own_generation(user_id) -> str:
    """A token that changes whenever this user writes something themselves (and with
    `invalidate_all`): for figures kept a while whatever others write, but fresh after the
    reader's own changes (the practice home's)."""
    return ":".join(_stamps([ALL, _own_key(user_id)]).values())


def _pending_messages(request) -> int:
    return len(get_messages(request))


def cached_page(view):
    """Serve this GET view from the user's page cache when nothing it shows has changed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        user = request.user
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if (
            not seconds
            or request.method != "GET"
            or not user.is_authenticated
            or not csrf_cookie
            or _pending_messages(request)
        ):
            return view(request, *args, **kwargs)

        key = _page_key(user.pk, csrf_cookie, request.get_full_path())
        stamp_keys = [ALL, _user_key(user.pk)]
        found = cache.get_many([key, *stamp_keys])  # one round trip
        entry = found.pop(key, None)
        if entry is not None and entry[0] == found:
            stamps, content, content_type = entry
            response = HttpResponse(content, content_type=content_type)
            response[RESULT_HEADER] = "hit"
            patch_cache_control(response, private=True)
            return response

        stamps = found if len(found) == len(stamp_keys) else _stamps(stamp_keys)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _pending_messages(request)
        ):
            cache.set(key, (stamps, response.content, response["Content-Type"]), seconds)
        response[RESULT_HEADER] = "miss"
        patch_cache_control(response, private=True)
        return response

    return wrapped


class PageCacheMiddleware:
    """After any unsafe request, drop the cached pages of everyone it may have changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if request.method not in SAFE_METHODS and not (match and match.view_name in NO_PAGE_WRITES):
            user = getattr(request, "user", None)
            narrow = getattr(request, "_page_cache_audience", None)
            if user is None or not user.is_authenticated or user.is_staff:
                # Anonymous (an invitation accepted, a reminder link) or the admin: it may
                # touch any caseload.
                invalidate_all()
            else:
                invalidate_users(narrow if narrow is not None else audience(user), writer=user.pk)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Before an unsafe request's view runs (and before it deletes what it names): whether
        the PAGE_CACHE_NARROW_AUDIENCE knows exactly whose pages it can change."""
        if request.method in SAFE_METHODS or not settings.PAGE_CACHE_NARROW_AUDIENCE:
            return None
        match = request.resolver_match
        request._page_cache_audience = import_string(settings.PAGE_CACHE_NARROW_AUDIENCE)(
            request, match.view_name, view_kwargs
        )
        return None
