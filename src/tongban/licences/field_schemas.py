"""Face items (照面信息项) of each licence type, and the demo codes of the defining authorities.

``SCHEMAS[key]`` lists the fields of the licence type ``key`` of the shared
``licence-types.yaml`` in display order. A field is::

    {"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "required": True,
     "source": "entity.uscc", "role": "holder_code"}

* ``type`` — ``text``, ``textarea``, ``date`` (ISO ``YYYY-MM-DD``), ``number`` (decimal),
  ``citizen-id``, ``uscc`` or ``choice`` (with ``choices``);
* ``source`` — where automatic issuance on the conclusion of a case takes the value:
  ``entity.<attr>`` / ``person.<attr>`` (registries), ``case.<form field>``,
  ``applicant.name``, ``today``; empty = typed by staff;
* ``role`` — ``holder_name`` / ``holder_code`` (filled from the holder when missing and
  checked against it) or ``licence_number`` (filled with the allocated 证照编号).

``TYPE_NUMBERS[key]`` is the 3-digit type number under the defining authority (type code =
authority USCC + number); it never changes once issued, so keep entries when adding types.

``DEFINING_AUTHORITIES`` maps the issuing department names of the data file to the national
authority that defines the licence type and a USCC for it. **The USCCs are demo values**:
valid GB 32100 codes (authority 1 / type 1 机关, or 1 / 3 群众团体 for the disabled persons'
federation, national division 100000, organisation code and check characters computed),
not the authorities' real codes. Replace them with the real codes in production.
"""

from __future__ import annotations

# department name in licence-types.yaml -> (defining authority, demo USCC)
DEFINING_AUTHORITIES: dict[str, tuple[str, str]] = {
    "公安厅": ("公安部", "111000007490604007"),
    "民政厅": ("民政部", "111000003573982427"),
    "卫生健康委员会": ("国家卫生健康委员会", "11100000298345369B"),
    "人力资源和社会保障厅": ("人力资源和社会保障部", "111000004407631595"),
    "残疾人联合会": ("中国残疾人联合会", "13100000227724118G"),
    "教育厅": ("教育部", "111000003012188201"),
    "司法厅": ("司法部", "11100000939107150N"),
    "税务局": ("国家税务总局", "11100000755242868A"),
    "自然资源厅": ("自然资源部", "111000009063054845"),
    "市场监督管理局": ("国家市场监督管理总局", "111000008323328337"),
    "药品监督管理局": ("国家药品监督管理局", "11100000151895948W"),
    "住房和城乡建设厅": ("住房和城乡建设部", "11100000121891348P"),
    "交通运输厅": ("交通运输部", "11100000511154511A"),
    "生态环境厅": ("生态环境部", "11100000832270767Y"),
    "文化和旅游厅": ("文化和旅游部", "111000001123171683"),
    "应急管理厅": ("应急管理部", "11100000308278578P"),
    "水利厅": ("水利部", "1110000054537001XB"),
}

TYPE_NUMBERS: dict[str, str] = {
    "resident-id": "001",
    "household-register": "002",
    "residence-permit": "003",
    "driving-licence": "004",
    "hk-macao-permit": "005",
    "marriage-cert": "001",
    "divorce-cert": "002",
    "birth-medical-cert": "001",
    "physician-cert": "002",
    "public-hygiene-licence": "003",
    "social-security-card": "001",
    "disability-cert": "001",
    "teacher-cert": "001",
    "lawyer-licence": "001",
    "tax-paid-cert": "001",
    "property-cert": "001",
    "planning-permit": "002",
    "business-licence": "001",
    "food-business-licence": "002",
    "drug-retail-licence": "001",
    "construction-permit": "001",
    "road-transport-licence": "001",
    "discharge-permit": "001",
    "travel-agency-licence": "001",
    "hazchem-licence": "001",
    "water-permit": "001",
}


def f(name, label, type_="text", *, required=True, source="", role="", choices=None) -> dict:
    field = {"name": name, "label": label, "type": type_, "required": required, "source": source}
    if role:
        field["role"] = role
    if choices:
        field["choices"] = list(choices)
    return field


GENDERS = ("男", "女")


# --- shared building blocks ---------------------------------------------------------------
def _person(name_label="姓名", code_label="公民身份号码") -> list[dict]:
    return [
        f("holder_name", name_label, source="person.name", role="holder_name"),
        f("id_number", code_label, "citizen-id", source="person.id_number", role="holder_code"),
    ]


def _entity(name_label="单位名称", code_label="统一社会信用代码") -> list[dict]:
    return [
        f("entity_name", name_label, source="entity.name", role="holder_name"),
        f("uscc", code_label, "uscc", source="entity.uscc", role="holder_code"),
    ]


