"""Login: password check, lockout, rate limits, the SMS second step, session state.

Policy for the one-time SMS code (``settings.TONGBAN_LOGIN_OTP``):

* ``always`` (default): every login of an account that has a mobile number;
* ``new_device``: when the account is real-name L2 or above and the browser is not one of
  its known devices;
* ``never``: only when the relying OIDC client asked for it (``require_otp_for_client``).

Accounts without a mobile number (e.g. staff created without one) cannot receive a code and
log in with the password alone. Failed attempts go to the login history (``LoginEvent``),
which is also the source of the lockout and per-IP counters (the database, so they hold
across processes). Successful logins and lockouts are audited.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login as django_login
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.exceptions import DomainError
from tongban.core.middleware import current_client_ip
from tongban.identity import sms
from tongban.identity.errors import AuthError
from tongban.identity.models import KnownDevice, LoginEvent, OtpPurpose, User
from tongban.identity.services import otp

BACKEND = "tongban.identity.backends.IdentityBackend"
SESSION_AUTH = "identity_auth"  # {"method", "otp", "at", "level"} of the current login
SESSION_PENDING = "identity_pending_login"  # between password and SMS code
SESSION_CLIENT_OTP = "identity_client_requires_otp"  # set by the OIDC authorisation view
PENDING_MAX_AGE = 600

FAILURE_RESULTS = (LoginEvent.Result.BAD_CREDENTIALS, LoginEvent.Result.OTP_FAILED)


def _setting(name, default):
    return getattr(settings, name, default)


def login_otp_policy() -> str:
    policy = _setting("TONGBAN_LOGIN_OTP", "always")
    return policy if policy in ("always", "new_device", "never") else "always"


def max_failures() -> int:
    return int(_setting("TONGBAN_LOGIN_MAX_FAILURES", 5))


def failure_window() -> timedelta:
    return timedelta(seconds=int(_setting("TONGBAN_LOGIN_FAILURE_WINDOW", 900)))


def lockout_duration() -> timedelta:
    return timedelta(seconds=int(_setting("TONGBAN_LOGIN_LOCKOUT_SECONDS", 900)))


def staff_require_otp() -> bool:
    """``TONGBAN_STAFF_REQUIRE_OTP``: staff log in with password and SMS code, whatever the
    citizens' policy (default on in production; the demo keeps password-only staff)."""
    return bool(_setting("TONGBAN_STAFF_REQUIRE_OTP", False))


# Error code kept here (the identity errors module is shared): a staff account without a
# mobile cannot receive the second factor, so it cannot log in while staff need one.
STAFF_MOBILE_REQUIRED = "staff_mobile_required"


def ip_failure_limit() -> int:
    return int(_setting("TONGBAN_LOGIN_IP_FAILURE_LIMIT", 30))


def find_account(identifier: str) -> User | None:
    """The account for a login name, an ID number or a citizen's mobile number."""
    ident = (identifier or "").strip()
    if not ident or len(ident) > 64:
        return None
    user = User.objects.filter(username=ident).first()
    if user is None:
        user = User.objects.filter(id_number=ident.upper()).first()
    if user is None and ident.isdigit() and len(ident) == 11:
        matches = list(User.objects.filter(mobile=ident).order_by("kind")[:2])
        natural = [u for u in matches if u.kind == User.Kind.NATURAL]
        if natural:
            user = natural[0]
        elif len(matches) == 1:
            user = matches[0]
    return user


@dataclass(frozen=True)
class PasswordCheck:
    user: User
    otp_required: bool
    new_device: bool


def _invalid_credentials() -> DomainError:
    # Same message for an unknown account and a wrong password.
    return DomainError(
        AuthError.INVALID_CREDENTIALS, _("账号或密码错误。"), field="password", status=401
    )


def _locked(until) -> DomainError:
    local = timezone.localtime(until)
    err = DomainError(
        AuthError.ACCOUNT_LOCKED,
        _("密码错误次数过多，账号已锁定，请于 %(t)s 后再试。")
        % {"t": date_format(local, "Y-m-d H:i")},
        status=423,
    )
    err.locked_until = until
    return err


def _event(user, result, method, ip, user_agent, *, new_device=False) -> LoginEvent:
    return LoginEvent.objects.create(
        user=user,
        result=result,
        method=method,
        ip=ip or current_client_ip() or None,
        user_agent=(user_agent or "")[:300],
        new_device=new_device,
    )


