"""`{% url %}` in every template is coachdesk.templatetags.remembered_urls: it writes what Django's
tag writes, remembers a path once reversed, and never serves a remembered path that is wrong."""

import pytest
from django.template import engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from coachdesk.templatetags import remembered_urls
from coachdesk.templatetags.remembered_urls import RememberedURLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def forgotten():
    remembered_urls._remembered.cache_clear()
    yield
    remembered_urls._remembered.cache_clear()


def test_every_template_gets_the_remembering_tag():
    template = engines["django"].from_string("{% url 'home' %}")
    assert [type(node) for node in template.template.nodelist] == [RememberedURLNode]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% url 'home' %}", reverse("home")),
        (
            "{% url 'clients:contact_detail' contact_pk=pk %}",
            reverse("clients:contact_detail", kwargs={"contact_pk": 42}),
        ),
        ("{% url 'clients:contact_list' pk %}", reverse("clients:contact_list", args=[42])),
        ("{% url name pk %}", reverse("clients:contact_list", args=[42])),
        ("{% url 'home' as there %}[{{ there }}]", f"[{reverse('home')}]"),
        ("{% url 'no-such-view' as there %}[{{ there }}]", "[]"),
    ],
)
def test_it_writes_what_django_writes(source, expected):
    context = {"pk": 42, "name": "clients:contact_list"}
    assert render(source, **context) == expected
    # Once more, now from memory.
    assert render(source, **context) == expected


def test_a_path_is_reversed_once_then_remembered():
    for pk in (1, 2, 1, 2, 1):
        render("{% url 'clients:contact_detail' contact_pk=pk %}", pk=pk)
    info = remembered_urls._remembered.cache_info()
    assert (info.misses, info.hits) == (2, 3)


def test_a_view_that_does_not_reverse_still_fails_loudly():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'clients:contact_detail' contact_pk='not-a-number' %}")


def test_the_path_is_escaped_as_djangos_is():
    source = "{% url 'clients:invitation_accept' token=token %}"
    path = reverse("clients:invitation_accept", kwargs={"token": "a&b"})
    assert "&" in path
    for _ in range(2):
        assert render(source, token="a&b") == path.replace("&", "&amp;")
        assert render("{% autoescape off %}" + source + "{% endautoescape %}", token="a&b") == path


def test_the_script_prefix_is_part_of_the_memory():
    source = "{% url 'home' %}"
    assert render(source) == "/"
    set_script_prefix("/coachdesk/")
    try:
        assert render(source) == "/coachdesk/"
    finally:
        set_script_prefix("/")
    assert render(source) == "/"


def test_a_new_urlconf_forgets_every_path():
    source = "{% url 'healthz' %}"
    assert render(source) == "/healthz"
    with override_settings(ROOT_URLCONF="tests.coachdesk.remembered_urls_conf"):
        assert render(source) == "/elsewhere/healthz"
    assert render(source) == "/healthz"


def test_objects_are_reversed_afresh_not_remembered():
    """reverse() writes an object with str(), which can change while the object stays equal."""

    class Named:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

        def __eq__(self, other):
            return True

        def __hash__(self):
            return 1

    source = "{% url 'clients:contact_list' obj %}"
    assert render(source, obj=Named("3")) == reverse("clients:contact_list", args=[3])
    assert render(source, obj=Named("4")) == reverse("clients:contact_list", args=[4])
    assert remembered_urls._remembered.cache_info().currsize == 0


def test_the_current_app_is_part_of_the_memory(rf: RequestFactory):
    """Namespaced URLs reverse by the request's current app: the admin's sites differ by it."""
    request = rf.get("/")
    request.current_app = "admin"
    source = "{% url 'admin:index' %}"
    with_app = engines["django"].from_string(source).render({}, request=request)
    assert with_app == reverse("admin:index", current_app="admin")
    assert remembered_urls._remembered.cache_info().currsize == 1
    render(source)
    assert remembered_urls._remembered.cache_info().currsize == 2


def test_the_language_is_part_of_the_memory():
    """Translated URLs (i18n_patterns) would differ by language: each is remembered apart."""
    source = "{% url 'home' %}"
    with translation.override("en"):
        render(source)
    with translation.override("fr"):
        render(source)
    assert remembered_urls._remembered.cache_info().currsize == 2
