from django.http import HttpResponse
from django.test import RequestFactory

from tongban.core.exceptions import DomainError, NotFound, PermissionDenied
from tongban.core.middleware import DomainErrorPageMiddleware


def _middleware():
    return DomainErrorPageMiddleware(lambda request: HttpResponse("ok"))


def test_domain_errors_in_pages_become_chinese_error_pages(rf: RequestFactory, db):
    request = rf.get("/somewhere")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    for exc, status in [
        (NotFound("case_not_found", "未找到该办件。"), 404),
        (PermissionDenied("forbidden", "无权办理该办件。"), 403),
        (DomainError("illegal_transition", "当前状态不能受理。"), 400),
    ]:
        response = _middleware().process_exception(request, exc)
        body = response.content.decode()
        assert response.status_code == status
        assert exc.message in body and f'data-code="{exc.code}"' in body


def test_other_exceptions_are_left_alone(rf):
    assert _middleware().process_exception(rf.get("/"), ValueError("boom")) is None
