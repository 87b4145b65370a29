"""Civil servant (staff) accounts: creation, role assignments, deactivation, CSV roster.

Who may manage whom (permission ``identity.manage_staff``):
- an operator (平台运营) manages staff and grants every role within the org units its role
  covers (the province operator covers everything);
- a department admin (部门管理员) does the same within its own unit (and its children when
  its role covers them), but cannot grant the operator or auditor roles.
A staff member is managed by an actor only if *every* role the member holds is one the
actor could grant, so a city admin cannot deactivate someone who also works for the
province.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit, RoleAssignment
from tongban.core.permissions import IDENTITY_MANAGE_STAFF, units_for
from tongban.identity.errors_companies import StaffError, error, require_code
from tongban.identity.models import User

MANAGE_STAFF = IDENTITY_MANAGE_STAFF
Role = RoleAssignment.Role
MANAGER_ROLES = (Role.OPERATOR, Role.DEPT_ADMIN)
GRANTABLE_BY = {
    Role.OPERATOR: set(Role.values),
    Role.DEPT_ADMIN: {Role.WINDOW_CLERK, Role.APPROVER, Role.DEPT_ADMIN},
}
USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
RESERVED_USERNAMES = {"new", "import", "admin", "root", "system", "operator-new"}
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


class SystemActor:
    """The platform itself (server-side commands run by whoever operates the servers):
    may grant every role everywhere; audit events show the actor as "system"."""

    pk = None
    id = None
    is_active = True
    is_authenticated = True
    is_superuser = True
    kind = User.Kind.STAFF

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


@dataclass(frozen=True)
class RoleSpec:
    org_unit: OrgUnit
    role: str
    covers_children: bool = False


@dataclass
class StaffCreated:
    user: User
    generated_password: str | None  # shown once, never stored in clear


# --- permission reads ------------------------------------------------------------------------
def _manager_assignments(actor) -> list[RoleAssignment]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.kind != User.Kind.STAFF:
        return []
    return list(
        RoleAssignment.objects.filter(user=actor, role__in=MANAGER_ROLES).select_related("org_unit")
    )


def _covers(assignment: RoleAssignment, unit: OrgUnit, *, subtree: bool = False) -> bool:
    """Does ``assignment`` cover ``unit`` (and, with ``subtree``, all of its children)?"""
    if assignment.org_unit_id == unit.pk:
        return assignment.covers_children or not subtree
    return assignment.covers_children and unit.path.startswith(assignment.org_unit.path)


def grantable_roles(actor, unit: OrgUnit, *, subtree: bool = False) -> set[str]:
    """Roles ``actor`` may grant at ``unit`` (covering its children when ``subtree``)."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return set(Role.values)
    roles: set[str] = set()
    for assignment in _manager_assignments(actor):
        if _covers(assignment, unit, subtree=subtree):
            roles |= GRANTABLE_BY[assignment.role]
    return roles


def managed_units(actor) -> QuerySet[OrgUnit]:
    """Org units in which ``actor`` manages staff (its units, plus children where covered)."""
    return units_for(actor, MANAGE_STAFF)


def can_manage_staff(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) and actor.is_active) or bool(
        _manager_assignments(actor)
    )


def _is_operator(actor) -> bool:
    return (getattr(actor, "is_superuser", False) and actor.is_active) or any(
        a.role == Role.OPERATOR for a in _manager_assignments(actor)
    )


def staff_visible_to(viewer) -> QuerySet[User]:
    """Staff accounts holding a role in a unit the viewer manages (operators also see staff
    left without any role)."""
    if not can_manage_staff(viewer):
        return User.objects.none()
    condition = Q(role_assignments__org_unit__in=managed_units(viewer))
    if _is_operator(viewer):
        condition |= Q(role_assignments__isnull=True)
    return User.objects.filter(condition, kind=User.Kind.STAFF).distinct().order_by("username")


def access_staff(viewer, username: str) -> User:
    """The staff account if the viewer may see it; 404 otherwise (never reveals others)."""
    if not can_manage_staff(viewer):
        raise error(StaffError.STAFF_PERMISSION_DENIED)
    staff = staff_visible_to(viewer).filter(username=(username or "").strip().lower()).first()
    if staff is None:
        raise error(StaffError.STAFF_NOT_FOUND)
    return staff


def can_manage_member(actor, staff: User) -> bool:
    assignments = list(staff.role_assignments.select_related("org_unit"))
    if not assignments:
        return _is_operator(actor)
    return all(
        a.role in grantable_roles(actor, a.org_unit, subtree=a.covers_children) for a in assignments
    )


