from django.contrib import admin

from .models import ActionItem, WeeklyTarget


@admin.register(WeeklyTarget)
class WeeklyTargetAdmin(admin.ModelAdmin):
    list_display = ["client", "kind", "per_week", "since", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["client__name", "client__coach__email"]
    list_select_related = ["client"]
    raw_id_fields = ["client", "created_by"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "due_on", "set_by", "done_at"]
    list_filter = ["set_by", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "client__name", "client__coach__email"]
    list_select_related = ["client"]
    raw_id_fields = ["client", "created_by", "contact", "company", "interview"]
    date_hierarchy = "due_on"
