"""Fixtures of the order tests (star-import them: ``from …orders_fixtures import *``):
``psb`` (广州市公安局), ``order`` (60 元 for ``citizen``), ``client_transport``."""

import pytest
from django.test import Client

from tongban.payments.channels import simulator
from tongban.payments.tests.orders_support import make_order

__all__ = ["client_transport", "order", "psb"]


@pytest.fixture
def psb(guangzhou):
    from tongban.testing.factories import OrgUnitFactory

    return OrgUnitFactory(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=guangzhou,
    )


@pytest.fixture
def order(psb, citizen):
    return make_order(psb, citizen)


@pytest.fixture
def client_transport(monkeypatch):
    """The simulator posts its callbacks through the Django test client (the same URL, view
    and middleware as over the network); returns the list of (status, outcome) answers."""
    answers = []
    http = Client()

    def transport(url, body, headers):
        path = "/" + url.split("/", 3)[3]
        response = http.post(
            path,
            data=body,
            content_type="application/json",
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        answers.append((response.status_code, response.json()))
        return response.status_code, ""

    monkeypatch.setattr(simulator, "transport", transport)
    return answers
