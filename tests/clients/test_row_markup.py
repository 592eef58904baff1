"""The contact list's rows and the touch history's items are written in Python for speed
(clients_tags.contact_rows, touch_items); they must read exactly as the template markup they
replaced. Each test renders that markup, kept here as it was, beside the tag, for rows covering
every case the markup branched on, and compares the two as HTML."""

from datetime import UTC, datetime

import pytest
from django.db.models import Max
from django.template import Context, Template
from django.utils import timezone
from pytest_django.asserts import assertHTMLEqual

from clients import selectors
from clients.models import Contact, Touch
from tests.factories import ClientFactory, CompanyFactory, ContactFactory, TouchFactory

pytestmark = pytest.mark.django_db

# 01:30 UTC is the evening before in São Paulo: the rows must show local dates and times.
LATE_EVENING_IN_SAO_PAULO = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)

TEMPLATE_CONTACT_ROWS = Template(
    """{% load clients_tags machine_readable %}{% for contact in contacts %}
    <tr>
      <th scope="row"><a href="{% url 'clients:contact_detail' contact_pk=contact.pk %}">{{ contact.name }}</a></th>
      <td>{{ contact.company.name|default:"—" }}{% if contact.title %}<div class="small text-body-secondary">{{ contact.title }}</div>{% endif %}</td>
      <td>{{ contact.get_source_display }}</td>
      <td>{{ contact|stage_badge }}</td>
      <td>{% if contact.last_touch_at %}{{ contact.last_touch_at|time_element:"j M Y" }}{% else %}<span class="text-body-secondary">never</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
)

TEMPLATE_TOUCH_ITEMS = Template(
    """{% load machine_readable %}{% for touch in touches %}
  <li class="list-group-item">
    <div class="d-flex justify-content-between flex-wrap gap-2">
      <div>
        <span class="fw-semibold">{{ touch.get_kind_display }}</span>
        · <a href="{% url 'clients:contact_detail' contact_pk=touch.contact.pk %}">{{ touch.contact.name }}</a>{% if touch.contact.company %} ({{ touch.contact.company.name }}){% endif %}
        <span class="text-body-secondary small">via {{ touch.get_channel_display }}</span>{% if touch.logged_by_email %} <span class="badge text-bg-light"><i class="bi bi-envelope-check" aria-hidden="true"></i> logged from the email</span>{% endif %}
      </div>
      <time class="small text-body-secondary" datetime="{{ touch.at|datetime_attr }}">{{ touch.at|date:"D j M Y, H:i" }}</time>
    </div>
    {% if touch.note %}<div class="small mt-1">{{ touch.note|linebreaksbr }}</div>{% endif %}
  </li>
  {% endfor %}"""  # noqa: E501
)


def render(template, **context):
    if isinstance(template, str):
        template = Template("{% load clients_tags %}" + template)
    return template.render(Context(context))


@pytest.fixture
def sao_paulo():
    with timezone.override("America/Sao_Paulo"):
        yield


def test_contact_rows_read_as_the_template_wrote_them(sao_paulo):
    client = ClientFactory()
    for i, stage in enumerate(Contact.Stage.values):
        contact = ContactFactory(
            client=client,
            name=f"{i:02} <Ada> & “Co”",
            stage=stage,
            source=Contact.Source.values[i % len(Contact.Source.values)],
            title="" if i % 2 else "Head of <Data>",
            company=None if i % 3 == 0 else CompanyFactory(client=client),
        )
        if i % 4:
            TouchFactory(contact=contact, at=LATE_EVENING_IN_SAO_PAULO)
    as_in_the_template = client.contacts.select_related("company").annotate(
        last_touch_at=Max("touches__at")
    )

    rows = render("{% contact_rows contacts %}", contacts=selectors.contacts_for_list(client))

    assertHTMLEqual(rows, render(TEMPLATE_CONTACT_ROWS, contacts=as_in_the_template))


def test_a_contact_row_is_this_markup(sao_paulo):
    contact = ContactFactory(
        name="Ada Lovelace", title="Analyst", stage=Contact.Stage.REPLIED, company__name="Acme"
    )
    TouchFactory(contact=contact, at=LATE_EVENING_IN_SAO_PAULO)

    rows = render(
        "{% contact_rows contacts %}", contacts=selectors.contacts_for_list(contact.client)
    )

    assert rows == (
        f'<tr><th scope="row"><a href="/contacts/{contact.pk}/">Ada Lovelace</a></th>'
        '<td>Acme<div class="small text-body-secondary">Analyst</div></td><td>LinkedIn</td>'
        '<td><span class="badge text-bg-primary">Replied</span></td>'
        '<td><time datetime="2026-03-09T22:30:00-03:00">9 Mar 2026</time></td></tr>'
    )


def test_touch_items_read_as_the_template_wrote_them(sao_paulo):
    client = ClientFactory()
    with_company = ContactFactory(client=client, name="Ada <Lovelace>")
    without_company = ContactFactory(client=client, company=None, name="Grace Hopper")
    for i, kind in enumerate(Touch.Kind.values):
        TouchFactory(
            contact=with_company if i % 2 else without_company,
            kind=kind,
            channel=Touch.Channel.values[i % len(Touch.Channel.values)],
            at=LATE_EVENING_IN_SAO_PAULO,
            note="" if i % 3 else "First line <b>\n\nThird & last",
            email_message_id=f"<m{i}@example.org>" if i % 2 else "",
        )
    touches = selectors.recent_touches(client, limit=50)

    items = render("{% touch_items touches %}", touches=touches)

    assertHTMLEqual(items, render(TEMPLATE_TOUCH_ITEMS, touches=touches))
