"""Background tasks of core (django-tasks).

``sign_audit_chain_head`` signs the audit chain head with the platform SM2 key. It is
idempotent per calendar day (Asia/Shanghai), so the worker may run it as often as it likes;
``settings.PERIODIC_TASKS`` lists it for ``tongban worker``.
"""

from django_tasks import task

from tongban.core import audit

# {dotted path: interval in seconds} for the periodic scheduler of ``tongban worker``.
# Hourly is enough: the first run of each day signs, the others return that day's checkpoint.
PERIODIC_TASKS = {"tongban.core.tasks.sign_audit_chain_head": 3600}


@task()
def sign_audit_chain_head() -> dict | None:
    """Sign today's checkpoint of the audit chain (once a day); returns it as a dict."""
    checkpoint = audit.sign_chain_head(actor="worker")
    if checkpoint is None:
        return None
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "signed_on": checkpoint.signed_on.isoformat(),
        "key_fingerprint": checkpoint.key_fingerprint,
    }