def is_known_device(user, device_id: str | None) -> bool:
    return bool(device_id) and KnownDevice.objects.filter(user=user, device_id=device_id).exists()


def otp_required(user, *, new_device: bool, client_requires_otp: bool = False) -> bool:
    if user.kind == User.Kind.STAFF and staff_require_otp():
        return True  # check_password refuses staff without a mobile first
    if not user.mobile:
        return False
    if client_requires_otp:
        return True
    policy = login_otp_policy()
    if policy == "always":
        return True
    if policy == "new_device":
        return new_device and user.realname_level >= User.Level.L2
    return False


def check_password(
    identifier: str,
    password: str,
    *,
    ip: str | None = None,
    user_agent: str = "",
    device_id: str | None = None,
    client_requires_otp: bool = False,
) -> PasswordCheck:
    """Step 1 of login. Raises invalid_credentials / account_locked / rate_limited.

    Failures are committed to the login history before the error is raised. ``ip`` defaults
    to the request's client address (``core.middleware.client_ip``, proxy-aware).
    """
    ip = ip or current_client_ip() or None
    now = timezone.now()
    method = LoginEvent.Method.PASSWORD
    if (
        ip
        and LoginEvent.objects.filter(
            ip=ip, result__in=FAILURE_RESULTS, created_at__gte=now - failure_window()
        ).count()
        >= ip_failure_limit()
    ):
        with transaction.atomic():
            _event(None, LoginEvent.Result.RATE_LIMITED, method, ip, user_agent)
        raise DomainError(AuthError.RATE_LIMITED, _("登录尝试过于频繁，请稍后再试。"), status=429)

    user = find_account(identifier)
    if user is None:
        User().set_password(password)  # spend the same hashing time as for a real account
        with transaction.atomic():
            _event(None, LoginEvent.Result.BAD_CREDENTIALS, method, ip, user_agent)
        raise _invalid_credentials()
    if user.is_locked(now):
        with transaction.atomic():
            _event(user, LoginEvent.Result.LOCKED, method, ip, user_agent)
        raise _locked(user.locked_until)
    if not user.check_password(password):
        locked_until = _record_bad_password(user, ip=ip, user_agent=user_agent)
        raise _locked(locked_until) if locked_until else _invalid_credentials()
    if not user.is_active:
        with transaction.atomic():
            _event(user, LoginEvent.Result.INACTIVE, method, ip, user_agent)
        raise DomainError(
            AuthError.ACCOUNT_INACTIVE, _("账号已停用，请联系平台运营人员。"), status=403
        )
    if user.kind == User.Kind.STAFF and staff_require_otp() and not user.mobile:
        raise DomainError(
            STAFF_MOBILE_REQUIRED,
            _(
                "工作人员登录需要短信验证码，但您的账号未登记手机号。"
                "请联系本部门管理员为账号添加手机号后再登录。"
            ),
            status=403,
        )
    new_device = not is_known_device(user, device_id)
    return PasswordCheck(
        user=user,
        otp_required=otp_required(
            user, new_device=new_device, client_requires_otp=client_requires_otp
        ),
        new_device=new_device,
    )


