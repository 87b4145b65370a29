from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": "通办", "SIMULATORS_ENABLED": settings.SIMULATORS_ENABLED}
