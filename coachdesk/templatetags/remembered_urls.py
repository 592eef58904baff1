"""`{% url %}` with each URL remembered once reversed: a template builtin (settings.TEMPLATES)
that takes the place of Django's own tag in every template, ours, the admin's and crispy's.

A page reverses 30 to 80 URLs (the navigation, the header, one per row of a list), and Django
reverses each one afresh: about 0.04 ms each on the benchmark machine, 7-10 % of a page's CPU
(bench/README.md). The same view name and arguments always reverse to the same path for a given
URLconf, script prefix and language, so the tag keeps the last REMEMBERED paths it reversed,
keyed by all of those and by the current app that namespaced URLs depend on. The tag parses and
renders exactly as Django's does (it is Django's URLNode, with only the reverse call changed),
so `{% url ... as name %}` and NoReverseMatch behave as before; a failed reverse is not
remembered.

What would make a remembered path wrong is a change of URLconf in a running process. Changing
ROOT_URLCONF (tests do) forgets everything, as Django's own resolver caches do.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# Enough for the navigation and every row link of the pages one worker serves in a while; each
# entry is a short string. Least recently used paths are dropped first.
REMEMBERED = 20_000
PLAIN = {int, str, SafeString}


@lru_cache(maxsize=REMEMBERED)
def _remembered(view_name, args, kwargs, current_app, _script_prefix, _urlconf, _language) -> str:
    # The last three arguments are only part of the key: reverse() reads them itself (the
    # language, should URLs ever be translated with i18n_patterns).
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name, args, kwargs, current_app) -> str:
    """reverse(), from memory when these arguments were reversed before. Only arguments that
    are plain numbers and strings are remembered: reverse() writes anything else with str(),
    which may change while the object stays equal (a model instance is equal to any other of
    the same row)."""
    values = (*args, *kwargs.values())
    if not all(type(value) in PLAIN for value in values):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _remembered(
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_language(),
    )


def forget(**kwargs) -> None:
    if kwargs["setting"] == "ROOT_URLCONF":
        _remembered.cache_clear()


setting_changed.connect(forget, dispatch_uid="coachdesk.remembered_urls.forget")


class RememberedURLNode(URLNode):
    def render(self, context):
        # Django 5.2's URLNode.render, with reverse() remembered.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        path = ""
        try:
            path = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = path
            return ""
        return conditional_escape(path) if context.autoescape else path


@register.tag(name="url")
def remembered_url(parser, token):
    """Django's `{% url %}`, parsed by Django, rendered with remembered_reverse."""
    node = url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
