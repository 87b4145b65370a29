import pytest

from tongban.catalog import search, services
from tongban.catalog.importer import import_catalog
from tongban.catalog.models import ServiceItem
from tongban.testing.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tianhe_market(guangzhou):
    tianhe = OrgUnitFactory(
        code="440106", name="天河区", kind="county", division_code="440106", parent=guangzhou
    )
    return OrgUnitFactory(
        code="440106-市场监督管理局",
        name="市场监督管理局",
        kind="department",
        division_code="440106",
        parent=tianhe,
    )


@pytest.fixture
def catalogue(gz_market_dept, sz_market_dept, tianhe_market):
    """The 45 items; market-department items implemented in 广州, 深圳 and 天河区."""
    import_catalog()


def names(ids):
    by_id = dict(ServiceItem.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [by_id[i] for i in ids]


def test_kai_getihu_ranks_sole_trader_registration_first(catalogue):
    assert names(search.search("开个体户"))[0] == "个体工商户设立登记"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("个体工商户设立登记", "个体工商户设立登记"),
        ("开公司", "有限责任公司设立登记"),
        ("结婚", "内地居民结婚登记"),
        ("离婚", "内地居民离婚登记"),
        ("公积金 租房", "住房公积金提取（租房）"),
        ("我要办居住证", "居住证签发"),
        ("换驾照", "机动车驾驶证有效期满换证"),
        ("低保", "最低生活保障申请"),
    ],
)
def test_ranking(catalogue, query, expected):
    assert names(search.search(query))[0] == expected


def test_issued_licence_is_searchable(catalogue):
    top = names(search.search("营业执照"))[:4]
    assert {"有限责任公司设立登记", "个体工商户设立登记"} <= set(top)


def test_unrelated_query_finds_nothing(catalogue):
    assert search.search("火星移民") == []


def test_empty_query_lists_everything_by_name(catalogue):
    ids = search.search("")
    assert len(ids) == 45
    assert names(ids) == sorted(names(ids))


def test_filters(catalogue):
    legal = names(search.search("", audience="legal"))
    assert "有限责任公司设立登记" in legal and "内地居民结婚登记" not in legal
    assert "不动产登记资料查询" in legal  # audience "both" matches either
    natural = names(search.search("", audience="natural"))
    assert "内地居民结婚登记" in natural and "有限责任公司设立登记" not in natural

    police = names(search.search("", department="公安局"))
    assert police and all(
        ServiceItem.objects.get(name=n).department_name == "公安局" for n in police
    )

    zero = names(search.search("", zero_visit=True))
    assert "个体工商户设立登记" in zero and "食品经营许可证核发" not in zero
    online = names(search.search("", online=True))
    assert "内地居民离婚登记" not in online and "个体工商户设立登记" in online

    tianhe = set(names(search.search("", division="440106")))
    # county item implemented in 天河区, city item implemented by 广州市 above it
    assert {"个体工商户设立登记", "有限责任公司设立登记"} <= tianhe
    assert "内地居民结婚登记" not in tianhe  # no 民政局 unit in this test province
    guangzhou = set(names(search.search("", division="440100")))
    assert "个体工商户设立登记" in guangzhou  # implemented in one of its counties
    assert names(search.search("", division="440200")) == []  # 韶关: nothing implemented
    assert names(search.search("开个体户", division="440106"))[0] == "个体工商户设立登记"


def test_withdrawn_item_leaves_results_and_publication_is_seen(catalogue):
    item = ServiceItem.objects.get(key="sole-trader-registration")
    assert item.pk in search.search("个体工商户")
    services.withdraw_item(item, actor=None)
    assert item.pk not in search.search("个体工商户")
    assert item.pk in search.search("个体工商户", include_withdrawn=True)
    services.restore_item(item, actor=None)
    assert item.pk in search.search("个体工商户")


def test_index_rebuilds_on_new_revision_only(catalogue, django_assert_num_queries):
    search.search("结婚")
    with django_assert_num_queries(1):  # the revision token, nothing else
        search.search("结婚")
    services.bump_revision()
    with django_assert_num_queries(3):  # token, items, implementations
        search.search("结婚")


def test_jieba_cache_is_under_var_dir(settings):
    search.tokenizer()
    assert str(search.jieba_cache_dir()).startswith(str(settings.VAR_DIR))
    assert search.tokenizer().tmp_dir == str(search.jieba_cache_dir())
