"""The preparation checklist on every prep page. Keys are stored on the interview
(`Interview.checklist_done`), so reword labels freely but never reuse a key for a new meaning."""

from .models import Interview

LOGISTICS_ITEM = {
    Interview.Format.VIDEO: "Test the meeting link, camera and microphone the day before",
    Interview.Format.PHONE: "Check the number and who calls whom; find a quiet place",
    Interview.Format.IN_PERSON: "Plan the journey and leave time to spare",
}

# None: the label depends on the interview's format (LOGISTICS_ITEM).
_ITEMS = [
    ("research_person", "Read up on the person: their role, path and anything they published"),
    ("research_company", "Read up on the company: what it does, recent news, its culture"),
    ("pitch", "Practise a 30-second introduction: who you are and why you asked"),
    ("questions", "Pick about ten questions and put the most important first"),
    ("logistics", None),
    ("resume", "Have your résumé ready, in case they ask for it"),
    ("timing", "Be on time and keep to the agreed length"),
    ("referrals", "Plan to ask who else you could talk to"),
    ("thank_you", "Block 15 minutes the next day to write your thank-you"),
]

CHECKLIST_KEYS = frozenset(key for key, _label in _ITEMS)


def checklist_items(interview: Interview) -> list[tuple[str, str]]:
    return [(key, label or LOGISTICS_ITEM[interview.format]) for key, label in _ITEMS]
