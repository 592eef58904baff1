from django.contrib import admin

from .models import (
    CalendarFeed,
    Debrief,
    Interview,
    InterviewQuestion,
    Question,
    QuestionBank,
    Referral,
)


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "category", "text"]
    extra = 0


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "practice", "archived_at", "created_at"]
    list_filter = [
        ("owner", admin.EmptyFieldListFilter),
        ("practice", admin.EmptyFieldListFilter),
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "owner__email", "practice__name"]
    list_select_related = ["owner", "practice"]
    raw_id_fields = ["owner", "copied_from"]
    filter_horizontal = ["clients"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "category", "bank", "position"]
    list_filter = ["category"]
    search_fields = ["text", "bank__name"]
    list_select_related = ["bank"]


class InterviewQuestionInline(admin.TabularInline):
    model = InterviewQuestion
    fields = ["position", "text", "added_by_client"]
    extra = 0


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["contact", "client", "starts_at", "duration_minutes", "format", "status"]
    list_filter = ["status", "format", "platform"]
    search_fields = ["contact__name", "client__name", "client__coach__email"]
    list_select_related = ["contact", "client"]
    raw_id_fields = ["client", "contact"]
    date_hierarchy = "starts_at"
    inlines = [InterviewQuestionInline]


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "interview", "position", "added_by_client"]
    search_fields = ["text", "interview__contact__name"]
    list_select_related = ["interview", "interview__contact"]
    raw_id_fields = ["interview", "question"]


@admin.register(Debrief)
class DebriefAdmin(admin.ModelAdmin):
    list_display = ["interview", "fit", "thank_you_sent_at", "updated_at"]
    list_filter = [("thank_you_sent_at", admin.EmptyFieldListFilter), "fit"]
    search_fields = ["interview__contact__name", "interview__client__name"]
    list_select_related = ["interview", "interview__contact"]
    raw_id_fields = ["interview"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["contact", "interview", "created_at"]
    search_fields = ["contact__name"]
    raw_id_fields = ["contact", "interview"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["client", "created_at"]
    search_fields = ["client__name"]
    raw_id_fields = ["client"]
    readonly_fields = ["token"]
