from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The operator's view of the outbox: every reminder's state, filterable."""

    list_display = [
        "kind",
        "recipient_email",
        "client",
        "contact",
        "due_at",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "recipient_email", "client__name", "contact__name", "message_id"]
    list_select_related = ["client", "contact"]
    raw_id_fields = ["client", "coach", "interview", "contact", "action_item"]
    date_hierarchy = "due_at"
    readonly_fields = ["key", "message_id", "claimed_at", "sent_at", "created_at"]
