"""The one NinjaAPI: every app mounts its router here under /api/v1/<app>/."""

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from tongban.core.exceptions import DomainError, domain_error_response

api = NinjaAPI(
    title="Tongban 通办 API",
    version="1",
    urls_namespace="api",
    description=(
        "一网通办平台接口。Errors are JSON `{code, message, field}`; `code` values are stable "
        "and listed per app (see each app's `errors` module)."
    ),
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return domain_error_response(request, exc)


# (prefix, dotted path of the app's router). Apps never import each other's api.
ROUTERS = [
    ("/core/", "tongban.core.api.router"),
    ("/identity/", "tongban.identity.api.router"),
    ("/registries/", "tongban.registries.api.router"),
    ("/catalog/", "tongban.catalog.api.router"),
    ("/cases/", "tongban.cases.api.router"),
    ("/licences/", "tongban.licences.api.router"),
    ("/payments/", "tongban.payments.api.router"),
    ("/sharing/", "tongban.sharing.api.router"),
    ("/opendata/", "tongban.sharing.api.opendata_router"),
    ("/servicedesk/", "tongban.servicedesk.api.router"),
]
for prefix, path in ROUTERS:
    api.add_router(prefix, import_string(path))
