"""HTTP side of the CKAN-compatible Action API: one view answers every action.

Parameters come from the query string (GET) or the body (POST: JSON, as ``ckanapi`` sends,
or a form). Answers are CKAN's envelope; cross-origin reads are allowed (open data).
"""

import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tongban.core.exceptions import DomainError
from tongban.sharing import ckan

logger = logging.getLogger(__name__)


def _params(request) -> dict:
    if request.method == "GET":
        return {key: request.GET.get(key) for key in request.GET}
    content_type = request.content_type or ""
    if content_type.startswith("application/json") or (
        request.body[:1] in (b"{", b"[") and not request.POST
    ):
        if not request.body.strip():
            return {}
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ckan.CkanError(
                "Bad Request",
                "Bad request - JSON Error: Request data JSON decoded to list but it needs to be a dictionary",
            )
        return data
    return {key: request.POST.get(key) for key in request.POST}


def _answer(request, name: str, body: dict, status: int = 200) -> JsonResponse:
    help_url = request.build_absolute_uri(
        f"{request.path.rsplit('/', 1)[0].rstrip('/')}/help_show?name={name}"
    )
    response = JsonResponse(
        {"help": help_url, **body}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt
def action(request, name):
    if request.method == "OPTIONS":
        response = JsonResponse({})
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-CKAN-API-Key"
        return response
    function = ckan.ACTIONS.get(name)
    if function is None or request.method not in ("GET", "POST"):
        error = ckan.CkanError("Bad Request", f"Bad request - Action name not known: {name}")
        return _answer(request, name, {"success": False, "error": error.as_dict()}, 400)
    try:
        result = function(ckan.Call(request, _params(request)))
    except json.JSONDecodeError:
        error = ckan.CkanError("Bad Request", "Bad request - JSON Error: could not decode")
        return _answer(request, name, {"success": False, "error": error.as_dict()}, 400)
    except ckan.CkanError as error:
        return _answer(request, name, {"success": False, "error": error.as_dict()}, error.status)
    except DomainError as exc:
        error = ckan.from_domain_error(exc)
        return _answer(request, name, {"success": False, "error": error.as_dict()}, error.status)
    return _answer(request, name, {"success": True, "result": result})