# --- checks ----------------------------------------------------------------------------------
def _require_manager(actor) -> None:
    if not can_manage_staff(actor):
        raise error(StaffError.STAFF_PERMISSION_DENIED)


def _check_grant(actor, spec: RoleSpec, *, field_name: str = "org_unit") -> None:
    if spec.role not in Role.values:
        raise error(StaffError.ROLE_INVALID, field="role")
    if not grantable_roles(actor, spec.org_unit):
        raise error(StaffError.ORG_UNIT_OUT_OF_SCOPE, field=field_name)
    if spec.covers_children and not grantable_roles(actor, spec.org_unit, subtree=True):
        raise error(StaffError.ORG_UNIT_OUT_OF_SCOPE, field="covers_children")
    if spec.role not in grantable_roles(actor, spec.org_unit, subtree=spec.covers_children):
        raise error(StaffError.ROLE_NOT_GRANTABLE, field="role")


def _check_member(actor, staff: User) -> None:
    if staff.kind != User.Kind.STAFF:
        raise error(StaffError.NOT_STAFF)
    if staff.pk == actor.pk:
        raise error(StaffError.CANNOT_MODIFY_SELF)
    if not can_manage_member(actor, staff):
        raise error(StaffError.STAFF_PERMISSION_DENIED)


def clean_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(username) or username in RESERVED_USERNAMES:
        raise error(StaffError.USERNAME_INVALID, field="username")
    return username


def _clean_profile(username, name, mobile, id_number):
    username = clean_username(username)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise error(StaffError.NAME_REQUIRED, field="name")
    # Optional for staff: an account without a mobile logs in with its password only
    # (no SMS second factor, see identity.services.auth). Given, it must be valid.
    mobile = (mobile or "").strip()
    mobile = require_code("mobile", mobile, field="mobile") if mobile else ""
    id_number = (id_number or "").strip()
    id_number = require_code("citizen-id", id_number, field="id_number") if id_number else None
    return username, name, mobile, id_number


def generate_password() -> str:
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(12))
        if (
            any(c.isdigit() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
        ):
            return candidate


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise error(
            StaffError.WEAK_PASSWORD,
            field="password",
            message=_("初始密码强度不足：") + "；".join(exc.messages),
        ) from exc


def _check_unique(username: str, id_number: str | None) -> None:
    if User.objects.filter(username=username).exists():
        raise error(StaffError.USERNAME_TAKEN, field="username")
    if id_number and User.objects.filter(id_number__iexact=id_number).exists():
        raise error(StaffError.ID_NUMBER_TAKEN, field="id_number")


def _role_data(spec) -> dict:
    return {
        "org_unit": spec.org_unit.code,
        "role": spec.role,
        "covers_children": spec.covers_children,
    }


# --- writes ----------------------------------------------------------------------------------
def create_staff(
    *,
    username: str,
    name: str,
    mobile: str = "",
    id_number: str | None = None,
    password: str | None = None,
    roles: Iterable[RoleSpec],
    actor,
) -> StaffCreated:
    """Create a civil servant account with at least one role. Without ``password`` a strong
    one is generated and returned once in ``StaffCreated.generated_password``.

    ``mobile`` is optional (empty string): such an account gets no SMS login code and signs
    in with its password only; production deployments should give every staff member one."""
    _require_manager(actor)
    username, name, mobile, id_number = _clean_profile(username, name, mobile, id_number)
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise error(StaffError.ROLE_REQUIRED, field="role")
    for spec in roles:
        _check_grant(actor, spec)
    user = User(
        username=username,
        name=name,
        mobile=mobile,
        id_number=id_number,
        kind=User.Kind.STAFF,
        realname_level=User.Level.L1,
    )
    generated = None
    if password:
        _check_password(password, user)
    else:
        password = generated = generate_password()
    _check_unique(username, id_number)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            for spec in roles:
                _create_assignment(user, spec)
            audit.record(
                "identity.staff_created",
                actor=actor,
                target=user,
                org_unit=roles[0].org_unit,
                data={"username": username, "roles": [_role_data(s) for s in roles]},
            )
    except IntegrityError as exc:
        user.pk = None
        raise error(StaffError.USERNAME_TAKEN, field="username") from exc
    return StaffCreated(user=user, generated_password=generated)


def _create_assignment(user: User, spec: RoleSpec) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user,
        org_unit=spec.org_unit,
        role=spec.role,
        covers_children=spec.covers_children,
    )


