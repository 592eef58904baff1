"""Tags for templates/interviews/_debrief_summary.html, so the partial needs nothing in its
context beyond the interview, its debrief and referrals (the prep page's own context)."""

from django import template

from ..debriefs import DebriefStatus, debrief_status
from ..forms_debrief import ThankYouForm

register = template.Library()


@register.simple_tag
def debrief_status_of(interview, debrief) -> DebriefStatus:
    """`{% debrief_status_of interview debrief as status %}`: whether a debrief can be written
    yet, whether it was, and the thank-you deadline."""
    return debrief_status(interview, debrief)


@register.simple_tag
def thank_you_form() -> ThankYouForm:
    """An empty thank-you form, its time set to now in the viewer's timezone."""
    return ThankYouForm()
