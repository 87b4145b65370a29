"""Face-check (刷脸认证) adapter for real-name level L3.

``settings.FACE_CHECK_BACKEND`` names the backend class. A backend compares a live selfie
with the photo held for the verified identity and reports ``FaceCheckResult(ok, reason)``.

The built-in ``SimulatorFaceCheck`` (demo mode) stands in for the camera: ``start(user)``
returns a challenge token and the "selfie" passes the liveness step when it carries that
token. ``settings.FACE_CHECK_SIMULATOR_RESULT`` forces an outcome for demos and tests:
``"pass"`` (default, token decides), ``"liveness_failed"`` or ``"mismatch"``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongban.core.exceptions import DomainError
from tongban.identity.errors import AccountError


@dataclass(frozen=True)
class FaceCheckResult:
    ok: bool
    reason: str = ""  # "", "liveness_failed", "mismatch"


class FaceCheckBackend:
    def start(self, user) -> str:
        """Begin a check; return the token the client passes back with the selfie."""
        raise NotImplementedError

    def verify(self, user, selfie: str) -> FaceCheckResult:
        raise NotImplementedError


class SimulatorFaceCheck(FaceCheckBackend):
    def start(self, user) -> str:
        return salted_hmac("tongban.identity.facecheck", f"{user.pk}:{user.id_number}").hexdigest()[
            :16
        ]

    def verify(self, user, selfie: str) -> FaceCheckResult:
        forced = getattr(settings, "FACE_CHECK_SIMULATOR_RESULT", "pass")
        if forced in ("liveness_failed", "mismatch"):
            return FaceCheckResult(False, forced)
        if not constant_time_compare(selfie or "", self.start(user)):
            return FaceCheckResult(False, "liveness_failed")
        return FaceCheckResult(True)


def get_backend() -> FaceCheckBackend:
    path = getattr(settings, "FACE_CHECK_BACKEND", "")
    if not path:
        raise DomainError(
            AccountError.FACECHECK_UNAVAILABLE,
            _("刷脸认证服务未开通，请到政务服务窗口办理实人认证。"),
            status=503,
        )
    return import_string(path)()
