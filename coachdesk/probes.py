"""The probe URLs, answered before the host check and the HTTPS redirect (middleware.py).

Kept apart from the views so that the LOGGING setting can use them before the apps are loaded:
nothing here may import a model.
"""

import logging

HEALTH_CHECK_PATH = "/healthz"
READINESS_PATH = "/readyz"


class SkipReadinessProbes(logging.Filter):
    """Keeps /readyz's 503 answers out of the admins' mailbox.

    A 503 there is the answer a monitor polls for, not a server error; Django logs every 5xx
    response as an error, so without this filter a stopped beat would send the admins an email
    on every probe. The monitor polling /readyz is what raises the alarm; the console still logs
    each one.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        return getattr(request, "path_info", None) != READINESS_PATH
