from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self):
        from anymail.signals import tracking

        from .bounces import tracking_event_received

        # Every tracking webhook of anymail (only ours are routed: reminders/urls.py) sends here.
        tracking.connect(tracking_event_received, dispatch_uid="reminders.tracking_event_received")
