import importlib
import importlib.util

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.cases.services.webhooks import CASES_MANAGE_WEBHOOK
        from tongban.core.models import RoleAssignment
        from tongban.core.permissions import register_permissions

        Role = RoleAssignment.Role
        register_permissions(
            {Role.DEPT_ADMIN: [CASES_MANAGE_WEBHOOK], Role.OPERATOR: [CASES_MANAGE_WEBHOOK]}
        )
        # Modules that plug into the lifecycle hooks (submission validators, output issuers)
        # register themselves at import time.
        for module in ("tongban.cases.services.applications",):
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
        # 好差评: the rectification permission and the catalogue's rating provider.
        import tongban.cases.permissions_evaluation  # noqa: F401
        from tongban.cases import ratings

        ratings.register()
