from django.apps import AppConfig


class PracticesConfig(AppConfig):
    """Running a practice: its coaches (invitations, roles, deactivation), its settings, and
    moving or sharing clients between its coaches. Models are accounts' (Practice, Membership)
    and clients' (ClientShare); this app sits above reminders because deactivating a coach
    reassigns their clients."""

    name = "practices"
    verbose_name = "Practices"
