from django import forms

from clients.models import Client


class ReminderPreferencesForm(forms.ModelForm):
    """The reminders a client may turn off. Prep, thank-you and due-today reminders are not
    here: they are always sent."""

    class Meta:
        model = Client
        fields = [
            "remind_follow_ups",
            "remind_keep_in_touch",
            "keep_in_touch_weeks",
            "remind_assigned_actions",
            "remind_weekly_summary",
        ]
        labels = {
            "remind_follow_ups": "Follow-up reminders",
            "remind_keep_in_touch": "Keep-in-touch reminders",
            "keep_in_touch_weeks": "Remind me to keep in touch every",
            "remind_assigned_actions": "New action items from my coach",
            "remind_weekly_summary": "Weekly summary of my targets",
        }
        help_texts = {
            "remind_follow_ups": (
                "When someone has not answered your message: after three working days, a "
                "nudge to try another person at the same company; after seven, a short "
                "follow-up draft."
            ),
            "remind_keep_in_touch": (
                "A short update draft for the people you have interviewed, some weeks after "
                "your last contact with them."
            ),
            "keep_in_touch_weeks": "Counted from your last logged contact with each person.",
            "remind_assigned_actions": (
                "An email when your coach sets you something to do, with a link to mark it "
                "done. Items you add yourself never send one."
            ),
            "remind_weekly_summary": (
                "On Monday morning, last week's targets against what you did: the people you "
                "reached, the conversations you held, the thank-yous you sent on time."
            ),
        }
