from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = "Inbound email"

    def ready(self):
        from anymail.signals import inbound

        from .webhooks import message_received

        # Every inbound webhook of anymail (only ours are routed: inbound/urls.py) sends here.
        inbound.connect(message_received, dispatch_uid="inbound.message_received")