def _record_bad_password(user, *, ip, user_agent):
    """Log a wrong password; lock the account on the Nth failure in the window."""
    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _event(
            locked, LoginEvent.Result.BAD_CREDENTIALS, LoginEvent.Method.PASSWORD, ip, user_agent
        )
        since = now - failure_window()
        last_success = (
            LoginEvent.objects.filter(user=locked, result=LoginEvent.Result.SUCCEEDED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        for floor in (last_success, locked.locked_until):
            if floor and floor > since:
                since = floor
        failures = LoginEvent.objects.filter(
            user=locked, result=LoginEvent.Result.BAD_CREDENTIALS, created_at__gte=since
        ).count()
        if failures < max_failures():
            return None
        locked.locked_until = now + lockout_duration()
        locked.save(update_fields=["locked_until"])
        audit.record(
            "identity.account_locked",
            actor=None,
            target=locked,
            data={"failures": failures, "locked_until": locked.locked_until.isoformat()},
        )
        if locked.mobile:
            sms.send_sms(
                locked.mobile,
                _(
                    "【广东政务服务】您的通办账号因多次密码错误已临时锁定%(m)d分钟。如非本人操作，请及时修改密码。"
                )
                % {"m": int(lockout_duration().total_seconds()) // 60},
                purpose="account_locked",
            )
        return locked.locked_until


def send_login_otp(user, *, ip: str | None = None):
    return otp.issue_otp(user.mobile, OtpPurpose.LOGIN, user=user, ip=ip)


def verify_login_otp(user, code: str, *, ip: str | None = None, user_agent: str = "") -> None:
    """Step 2 of login; a wrong code is written to the login history."""
    try:
        otp.verify_otp(user.mobile, OtpPurpose.LOGIN, code)
    except DomainError:
        with transaction.atomic():
            _event(
                user, LoginEvent.Result.OTP_FAILED, LoginEvent.Method.PASSWORD_SMS, ip, user_agent
            )
        raise


def remember_device(user, device_id: str, *, ip=None, user_agent="") -> bool:
    """Record the device; return True when it was new for this user."""
    device, created = KnownDevice.objects.get_or_create(
        user=user,
        device_id=device_id,
        defaults={"user_agent": (user_agent or "")[:300], "last_ip": ip or None},
    )
    if not created:
        KnownDevice.objects.filter(pk=device.pk).update(
            last_seen=timezone.now(), last_ip=ip or None
        )
    return created


def login_user(
    request, user, *, otp_verified: bool, device_id: str, ip=None, user_agent: str = ""
) -> LoginEvent:
    """Finish a login: session (key cycled by Django), history, device, audit."""
    method = LoginEvent.Method.PASSWORD_SMS if otp_verified else LoginEvent.Method.PASSWORD
    with transaction.atomic():
        had_devices = KnownDevice.objects.filter(user=user).exists()
        new_device = remember_device(user, device_id, ip=ip, user_agent=user_agent)
        event = _event(
            user, LoginEvent.Result.SUCCEEDED, method, ip, user_agent, new_device=new_device
        )
        audit.record(
            "identity.login_succeeded",
            actor=user,
            target=user,
            data={"method": method, "new_device": new_device},
        )
        if new_device and had_devices and user.mobile:
            when = date_format(timezone.localtime(event.created_at), "Y-m-d H:i")
            sms.send_sms(
                user.mobile,
                _(
                    "【广东政务服务】您的通办账号于 %(t)s 在新设备登录。如非本人操作，请立即修改密码。"
                )
                % {"t": when},
                purpose="new_device",
            )
    client_otp = request.session.get(SESSION_CLIENT_OTP, False)
    django_login(request, user, backend=BACKEND)
    request.session[SESSION_AUTH] = {
        "method": method,
        "otp": otp_verified,
        "at": event.created_at.isoformat(),
        "level": user.realname_level,
    }
    if client_otp and not otp_verified:
        request.session[SESSION_CLIENT_OTP] = True
    else:
        request.session.pop(SESSION_CLIENT_OTP, None)
    return event


# --- session helpers (also used by the OIDC authorisation view) ---------------------------
def require_otp_for_client(request) -> None:
    """Ask for the SMS code at the next login (or as a step-up for the current session)."""
    request.session[SESSION_CLIENT_OTP] = True


def session_otp_verified(request) -> bool:
    return bool(request.session.get(SESSION_AUTH, {}).get("otp"))


def mark_session_otp_verified(request) -> None:
    state = dict(request.session.get(SESSION_AUTH, {}))
    state["otp"] = True
    state["method"] = LoginEvent.Method.PASSWORD_SMS
    request.session[SESSION_AUTH] = state
    request.session.pop(SESSION_CLIENT_OTP, None)


def start_pending_login(request, check: PasswordCheck, device_id: str) -> None:
    request.session[SESSION_PENDING] = {
        "user_id": check.user.pk,
        "device_id": device_id,
        "started": timezone.now().timestamp(),
    }


def pending_login(request) -> tuple[User, str] | None:
    """The (user, device_id) waiting for its SMS code, or None when absent or stale."""
    data = request.session.get(SESSION_PENDING)
    if not data:
        return None
    if timezone.now().timestamp() - data.get("started", 0) > PENDING_MAX_AGE:
        request.session.pop(SESSION_PENDING, None)
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    return (user, data.get("device_id", "")) if user else None


def clear_pending_login(request) -> None:
    request.session.pop(SESSION_PENDING, None)
