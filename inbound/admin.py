from django.contrib import admin

from .models import InboundMessage, LoggingAddress, Suggestion


@admin.register(LoggingAddress)
class LoggingAddressAdmin(admin.ModelAdmin):
    list_display = ["client", "created_at", "revoked_at"]
    list_select_related = ["client"]
    search_fields = ["client__name"]
    # The token is a secret: the admin shows whether an address is active, not what it is.
    exclude = ["token"]
    readonly_fields = ["client", "created_at"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "client", "status", "received_at"]
    list_filter = ["status"]
    list_select_related = ["client"]
    search_fields = ["message_id", "client__name"]
    readonly_fields = ["client", "message_id", "received_at", "participants", "handled_by"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "company_name", "client", "status"]
    list_filter = ["status"]
    list_select_related = ["client"]
    search_fields = ["email", "name", "client__name"]
    readonly_fields = ["client", "seen_in", "contact"]
