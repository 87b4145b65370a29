"""Issuing licences (证照签发): one service for the automatic, manual and batch paths.

``issue_licence(...)`` checks the holder code (公民身份号码 for natural persons, 统一社会信用代码
for legal persons) and the fields against the type's field schema, claims the next number of
the (type, issuer) pair, builds the GB/T 36904 identifier, and signs the canonical JSON of
the GB/T 36903 metadata + the fields with the issuing department's active seal
(``seals.sign_with_seal``): the bytes go to ``Licence.signed_data``, the ``SES_Signature``-like
DER to ``Licence.signature_der``. Everything happens in one transaction with the
``licences.licence_issued`` audit event; the holder gets an SMS (masked) after the commit.

``issue_new_version(licence, fields=..., actor=...)`` issues version n+1 under the same number
and moves the old version to ``superseded`` (``关联证照标识`` names the old identifier).

``import_licences_csv(file, ...)`` validates every row first and imports all rows in one
transaction, or none (see ``ImportReport``).

``licence_payload(licence)`` rebuilds the signed document from a stored licence (verifiers
compare it with ``signed_data``; ``signed_data`` is what the signature covers).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, permissions
from tongban.core.codes import generate_licence_id, validate
from tongban.core.codes.licence_id import PREFIX
from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.core.masking import mask_id_number, mask_name
from tongban.core.models import OrgUnit
from tongban.core.signing import canonical_json
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import HolderType, Licence, LicenceType
from tongban.licences.permissions import LICENCES_ISSUE_LICENCE
from tongban.licences.services import numbering

HOLDER_CODE_KIND = {HolderType.NATURAL: "citizen-id", HolderType.LEGAL: "uscc"}
HOLDER_CODE_TYPE = {HolderType.NATURAL: "111", HolderType.LEGAL: "001"}  # GB/T 36903
NO_EXPIRY = "长期"
logger = logging.getLogger(__name__)
MAX_IMPORT_ROWS = 50_000


# --- field validation -------------------------------------------------------------------------
def _role_field(licence_type: LicenceType, role: str) -> dict | None:
    return next((f for f in licence_type.field_schema or [] if f.get("role") == role), None)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()


def _clean_value(spec: dict, raw) -> tuple[str, str | None]:
    """(normalised text, error message or None) for one value of a field."""
    text = _as_text(raw)
    label = spec.get("label") or spec["name"]
    if not text:
        if spec.get("required", True):
            return "", _("请填写“%(label)s”。") % {"label": label}
        return "", None
    kind = spec.get("type", "text")
    if kind == "date":
        try:
            return datetime.date.fromisoformat(text.replace("/", "-")).isoformat(), None
        except ValueError:
            return text, _("“%(label)s”应为日期（年-月-日）。") % {"label": label}
    if kind == "number":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return text, _("“%(label)s”应为数字。") % {"label": label}
        if not number.is_finite():
            return text, _("“%(label)s”应为数字。") % {"label": label}
        return format(number.normalize(), "f"), None
    if kind in ("citizen-id", "uscc"):
        result = validate(kind, text)
        if not result.valid:
            return text, f"“{label}”：{result.message}"
        return result.normalized or text.upper(), None
    if kind == "choice":
        choices = [str(c) for c in spec.get("choices") or []]
        if text not in choices:
            return text, _("“%(label)s”应为：%(choices)s。") % {
                "label": label,
                "choices": "、".join(choices),
            }
        return text, None
    if len(text) > 2000:
        return text, _("“%(label)s”过长。") % {"label": label}
    return text, None


def field_errors(
    licence_type: LicenceType, fields: dict, *, holder_name: str, holder_code: str
) -> tuple[dict, list[tuple[str, str, str]]]:
    """(cleaned fields, [(error code, field, message), ...]) — never raises.

    Unknown fields are errors; fields with role ``holder_name``/``holder_code`` are filled
    from the holder when empty and must agree with it; ``licence_number`` is filled at issue.
    """
    schema = licence_type.field_schema or []
    known = {spec["name"] for spec in schema}
    errors: list[tuple[str, str, str]] = []
    for name in fields or {}:
        if name not in known:
            errors.append(
                (IssuingError.FIELD_UNKNOWN, name, _("未知的信息项“%(name)s”。") % {"name": name})
            )
    cleaned: dict[str, str] = {}
    for spec in schema:
        name, role = spec["name"], spec.get("role", "")
        raw = (fields or {}).get(name)
        holder_value = {"holder_name": holder_name, "holder_code": holder_code}.get(role)
        if holder_value is not None and not _as_text(raw):
            raw = holder_value
        if role == "licence_number" and not _as_text(raw):
            cleaned[name] = ""  # filled with the allocated number
            continue
        value, message = _clean_value(spec, raw)
        if message:
            code = IssuingError.FIELD_REQUIRED if not value else IssuingError.FIELD_INVALID
            errors.append((code, name, message))
        elif holder_value is not None and value.upper() != _as_text(holder_value).upper():
            errors.append(
                (
                    IssuingError.HOLDER_MISMATCH,
                    name,
                    _("“%(label)s”与持证主体不一致。") % {"label": spec.get("label") or name},
                )
            )
        cleaned[name] = value
    return cleaned, errors


def check_holder(licence_type: LicenceType, holder_type: str, holder_name, holder_code) -> str:
    """The normalised holder code, or a DomainError (type, name or code)."""
    if holder_type != licence_type.holder_type:
        raise DomainError(
            IssuingError.HOLDER_TYPE_MISMATCH,
            _("%(type)s的持证主体应为%(holder)s。")
            % {"type": licence_type.name, "holder": HolderType(licence_type.holder_type).label},
            "holder_type",
        )
    if not _as_text(holder_name):
        raise DomainError(
            IssuingError.HOLDER_NAME_REQUIRED, _("请填写持证主体名称。"), "holder_name"
        )
    result = validate(HOLDER_CODE_KIND.get(holder_type, "uscc"), _as_text(holder_code))
    if not result.valid:
        label = _("公民身份号码") if holder_type == HolderType.NATURAL else _("统一社会信用代码")
        raise DomainError(
            IssuingError.INVALID_HOLDER_CODE,
            _("持证主体代码（%(label)s）无效：%(reason)s")
            % {"label": label, "reason": result.message},
            "holder_code",
        )
    return result.normalized or _as_text(holder_code).upper()


def validate_fields(
    licence_type: LicenceType, fields: dict, *, holder_name: str, holder_code: str
) -> dict:
    cleaned, errors = field_errors(
        licence_type, fields, holder_name=holder_name, holder_code=holder_code
    )
    if errors:
        code, name, message = errors[0]
        raise DomainError(code, message, name)
    return cleaned


def validity_for(licence_type: LicenceType, valid_from: datetime.date):
    """(valid_from, valid_to or None): ``validity_years`` years, ending the day before."""
    years = licence_type.validity_years or 0
    if not years:
        return valid_from, None
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + years, day=28)
    return valid_from, end - datetime.timedelta(days=1)


# --- the signed document ----------------------------------------------------------------------
def _identifier_parts(identifier: str) -> list[str]:
    return identifier[len(PREFIX) :].split(".")


def licence_payload(licence: Licence) -> dict:
    """The signed document (GB/T 36903 metadata + fields) of a licence, from its row."""
    licence_type = licence.licence_type
    issuer = licence.issuer
    related = licence.supersedes.identifier if licence.supersedes_id else ""
    return {
        "metadata": {
            "证照标识": licence.identifier,
            "证照类型名称": licence_type.name,
            "证照类型代码": licence_type.code,
            "证照定义机构": licence_type.defining_authority,
            "证照定义机构代码": licence_type.defining_authority_uscc,
            "证照名称": licence_type.name,
            "证照编号": licence.number,
            "版本号": f"{licence.version:03d}",
            "持证主体": licence.holder_name,
            "持证主体代码": licence.holder_code,
            "持证主体代码类型": HOLDER_CODE_TYPE[licence.holder_type],
            "颁发机构": issuer.full_name,
            "颁发机构代码": _identifier_parts(licence.identifier)[1],
            "颁证日期": licence.issued_on.isoformat(),
            "有效期起始": licence.valid_from.isoformat(),
            "有效期截止": licence.valid_to.isoformat() if licence.valid_to else NO_EXPIRY,
            "所属管辖属地编码": (issuer.division_code or "")[:6],
            "关联证照标识": related,
            "可信级别": licence_type.trust_level,
        },
        "fields": dict(licence.fields),
    }


def licence_signed_data(licence: Licence) -> bytes:
    return canonical_json(licence_payload(licence))


# --- issuing --------------------------------------------------------------------------------
def _resolve_type(licence_type) -> LicenceType:
    if isinstance(licence_type, LicenceType):
        return licence_type
    found = LicenceType.objects.filter(key=str(licence_type)).first()
    if found is None:
        raise DomainError(IssuingError.TYPE_NOT_FOUND, _("证照类型不存在。"), "licence_type")
    return found


def _is_user(actor) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "pk", None)


def require_issuer(actor, issuer: OrgUnit) -> None:
    """Staff issue for their own department only (``licences.issue_licence`` there)."""
    if not _is_user(actor):
        return  # the system (automatic issuance, command line)
    if not permissions.has_perm_in(actor, LICENCES_ISSUE_LICENCE, issuer):
        raise PermissionDenied(
            permissions.Errors.PERMISSION_DENIED, _("您没有以该部门名义签发证照的权限。")
        )


def _check_issuer(issuer) -> OrgUnit:
    if not isinstance(issuer, OrgUnit) or issuer.kind != OrgUnit.Kind.DEPARTMENT:
        raise DomainError(IssuingError.ISSUER_INVALID, _("颁发机构应为一个部门。"), "issuer")
    if not issuer.is_active:
        raise DomainError(IssuingError.ISSUER_INVALID, _("颁发机构已停用。"), "issuer")
    return issuer


def _find_holder_account(holder_type: str, holder_code: str):
    from tongban.identity.models import CompanyAccount, User

    if holder_type == HolderType.NATURAL:
        return (
            User.objects.filter(id_number__iexact=holder_code, kind=User.Kind.NATURAL).first(),
            None,
        )
    return None, CompanyAccount.objects.filter(uscc=holder_code).select_related("legal_rep").first()


def _holder_mobile(licence: Licence) -> str:
    if licence.holder_user_id and licence.holder_user.mobile:
        return licence.holder_user.mobile
    if licence.holder_company_id and licence.holder_company.legal_rep.mobile:
        return licence.holder_company.legal_rep.mobile
    return ""


def _notify_holder(licence: Licence) -> None:
    mobile = _holder_mobile(licence)
    if not mobile:
        return
    from tongban.identity.sms import send_sms

    text = _(
        "【通办】%(holder)s：您的电子证照《%(type)s》（编号 %(number)s）已签发，"
        "可在“我的证照”中查看。"
    ) % {
        "holder": mask_name(licence.holder_name),
        "type": licence.licence_type.name,
        "number": licence.number,
    }
    try:
        send_sms(mobile, text, purpose="licence_issued")  # gateways send after the commit
    except DomainError:  # no SMS service configured: the licence is in the wallet anyway
        logger.warning("licence %s issued; SMS service unavailable", licence.identifier)


def _sign_and_save(licence: Licence, *, actor) -> Licence:
    from tongban.licences.services.seals import sign_with_seal

    licence.signed_data = licence_signed_data(licence)
    signature, seal_key = sign_with_seal(
        licence.issuer, licence.signed_data, actor=actor, reference=licence.identifier
    )
    licence.signature_der = signature
    licence.seal_key = seal_key
    licence.save()
    return licence


def _audit_issue(licence: Licence, *, actor, extra: dict | None = None) -> None:
    audit.record(
        "licences.licence_issued",
        actor=actor,
        target=licence,
        org_unit=licence.issuer,
        target_label=f"{licence.licence_type.name} {licence.number}",
        data={
            "identifier": licence.identifier,
            "type": licence.licence_type.key,
            "number": licence.number,
            "version": licence.version,
            "holder_name": mask_name(licence.holder_name),
            "holder_code": (
                mask_id_number(licence.holder_code)
                if licence.holder_type == HolderType.NATURAL
                else licence.holder_code
            ),
            "source_case": licence.source_case.number if licence.source_case_id else None,
            **(extra or {}),
        },
    )


def issue_licence(
    *,
    licence_type,
    issuer: OrgUnit,
    holder_type: str,
    holder_name: str,
    holder_code: str,
    fields: dict,
    actor,
    holder_user=None,
    holder_company=None,
    valid_from: datetime.date | None = None,
    source_case=None,
    notify: bool = True,
) -> Licence:
    """Issue and sign one licence (version 001). See the module docstring.

    Staff actors need ``licences.issue_licence`` in ``issuer``; when ``source_case`` is given
    the case's conclusion (by its decider) is the authority, and ``actor`` may be the system.
    """
    licence_type = _resolve_type(licence_type)
    issuer = _check_issuer(issuer)
    if source_case is None:
        require_issuer(actor, issuer)
    if not licence_type.is_active:
        raise DomainError(
            IssuingError.TYPE_INACTIVE, _("该证照类型已停用，不能签发。"), "licence_type"
        )
    holder_name = _as_text(holder_name)
    holder_code = check_holder(licence_type, holder_type, holder_name, holder_code)
    cleaned = validate_fields(
        licence_type, fields, holder_name=holder_name, holder_code=holder_code
    )
    if valid_from is not None and not isinstance(valid_from, datetime.date):
        raise DomainError(IssuingError.VALIDITY_INVALID, _("有效期起始日期无效。"), "valid_from")
    today = timezone.localdate()
    valid_from, valid_to = validity_for(licence_type, valid_from or today)
    if holder_user is None and holder_company is None:
        holder_user, holder_company = _find_holder_account(holder_type, holder_code)

    with transaction.atomic():
        issuer_uscc = numbering.issuer_code(issuer)
        number = numbering.claim_licence_number(licence_type, issuer)
        number_field = _role_field(licence_type, "licence_number")
        if number_field and not cleaned.get(number_field["name"]):
            cleaned[number_field["name"]] = number
        licence = Licence(
            identifier=generate_licence_id(
                type_code=licence_type.code, issuer_uscc=issuer_uscc, number=number
            ),
            licence_type=licence_type,
            issuer=issuer,
            number=number,
            version=1,
            holder_type=holder_type,
            holder_name=holder_name,
            holder_code=holder_code,
            holder_user=holder_user,
            holder_company=holder_company,
            fields=cleaned,
            issued_on=today,
            valid_from=valid_from,
            valid_to=valid_to,
            source_case=source_case,
        )
        _sign_and_save(licence, actor=actor)
        _audit_issue(licence, actor=actor)
        if notify:
            _notify_holder(licence)
    return licence


def issue_new_version(licence: Licence, *, fields: dict, actor) -> Licence:
    """Version n+1 of a valid licence with ``fields`` changed (others kept); the old version
    becomes ``superseded``. Same number, holder and validity; issued today."""
    require_issuer(actor, licence.issuer)
    licence_type = licence.licence_type
    if not licence_type.is_active:
        raise DomainError(IssuingError.TYPE_INACTIVE, _("该证照类型已停用，不能签发。"))
    merged = {**licence.fields, **(fields or {})}
    name_field = _role_field(licence_type, "holder_name")
    holder_name = _as_text(merged.get(name_field["name"])) if name_field else ""
    holder_name = holder_name or licence.holder_name
    number_field = _role_field(licence_type, "licence_number")
    if number_field:
        merged[number_field["name"]] = licence.fields.get(number_field["name"]) or licence.number
    cleaned = validate_fields(
        licence_type, merged, holder_name=holder_name, holder_code=licence.holder_code
    )
    with transaction.atomic():
        old = Licence.objects.select_for_update().select_related("issuer").get(pk=licence.pk)
        if old.status != Licence.Status.VALID:
            raise DomainError(
                IssuingError.LICENCE_NOT_CURRENT,
                _("只有有效的证照才能换发新版本（当前状态：%(status)s）。")
                % {"status": old.get_status_display()},
            )
        version = old.version + 1
        old.status = Licence.Status.SUPERSEDED
        old.status_reason = _("已换发第 %(v)d 版") % {"v": version}
        old.save(update_fields=["status", "status_reason"])
        issuer_uscc = _identifier_parts(old.identifier)[1]
        new = Licence(
            identifier=generate_licence_id(
                type_code=licence_type.code,
                issuer_uscc=issuer_uscc,
                number=old.number,
                version=f"{version:03d}",
            ),
            licence_type=licence_type,
            issuer=old.issuer,
            number=old.number,
            version=version,
            supersedes=old,
            holder_type=old.holder_type,
            holder_name=holder_name,
            holder_code=old.holder_code,
            holder_user_id=old.holder_user_id,
            holder_company_id=old.holder_company_id,
            fields=cleaned,
            issued_on=timezone.localdate(),
            valid_from=old.valid_from,
            valid_to=old.valid_to,
            source_case_id=old.source_case_id,
        )
        _sign_and_save(new, actor=actor)
        audit.record(
            "licences.licence_superseded",
            actor=actor,
            target=old,
            org_unit=old.issuer,
            data={"identifier": old.identifier, "superseded_by": new.identifier},
        )
        _audit_issue(new, actor=actor, extra={"supersedes": old.identifier})
        _notify_holder(new)
    licence.status = Licence.Status.SUPERSEDED
    return new


# --- CSV batch import -------------------------------------------------------------------------
HOLDER_NAME_COLUMNS = ("holder_name", "持证主体")
HOLDER_CODE_COLUMNS = ("holder_code", "持证主体代码")
VALID_FROM_COLUMNS = ("valid_from", "有效期起始")


@dataclass
class ImportRow:
    line: int
    holder_name: str
    holder_code: str
    fields: dict
    valid_from: datetime.date | None = None


@dataclass
class ImportReport:
    licence_type: str
    total: int = 0
    rows: list[ImportRow] = field(default_factory=list)  # accepted rows
    rejected: list[dict] = field(default_factory=list)  # {"line", "reasons": [...]}
    issued: list[str] = field(default_factory=list)  # identifiers
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.rejected

    @property
    def imported(self) -> int:
        return len(self.issued)


def _read_text(file) -> str:
    data = file.read() if hasattr(file, "read") else file
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        IssuingError.IMPORT_FILE_INVALID, _("文件编码无法识别，请保存为 UTF-8 的 CSV。"), "file"
    )


def _column_map(header: list[str], licence_type: LicenceType) -> dict[str, str]:
    """{column header: target} where target is holder_name/holder_code/valid_from or
    ``field:<name>``; unknown columns are refused."""
    by_label = {}
    for spec in licence_type.field_schema or []:
        by_label[spec["name"]] = spec["name"]
        by_label[spec.get("label") or spec["name"]] = spec["name"]
    mapping, unknown = {}, []
    for column in header:
        key = column.strip()
        if key in HOLDER_NAME_COLUMNS:
            mapping[column] = "holder_name"
        elif key in HOLDER_CODE_COLUMNS:
            mapping[column] = "holder_code"
        elif key in VALID_FROM_COLUMNS:
            mapping[column] = "valid_from"
        elif key in by_label:
            mapping[column] = "field:" + by_label[key]
        elif key:
            unknown.append(key)
    if unknown:
        raise DomainError(
            IssuingError.IMPORT_FILE_INVALID,
            _("表头中有无法识别的列：%(cols)s") % {"cols": "、".join(unknown)},
            "file",
        )
    targets = list(mapping.values())
    if len(targets) != len(set(targets)):
        raise DomainError(IssuingError.IMPORT_FILE_INVALID, _("表头中有重复的列。"), "file")
    return mapping


def _parse_row(
    line: int, values: dict, mapping: dict, licence_type: LicenceType
) -> tuple[ImportRow | None, list[str]]:
    reasons: list[str] = []
    fields, holder_name, holder_code, valid_from = {}, "", "", None
    for column, target in mapping.items():
        value = (values.get(column) or "").strip()
        if target == "holder_name":
            holder_name = value
        elif target == "holder_code":
            holder_code = value
        elif target == "valid_from":
            if value:
                try:
                    valid_from = datetime.date.fromisoformat(value.replace("/", "-"))
                except ValueError:
                    reasons.append(_("有效期起始应为日期（年-月-日）。"))
        else:
            fields[target.split(":", 1)[1]] = value
    for role, current in (("holder_name", holder_name), ("holder_code", holder_code)):
        spec = _role_field(licence_type, role)
        if not current and spec and fields.get(spec["name"]):
            if role == "holder_name":
                holder_name = fields[spec["name"]]
            else:
                holder_code = fields[spec["name"]]
    try:
        holder_code = check_holder(licence_type, licence_type.holder_type, holder_name, holder_code)
    except DomainError as exc:
        reasons.append(exc.message)
    else:
        _cleaned, errors = field_errors(
            licence_type, fields, holder_name=holder_name, holder_code=holder_code
        )
        reasons.extend(message for _code, _name, message in errors)
    if reasons:
        return None, reasons
    return ImportRow(line, holder_name, holder_code, fields, valid_from), []


def parse_licence_csv(file, licence_type: LicenceType) -> ImportReport:
    """Read and check every row (nothing is written)."""
    text = _read_text(file)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise DomainError(IssuingError.IMPORT_FILE_INVALID, _("文件为空或缺少表头。"), "file")
    mapping = _column_map(reader.fieldnames, licence_type)
    report = ImportReport(licence_type=licence_type.key)
    for values in reader:
        if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
            continue  # blank line
        report.total += 1
        if report.total > MAX_IMPORT_ROWS:
            raise DomainError(
                IssuingError.IMPORT_FILE_INVALID,
                _("单个文件最多 %(n)d 行。") % {"n": MAX_IMPORT_ROWS},
                "file",
            )
        line = reader.line_num
        if None in values:
            report.rejected.append({"line": line, "reasons": [_("列数多于表头。")]})
            continue
        row, reasons = _parse_row(line, values, mapping, licence_type)
        if row is None:
            report.rejected.append({"line": line, "reasons": reasons})
        else:
            report.rows.append(row)
    if report.total == 0:
        raise DomainError(IssuingError.IMPORT_FILE_INVALID, _("文件中没有数据行。"), "file")
    return report


def import_licences_csv(
    file,
    *,
    licence_type,
    issuer: OrgUnit,
    actor,
    dry_run: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then (unless ``dry_run`` or a row was rejected) issue all rows in one
    transaction: a failure on any row leaves nothing imported."""
    licence_type = _resolve_type(licence_type)
    issuer = _check_issuer(issuer)
    require_issuer(actor, issuer)
    if not licence_type.is_active:
        raise DomainError(
            IssuingError.TYPE_INACTIVE, _("该证照类型已停用，不能签发。"), "licence_type"
        )
    report = parse_licence_csv(file, licence_type)
    report.dry_run = dry_run
    if dry_run or report.rejected:
        return report
    with transaction.atomic():
        for row in report.rows:
            licence = issue_licence(
                licence_type=licence_type,
                issuer=issuer,
                holder_type=licence_type.holder_type,
                holder_name=row.holder_name,
                holder_code=row.holder_code,
                fields=row.fields,
                actor=actor,
                valid_from=row.valid_from,
            )
            report.issued.append(licence.identifier)
            if progress:
                progress(1)
        audit.record(
            "licences.licences_imported",
            actor=actor,
            org_unit=issuer,
            target_type="licences.licencetype",
            target_id=str(licence_type.pk),
            target_label=licence_type.name,
            data={"count": len(report.issued), "type": licence_type.key},
        )
    return report
