"""Stable error codes for company accounts, agents and staff accounts.

Clients rely on these codes (API JSON ``{"code", "message", "field"}``); messages are
Chinese and shown to users. Validation codes raised by ``tongban.core.codes`` (for example
``invalid_checksum``) pass through unchanged with ``field`` set.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import ErrorCatalogue


class CompanyError(StrEnum):
    COMPANY_NOT_IN_REGISTRY = "company_not_in_registry"
    COMPANY_NOT_OPERATING = "company_not_operating"
    COMPANY_ALREADY_BOUND = "company_already_bound"
    NOT_LEGAL_REP = "not_legal_rep"
    REALNAME_LEVEL_TOO_LOW = "realname_level_too_low"
    COMPANY_NOT_FOUND = "company_not_found"
    AGENT_NOT_FOUND = "agent_not_found"
    AGENT_IS_LEGAL_REP = "agent_is_legal_rep"
    AGENT_ALREADY_AUTHORISED = "agent_already_authorised"
    AGENT_SCOPE_INVALID = "agent_scope_invalid"
    AGENT_EXPIRY_INVALID = "agent_expiry_invalid"
    AGENT_SCOPE_EXCEEDED = "agent_scope_exceeded"
    AUTHORISATION_NOT_FOUND = "authorisation_not_found"
    AUTHORISATION_ALREADY_REVOKED = "authorisation_already_revoked"


class StaffError(StrEnum):
    STAFF_NOT_FOUND = "staff_not_found"
    STAFF_PERMISSION_DENIED = "staff_permission_denied"
    ORG_UNIT_NOT_FOUND = "org_unit_not_found"
    ORG_UNIT_OUT_OF_SCOPE = "org_unit_out_of_scope"
    ROLE_INVALID = "role_invalid"
    ROLE_NOT_GRANTABLE = "role_not_grantable"
    ROLE_REQUIRED = "role_required"
    ROLE_ALREADY_ASSIGNED = "role_already_assigned"
    ROLE_NOT_FOUND = "role_not_found"
    USERNAME_INVALID = "username_invalid"
    USERNAME_TAKEN = "username_taken"
    ID_NUMBER_TAKEN = "id_number_taken"
    NAME_REQUIRED = "name_required"
    WEAK_PASSWORD = "weak_password"
    NOT_STAFF = "not_staff"
    CANNOT_MODIFY_SELF = "cannot_modify_self"
    STAFF_ALREADY_INACTIVE = "staff_already_inactive"
    ROSTER_INVALID = "roster_invalid"


MESSAGES = {
    CompanyError.COMPANY_NOT_IN_REGISTRY: _("法人库中没有该统一社会信用代码对应的主体"),
    CompanyError.COMPANY_NOT_OPERATING: _("该主体不是存续状态（已注销或吊销），不能绑定"),
    CompanyError.COMPANY_ALREADY_BOUND: _("该法人已绑定账户，不能重复绑定"),
    CompanyError.NOT_LEGAL_REP: _("您不是该主体登记的法定代表人，不能绑定"),
    CompanyError.REALNAME_LEVEL_TOO_LOW: _("需先完成实名核验（L2 及以上）"),
    CompanyError.COMPANY_NOT_FOUND: _("未找到该法人账户"),
    CompanyError.AGENT_NOT_FOUND: _("未找到身份证号和姓名一致、已完成实名核验的注册用户"),
    CompanyError.AGENT_IS_LEGAL_REP: _("法定代表人本人无需授权为经办人"),
    CompanyError.AGENT_ALREADY_AUTHORISED: _("该用户已是本法人的经办人，如需调整请先撤销原授权"),
    CompanyError.AGENT_SCOPE_INVALID: _("请选择有效的授权范围"),
    CompanyError.AGENT_EXPIRY_INVALID: _("有效期须在今天之后且不超过一年"),
    CompanyError.AGENT_SCOPE_EXCEEDED: _(
        "您没有代表该法人办理此项业务的授权，或授权已过期、已撤销"
    ),
    CompanyError.AUTHORISATION_NOT_FOUND: _("未找到该经办人授权"),
    CompanyError.AUTHORISATION_ALREADY_REVOKED: _("该授权已撤销"),
    StaffError.STAFF_NOT_FOUND: _("未找到该工作人员"),
    StaffError.STAFF_PERMISSION_DENIED: _("您没有管理工作人员账户的权限"),
    StaffError.ORG_UNIT_NOT_FOUND: _("组织机构编码不存在"),
    StaffError.ORG_UNIT_OUT_OF_SCOPE: _("只能在您管理的组织机构范围内分配角色"),
    StaffError.ROLE_INVALID: _("角色无效"),
    StaffError.ROLE_NOT_GRANTABLE: _("您无权授予该角色（部门管理员不能授予平台运营或审计员角色）"),
    StaffError.ROLE_REQUIRED: _("至少需要分配一个角色"),
    StaffError.ROLE_ALREADY_ASSIGNED: _("该工作人员在此组织机构已有该角色"),
    StaffError.ROLE_NOT_FOUND: _("未找到该角色分配"),
    StaffError.USERNAME_INVALID: _(
        "登录名须以小写字母开头，由 3–32 位小写字母、数字、点、下划线或连字符组成"
    ),
    StaffError.USERNAME_TAKEN: _("该登录名已被使用"),
    StaffError.ID_NUMBER_TAKEN: _("该身份证号已被其他账户使用"),
    StaffError.NAME_REQUIRED: _("请填写姓名"),
    StaffError.WEAK_PASSWORD: _("初始密码强度不足"),
    StaffError.NOT_STAFF: _("该账户不是公务人员账户"),
    StaffError.CANNOT_MODIFY_SELF: _("不能修改自己的角色或停用自己的账户"),
    StaffError.STAFF_ALREADY_INACTIVE: _("该账户已停用"),
    StaffError.ROSTER_INVALID: _("花名册有错误，未导入任何记录"),
}

STATUS = {
    CompanyError.COMPANY_NOT_FOUND: 404,
    CompanyError.AUTHORISATION_NOT_FOUND: 404,
    StaffError.STAFF_NOT_FOUND: 404,
    StaffError.ROLE_NOT_FOUND: 404,
    CompanyError.AGENT_SCOPE_EXCEEDED: 403,
    CompanyError.REALNAME_LEVEL_TOO_LOW: 403,
    CompanyError.NOT_LEGAL_REP: 403,
    StaffError.STAFF_PERMISSION_DENIED: 403,
    StaffError.ORG_UNIT_OUT_OF_SCOPE: 403,
    StaffError.ROLE_NOT_GRANTABLE: 403,
    CompanyError.COMPANY_ALREADY_BOUND: 409,
    CompanyError.AGENT_ALREADY_AUTHORISED: 409,
    StaffError.USERNAME_TAKEN: 409,
    StaffError.ID_NUMBER_TAKEN: 409,
    StaffError.ROLE_ALREADY_ASSIGNED: 409,
}

error = ErrorCatalogue(MESSAGES, STATUS)
"""Build the ``DomainError`` for a code (raise the result)."""


# --- code validation -------------------------------------------------------------------------
def require_code(kind: str, value, *, field: str | None = None) -> str:
    """Validate ``value`` as ``kind`` (``uscc``, ``citizen-id``, ``mobile``) with
    ``tongban.core.codes`` and return its normalised form; raise its DomainError otherwise."""
    from tongban.core.codes import require

    result = require(kind, value, field=field)
    return result.normalized or str(value).strip().upper()
