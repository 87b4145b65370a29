"""Fiscal electronic receipts (财政电子票据): issuing, verifying, finding.

``issue_receipt(order, actor=...)`` — called from ``transaction.on_commit`` once an order has
succeeded (and by the ``issue_missing_receipts`` task for any order that still lacks one):
locks the order, and unless it already has a receipt (idempotent: one receipt per order, also
enforced by a partial unique index) claims the next 票据号码 under the 票据代码
(``receipt_numbers``), builds the signed document (``receipt_payload``), signs its canonical JSON
with the collecting department's finance seal (``finance_seals``, created on first use),
derives the 校验码 from SM3 of the signed bytes and stores everything with the
``payments.receipt_issued`` audit event in one transaction.

``verify_receipt(receipt)`` checks (first failure wins):

1. the signature over ``signed_data`` with the seal's public key
   (``core.signing.verify_document``: data hash, seal certificate signed by the platform key,
   seal validity at signing time, SM2 signature) → the ``core.signing.Reason`` code;
2. the stored receipt still says what was signed (``data_mismatch`` when a column was changed
   behind the signature's back);
3. the stored 校验码 is the one computed from the signed bytes (``check_code_mismatch``).

It also looks up the refunds of the payment the receipt covers (successful refunds of the
order's settling payment): ``status`` is ``valid``, ``partially_refunded`` (still valid, the
refunded amount shown) or ``refunded`` (fully refunded: genuine but no longer ``valid``, so it
cannot be used again, e.g. for reimbursement); ``invalid`` when a check above failed.

``verify_public(code, number, check_code, client_ip=...)`` is the public look-up of the
verification page and API: a wrong 校验码 answers exactly like a missing receipt
(``receipt_not_found``), and a client IP with too many failed look-ups within the window gets
``receipt_verify_rate_limited`` (429) until the window has passed
(``PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES`` per ``PAYMENTS_RECEIPT_VERIFY_WINDOW_SECONDS``; failures
are counted in the database, so every worker process shares the count).

``receipts_of(user)`` / ``access_receipt(user, code, number)`` — "我的票据": receipts whose order
the user paid, receipts of orders without an account whose payer ID number is the user's
verified (real-name L2+) ID number, and receipts whose payer is a company (USCC) the user may
pay for (its legal representative, or an active agent with the scope "缴费"). Anyone else's
receipt is a 404.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.core import audit, signing
from tongban.core.crypto import sm3
from tongban.core.exceptions import DomainError, NotFound
from tongban.core.masking import mask_id_number, mask_name
from tongban.core.signing import canonical_json
from tongban.payments.errors_receipts import ReceiptError, error
from tongban.payments.models import PaymentOrder, Receipt, ReceiptVerificationFailure
from tongban.payments.services import finance_seals
from tongban.payments.services.receipt_numbers import (
    amount_in_words,
    check_code_for,
    claim_receipt_number,
    clean_check_code,
    clean_code,
    clean_number,
    receipt_code,
    yuan,
)

logger = logging.getLogger(__name__)

FORMAT = "tongban.payments.receipt/1"
BEIJING = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
SUCCESS = PaymentOrder.Status.SUCCESS
DEFAULT_ITEM_NAME = "非税收入"
VALID = "valid"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
INVALID = "invalid"
DATA_MISMATCH = "data_mismatch"
CHECK_CODE_MISMATCH = "check_code_mismatch"
DEFAULT_MAX_FAILURES = 10
DEFAULT_WINDOW_SECONDS = 900

REASON_MESSAGES = {
    "": gettext_lazy("电子签名验证通过，票据内容未被改动。"),
    signing.Reason.DATA_HASH_MISMATCH: gettext_lazy("票据数据与电子签名不符，票据内容已被改动。"),
    signing.Reason.BAD_SIGNATURE: gettext_lazy("电子签名验证未通过，签名值已被改动。"),
    signing.Reason.SEAL_KEY_MISMATCH: gettext_lazy("签名密钥不是该财务专用章的密钥。"),
    signing.Reason.UNKNOWN_PLATFORM_KEY: gettext_lazy("财务专用章证书不是本平台签发的。"),
    signing.Reason.BAD_SEAL_CERTIFICATE: gettext_lazy("财务专用章证书的平台签名无效。"),
    signing.Reason.SEAL_NOT_VALID_AT_SIGNING_TIME: gettext_lazy("开票时财务专用章不在有效期内。"),
    signing.Reason.MALFORMED: gettext_lazy("电子签名格式错误。"),
    signing.Reason.UNSUPPORTED_ALGORITHM: gettext_lazy("电子签名算法不是 SM2/SM3。"),
    DATA_MISMATCH: gettext_lazy("票据记录与签名时的内容不一致，票据记录已被改动。"),
    CHECK_CODE_MISMATCH: gettext_lazy("校验码与签名数据不符。"),
}


# --- the signed document ----------------------------------------------------------------------
def _normalise_items(items, amount: int) -> list[dict]:
    rows = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        rows.append(
            {
                "name": str(item.get("name") or "").strip() or DEFAULT_ITEM_NAME,
                "basis": str(item.get("basis") or "").strip(),
                "budget_account": str(item.get("budget_account") or "").strip(),
                "amount": int(item.get("amount") or 0),
            }
        )
    if not rows:
        rows = [{"name": DEFAULT_ITEM_NAME, "basis": "", "budget_account": "", "amount": amount}]
    return rows


def issued_at_text(moment: dt.datetime) -> str:
    """The issue time as signed: Beijing time to the second (``2026-11-23T16:05:09+08:00``)."""
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def receipt_payload(receipt: Receipt) -> dict:
    """The signed document of a receipt, rebuilt from its row (verifiers compare it with
    ``signed_data``; ``signed_data`` is what the signature covers)."""
    sign = -1 if receipt.kind == Receipt.Kind.REVERSAL else 1
    words = amount_in_words(receipt.amount)
    payload = {
        "format": FORMAT,
        "kind": receipt.kind,
        "receipt_code": receipt.code,
        "receipt_number": receipt.number,
        "issued_at": issued_at_text(receipt.issued_at),
        "payment_code": receipt.payment_code,
        "payer": {"name": receipt.payer_name, "id_number": receipt.payer_id_number},
        "payee": {"name": receipt.payee_name},
        "items": [
            {
                "name": item["name"],
                "basis": item["basis"],
                "budget_account": item["budget_account"],
                "amount": int(item["amount"]),
            }
            for item in receipt.items
        ],
        "amount": sign * int(receipt.amount),
        "amount_in_words": f"负{words}" if sign < 0 else words,
        "currency": CURRENCY,
    }
    if receipt.kind == Receipt.Kind.REVERSAL:
        original = receipt.original
        payload["original"] = {
            "receipt_code": original.code,
            "receipt_number": original.number,
        }
    return payload


# --- issuing ----------------------------------------------------------------------------------
def _normal_receipt_of(order_id) -> Receipt | None:
    return Receipt.objects.filter(order_id=order_id, kind=Receipt.Kind.NORMAL).first()


def issue_receipt(order, *, actor):
    """Issue the signed receipt of a successfully paid order (idempotent: an order has at
    most one receipt). Called from ``transaction.on_commit`` after the order succeeds.
    ``receipt_order_not_paid`` (409) for an order that has not succeeded."""
    existing = _normal_receipt_of(order.pk)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            locked = (
                PaymentOrder.objects.select_for_update(of=("self",))
                .select_related("org_unit__parent")
                .get(pk=order.pk)
            )
            existing = _normal_receipt_of(locked.pk)
            if existing is not None:
                return existing
            if locked.status != SUCCESS:
                raise error(ReceiptError.ORDER_NOT_PAID)
            return _issue(locked, actor=actor)
    except IntegrityError:  # one normal receipt per order: another process issued it first
        existing = _normal_receipt_of(order.pk)
        if existing is None:
            raise
        return existing


def _issue(order, *, actor) -> Receipt:
    unit = order.org_unit
    seal = finance_seals.active_finance_seal(unit, actor=actor)
    issued_at = timezone.now().replace(microsecond=0)
    code = receipt_code(unit.division_code, issued_at)
    amount = int(order.amount)
    receipt = Receipt(
        order=order,
        org_unit=unit,
        code=code,
        number=claim_receipt_number(code),
        payment_code=order.code,
        payer=order.payer,
        payer_name=(order.payer_name or (order.payer.name if order.payer else "")).strip(),
        payer_id_number=(order.payer_id_number or "").strip().upper(),
        payee_name=unit.full_name,
        items=_normalise_items(order.items, amount),
        amount=amount,
        issued_at=issued_at,
        finance_seal=seal,
    )
    sign_and_save(receipt, actor=actor, event="payments.receipt_issued")
    _notify_payer(receipt)
    return receipt


def sign_and_save(receipt: Receipt, *, actor, event: str, extra: dict | None = None) -> None:
    """Sign the receipt's canonical JSON with its finance seal, derive the check code, insert
    the row and write the audit event (inside the caller's transaction)."""
    seal = receipt.finance_seal
    receipt.signed_data = canonical_json(receipt_payload(receipt))
    receipt.check_code = check_code_for(receipt.signed_data)
    receipt.signature_der = finance_seals.sign(
        seal, receipt.signed_data, property_info=receipt.full_number
    )
    receipt.save(force_insert=True)
    audit.record(
        event,
        actor=actor,
        target=receipt,
        org_unit=receipt.org_unit,
        data={
            "new": {
                "code": receipt.code,
                "number": receipt.number,
                "payment_code": receipt.payment_code,
                "payer": mask_name(receipt.payer_name),
                "payer_id_number": mask_id_number(receipt.payer_id_number),
                "amount": receipt.amount,
                **(extra or {}),
            },
            "seal": seal.esid,
            "key": seal.fingerprint,
            "data_sm3": sm3.hexdigest(receipt.signed_data),
        },
    )


def _notify_payer(receipt: Receipt) -> None:
    """An SMS to the paying account's mobile (sent after the commit; none without a mobile)."""
    mobile = (getattr(receipt.payer, "mobile", "") or "").strip() if receipt.payer else ""
    if not mobile:
        return
    from tongban.identity.sms import send_sms

    text = _(
        "【通办】您缴纳的%(item)s ¥%(amount)s 已开具财政电子票据（票据号码 %(number)s），"
        "可在“我的票据”中查看和下载。"
    ) % {
        "item": receipt.items[0]["name"] if receipt.items else DEFAULT_ITEM_NAME,
        "amount": yuan(receipt.amount),
        "number": receipt.number,
    }
    try:
        send_sms(mobile, text, purpose="receipt_issued")
    except DomainError:  # no SMS service configured: the receipt is in 我的票据 anyway
        logger.warning("receipt %s issued; SMS service unavailable", receipt.full_number)


def issue_missing_receipts(*, actor=None, limit: int = 500) -> int:
    """Issue the receipts of succeeded orders that have none (a failed on-commit hook, a
    restart between the commit and the hook). Returns how many were issued."""
    orders = (
        PaymentOrder.objects.filter(status=SUCCESS)
        .exclude(receipts__kind=Receipt.Kind.NORMAL)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    issued = 0
    for pk in list(orders):
        order = PaymentOrder(pk=pk)
        try:
            issue_receipt(order, actor=actor)
        except DomainError as exc:  # e.g. a setting to fix: keep going, log it
            logger.warning("receipt for order %s not issued: %s (%s)", pk, exc.code, exc.message)
            continue
        issued += 1
    return issued


# --- verifying --------------------------------------------------------------------------------
@dataclass
class ReceiptCheck:
    receipt: Receipt
    valid: bool
    signature_ok: bool
    reason: str  # "" when genuine
    message: str
    signed_at: dt.datetime | None = None
    seal_name: str = ""
    esid: str = ""
    status: str = VALID  # valid | partially_refunded | refunded | invalid
    refunded_amount: int = 0  # fen
    checked_at: dt.datetime = field(default_factory=timezone.now)

    def public_data(self) -> dict:
        """What the public verification page and API show: the payer masked."""
        receipt = self.receipt
        sign = -1 if receipt.kind == Receipt.Kind.REVERSAL else 1
        original = receipt.original if receipt.original_id else None
        return {
            "code": receipt.code,
            "number": receipt.number,
            "check_code": receipt.check_code,
            "kind": receipt.kind,
            "kind_label": str(receipt.get_kind_display()),
            "original_code": original.code if original else "",
            "original_number": original.number if original else "",
            "valid": self.valid,
            "status": self.status,
            "signature_ok": self.signature_ok,
            "reason": self.reason,
            "message": self.message,
            "refunded_amount": self.refunded_amount,
            "refunded_amount_yuan": yuan(self.refunded_amount),
            "issued_at": receipt.issued_at,
            "payer_name": mask_name(receipt.payer_name),
            "payer_id_number": mask_id_number(receipt.payer_id_number),
            "payee_name": receipt.payee_name,
            "payment_code": receipt.payment_code,
            "items": [{**item, "amount_yuan": yuan(item["amount"])} for item in receipt.items],
            "amount": sign * receipt.amount,
            "amount_yuan": yuan(sign * receipt.amount),
            "amount_in_words": ("负" if sign < 0 else "") + amount_in_words(receipt.amount),
            "seal_name": self.seal_name or receipt.finance_seal.name,
            "esid": self.esid or receipt.finance_seal.esid,
            "signed_at": self.signed_at,
        }


def verify_receipt(receipt: Receipt) -> ReceiptCheck:
    """Check a stored receipt (see the module docstring); never raises for bad data."""
    data = bytes(receipt.signed_data)
    check = signing.verify_document(
        data,
        bytes(receipt.signature_der),
        public_key=finance_seals.public_key(receipt.finance_seal),
    )
    reason = check.reason
    if check.ok:
        try:
            rebuilt = canonical_json(receipt_payload(receipt))
        except (KeyError, TypeError, ValueError):
            rebuilt = b""
        if not hmac.compare_digest(rebuilt, data):
            reason = DATA_MISMATCH
        elif not hmac.compare_digest(check_code_for(data), receipt.check_code):
            reason = CHECK_CODE_MISMATCH
    refunded = refunded_amount(receipt) if receipt.kind == Receipt.Kind.NORMAL else 0
    message = str(REASON_MESSAGES.get(reason) or _("电子签名验证未通过。"))
    if reason:
        status = INVALID
    elif refunded >= receipt.amount:
        status = REFUNDED
        message = _("票据真实，但该笔缴费已全额退款，票据已失效。")
    elif refunded:
        status = PARTIALLY_REFUNDED
        message = _("票据真实，该笔缴费已部分退款 ¥%(amount)s。") % {"amount": yuan(refunded)}
    else:
        status = VALID
    return ReceiptCheck(
        receipt=receipt,
        valid=status in (VALID, PARTIALLY_REFUNDED),
        signature_ok=check.ok,
        reason=str(reason),
        message=str(message),
        signed_at=check.signed_at,
        seal_name=check.seal_name,
        esid=check.esid,
        status=status,
        refunded_amount=refunded,
    )


def refunded_amount(receipt: Receipt) -> int:
    """Fen refunded of the payment this receipt covers (successful refunds of the order's
    settling payment; refunds of a late second payment never covered by a receipt do not
    count)."""
    from tongban.payments.models import Refund

    total = Refund.objects.filter(
        order_id=receipt.order_id,
        status=Refund.Status.SUCCEEDED,
        payment__settles_order=True,
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def _max_failures() -> int:
    return int(getattr(settings, "PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES", DEFAULT_MAX_FAILURES))


def _window() -> dt.timedelta:
    seconds = getattr(settings, "PAYMENTS_RECEIPT_VERIFY_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return dt.timedelta(seconds=int(seconds))


def _check_rate(client_ip: str) -> None:
    since = timezone.now() - _window()
    failures = ReceiptVerificationFailure.objects.filter(
        client_ip=client_ip, created_at__gte=since
    ).count()
    if failures >= _max_failures():
        raise error(ReceiptError.VERIFY_RATE_LIMITED)


def _record_failure(client_ip: str) -> None:
    now = timezone.now()
    ReceiptVerificationFailure.objects.filter(created_at__lt=now - _window()).delete()
    ReceiptVerificationFailure.objects.create(client_ip=client_ip, created_at=now)


def find_receipt(code, number, check_code) -> Receipt:
    """The receipt with this 票据代码 + 号码 + 校验码; ``receipt_not_found`` (404) when there is
    none or the check code is wrong (the same answer); format errors name the field."""
    code, number, check = clean_code(code), clean_number(number), clean_check_code(check_code)
    receipt = (
        Receipt.objects.select_related("finance_seal", "org_unit", "original")
        .filter(code=code, number=number)
        .first()
    )
    if receipt is None or not hmac.compare_digest(receipt.check_code, check):
        raise error(ReceiptError.RECEIPT_NOT_FOUND)
    return receipt


def verify_public(code, number, check_code, *, client_ip: str) -> ReceiptCheck:
    """The public look-up (page and API): rate-limited per client IP, see the module docstring."""
    client_ip = (client_ip or "")[:64]
    _check_rate(client_ip)
    try:
        receipt = find_receipt(code, number, check_code)
    except NotFound:
        _record_failure(client_ip)
        raise
    return verify_receipt(receipt)


def verification_path(receipt: Receipt) -> str:
    from django.urls import reverse

    return reverse(
        "payments_receipt_verify:receipt_verify_result",
        args=[receipt.code, receipt.number, receipt.check_code],
    )


def verification_url(receipt: Receipt) -> str:
    """The absolute URL printed as the receipt's QR code."""
    return f"{settings.SITE_URL.rstrip('/')}{verification_path(receipt)}"


def openssl_bundle(receipt: Receipt) -> dict[str, bytes]:
    """The files that let OpenSSL alone verify the receipt (``core.signing.openssl_bundle``)."""
    return signing.openssl_bundle(
        bytes(receipt.signed_data),
        bytes(receipt.signature_der),
        finance_seals.public_key(receipt.finance_seal),
    )


# --- the payer's receipts ---------------------------------------------------------------------
REALNAME_LEVEL_FOR_ID_MATCH = 2


def receipts_of(user):
    """The receipts of "我的票据" (see the module docstring), newest first."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Receipt.objects.none()
    condition = Q(payer=user)
    id_number = (getattr(user, "id_number", "") or "").strip().upper()
    if id_number and (getattr(user, "realname_level", 0) or 0) >= REALNAME_LEVEL_FOR_ID_MATCH:
        condition |= Q(payer__isnull=True, payer_id_number=id_number)
    company_codes = _company_codes(user)
    if company_codes:
        condition |= Q(payer_id_number__in=company_codes)
    return (
        Receipt.objects.filter(condition)
        .select_related("org_unit__parent", "finance_seal", "original")
        .order_by("-issued_at", "-pk")
    )


def _company_codes(user) -> list[str]:
    """USCCs of the companies ``user`` may pay for (legal representative, or agent with the
    scope "pay")."""
    from tongban.identity.models import AgentScope
    from tongban.identity.services import companies

    return [
        company.uscc
        for company in companies.companies_for(user)
        if companies.acting_for(user, company, AgentScope.PAY)
    ]


def access_receipt(user, code: str, number: str) -> Receipt:
    """One of the user's receipts; anyone else's (or none) is ``receipt_not_found`` (404)."""
    receipt = receipts_of(user).filter(code=str(code), number=str(number)).first()
    if receipt is None:
        raise error(ReceiptError.RECEIPT_NOT_FOUND, message=_("未找到该票据，或您无权查看。"))
    return receipt
