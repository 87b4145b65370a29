"""Permissions: which role may do what, and in which org units.

A staff member holds roles (``RoleAssignment``) within org units, optionally covering the
unit's children. Each role grants a fixed set of permissions (``ROLE_PERMISSIONS``). The
question every app asks is "in which org units may this user do X?":

    units_for(user, CASES_REVIEW_CASE)               # QuerySet[OrgUnit]
    has_perm_in(user, CASES_REVIEW_CASE, case.org_unit)
    Case.objects.restrict(user, CASES_VIEW_CASE)     # rows whose org_unit is in reach
    access_object(Case.objects, user, CASES_VIEW_CASE, number=number)   # or NotFound (404)

Rules:
- Superusers see everything; anonymous and inactive users see nothing.
- A role held in unit U grants its permissions in U; with ``covers_children`` also in every
  unit below U (materialised ``path`` prefix, one indexed query).
- Departments hang under their region (广州市 → 广州市市场监督管理局); a city department's
  role does not reach the same department of the city's counties unless it is assigned there
  (or at the city region unit with ``covers_children``).
- Rows outside a user's reach are reported as "not found" so their existence does not leak.

Permission names are ``"<app>.<action>_<thing>"`` constants. Apps built later add their
permissions with :func:`register_permissions` (at import time of their ``permissions``
module) so the full role matrix stays visible in one place at runtime (``ROLE_PERMISSIONS``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import DomainError, NotFound, PermissionDenied
from tongban.core.models import OrgUnit, RoleAssignment

Role = RoleAssignment.Role


class Errors:
    """Stable error codes raised by the permission helpers."""

    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"


# --- permission names --------------------------------------------------------------------
# core
CORE_VIEW_AUDIT = "core.view_audit"
CORE_VERIFY_AUDIT = "core.verify_audit"
CORE_VIEW_PII = "core.view_pii"
CORE_MANAGE_ORG_UNITS = "core.manage_org_units"
CORE_MANAGE_CALENDAR = "core.manage_calendar"
# registries
REGISTRIES_VIEW_PERSON = "registries.view_person"
REGISTRIES_VIEW_ENTITY = "registries.view_entity"
REGISTRIES_MANAGE_REGISTRY = "registries.manage_registry"
# identity
IDENTITY_MANAGE_STAFF = "identity.manage_staff"
IDENTITY_VERIFY_REALNAME = "identity.verify_realname"
IDENTITY_MANAGE_OIDC_CLIENTS = "identity.manage_oidc_clients"
IDENTITY_VIEW_SMS_OUTBOX = "identity.view_sms_outbox"
# catalog
CATALOG_VIEW_ITEM = "catalog.view_item"
CATALOG_MANAGE_ITEM = "catalog.manage_item"
# cases
CASES_VIEW_CASE = "cases.view_case"
CASES_ACCEPT_CASE = "cases.accept_case"
CASES_REVIEW_CASE = "cases.review_case"
CASES_DECIDE_CASE = "cases.decide_case"
# licences
LICENCES_ISSUE_LICENCE = "licences.issue_licence"
LICENCES_MANAGE_LICENCE_TYPE = "licences.manage_licence_type"
LICENCES_MANAGE_SEAL = "licences.manage_seal"
# payments
PAYMENTS_VIEW_ORDER = "payments.view_order"
PAYMENTS_MANAGE_FEE_ITEM = "payments.manage_fee_item"
# sharing
SHARING_REQUEST_SHARE = "sharing.request_share"
SHARING_APPROVE_SHARE = "sharing.approve_share"
# service desk
SERVICEDESK_HANDLE_WORK_ORDER = "servicedesk.handle_work_order"
SERVICEDESK_MANAGE_APPOINTMENT = "servicedesk.manage_appointment"

_ALL_STAFF = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPT_ADMIN, Role.OPERATOR, Role.AUDITOR)

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.WINDOW_CLERK: {
        CORE_VIEW_PII,
        REGISTRIES_VIEW_PERSON,
        REGISTRIES_VIEW_ENTITY,
        IDENTITY_VERIFY_REALNAME,
        CATALOG_VIEW_ITEM,
        CASES_VIEW_CASE,
        CASES_ACCEPT_CASE,
        PAYMENTS_VIEW_ORDER,
        SERVICEDESK_HANDLE_WORK_ORDER,
        SERVICEDESK_MANAGE_APPOINTMENT,
    },
    Role.APPROVER: {
        CORE_VIEW_PII,
        REGISTRIES_VIEW_PERSON,
        REGISTRIES_VIEW_ENTITY,
        CATALOG_VIEW_ITEM,
        CASES_VIEW_CASE,
        CASES_REVIEW_CASE,
        CASES_DECIDE_CASE,
        LICENCES_ISSUE_LICENCE,
        PAYMENTS_VIEW_ORDER,
    },
    Role.DEPT_ADMIN: {
        REGISTRIES_VIEW_PERSON,
        REGISTRIES_VIEW_ENTITY,
        IDENTITY_MANAGE_STAFF,
        CATALOG_VIEW_ITEM,
        CATALOG_MANAGE_ITEM,
        CASES_VIEW_CASE,
        LICENCES_MANAGE_LICENCE_TYPE,
        LICENCES_MANAGE_SEAL,
        PAYMENTS_VIEW_ORDER,
        PAYMENTS_MANAGE_FEE_ITEM,
        SHARING_REQUEST_SHARE,
        SERVICEDESK_MANAGE_APPOINTMENT,
    },
    Role.OPERATOR: {
        CORE_VIEW_AUDIT,
        CORE_VERIFY_AUDIT,
        CORE_MANAGE_ORG_UNITS,
        CORE_MANAGE_CALENDAR,
        REGISTRIES_VIEW_PERSON,
        REGISTRIES_VIEW_ENTITY,
        REGISTRIES_MANAGE_REGISTRY,
        IDENTITY_MANAGE_STAFF,
        IDENTITY_MANAGE_OIDC_CLIENTS,
        IDENTITY_VIEW_SMS_OUTBOX,
        CATALOG_VIEW_ITEM,
        CATALOG_MANAGE_ITEM,
        CASES_VIEW_CASE,
        LICENCES_MANAGE_LICENCE_TYPE,
        PAYMENTS_VIEW_ORDER,
        SHARING_APPROVE_SHARE,
    },
    Role.AUDITOR: {
        CORE_VIEW_AUDIT,
        CORE_VERIFY_AUDIT,
        REGISTRIES_VIEW_PERSON,
        REGISTRIES_VIEW_ENTITY,
        CATALOG_VIEW_ITEM,
        CASES_VIEW_CASE,
        PAYMENTS_VIEW_ORDER,
    },
    # the payments app adds refunds and reconciliation
    Role.FINANCE: {CATALOG_VIEW_ITEM, PAYMENTS_VIEW_ORDER},
    # the service desk adds taking and dispatching 12345 work orders; the departments they
    # are dispatched to handle them
    Role.HOTLINE_OPERATOR: {REGISTRIES_VIEW_PERSON, CATALOG_VIEW_ITEM},
}


def all_permissions() -> set[str]:
    return set().union(*ROLE_PERMISSIONS.values())


def register_permissions(grants: dict[str, Iterable[str]]) -> None:
    """Add permissions of an app built later: ``{role: [perm, ...]}``."""
    for role, perms in grants.items():
        if role not in Role.values:
            raise ValueError(f"unknown role {role!r}")
        for perm in perms:
            _check_name(perm)
        ROLE_PERMISSIONS[role].update(perms)


def _check_name(permission: str) -> None:
    app, _sep, rest = permission.partition(".")
    if not app or "_" not in rest:
        raise ValueError(f"permission names look like '<app>.<action>_<thing>', not {permission!r}")


def roles_granting(permission: str) -> set[str]:
    """The roles whose permission set contains ``permission`` (unknown names are an error)."""
    roles = {role for role, perms in ROLE_PERMISSIONS.items() if permission in perms}
    if not roles and permission not in all_permissions():
        raise ValueError(f"unknown permission {permission!r}")
    return roles


def permissions_of_role(role: str) -> frozenset[str]:
    return frozenset(ROLE_PERMISSIONS.get(role, ()))


# --- who may do what where -----------------------------------------------------------------
def _is_anonymous(user) -> bool:
    return user is None or not getattr(user, "is_authenticated", False) or not user.is_active


def _decided_by_account(user, permission: str) -> bool | None:
    """False for anonymous or inactive users, True for superusers, None when the user's role
    assignments decide. Unknown permission names are an error in every case."""
    roles_granting(permission)
    if _is_anonymous(user):
        return False
    if user.is_superuser:
        return True
    return None


def _assignments(user, permission: str) -> list[tuple[int, str, bool]]:
    """(unit pk, unit path, covers_children) for the user's roles granting ``permission``."""
    roles = roles_granting(permission)
    if _is_anonymous(user) or not roles:
        return []
    return list(
        RoleAssignment.objects.filter(
            user=user, role__in=roles, org_unit__is_active=True
        ).values_list("org_unit_id", "org_unit__path", "covers_children")
    )


