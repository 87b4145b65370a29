"""Citizen account API: registration, SMS codes, real-name L2, my profile and login history.

Authentication: the portal session (``django_auth``, CSRF-checked) for everything; an OIDC
access token (``Authorization: Bearer …`` with the ``openid`` scope) also works for
``GET /me``.
"""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from tongban.core import masking
from tongban.core.middleware import current_client_ip
from tongban.core.schemas import ErrorOut
from tongban.identity import selectors
from tongban.identity.models import OtpPurpose, User
from tongban.identity.services import accounts, auth, otp

router = Router(tags=["identity"])


class RegistrationIn(Schema):
    id_number: str
    name: str
    mobile: str
    password: str
    otp_code: str


class UserOut(Schema):
    id: int
    kind: str
    name: str
    id_number_masked: str
    mobile_masked: str
    realname_level: int
    realname_method: str
    realname_verified_at: datetime | None

    @staticmethod
    def from_user(user: User) -> "UserOut":
        return UserOut(
            id=user.pk,
            kind=user.kind,
            name=user.name,
            id_number_masked=masking.mask_id_number(user.id_number),
            mobile_masked=masking.mask_mobile(user.mobile),
            realname_level=user.realname_level,
            realname_method=user.realname_method,
            realname_verified_at=user.realname_verified_at,
        )


class OtpIn(Schema):
    mobile: str
    purpose: Literal["register", "login"]


class OtpSentOut(Schema):
    mobile_masked: str
    expires_in: int
    resend_after: int


class RealnameL2In(Schema):
    name: str | None = None


class LoginEventOut(Schema):
    created_at: datetime
    ip: str | None
    device: str
    method: str
    result: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 429: ErrorOut, 503: ErrorOut}


@router.post(
    "/registrations",
    response={201: UserOut, **ERRORS},
    operation_id="identity_create_registration",
    auth=None,
)
def create_registration(request, payload: RegistrationIn):
    """Register a citizen account (L1). Send a `register` code to the mobile first."""
    user = accounts.register_natural_person(
        id_number=payload.id_number,
        name=payload.name,
        mobile=payload.mobile,
        password=payload.password,
        otp_code=payload.otp_code,
    )
    return Status(201, UserOut.from_user(user))


@router.post(
    "/otp", response={202: OtpSentOut, **ERRORS}, operation_id="identity_send_otp", auth=None
)
def send_otp(request, payload: OtpIn):
    """Send a 6-digit SMS code. For `login` the answer is the same whether or not an account
    uses the mobile (no account enumeration); the code is only sent when one does."""
    ip = current_client_ip() or None
    if payload.purpose == OtpPurpose.REGISTER:
        challenge = accounts.send_registration_code(payload.mobile, ip=ip)
        mobile = challenge.mobile
    else:
        mobile = accounts.normalize_mobile(payload.mobile)
        user = auth.find_account(mobile)
        if user is not None and user.mobile == mobile and user.is_active:
            auth.send_login_otp(user, ip=ip)
    return Status(
        202,
        OtpSentOut(
            mobile_masked=masking.mask_mobile(mobile),
            expires_in=otp.otp_ttl(),
            resend_after=otp.otp_resend_seconds(),
        ),
    )


@router.post(
    "/realname/l2",
    response={200: UserOut, **ERRORS},
    operation_id="identity_verify_realname",
    auth=django_auth,
)
def verify_realname(request, payload: RealnameL2In):
    """Real-name level L2: match ID number, name and mobile against the population registry."""
    user = accounts.verify_realname_l2(request.auth, actor=request.auth, name=payload.name)
    return Status(200, UserOut.from_user(user))


# Session only: department systems read the person's claims from /o/userinfo/, which
# honours the approved scopes and the pairwise subject identifier.
@router.get("/me", response=UserOut, operation_id="identity_get_me", auth=django_auth)
def get_me(request):
    return UserOut.from_user(request.auth)


@router.get(
    "/me/login-history",
    response=list[LoginEventOut],
    operation_id="identity_list_login_history",
    auth=django_auth,
)
@paginate(LimitOffsetPagination)
def list_login_history(request):
    return [
        LoginEventOut(
            created_at=e.created_at,
            ip=e.ip,
            device=selectors.summarise_user_agent(e.user_agent),
            method=e.method,
            result=e.result,
        )
        for e in selectors.login_history(request.auth, limit=None)
    ]
