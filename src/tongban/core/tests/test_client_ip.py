"""Client IP behind a reverse proxy: one helper, trusted proxies only, used everywhere."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tongban.core.middleware import client_ip
from tongban.identity.models import LoginEvent, OtpChallenge

PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TONGBAN_TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "203.0.113.7")) == PROXY


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "203.0.113.7", "203.0.113.7"),
        # the client may send its own header: only the hop the proxy appended counts
        (PROXY, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # a second trusted proxy (CIDR) in the chain is skipped
        (PROXY, "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        (PROXY, "", PROXY),
        (PROXY, "not-an-ip", PROXY),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        # a peer that is not a trusted proxy cannot choose its address
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
    ],
)
def test_right_most_untrusted_hop(settings, remote, forwarded, expected):
    settings.TONGBAN_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    assert client_ip(_request(remote, forwarded)) == expected


def _bad_login(client, ip):
    return client.post(
        reverse("identity:login"),
        {"action": "password", "identifier": "13000000000", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ip,
    )


def test_login_history_and_ip_limit_use_the_client_address(client, settings, db):
    settings.TONGBAN_TRUSTED_PROXIES = [PROXY]
    settings.TONGBAN_LOGIN_IP_FAILURE_LIMIT = 2
    for _ in range(2):
        _bad_login(client, "203.0.113.7")
    assert set(LoginEvent.objects.values_list("ip", flat=True)) == {"203.0.113.7"}
    assert "过于频繁" in _bad_login(client, "203.0.113.7").content.decode()
    # another user behind the same proxy is not limited by the first one's failures
    other = _bad_login(client, "203.0.113.8").content.decode()
    assert "过于频繁" not in other and "账号或密码错误" in other
    assert not LoginEvent.objects.filter(ip=PROXY).exists()


def test_otp_rate_limit_uses_the_client_address(client, settings, db):
    settings.TONGBAN_TRUSTED_PROXIES = [PROXY]
    response = client.post(
        "/api/v1/identity/otp",
        {"mobile": "13700137000", "purpose": "register"},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 202, response.content
    assert list(OtpChallenge.objects.values_list("ip", flat=True)) == ["203.0.113.7"]


def test_middleware_stores_the_client_address_for_audit(settings, citizen):
    from django.db import transaction
    from django.http import HttpResponse

    from tongban.core import audit
    from tongban.core.middleware import RequestIdMiddleware, current_client_ip

    settings.TONGBAN_TRUSTED_PROXIES = [PROXY]
    seen = {}

    def view(request):
        seen["ip"] = current_client_ip()
        with transaction.atomic():
            seen["event"] = audit.record("core.thing_done", actor=citizen)
        return HttpResponse("ok")

    request = _request(PROXY, "1.2.3.4, 203.0.113.7")
    RequestIdMiddleware(view)(request)
    assert seen["ip"] == "203.0.113.7" == request.client_ip
    assert seen["event"].ip == "203.0.113.7"
    assert current_client_ip() == ""  # reset after the request