def _legal_rep() -> dict:
    return f("legal_rep", "法定代表人（负责人）", source="entity.legal_rep_name")


def _premises(label="经营场所") -> dict:
    return f("premises", label, source="case.business_premises")


def _licence_number(label="许可证编号") -> dict:
    return f("licence_number", label, required=False, role="licence_number")


SCHEMAS: dict[str, list[dict]] = {
    # --- natural persons ------------------------------------------------------------------
    "resident-id": [
        f("holder_name", "姓名", source="person.name", role="holder_name"),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("ethnicity", "民族", source="case.ethnicity", required=False),
        f("birth_date", "出生", "date", source="person.birth_date"),
        f("address", "住址", source="person.address"),
        f("id_number", "公民身份号码", "citizen-id", source="person.id_number", role="holder_code"),
    ],
    "household-register": [
        f("holder_name", "姓名", source="person.name", role="holder_name"),
        f("relation", "与户主关系", source="case.relation", required=False),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("birth_date", "出生日期", "date", source="person.birth_date"),
        f("id_number", "公民身份号码", "citizen-id", source="person.id_number", role="holder_code"),
        f("address", "住址", source="person.address"),
    ],
    "residence-permit": [
        *_person(),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("residence_address", "居住地住址", source="case.address"),
    ],
    "marriage-cert": [
        *_person("持证人"),
        f("registered_on", "登记日期", "date", source="today"),
        f("spouse_name", "配偶姓名", source="case.spouse_name"),
        f("spouse_id_number", "配偶身份证件号", "citizen-id", source="case.spouse_id_number"),
        f("cert_number", "结婚证字号", required=False, role="licence_number"),
    ],
    "divorce-cert": [
        *_person("持证人"),
        f("registered_on", "登记日期", "date", source="today"),
        f("spouse_name", "原配偶姓名", source="case.spouse_name"),
        f("cert_number", "离婚证字号", required=False, role="licence_number"),
    ],
    "birth-medical-cert": [
        f("holder_name", "新生儿姓名", source="case.child_name", role="holder_name"),
        f("id_number", "新生儿公民身份号码", "citizen-id", role="holder_code"),
        f("gender", "性别", "choice", source="case.child_gender", choices=GENDERS),
        f("birth_date", "出生时间", "date", source="case.birth_date"),
        f("birth_place", "出生地点", source="case.birth_place"),
        f("mother_name", "母亲姓名", source="case.mother_name"),
        f("father_name", "父亲姓名", source="case.father_name", required=False),
        f("cert_number", "出生医学证明编号", required=False, role="licence_number"),
    ],
    "driving-licence": [
        *_person("姓名", "证号"),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("address", "住址", source="person.address"),
        f("first_issued_on", "初次领证日期", "date", source="today"),
        f("vehicle_class", "准驾车型", source="case.vehicle_class"),
    ],
    "hk-macao-permit": [
        *_person(),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("birth_date", "出生日期", "date", source="person.birth_date"),
        f("permit_number", "证件号码", required=False, role="licence_number"),
    ],
    "social-security-card": [
        *_person("姓名", "社会保障号码"),
        f("card_number", "卡号", required=False, role="licence_number"),
        f("bank", "服务银行", source="case.bank", required=False),
    ],
    "disability-cert": [
        *_person(),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("category", "残疾类别", source="case.category"),
        f("grade", "残疾等级", source="case.grade"),
        f("address", "住址", source="person.address"),
    ],
    "teacher-cert": [
        *_person(),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("qualification", "资格种类", source="case.qualification"),
        f("subject", "任教学科", source="case.subject"),
        f("cert_number", "证书号码", required=False, role="licence_number"),
    ],
    "physician-cert": [
        *_person(),
        f("gender", "性别", "choice", source="person.gender", choices=GENDERS),
        f("practice_place", "执业地点", source="case.practice_place"),
        f("category", "执业类别", source="case.category"),
        f("scope", "执业范围", source="case.scope"),
        f("cert_number", "证书编码", required=False, role="licence_number"),
    ],
    "lawyer-licence": [
        *_person(),
        f("law_firm", "执业机构", source="case.law_firm"),
        f("category", "执业类别", source="case.category", required=False),
        f("cert_number", "执业证号", required=False, role="licence_number"),
    ],
    "tax-paid-cert": [
        *_person("纳税人名称", "纳税人识别号"),
        f("tax_kind", "税种", source="case.tax_kind"),
        f("period", "所属时期", source="case.period"),
        f("amount", "实缴（退）金额（元）", "number", source="case.amount"),
    ],
    "property-cert": [
        *_person("权利人", "证件号码"),
        f("ownership", "共有情况", source="case.ownership", required=False),
        f("location", "坐落", source="case.location"),
        f("unit_number", "不动产单元号", source="case.unit_number"),
        f("right_type", "权利类型", source="case.right_type"),
        f("usage", "用途", source="case.usage"),
        f("area", "面积（平方米）", "number", source="case.area"),
    ],
    # --- legal persons ----------------------------------------------------------------------
    "business-licence": [
        f("entity_name", "名称", source="entity.name", role="holder_name"),
        f("uscc", "统一社会信用代码", "uscc", source="entity.uscc", role="holder_code"),
        f("entity_type", "类型", source="entity.entity_type"),
        f("legal_rep", "法定代表人/经营者", source="entity.legal_rep_name"),
        f(
            "registered_capital",
            "注册资本（万元）",
            "number",
            required=False,
            source="entity.registered_capital",
        ),
        f("established_on", "成立日期", "date", source="entity.established_date"),
        f("address", "住所/经营场所", source="entity.address"),
        f("business_scope", "经营范围", "textarea", required=False, source="entity.business_scope"),
    ],
    "food-business-licence": [
        *_entity("经营者名称", "社会信用代码"),
        _legal_rep(),
        f("address", "住所", source="entity.address"),
        _premises(),
        f("main_format", "主体业态", source="case.main_format", required=False),
        f("business_items", "经营项目", "textarea", source="case.business_items", required=False),
        _licence_number(),
    ],
    "drug-retail-licence": [
        *_entity("企业名称"),
        _legal_rep(),
        f("quality_manager", "质量负责人", source="case.quality_manager", required=False),
        f("address", "注册地址", source="entity.address"),
        _premises("经营地址"),
        f("business_scope", "经营范围", "textarea", source="case.business_scope", required=False),
        _licence_number(),
    ],
    "public-hygiene-licence": [
        *_entity(),
        _legal_rep(),
        _premises("地址"),
        f("category", "许可项目", source="case.category", required=False),
        _licence_number("卫生许可证号"),
    ],
    "planning-permit": [
        *_entity("建设单位（个人）"),
        f("project_name", "建设项目名称", source="case.project_name"),
        f("location", "建设位置", source="case.location"),
        f("scale", "建设规模", source="case.scale"),
        _licence_number("建设工程规划许可证编号"),
    ],
    "construction-permit": [
        *_entity("建设单位"),
        f("project_name", "工程名称", source="case.project_name"),
        f("location", "建设地址", source="case.location"),
        f("contract_price", "合同价格（万元）", "number", source="case.contract_price"),
        f("contractor", "施工单位", source="case.contractor"),
        _licence_number("施工许可证编号"),
    ],
    "road-transport-licence": [
        *_entity("业户名称"),
        _legal_rep(),
        f("address", "地址", source="entity.address"),
        f("business_scope", "经营范围", "textarea", source="case.business_scope"),
        _licence_number("许可证号"),
    ],
    "discharge-permit": [
        *_entity(),
        _legal_rep(),
        _premises("生产经营场所地址"),
        f("industry", "行业类别", source="case.industry"),
        _licence_number("证书编号"),
    ],
    "travel-agency-licence": [
        *_entity("旅行社名称"),
        _legal_rep(),
        f("address", "经营场所", source="entity.address"),
        f("business_scope", "经营范围", "textarea", source="case.business_scope"),
        _licence_number("许可证编号"),
    ],
    "hazchem-licence": [
        *_entity("企业名称"),
        f("legal_rep", "主要负责人", source="entity.legal_rep_name"),
        f("address", "注册地址", source="entity.address"),
        f("business_mode", "经营方式", source="case.business_mode"),
        f("business_scope", "许可范围", "textarea", source="case.business_scope"),
        _licence_number("证书编号"),
    ],
    "water-permit": [
        *_entity("取水权人名称"),
        _legal_rep(),
        f("intake_location", "取水地点", source="case.intake_location"),
        f("water_source", "水源类型", source="case.water_source"),
        f("annual_volume", "取水量（万立方米/年）", "number", source="case.annual_volume"),
        _licence_number("取水许可证编号"),
    ],
}


def default_layout(name: str, schema: list[dict]) -> dict:
    """The render layout of a type: title, field order and where the seal goes (A4, mm)."""
    return {
        "title": name,
        "page": "A4",
        "field_order": [field["name"] for field in schema],
        "seal": {"position": "bottom-right", "x_mm": 140, "y_mm": 40, "size_mm": 42},
        "qr": {"position": "bottom-left", "x_mm": 20, "y_mm": 30, "size_mm": 30},
    }
