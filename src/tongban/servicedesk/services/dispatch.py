"""派单建议: which department of the city should handle a work order, from its text.

Two signals, summed per department name:

* **Keywords** (``DEPARTMENT_KEYWORDS``): everyday words of complaints mapped to the
  department that handles them (噪音 → 生态环境局, 拖欠工资 → 人力资源和社会保障局). A word
  found in the text adds ``KEYWORD_WEIGHT``.
* **The catalogue**: the text is searched with the catalogue's own search (jieba, aliases,
  ranking); the departments of the best items add ``CATALOGUE_WEIGHT / rank`` — so
  "办身份证" points at the department implementing 居民身份证 items without a keyword list.

Names are resolved to org units of the order's area: the county's department when the
order names a county that has it, else the city's (``core.orgunits.department_unit``).
Departments that do not exist in the area are dropped. The operator always decides; the
suggestion is shown first in the dispatch form.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tongban.core.models import OrgUnit
from tongban.core.orgunits import department_unit

KEYWORD_WEIGHT = 3.0
CATALOGUE_WEIGHT = 2.0
CATALOGUE_ITEMS = 5

# Department names as written in the catalogue (service-items.yaml).
DEPARTMENT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "生态环境局": ("噪音", "噪声", "扰民", "污染", "排污", "废气", "臭味", "油烟", "污水", "粉尘"),
    "市场监督管理局": (
        "食品",
        "过期",
        "假冒",
        "价格",
        "乱收费",
        "无证经营",
        "商家",
        "消费",
        "退款",
        "饭店",
        "餐馆",
        "超市",
        "营业执照",
        "个体户",
        "商品",
        "缺斤少两",
    ),
    "公安局": ("身份证", "户口", "户籍", "治安", "驾驶证", "出入境", "护照", "通行证", "诈骗"),
    "人力资源和社会保障局": (
        "工资",
        "欠薪",
        "拖欠",
        "社保",
        "劳动合同",
        "失业",
        "就业",
        "养老保险",
        "工伤",
    ),
    "住房和城乡建设局": ("物业", "小区", "施工", "工地", "房屋", "电梯", "燃气", "违建", "装修"),
    "交通运输局": ("公交", "地铁", "出租车", "网约车", "公路", "班车", "站台"),
    "教育局": ("学校", "学位", "入学", "培训机构", "幼儿园", "老师", "补课"),
    "卫生健康局": ("医院", "医生", "疫苗", "诊所", "看病"),
    "医疗保障局": ("医保", "报销", "医疗保险"),
    "住房公积金管理中心": ("公积金",),
    "民政局": ("低保", "婚姻", "结婚", "离婚", "养老院", "殡葬", "困难救助"),
    "自然资源局": ("土地", "不动产", "宅基地", "测绘"),
    "税务局": ("发票", "纳税", "个税", "退税"),
    "水利局": ("河道", "水库", "内涝", "堤防"),
    "应急管理局": ("安全生产", "危险化学品", "安全隐患"),
    "文化广电旅游局": ("旅游", "导游", "景区", "网吧", "演出"),
    "司法局": ("法律援助", "律师", "公证", "调解"),
}


@dataclass(frozen=True)
class Suggestion:
    unit: OrgUnit
    score: float
    reasons: tuple[str, ...]


def _catalogue_departments(text: str, division_code: str) -> list[str]:
    """Department names of the catalogue items that best match ``text``, best first."""
    from tongban.catalog.models import ServiceItem
    from tongban.catalog.search import search

    try:
        item_ids = search(text[:200], division=division_code)[:CATALOGUE_ITEMS]
    except Exception:  # noqa: BLE001 - an index problem must not stop an order being taken
        return []
    names = dict(ServiceItem.objects.filter(pk__in=item_ids).values_list("pk", "department_name"))
    return [names[pk] for pk in item_ids if pk in names]


def suggest_departments(text: str, division_code: str, *, limit: int = 3) -> list[Suggestion]:
    """Departments of the area for ``text``, best first (possibly empty)."""
    scores: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)
    for name, words in DEPARTMENT_KEYWORDS.items():
        for word in words:
            if word in text:
                scores[name] += KEYWORD_WEIGHT
                reasons[name].append(word)
    for rank, name in enumerate(_catalogue_departments(text, division_code), start=1):
        scores[name] += CATALOGUE_WEIGHT / rank
        if "事项" not in reasons[name]:
            reasons[name].append("事项")
    suggestions = []
    for name in sorted(scores, key=lambda n: (-scores[n], n)):
        unit = department_unit(division_code, name)
        if unit is None and len(division_code) == 6 and not division_code.endswith("00"):
            unit = department_unit(division_code[:4] + "00", name)
        if unit is None:
            continue
        suggestions.append(Suggestion(unit, round(scores[name], 2), tuple(reasons[name])))
        if len(suggestions) >= limit:
            break
    return suggestions
