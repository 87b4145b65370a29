"""The portal home and the "我的" page link every entry the installed apps register."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_portal_home_links_the_public_entries(client, db):
    page = client.get(reverse("portal_home")).content.decode()
    assert 'id="portal-entries"' in page
    for url_name in ("catalog:item_search", "servicedesk_help:help", "sharing_opendata:portal"):
        assert reverse(url_name) in page


def test_my_page_links_every_registered_service_of_the_person(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("identity:account")).content.decode()
    for url_name in (
        "my_cases:list",
        "wallet:licence_list",
        "payments_payer:order_list",
        "payments_receipts:receipt_list",
        "servicedesk_appointments:appointment_list",
        "servicedesk_logistics:delivery_list",
        "sharing_my:data_usage",
    ):
        assert reverse(url_name) in page
