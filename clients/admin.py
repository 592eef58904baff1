from django.contrib import admin

from .models import Client, OutreachTemplate


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "coach", "status", "timezone", "created_at"]
    list_filter = ["status", "coach"]
    search_fields = ["name", "email", "coach__email"]
    list_select_related = ["coach"]
    raw_id_fields = ["user"]




class OutreachTemplateKindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("builtin", "Built-in"), ("own", "A coach's own")]

    def queryset(self, request, queryset):
        if self.value() == "builtin":
            return queryset.filter(owner__isnull=True)
        if self.value() == "own":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "subject", "updated_at"]
    list_filter = [OutreachTemplateKindFilter]
    search_fields = ["name", "subject", "body", "owner__email", "owner__name"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
