"""Shared pytest fixtures (loaded as a plugin from pyproject's addopts).

Personas (Healthchecks' alice/bob/charlie): ``citizen``, ``company``, ``clerk``,
``approver``, ``dept_admin``, ``other_city_clerk``, ``operator``, ``auditor``.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks run inline in tests unless a test opts into the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow by design; tests check behaviour, not the hash cost. The production
    hasher list (Argon2 first) is checked in core/tests/test_settings.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- org units -----------------------------------------------------------------------------
@pytest.fixture
def province(db):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(code="440000", name="广东省", kind="province", division_code="440000")


@pytest.fixture
def guangzhou(province):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(
        code="440100", name="广州市", kind="city", division_code="440100", parent=province
    )


@pytest.fixture
def shenzhen(province):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(
        code="440300", name="深圳市", kind="city", division_code="440300", parent=province
    )


@pytest.fixture
def gz_market_dept(guangzhou):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(
        code="440100-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )


@pytest.fixture
def sz_market_dept(shenzhen):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(
        code="440300-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440300",
        parent=shenzhen,
    )


# --- personas --------------------------------------------------------------------------------
def _staff(role, org_unit, username, name, covers_children=False):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    user = StaffFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org_unit=org_unit, role=role, covers_children=covers_children)
    return user


@pytest.fixture
def citizen(db):
    """A registered citizen at real-name level L2 (张三, valid ID number)."""
    from tongban.testing.factories import UserFactory

    return UserFactory(
        username="440106199001011235",
        id_number="440106199001011235",
        name="张三",
        mobile="13800138000",
        realname_level=2,
    )


@pytest.fixture
def outsider(db):
    """Another citizen who must never see the first one's records."""
    from tongban.testing.factories import UserFactory

    return UserFactory(
        username="440304198505050020",
        id_number="440304198505050020",
        name="李四",
        mobile="13900139000",
        realname_level=2,
    )


@pytest.fixture
def clerk(gz_market_dept):
    return _staff("window_clerk", gz_market_dept, "gz_clerk", "王窗口")


@pytest.fixture
def approver(gz_market_dept):
    return _staff("approver", gz_market_dept, "gz_approver", "赵审批")


@pytest.fixture
def dept_admin(gz_market_dept):
    return _staff("dept_admin", gz_market_dept, "gz_dept_admin", "钱管理", covers_children=True)


@pytest.fixture
def other_city_clerk(sz_market_dept):
    return _staff("window_clerk", sz_market_dept, "sz_clerk", "孙窗口")


@pytest.fixture
def operator(province):
    return _staff("operator", province, "operator", "周运营", covers_children=True)


@pytest.fixture
def auditor(province):
    return _staff("auditor", province, "auditor", "吴审计", covers_children=True)


@pytest.fixture
def finance_officer(gz_market_dept):
    """财务人员 of the Guangzhou market department: refunds, reconciliation."""
    return _staff("finance", gz_market_dept, "gz_finance", "陈财务", covers_children=True)


@pytest.fixture
def finance_reviewer(gz_market_dept):
    """A second finance officer of the same department (four-eyes approvals)."""
    return _staff("finance", gz_market_dept, "gz_finance2", "杨复核", covers_children=True)


@pytest.fixture
def hotline_operator(guangzhou):
    """12345 话务员 of Guangzhou: takes and dispatches work orders city-wide."""
    return _staff("hotline_operator", guangzhou, "gz_hotline", "林话务", covers_children=True)


def skip_unless(condition: bool, reason: str) -> None:
    """Skip a test whose outside tool or data is missing on a developer's machine — but fail
    in CI (``CI`` set), where .ci/run installs everything: a skip must never pass as green."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it; see .ci/run)")
    pytest.skip(reason)
