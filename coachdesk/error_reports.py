"""What an error report emailed to the ADMINS may show of the settings."""

import re

from django.views.debug import SafeExceptionReporterFilter


class SettingsWithAddressesFilter(SafeExceptionReporterFilter):
    """Django hides settings named like secrets (KEY, PASS, TOKEN, ...), but a service's address
    can hold its password too (REDIS_URL=redis://:password@host, the broker and result backend
    made from it, a cache LOCATION) and SENTRY_DSN holds its key: those are hidden as well."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|LOCATION|BACKEND",
        flags=re.IGNORECASE,
    )