def _scope_q(assignments, prefix: str = "") -> Q | None:
    """A Q over OrgUnit fields (optionally through ``prefix`` like "org_unit__")."""
    direct = [pk for pk, _path, covers in assignments if not covers]
    covering = sorted({path for _pk, path, covers in assignments if covers and path})
    condition = Q()
    has_any = False
    if direct:
        condition |= Q(**{f"{prefix}pk__in": direct})
        has_any = True
    for path in covering:
        condition |= Q(**{f"{prefix}path__startswith": path})
        has_any = True
    return condition if has_any else None


def units_for(user, permission: str) -> QuerySet[OrgUnit]:
    """Active org units where ``user`` holds ``permission`` (descendants included when the
    role covers children)."""
    decided = _decided_by_account(user, permission)
    if decided is not None:
        return OrgUnit.objects.filter(is_active=True) if decided else OrgUnit.objects.none()
    condition = _scope_q(_assignments(user, permission))
    if condition is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(condition, is_active=True)


def has_perm(user, permission: str) -> bool:
    """True when the user holds ``permission`` in at least one org unit."""
    decided = _decided_by_account(user, permission)
    if decided is not None:
        return decided
    return bool(_assignments(user, permission))


def has_perm_in(user, permission: str, org_unit: OrgUnit | None) -> bool:
    """True when ``user`` holds ``permission`` in ``org_unit`` (directly or from above)."""
    if org_unit is None:
        return False
    decided = _decided_by_account(user, permission)
    if decided is not None:
        return decided
    for pk, path, covers in _assignments(user, permission):
        if pk == org_unit.pk or (covers and path and org_unit.path.startswith(path)):
            return True
    return False


