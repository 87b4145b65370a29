"""Citizen account pages: register, login (password, then SMS code), real-name levels,
"我的" account page, password change; the clerk's in-person check; the SMS outbox."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from tongban.core import masking, permissions
from tongban.core.exceptions import DomainError
from tongban.core.middleware import client_ip
from tongban.core.views_areas import open_cards
from tongban.identity import selectors
from tongban.identity.errors import AuthError
from tongban.identity.forms import (
    FaceCheckForm,
    InPersonForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    RealnameForm,
    RegisterForm,
)
from tongban.identity.models import User
from tongban.identity.oidc import services as oidc_services
from tongban.identity.oidc.selectors import consents_of
from tongban.identity.oidc.views import CLAIM_WORDS
from tongban.identity.services import accounts, auth

DEVICE_COOKIE = "tb_device"
DEVICE_SALT = "tongban.identity.device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def _ip(request) -> str | None:
    return client_ip(request) or None


def _ua(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


def _device_id(request) -> str | None:
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)


def _set_device_cookie(response, device_id: str):
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device_id,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("identity:account")


def _redirect(request, url):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _log_in(request, user, device_id: str, url: str, *, otp_verified: bool):
    """Start the session on this device and send the browser on to ``url``."""
    auth.login_user(
        request,
        user,
        otp_verified=otp_verified,
        device_id=device_id,
        ip=_ip(request),
        user_agent=_ua(request),
    )
    return _set_device_cookie(_redirect(request, url), device_id)


def _check_otp_form(request, user) -> tuple[OtpForm, bool]:
    """The posted SMS code form, and whether the code was right (errors are on the form)."""
    form = OtpForm(request.POST)
    if form.is_valid():
        try:
            auth.verify_login_otp(
                user, form.cleaned_data["code"], ip=_ip(request), user_agent=_ua(request)
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            return form, True
    return form, False


# --- registration ----------------------------------------------------------------------------
def register(request):
    if request.user.is_authenticated:
        return redirect("identity:account")
    form = RegisterForm(request.POST or None)
    code_status = None
    if request.method == "POST" and request.POST.get("action") == "send_code":
        code_status = _send_registration_code(request)
        if request.htmx:
            return render(request, "identity/partials/_code_status.html", {"status": code_status})
        form = RegisterForm(
            initial={k: request.POST.get(k, "") for k in ("id_number", "name", "mobile")}
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.register_natural_person(
                id_number=data["id_number"],
                name=data["name"],
                mobile=data["mobile"],
                password=data["password"],
                otp_code=data["code"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            device_id = _device_id(request) or secrets.token_urlsafe(24)
            response = _log_in(
                request, user, device_id, reverse("identity:realname"), otp_verified=True
            )
            messages.success(request, _("注册成功。完成实名核验后可办理更多事项。"))
            return response
    return render(request, "identity/register.html", {"form": form, "code_status": code_status})


def _send_registration_code(request) -> dict:
    try:
        challenge = accounts.send_registration_code(request.POST.get("mobile", ""), ip=_ip(request))
    except DomainError as exc:
        return {"ok": False, "message": exc.message, "code": exc.code}
    return {
        "ok": True,
        "message": _("验证码已发送至 %(m)s，5 分钟内有效。")
        % {"m": masking.mask_mobile(challenge.mobile)},
    }


# --- login -----------------------------------------------------------------------------------
def login(request):
    step_up = (
        request.user.is_authenticated
        and request.session.get(auth.SESSION_CLIENT_OTP)
        and not auth.session_otp_verified(request)
    )
    if request.user.is_authenticated and not step_up:
        return redirect(_next_url(request))
    action = request.POST.get("action", "password") if request.method == "POST" else None
    if step_up:
        return _login_step_up(request, action)
    if action in ("otp", "resend"):
        return _login_step_two(request, action)
    form = LoginForm(request.POST or None)
    if action == "password" and form.is_valid():
        device_id = _device_id(request) or secrets.token_urlsafe(24)
        try:
            check = auth.check_password(
                form.cleaned_data["identifier"],
                form.cleaned_data["password"],
                ip=_ip(request),
                user_agent=_ua(request),
                device_id=device_id,
                client_requires_otp=bool(request.session.get(auth.SESSION_CLIENT_OTP)),
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            if not check.otp_required:
                return _log_in(
                    request, check.user, device_id, _next_url(request), otp_verified=False
                )
            auth.start_pending_login(request, check, device_id)
            notice = _send_login_code(request, check.user)
            return _render_step_two(request, OtpForm(), check.user, notice)
    return _render(
        request,
        "identity/login.html",
        "identity/partials/_login_password.html",
        {"form": form, "next": _next_url(request)},
    )


def _send_login_code(request, user) -> dict:
    try:
        auth.send_login_otp(user, ip=_ip(request))
    except DomainError as exc:
        return {"ok": False, "message": exc.message, "code": exc.code}
    return {
        "ok": True,
        "message": _("验证码已发送至 %(m)s。") % {"m": masking.mask_mobile(user.mobile)},
    }


def _render(request, full, partial, context):
    return render(request, partial if request.htmx else full, context)


def _render_step_two(request, form, user, notice=None):
    context = {
        "form": form,
        "masked_mobile": masking.mask_mobile(user.mobile),
        "notice": notice,
        "next": _next_url(request),
    }
    return _render(request, "identity/login_otp.html", "identity/partials/_login_otp.html", context)


def _login_step_two(request, action):
    pending = auth.pending_login(request)
    if pending is None:
        return _render(
            request,
            "identity/login.html",
            "identity/partials/_login_password.html",
            {
                "form": LoginForm(),
                "next": _next_url(request),
                "login_error": {
                    "code": AuthError.LOGIN_EXPIRED,
                    "message": _("登录已超时，请重新输入账号和密码。"),
                },
            },
        )
    user, device_id = pending
    if action == "resend":
        return _render_step_two(request, OtpForm(), user, _send_login_code(request, user))
    form, verified = _check_otp_form(request, user)
    if verified:
        auth.clear_pending_login(request)
        return _log_in(request, user, device_id, _next_url(request), otp_verified=True)
    return _render_step_two(request, form, user)


def _login_step_up(request, action):
    """The session is logged in with the password only and a client now wants the SMS code."""
    user = request.user
    if action == "otp":
        form, verified = _check_otp_form(request, user)
        if verified:
            auth.mark_session_otp_verified(request)
            return _redirect(request, _next_url(request))
        return _render_step_two(request, form, user)
    return _render_step_two(request, OtpForm(), user, _send_login_code(request, user))


@require_POST
def logout(request):
    django_logout(request)  # flushes the session, including the auth level and OTP state
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- my account ------------------------------------------------------------------------------
@login_required
def account(request):
    user = request.user
    history = [
        {"event": e, "device": selectors.summarise_user_agent(e.user_agent)}
        for e in selectors.login_history(user, limit=20)
    ]
    return render(
        request,
        "identity/account.html",
        {
            "profile": user,
            "masked_id": masking.mask_id_number(user.id_number),
            "masked_mobile": masking.mask_mobile(user.mobile),
            "history": history,
            "my_cards": open_cards("my"),
            "consents": [(c, [CLAIM_WORDS.get(s, s) for s in c.scopes]) for c in consents_of(user)],
            "auth_state": request.session.get(auth.SESSION_AUTH, {}),
        },
    )


@login_required
def realname(request):
    user = request.user
    form = RealnameForm(initial={"name": user.name})
    face_form = FaceCheckForm()
    if request.method == "POST" and request.POST.get("action") == "face":
        face_form = FaceCheckForm(request.POST)
        if face_form.is_valid():
            try:
                accounts.verify_face_check(
                    user, actor=user, selfie=face_form.cleaned_data["selfie"]
                )
            except DomainError as exc:
                exc.add_to_form(face_form)
            else:
                messages.success(request, _("实人认证通过，您的账号已达到 L3 等级。"))
                return redirect("identity:realname")
    elif request.method == "POST":
        form = RealnameForm(request.POST)
        if form.is_valid():
            try:
                accounts.verify_realname_l2(user, actor=user, name=form.cleaned_data["name"])
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("实名核验通过，您的账号已达到 L2 等级。"))
                return redirect("identity:realname")
    face_token = None
    if user.realname_level == User.Level.L2 and settings.SIMULATORS_ENABLED:
        try:
            face_token = accounts.start_face_check(user)
        except DomainError:
            face_token = None
    return render(
        request,
        "identity/realname.html",
        {
            "form": form,
            "face_form": face_form,
            "face_token": face_token,
            "masked_id": masking.mask_id_number(user.id_number),
            "masked_mobile": masking.mask_mobile(user.mobile),
        },
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.change_password(
                request.user,
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            update_session_auth_hash(request, request.user)  # other sessions are signed out
            messages.success(request, _("密码已修改，其他设备上的登录已失效。"))
            return redirect("identity:account")
    return render(request, "identity/password_change.html", {"form": form})


@login_required
@require_POST
def app_revoke(request, app_id: int):
    """Withdraw the person's own consent for one application (same service as /o/apps/):
    the consent is revoked and the application's tokens for them are deleted."""
    consent = consents_of(request.user).filter(application_id=app_id).first()
    if consent is None:  # never consented, already revoked, or someone else's
        raise Http404(_("未找到该授权应用。"))
    try:
        oidc_services.revoke_consent(actor=request.user, application=consent.application)
    except DomainError as exc:
        if exc.status == 404:  # revoked concurrently
            raise Http404(exc.message) from exc
        raise
    messages.success(request, _("已取消该应用的授权。"))
    return redirect("identity:account")


# --- window clerk: in-person real-name check (L3) ---------------------------------------------
@login_required
def inperson_verify(request):
    if not permissions.has_perm(request.user, permissions.IDENTITY_VERIFY_REALNAME):
        raise PermissionDenied(_("只有窗口受理员可以办理现场实人认证。"))
    form = InPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.natural_person_by_id_number(form.cleaned_data["id_number"])
        if person is None:
            form.add_error("id_number", _("该身份证号尚未注册通办账号。"))
        else:
            try:
                accounts.verify_in_person(person, actor=request.user)
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(
                    request, _("已为 %(name)s 完成现场实人认证（L3）。") % {"name": person.name}
                )
                return redirect("identity:inperson_verify")
    return render(request, "identity/inperson_verify.html", {"form": form})


# --- console: SMS simulator outbox -----------------------------------------------------------
@login_required
def sms_outbox(request):
    if not settings.SIMULATORS_ENABLED:
        raise Http404
    if not permissions.has_perm(request.user, permissions.IDENTITY_VIEW_SMS_OUTBOX):
        raise PermissionDenied(_("仅平台运营人员可以查看短信发件箱。"))
    return render(request, "identity/sms_outbox.html", {"sms_messages": selectors.sms_outbox()})
