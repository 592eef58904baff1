from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor
from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import Membership, Practice, PracticeInvitation, User

# The admin signs in through CoachDesk's own login, so its code step and throttling apply to
# staff too (accounts/views.py); the admin's own form would only ask for the password.
admin.site.login = login_required(admin.site.login)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "role",
        "timezone",
        "is_active",
        "is_staff",
        "two_factor_on",
        "last_login",
    ]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role", "timezone"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "name",
                    "role",
                    "timezone",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def get_queryset(self, request):
        authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(two_factor_on=Exists(authenticator))

    @admin.display(boolean=True, description="Two-factor", ordering="two_factor_on")
    def two_factor_on(self, user):
        return user.two_factor_on

    def get_urls(self):
        reset = self.admin_site.admin_view(self.two_factor_reset_view)
        return [
            path(
                "<path:object_id>/two-factor-reset/", reset, name="accounts_user_two_factor_reset"
            ),
            *super().get_urls(),
        ]

    def two_factor_reset_view(self, request, object_id):
        """Deletes a user's authenticator and recovery codes, after a confirmation: for someone
        who lost both. They then log in with the password and, where two-factor is required,
        enrol again straight away."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if request.method == "POST":
            two_factor.two_factor_reset(user=user)
            self.log_change(request, user, "Reset two-factor login.")
            self.message_user(
                request,
                f"Two-factor login of {user.email} is reset: they log in with the "
                "password and set it up again.",
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reset two-factor login",
            "opts": self.opts,
            "original": user,
            "enabled": user.two_factor_on,
            "codes_left": two_factor.recovery_codes_left(user),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/accounts/user/two_factor_reset.html", context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "created_at", "deactivated_at"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "require_two_factor", "created_at"]
    list_filter = ["require_two_factor"]
    search_fields = ["name", "memberships__user__email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "role", "created_at", "deactivated_at"]
    list_filter = ["role", ("deactivated_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__name", "practice__name"]
    raw_id_fields = ["user", "practice"]
    list_select_related = ["user", "practice"]


@admin.register(PracticeInvitation)
class PracticeInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "practice", "role", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "practice__name"]
    raw_id_fields = ["practice", "invited_by"]
    list_select_related = ["practice"]