def division_covers(unit_division: str, division_code: str) -> bool:
    """Does a unit at ``unit_division`` (province/city/county code) contain ``division_code``?"""
    if not unit_division or not division_code:
        return False
    if unit_division.endswith("0000"):
        return division_code[:2] == unit_division[:2]
    if unit_division.endswith("00"):
        return division_code[:4] == unit_division[:4]
    return division_code == unit_division


def has_perm_for_division(user, permission: str, division_code: str) -> bool:
    """True when the user holds ``permission`` in a unit whose region contains the division
    (e.g. core.view_pii of a 广州 clerk for a person whose household is in 天河区)."""
    decided = _decided_by_account(user, permission)
    if decided is not None:
        return decided
    divisions = set(units_for(user, permission).values_list("division_code", flat=True))
    return any(division_covers(unit_division, division_code) for unit_division in divisions)


# --- querysets -------------------------------------------------------------------------------
def restrict(queryset: QuerySet, user, permission: str, *, field: str | None = None) -> QuerySet:
    """Rows of ``queryset`` whose org unit is within ``units_for(user, permission)``.

    ``field`` names the row's org unit relation (default: the model's
    ``restrict_field`` attribute, else ``"org_unit"``; ``OrgUnit`` itself is restricted on
    its own pk).
    """
    model = queryset.model
    if field is None:
        field = "pk" if model is OrgUnit else getattr(model, "restrict_field", "org_unit")
    decided = _decided_by_account(user, permission)
    if decided is not None:
        return queryset if decided else queryset.none()
    assignments = _assignments(user, permission)
    if not assignments:
        return queryset.none()
    condition = _scope_q(assignments, prefix="" if field == "pk" else f"{field}__")
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


class RestrictedQuerySet(models.QuerySet):
    """``Model.objects.restrict(user, permission)`` (NetBox style).

    Use ``objects = RestrictedQuerySet.as_manager()`` on tenant-owned models; set
    ``restrict_field = "case__org_unit"`` on the model if the org unit is not ``org_unit``.
    """

    def restrict(self, user, permission: str) -> RestrictedQuerySet:
        return restrict(self, user, permission)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def access_object(queryset, user, permission: str, /, **lookup):
    """The one row matching ``lookup`` that ``user`` may reach with ``permission``.

    Raises ``NotFound`` (404) both when the row does not exist and when it exists outside the
    user's reach, so callers cannot probe for other units' records. Later apps build their
    ``access_<noun>()`` helpers on it.
    """
    if isinstance(queryset, models.Manager):
        queryset = queryset.all()
    try:
        return restrict(queryset, user, permission).get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound(Errors.NOT_FOUND, _("未找到该记录，或您无权查看。")) from None


def check_perm(user, permission: str, org_unit: OrgUnit | None = None) -> None:
    """Raise a 401/403 ``DomainError`` unless the user holds ``permission`` (in ``org_unit``
    when given)."""
    if _is_anonymous(user):
        roles_granting(permission)
        raise DomainError(Errors.NOT_AUTHENTICATED, _("请先登录。"), status=401)
    allowed = (
        has_perm_in(user, permission, org_unit)
        if org_unit is not None
        else has_perm(user, permission)
    )
    if not allowed:
        raise PermissionDenied(Errors.PERMISSION_DENIED, _("您没有执行此操作的权限。"))


def require_perm(permission: str) -> Callable:
    """Decorator for django-ninja operations: 401 when anonymous, 403 without the permission.

    The API maps the ``DomainError`` to ``{"code", "message", "field"}``.
    """
    roles_granting(permission)  # fail at import time on a typo

    def decorator(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            check_perm(getattr(request, "user", None), permission)
            return func(request, *args, **kwargs)

        return wrapper

    return decorator


def require_perm_page(permission: str) -> Callable:
    """Decorator for page views: login redirect when anonymous, Django's 403 page without the
    permission."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    roles_granting(permission)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if _is_anonymous(user):
                return redirect_to_login(request.get_full_path())
            if not has_perm(user, permission):
                raise DjangoPermissionDenied(str(_("您没有执行此操作的权限。")))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
