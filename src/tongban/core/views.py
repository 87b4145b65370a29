from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tongban.core import health
from tongban.core.views_areas import open_cards


def portal_home(request):
    return render(request, "portal/home.html", {"cards": open_cards("portal")})


@never_cache
def healthz(request):
    checks = health.run_checks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
