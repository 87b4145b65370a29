"""Masking of personal data (PII) in pages, API responses and logs.

Default: masked. A viewer sees a value unmasked only when ``can_view_pii(...)`` says so:

- a person always sees their own data (``subject_user`` is the viewer);
- staff holding ``core.view_pii`` in the record's org unit — by default the roles
  窗口受理员 (window_clerk) and 审批员 (approver), in their own unit (and below it when the
  role covers children), see the unmasked data of that unit's records;
- everybody else, including 平台运营 (operator), 审计员 (auditor) and 部门管理员, sees masked
  values. (Django superusers pass the permission checks of ``tongban.core.permissions``.)

Formats (one place, so pages, API and logs agree):

====================  =============================  ==========================
kind                  rule                           example
====================  =============================  ==========================
``id_number``         first 3 and last 4 kept        ``440***********1235``
``mobile``            first 3 and last 4 kept        ``138****8000``
``name``              surname kept (compound too)    ``张*``, ``欧阳**``
``address``           province/city/district kept    ``广东省广州市天河区****``
``bank_account``      last 4 kept                    ``************1234``
====================  =============================  ==========================

ID numbers keep only 3 leading digits (not the 6-digit division): with the division and
the last four digits known, the birth date is guessable from a few thousand candidates;
with 3 digits it is not.
"""

from __future__ import annotations

import logging
import re

# --- single values -----------------------------------------------------------------------
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 "
    "西门 百里 呼延 万俟 申屠 澹台 太史 闻人 钟离 赫连 拓跋 濮阳 淳于 公冶 宗政 公羊 东郭 "
    "第五 左丘 谷梁 梁丘 闾丘 司空 司寇 亓官 仲孙 叔孙 单于 巫马 漆雕 乐正 壤驷 公良 微生".split()
)


def _text(value) -> str:
    return "" if value is None else str(value)


def mask_id_number(value) -> str:
    """``440106199001011235`` → ``440***********1235`` (15-digit legacy numbers alike)."""
    text = _text(value).strip()
    if not text:
        return ""
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_mobile(value) -> str:
    """``13800138000`` → ``138****8000``; other phone numbers keep their last 4 digits."""
    text = _text(value).strip()
    if not text:
        return ""
    if len(text) == 11 and text.isdigit():
        return f"{text[:3]}****{text[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return re.sub(r"\d", "*", text[:-4]) + text[-4:]


def mask_name(value) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``, ``John Smith`` → ``J*** *****``."""
    text = _text(value).strip()
    if not text:
        return ""
    if len(text) == 1:
        return "*"
    keep = 2 if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:keep] + "".join(" " if ch == " " else "*" for ch in text[keep:])


_ADDRESS_PARTS = (
    re.compile(r"^.{2,7}?(?:省|自治区|特别行政区)"),
    re.compile(r"^[^省区县路街道号巷村镇]{1,8}?(?:市|自治州|地区|盟)"),
    re.compile(r"^[^省市路街道号巷村镇]{1,8}?(?:区|县|市|旗)"),
)


def mask_address(value) -> str:
    """Keep province, city and district/county; ``广东省广州市天河区天河路1号`` →
    ``广东省广州市天河区****``. An address without such a prefix is masked entirely."""
    text = _text(value).strip()
    if not text:
        return ""
    kept = ""
    rest = text
    for pattern in _ADDRESS_PARTS:
        match = pattern.match(rest)
        if match:
            kept += match.group(0)
            rest = rest[match.end() :]
    return kept + "****" if rest else kept


def mask_bank_account(value) -> str:
    """``6222021234567890123`` → ``***************0123`` (spaces removed)."""
    text = re.sub(r"\s", "", _text(value))
    if not text:
        return ""
    if len(text) <= 4:
        return "****"
    return "*" * (len(text) - 4) + text[-4:]


MASKERS = {
    "id_number": mask_id_number,
    "mobile": mask_mobile,
    "name": mask_name,
    "address": mask_address,
    "bank_account": mask_bank_account,
}


def mask_value(kind: str, value) -> str:
    try:
        return MASKERS[kind](value)
    except KeyError:
        raise ValueError(f"unknown PII kind {kind!r}; one of {sorted(MASKERS)}") from None


# --- free text (logs, audit data) --------------------------------------------------------
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask every 18-digit ID number and 11-digit mobile number inside ``text``."""
    if not text:
        return text
    text = ID_NUMBER_RE.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


