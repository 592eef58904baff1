from django.contrib import admin

from .models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "coach", "status", "timezone", "created_at"]
    list_filter = ["status", "coach"]
    search_fields = ["name", "email", "coach__email"]
    list_select_related = ["coach"]
    raw_id_fields = ["user"]
