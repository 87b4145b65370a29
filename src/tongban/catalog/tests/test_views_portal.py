import pytest
from django.urls import reverse

from tongban.catalog import ratings, services
from tongban.catalog.importer import import_catalog
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(gz_market_dept, sz_market_dept):
    import_catalog()
    return ServiceItem.objects.get(key="company-registration")


def test_search_page_and_htmx_partial(client, catalogue):
    response = client.get(reverse("catalog:item_search"), {"q": "开个体户"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_q">' in html and "<html" in html
    assert html.index("个体工商户设立登记") < html.index("有限责任公司设立登记")

    partial = client.get(
        reverse("catalog:item_search"), {"q": "开公司", "audience": "legal"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body and "有限责任公司设立登记" in body
    assert "内地居民结婚登记" not in body


def test_search_filters_on_page(client, catalogue):
    body = client.get(reverse("catalog:item_search"), {"zero_visit": "on"}).content.decode()
    assert "个体工商户设立登记" in body and "食品经营许可证核发" not in body
    body = client.get(reverse("catalog:item_search"), {"q": "火星"}).content.decode()
    assert "没有找到相关事项" in body


def test_guide_page_shows_every_element(client, catalogue):
    item = ServiceItem.objects.get(key="business-startup-one-window")
    response = client.get(reverse("catalog:item_detail", args=[item.key]))
    assert response.status_code == 200
    html = response.content.decode()
    version = item.current_version
    for text in [
        item.name,
        item.basic_code,
        "公共服务",  # type
        "法人",  # audience
        version.handling_type,
        "法定办结时限",
        "承诺办结时限",
        "设定和实施依据",
        version.basis[:10],
        "受理条件",
        "开办企业一窗通申请表",  # material
        "居民身份证",  # licence substitution
        "并联审批",  # parallel tasks
        "公安局",
        "税务局",
        "不收费",
        "到现场次数",
        "零跑动",
        "网上办理",
        "12345",  # consultation / complaint
        "监督投诉方式",
        "办理地点与时间",
        "营业执照",  # output
        "实施清单",
        "广州市市场监督管理局",
        "深圳市市场监督管理局",
        "好差评",
    ]:
        assert text in html, text
    impl = item.implementations.get(org_unit=catalogue.implementations.first().org_unit)
    assert impl.implementation_code in html


def test_guide_page_rating_from_provider(client, catalogue):
    def provider(item):
        return (
            {"count": 8, "average": 4.25, "good_rate": 0.875} if item.pk == catalogue.pk else None
        )

    ratings.register_rating_provider(provider)
    try:
        html = client.get(reverse("catalog:item_detail", args=[catalogue.key])).content.decode()
        assert "8 条评价" in html and "4.3" in html and "88%" in html
        other = client.get(reverse("catalog:item_detail", args=["sole-trader-registration"]))
        assert "暂无评价" in other.content.decode()
    finally:
        ratings.unregister_rating_provider(provider)
    assert ratings.item_rating(catalogue) is None


def test_unknown_item_is_404(client, catalogue):
    assert client.get(reverse("catalog:item_detail", args=["no-such-item"])).status_code == 404


def test_apply_redirects_to_the_application(client, catalogue):
    impl = catalogue.implementations.get(org_unit__code="440100-市场监督管理局")
    response = client.get(
        reverse("catalog:item_apply", args=[catalogue.key]), {"implementation": impl.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/my/cases/new/{impl.pk}/"
    # an implementation of another item is refused
    other = ServiceItem.objects.get(key="sole-trader-registration").implementations.first()
    response = client.get(
        reverse("catalog:item_apply", args=[catalogue.key]), {"implementation": other.pk}
    )
    assert response.status_code == 404


def test_withdrawn_item_guide_and_apply(client, catalogue):
    services.withdraw_item(catalogue, actor=None)
    html = client.get(reverse("catalog:item_detail", args=[catalogue.key])).content.decode()
    assert "已停止受理" in html and 'name="implementation"' not in html
    impl = catalogue.implementations.first()
    response = client.get(
        reverse("catalog:item_apply", args=[catalogue.key]), {"implementation": impl.pk}
    )
    assert response.status_code == 400
    assert 'data-code="item_withdrawn"' in response.content.decode()
