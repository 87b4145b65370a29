from tongban.cases.models.case import (
    Case,
    CaseNumberSequence,
    CaseTask,
    ClockPause,
    CorrectionNotice,
)
from tongban.cases.models.evaluation import Evaluation, Rectification
from tongban.cases.models.materials import CaseMaterial
from tongban.cases.models.notifications import Notification, WebhookDelivery, WebhookSubscription

__all__ = [
    "Case",
    "CaseMaterial",
    "CaseNumberSequence",
    "CaseTask",
    "ClockPause",
    "CorrectionNotice",
    "Evaluation",
    "Notification",
    "Rectification",
    "WebhookDelivery",
    "WebhookSubscription",
]
