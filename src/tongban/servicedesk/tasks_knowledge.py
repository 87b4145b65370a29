"""Background tasks of the Q&A assistant.

``purge_answer_logs`` runs daily (``settings.PERIODIC_TASKS``): the question log
(``AnswerLog``) is kept ``SERVICEDESK_QA_LOG_DAYS`` days (default 180) — long enough for the
console's list of unresolved questions and the rate limit, no longer. Boosts learnt from
feedback are kept (they hold no question text); audit events of feedback stay in the chain.
"""

from django_tasks import task

from tongban.servicedesk.services import answers


@task()
def purge_answer_logs() -> int:
    """Delete question logs past the retention period; returns how many."""
    return answers.purge_answer_logs()
