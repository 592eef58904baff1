"""Durations in words, for page text derived from settings ("within 5 minutes")."""

from django import template

register = template.Library()


@register.filter
def seconds_in_words(seconds) -> str:
    """60 → "a minute", 300 → "5 minutes", 90 → "90 seconds", 3600 → "an hour"."""
    seconds = int(seconds)
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "an hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    return "a second" if seconds == 1 else f"{seconds} seconds"