def assign_role(staff: User, spec: RoleSpec, *, actor) -> RoleAssignment:
    _require_manager(actor)
    if staff.kind != User.Kind.STAFF:
        raise error(StaffError.NOT_STAFF)
    if staff.pk == actor.pk:
        raise error(StaffError.CANNOT_MODIFY_SELF)
    _check_grant(actor, spec)
    try:
        with transaction.atomic():
            if RoleAssignment.objects.filter(
                user=staff, org_unit=spec.org_unit, role=spec.role
            ).exists():
                raise error(StaffError.ROLE_ALREADY_ASSIGNED, field="role")
            assignment = _create_assignment(staff, spec)
            audit.record(
                "identity.role_assigned",
                actor=actor,
                target=staff,
                org_unit=spec.org_unit,
                data=_role_data(spec),
            )
    except IntegrityError as exc:
        raise error(StaffError.ROLE_ALREADY_ASSIGNED, field="role") from exc
    return assignment


def remove_role(staff: User, assignment_id: int, *, actor) -> None:
    _require_manager(actor)
    if staff.kind != User.Kind.STAFF:
        raise error(StaffError.NOT_STAFF)
    if staff.pk == actor.pk:
        raise error(StaffError.CANNOT_MODIFY_SELF)
    with transaction.atomic():
        assignment = (
            RoleAssignment.objects.select_for_update()
            .select_related("org_unit")
            .filter(pk=assignment_id, user=staff)
            .first()
        )
        if assignment is None:
            raise error(StaffError.ROLE_NOT_FOUND)
        spec = RoleSpec(assignment.org_unit, assignment.role, assignment.covers_children)
        if spec.role not in grantable_roles(actor, spec.org_unit, subtree=spec.covers_children):
            raise error(StaffError.ROLE_NOT_GRANTABLE, field="role")
        assignment.delete()
        audit.record(
            "identity.role_removed",
            actor=actor,
            target=staff,
            org_unit=spec.org_unit,
            data=_role_data(spec),
        )


def deactivate_staff(staff: User, *, actor) -> User:
    """Disable login for a staff account (roles are kept for the record)."""
    _require_manager(actor)
    _check_member(actor, staff)
    with transaction.atomic():
        updated = User.objects.filter(pk=staff.pk, is_active=True).update(is_active=False)
        if updated != 1:
            raise error(StaffError.STAFF_ALREADY_INACTIVE)
        staff.is_active = False
        audit.record(
            "identity.staff_deactivated",
            actor=actor,
            target=staff,
            data={"username": staff.username},
        )
    return staff


# --- CSV roster ------------------------------------------------------------------------------
ROSTER_COLUMNS = (
    "username",
    "name",
    "mobile",
    "id_number",
    "org_unit_code",
    "role",
    "covers_children",
)
MAX_ROSTER_ROWS = 5000
_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"", "0", "false", "no", "n", "否", "f"}


@dataclass
class RosterLineError:
    line: int
    field: str
    code: str
    message: str


@dataclass
class RosterRow:
    line: int
    username: str
    name: str
    mobile: str
    id_number: str | None
    org_unit: OrgUnit
    role: str
    covers_children: bool

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class RosterResult:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterLineError] = field(default_factory=list)
    created: list[StaffCreated] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def usernames(self) -> list[str]:
        return list(dict.fromkeys(row.username for row in self.rows))


def _decode(data) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):  # spreadsheets in zh-CN often save GB18030
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise error(
        StaffError.ROSTER_INVALID,
        field="file",
        message=_("文件编码无法识别，请保存为 UTF-8 的 CSV 文件"),
    )


def roster_text(data) -> str:
    """Decode an uploaded roster (UTF-8 with or without BOM, or GB18030)."""
    return _decode(data)


def _read(file) -> str:
    if hasattr(file, "read"):
        data = file.read()
    elif hasattr(file, "read_bytes"):
        data = file.read_bytes()
    else:
        data = file
    return _decode(data)


_ROLE_BY_TEXT = {
    **{v: v for v in Role.values},
    **{str(label): value for value, label in Role.choices},
}


