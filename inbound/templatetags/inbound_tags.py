from django import template
from django.conf import settings

from inbound import selectors

register = template.Library()


@register.inclusion_tag("inbound/_logging_panel.html", takes_context=True)
def logging_panel(context, client):
    """The client's logging address with its copy button, how to use it, and what waits."""
    if not settings.INBOUND_DOMAIN:
        return {"enabled": False}
    user = context["user"]
    return {
        "enabled": True,
        "client": client,
        "panel": selectors.panel_for(client),
        "is_client": not user.is_coach,
        "read_only": context.get("read_only", False),
        "csrf_token": context.get("csrf_token"),
    }