# Keys in JSON data (audit ``data``, API payloads) that hold PII of a known kind.
PII_KEYS = {
    "id_number": "id_number",
    "id_no": "id_number",
    "citizen_id": "id_number",
    "legal_rep_id_number": "id_number",
    "legal_representative_id": "id_number",
    "mobile": "mobile",
    "phone": "mobile",
    "telephone": "mobile",
    "contact_phone": "mobile",
    "contact_mobile": "mobile",
    "real_name": "name",
    "person_name": "name",
    "applicant_name": "name",
    "holder_name": "name",
    "contact_name": "name",
    "legal_representative": "name",
    "legal_rep_name": "name",
    "address": "address",
    "household_address": "address",
    "home_address": "address",
    "contact_address": "address",
    "bank_account": "bank_account",
    "account_number": "bank_account",
    "card_number": "bank_account",
}


def mask_data(value, *, key: str | None = None):
    """Mask PII inside JSON-like data: values under the keys of ``PII_KEYS`` by their kind,
    and ID/mobile numbers in any other string."""
    kind = PII_KEYS.get(key.lower()) if isinstance(key, str) else None
    if isinstance(value, dict):
        return {k: mask_data(v, key=k if kind is None else key) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v, key=key) for v in value]
    if isinstance(value, str):
        return mask_value(kind, value) if kind else mask_text(value)
    if kind and isinstance(value, int) and not isinstance(value, bool):
        return mask_value(kind, str(value))
    return value


def mask_fields(data: dict, fields: dict[str, str], *, visible: bool) -> dict:
    """For API responses: a copy of ``data`` with ``fields`` ({field: kind}) masked unless
    ``visible``::

        out = PersonOut.from_orm(person).dict()
        return mask_fields(out, {"id_number": "id_number", "mobile": "mobile"},
                           visible=can_view_pii(request.user, person.org_unit))
    """
    if visible:
        return dict(data)
    masked = dict(data)
    for name, kind in fields.items():
        if masked.get(name) not in (None, ""):
            masked[name] = mask_value(kind, masked[name])
    return masked


# --- who may see it ----------------------------------------------------------------------
VIEW_PII = "core.view_pii"


def can_view_pii(user, record_org_unit=None, subject_user=None) -> bool:
    """May ``user`` see the unmasked PII of a record?

    True when the user is the record's subject (their own data) or holds ``core.view_pii``
    (窗口受理员/审批员 by default) in the record's org unit. Anonymous: never.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if subject_user is not None and getattr(subject_user, "pk", subject_user) == user.pk:
        return True
    if record_org_unit is None:
        return False
    from tongban.core import permissions

    return permissions.has_perm_in(user, VIEW_PII, record_org_unit)


def pii_checker(user):
    """``can_view_pii`` for many records with one query: returns
    ``visible(record_org_unit_id, subject_user_id=None) -> bool`` (for lists)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return lambda org_unit_id, subject_user_id=None: False
    from tongban.core import permissions

    unit_ids = set(permissions.units_for(user, VIEW_PII).values_list("pk", flat=True))

    def visible(org_unit_id, subject_user_id=None) -> bool:
        if subject_user_id is not None and str(subject_user_id) == str(user.pk):
            return True
        return org_unit_id is not None and org_unit_id in unit_ids

    return visible


# --- logs ----------------------------------------------------------------------------------
class MaskingLogFilter(logging.Filter):
    """Masks 18-digit ID numbers and 11-digit mobile numbers in log messages (incl. args and
    the formatted traceback). Configured on the root handler in ``settings.LOGGING``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