def _parse_roster(text: str, actor, result: RosterResult) -> None:
    def fail(line, column, code, message):
        result.errors.append(RosterLineError(line, column, code, str(message)))

    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    header = [h.strip().lower() for h in header] if header else []
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        fail(
            1,
            ",".join(missing),
            "roster_header_invalid",
            _("第1行表头缺少列：%(cols)s（应为 %(all)s）")
            % {"cols": ", ".join(missing), "all": ",".join(ROSTER_COLUMNS)},
        )
        return
    index = {c: header.index(c) for c in ROSTER_COLUMNS}
    units = {u.code: u for u in OrgUnit.objects.all()} if header else {}
    seen_people: dict[str, tuple] = {}
    seen_ids: dict[str, str] = {}
    seen_roles: set[tuple] = set()
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROSTER_ROWS:
            fail(number, "", "roster_too_long", _("花名册最多 %(n)d 行") % {"n": MAX_ROSTER_ROWS})
            return
        value = {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}
        errors_before = len(result.errors)
        try:
            username, name, mobile, id_number = _clean_profile(
                value["username"], value["name"], value["mobile"], value["id_number"]
            )
        except DomainError as exc:
            fail(number, exc.field or "", exc.code, exc.message)
            continue
        unit = units.get(value["org_unit_code"])
        role = _ROLE_BY_TEXT.get(value["role"]) or _ROLE_BY_TEXT.get(value["role"].lower())
        covers_text = value["covers_children"].lower()
        if unit is None:
            fail(
                number,
                "org_unit_code",
                StaffError.ORG_UNIT_NOT_FOUND,
                _("组织机构编码“%(code)s”不存在") % {"code": value["org_unit_code"]},
            )
        if role is None:
            fail(
                number,
                "role",
                StaffError.ROLE_INVALID,
                _("角色“%(role)s”无效，可用：%(all)s")
                % {"role": value["role"], "all": ", ".join(Role.values)},
            )
        if covers_text not in _TRUE | _FALSE:
            fail(
                number, "covers_children", "invalid_boolean", _("covers_children 应为 是/否 或 1/0")
            )
        if len(result.errors) > errors_before:
            continue
        spec = RoleSpec(unit, role, covers_text in _TRUE)
        try:
            _check_grant(actor, spec, field_name="org_unit_code")
        except DomainError as exc:
            fail(number, exc.field or "", exc.code, exc.message)
            continue
        person = (name, mobile, id_number)
        if username in seen_people and seen_people[username] != person:
            fail(
                number,
                "username",
                "roster_conflict",
                _("登录名 %(u)s 在前面的行中姓名、手机号或身份证号不同") % {"u": username},
            )
            continue
        if id_number and seen_ids.get(id_number, username) != username:
            fail(
                number,
                "id_number",
                StaffError.ID_NUMBER_TAKEN,
                _("身份证号与花名册中其他登录名重复"),
            )
            continue
        if (username, unit.pk, role) in seen_roles:
            fail(number, "role", StaffError.ROLE_ALREADY_ASSIGNED, _("与前面的行重复"))
            continue
        if username not in seen_people:
            try:
                _check_unique(username, id_number)
            except DomainError as exc:
                fail(number, exc.field or "", exc.code, exc.message)
                continue
        seen_people[username] = person
        if id_number:
            seen_ids[id_number] = username
        seen_roles.add((username, unit.pk, role))
        result.rows.append(
            RosterRow(number, username, name, mobile, id_number, unit, role, spec.covers_children)
        )
    if not result.rows and not result.errors:
        fail(1, "", "roster_empty", _("花名册没有数据行"))


def import_staff_roster(file, *, actor, dry_run: bool = True) -> RosterResult:
    """Validate every line of a CSV roster, then (unless ``dry_run``) create all accounts
    with generated passwords in one transaction. Any error: nothing is created and
    ``result.errors`` lists each bad line. A username may appear on several lines to
    receive several roles."""
    _require_manager(actor)
    result = RosterResult(dry_run=dry_run)
    _parse_roster(_read(file), actor, result)
    if dry_run or result.errors:
        return result
    by_user: dict[str, list[RosterRow]] = {}
    for row in result.rows:
        by_user.setdefault(row.username, []).append(row)
    try:
        with transaction.atomic():
            for username, rows in by_user.items():
                first = rows[0]
                result.created.append(
                    create_staff(
                        username=username,
                        name=first.name,
                        mobile=first.mobile,
                        id_number=first.id_number,
                        roles=[RoleSpec(r.org_unit, r.role, r.covers_children) for r in rows],
                        actor=actor,
                    )
                )
            audit.record(
                "identity.staff_roster_imported",
                actor=actor,
                data={
                    "accounts": len(by_user),
                    "rows": len(result.rows),
                    "usernames": list(by_user),
                },
            )
    except DomainError as exc:  # e.g. a username taken meanwhile: all rolled back
        result.created = []
        result.errors.append(RosterLineError(0, exc.field or "", exc.code, exc.message))
    return result
