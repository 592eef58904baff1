from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The top of the dependency chain: home pages and insights read every other app."""

    name = "dashboard"
