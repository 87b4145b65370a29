"""SMS notification adapter.

``settings.SMS_BACKEND`` names the backend class (dotted path). A gateway backend
implements ``send(mobile, text, *, purpose)``; it is called after the surrounding
transaction commits. The built-in ``SimulatorSmsBackend`` (demo mode) writes to the
``SmsMessage`` outbox table inside the transaction instead, so a rolled-back request leaves
no message behind; operators read the outbox at /console/sms/.
"""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongban.core.exceptions import DomainError
from tongban.identity.errors import OtpError


class SmsBackend:
    """Interface of an SMS gateway adapter."""

    #: True when ``send`` only writes rows of this database (safe inside a transaction).
    transactional = False

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        raise NotImplementedError


class SimulatorSmsBackend(SmsBackend):
    transactional = True

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        from tongban.identity.models import SmsMessage

        SmsMessage.objects.create(mobile=mobile, text=text[:500], purpose=purpose)


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "")
    if not path:
        raise DomainError(
            OtpError.SMS_UNAVAILABLE, _("短信服务未配置，请联系平台运营人员。"), status=503
        )
    return import_string(path)()


def send_sms(mobile: str, text: str, *, purpose: str = "") -> None:
    """Send ``text`` to ``mobile`` through the configured backend."""
    backend = get_backend()
    if backend.transactional:
        backend.send(mobile, text, purpose=purpose)
    else:
        transaction.on_commit(lambda: backend.send(mobile, text, purpose=purpose))
