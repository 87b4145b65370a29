"""A demo provider interface (simulators only): 广州市人力资源和社会保障局's 社会保险参保信息,
answering the gateway's ``GET ?id_number=…&limit=&offset=`` with ``{"count", "records"}``.

Rows are derived from the population registry (广州 residents), so the demo's people have a
参保 record. Production refuses simulators: the URL answers 404 there.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from tongban.registries.models import Person

STATUSES = ("参保缴费", "暂停缴费", "参保缴费", "参保缴费")


def _row(person: Person) -> dict:
    digits = sum(int(c) for c in person.id_number if c.isdigit())
    return {
        "id_number": person.id_number,
        "name": person.name,
        "insurance_status": STATUSES[digits % len(STATUSES)],
        "contribution_base": 4588 + (digits % 20) * 500,
        "division_code": person.division_code,
    }


@require_GET
def social_insurance(request):
    if not getattr(settings, "SIMULATORS_ENABLED", False):
        raise Http404
    qs = Person.objects.filter(division_code__startswith="4401").order_by("pk")
    for key in ("id_number", "division_code"):
        if request.GET.get(key):
            qs = qs.filter(**{key: request.GET[key]})
    try:
        limit = max(1, min(int(request.GET.get("limit", 20)), 1000))
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return JsonResponse({"error": "bad paging"}, status=400)
    rows = [_row(p) for p in qs[offset : offset + limit]]
    return JsonResponse(
        {"count": qs.count(), "records": rows}, json_dumps_params={"ensure_ascii": False}
    )
