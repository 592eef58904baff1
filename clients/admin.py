from django.contrib import admin

from .models import (
    AuditEvent,
    Client,
    ClientShare,
    Company,
    Contact,
    ContactImport,
    Invitation,
    Opportunity,
    OutreachTemplate,
    Touch,
)


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
        return [
            ("builtin", "Built-in"),
            ("practice", "A practice's library"),
            ("own", "A coach's own"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "builtin":
            return queryset.filter(owner__isnull=True, practice__isnull=True)
        if self.value() == "practice":
            return queryset.filter(practice__isnull=False)
        if self.value() == "own":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "practice", "subject", "updated_at"]
    list_filter = [OutreachTemplateKindFilter]
    search_fields = ["name", "subject", "body", "owner__email", "owner__name", "practice__name"]
    list_select_related = ["owner", "practice"]
    raw_id_fields = ["owner"]


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["name", "title", "email", "stage"]
    extra = 0
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "motivation", "posting", "advocacy", "created_at"]
    list_filter = ["motivation", "posting", "advocacy"]
    search_fields = ["name", "client__name", "client__coach__email"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]
    inlines = [ContactInline]


class TouchInline(admin.TabularInline):
    model = Touch
    fields = ["kind", "channel", "at", "note", "logged_by"]
    raw_id_fields = ["logged_by"]
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "client", "source", "stage", "updated_at"]
    list_filter = ["stage", "source"]
    search_fields = ["name", "email", "linkedin_url", "company__name", "client__name"]
    list_select_related = ["company", "client"]
    raw_id_fields = ["client", "company"]
    inlines = [TouchInline]


@admin.register(Touch)
class TouchAdmin(admin.ModelAdmin):
    list_display = ["contact", "kind", "channel", "at", "logged_by"]
    list_filter = ["kind", "channel"]
    search_fields = ["contact__name", "contact__client__name", "note"]
    list_select_related = ["contact", "logged_by"]
    raw_id_fields = ["contact", "logged_by"]
    date_hierarchy = "at"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "client", "sent_at", "accepted_at", "revoked_at"]
    list_filter = [
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "client__name"]
    list_select_related = ["client"]
    raw_id_fields = ["client", "invited_by"]


@admin.register(ContactImport)
class ContactImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "client", "status", "imported_count", "created_at", "imported_at"]
    list_filter = ["status"]
    search_fields = ["filename", "client__name"]
    list_select_related = ["client"]
    raw_id_fields = ["client", "uploaded_by"]
    exclude = ["rows"]
    readonly_fields = ["rejected"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["kind", "contact", "client", "at"]
    list_filter = ["kind"]
    search_fields = ["contact__name", "client__name", "note"]
    list_select_related = ["contact", "client"]
    raw_id_fields = ["client", "contact"]
    date_hierarchy = "at"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: an audit line is written by the service that did the work, and kept."""

    list_display = ["at", "action", "client_number", "actor"]
    list_filter = ["action"]
    search_fields = ["=client_number", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientShare)
class ClientShareAdmin(admin.ModelAdmin):
    list_display = ["client", "coach", "shared_by", "created_at"]
    search_fields = ["client__name", "coach__email", "coach__name"]
    raw_id_fields = ["client", "coach", "shared_by"]
    list_select_related = ["client", "coach", "shared_by"]
