"""Demo data of the Q&A assistant: FAQ entries of the Guangzhou departments (idempotent).

Written as the departments' own FAQ pages read (question, other phrasings, answer, the items
to recommend). Created through ``services.knowledge.create_faq`` by the demo platform
operator, so each entry is audited like one written in the console.
"""

from tongban.core import orgunits
from tongban.servicedesk.models import FaqEntry

DIVISION = "440100"

# (department, question, other phrasings, answer, item keys)
DEMO_FAQS = [
    (
        "公安局",
        "身份证过期了怎么办？",
        ["身份证到期了怎么换", "身份证有效期满了", "身份证丢了怎么补"],
        "居民身份证有效期满前三个月内可申请换领；过期后也可以换领，过期期间身份证不能使用。"
        "携带原身份证、户口簿到户籍所在地或居住地公安机关户政窗口办理，现场采集相片和指纹；"
        "在广东省内可异地办理。工本费 20 元。",
        ["id-card-renewal"],
    ),
    (
        "公安局",
        "新生儿怎么上户口？",
        ["孩子出生后多久要报户口", "宝宝落户需要什么材料"],
        "婴儿出生后一个月内，由父母一方持《出生医学证明》、父母双方户口簿和身份证、结婚证，"
        "到一方户籍所在地派出所申报出生登记。可先预约，材料齐全当场办结。",
        ["newborn-registration", "birth-medical-cert"],
    ),
    (
        "公安局",
        "驾驶证到期前多久可以换证？",
        ["驾照有效期满换证", "驾照过期多久不能换"],
        "机动车驾驶证有效期满前 90 日内可申请换证；超过有效期一年以上未换证的，驾驶证将被注销。"
        "持身份证和县级以上医疗机构出具的体检证明办理，可网上申请、邮寄送达。",
        ["driving-licence-renewal"],
    ),
    (
        "市场监督管理局",
        "开饭店、小吃店要办哪些证？",
        ["开个餐馆需要什么手续", "开奶茶店要办什么证", "做餐饮要哪些证照"],
        "先办理营业执照（个人经营可办个体工商户设立登记，合伙或较大规模可设立公司），"
        "再凭营业执照申请食品经营许可证。经营场所、设备布局和从业人员健康证明须符合食品安全要求。",
        ["sole-trader-registration", "food-business-licence"],
    ),
    (
        "市场监督管理局",
        "个体工商户营业执照怎么办理？",
        ["个体户执照在哪里办", "摆摊需要营业执照吗"],
        "经营者持身份证和经营场所证明，可在网上或窗口申请个体工商户设立登记，材料齐全当场发照，"
        "不收费。电子营业执照同步发放到证照夹。",
        ["sole-trader-registration"],
    ),
    (
        "市场监督管理局",
        "开公司能一次办完执照、刻章、发票和社保吗？",
        ["开办企业一窗通办", "新公司一次办好所有手续"],
        "可以。选择“开办企业一件事”，一次填报、一次提交，营业执照、公章刻制、发票申领和社保登记"
        "同步办理，最快 1 个工作日办结。",
        ["business-startup-one-window"],
    ),
    (
        "民政局",
        "结婚登记需要带什么？",
        ["领结婚证要什么材料", "结婚登记要预约吗"],
        "男女双方共同到一方常住户口所在地的婚姻登记机关办理，带本人户口簿、身份证和近期 2 寸"
        "双人合影照片 3 张。建议提前网上预约。",
        ["marriage-registration"],
    ),
    (
        "民政局",
        "高龄老人津贴谁可以领？",
        ["老人多大岁数有补贴", "八十岁老人津贴怎么申请"],
        "具有本省户籍、年满 80 周岁的老年人可申请高龄老人津贴，由本人或家属持身份证、户口簿到"
        "户籍所在地镇街申请，也可网上申请，按月发放。",
        ["senior-allowance"],
    ),
    (
        "民政局",
        "家庭困难可以申请哪些救助？",
        ["没有收入怎么办", "生活困难去哪里求助"],
        "家庭人均收入低于当地最低生活保障标准、财产符合规定的，可申请最低生活保障；"
        "遇到突发困难可申请临时救助。向户籍所在地镇街提出申请。",
        ["minimum-living-allowance"],
    ),
    (
        "人力资源和社会保障局",
        "失业了可以领失业保险金吗？",
        ["被辞退后怎么领失业金", "失业金能领多久"],
        "非因本人意愿中断就业、失业前缴纳失业保险满 1 年并已办理失业登记的，可申领失业保险金，"
        "领取期限按缴费年限计算，最长 24 个月。可网上申领。",
        ["unemployment-benefit"],
    ),
    (
        "人力资源和社会保障局",
        "换城市工作，社保怎么转？",
        ["养老保险跨省转移", "社保关系转到广州"],
        "在新参保地申请基本养老保险关系转移接续，原参保地和新参保地经办机构之间办理转移，"
        "个人无需往返两地。",
        ["pension-transfer"],
    ),
    (
        "住房公积金管理中心",
        "租房可以提取公积金吗？",
        ["公积金付房租", "无房租房提取公积金"],
        "本人及配偶在本市无自有住房且租房自住的，可按月或按年提取住房公积金支付房租，"
        "网上申请，资金转入本人银行卡。",
        ["housing-fund-rent-withdrawal"],
    ),
    (
        "医疗保障局",
        "在外地看病怎么用医保？",
        ["异地住院怎么报销", "回老家看病医保怎么办"],
        "长期在外地居住、工作或转诊就医的，先办理异地就医备案，备案后在就医地定点医疗机构"
        "直接结算。可在网上或手机上备案。",
        ["medical-filing-elsewhere"],
    ),
    (
        "税务局",
        "贷款要的完税证明怎么开？",
        ["个税纳税记录在哪里打印", "开收入纳税证明"],
        "可在网上开具个人所得税纳税记录（完税证明），即时生成带电子印章的文件，银行、"
        "单位可扫码核验。",
        ["tax-paid-cert"],
    ),
    (
        "司法局",
        "请不起律师怎么办？",
        ["法律援助申请条件", "免费打官司找谁"],
        "经济困难的公民因追索劳动报酬、工伤赔偿、赡养费等事项需要法律帮助的，可申请法律援助，"
        "由法律援助机构指派律师免费代理。",
        ["legal-aid"],
    ),
]


def _operator():
    from tongban.identity.models import User

    return User.objects.filter(username="operator").first()


def seed(report) -> None:
    """Add the demo FAQ entries; ``report.add(line)`` records what was done."""
    from tongban.servicedesk.services.knowledge import create_faq

    actor = _operator()
    if actor is None:
        report.add("servicedesk knowledge: demo operator missing, FAQ entries skipped")
        return
    created = 0
    for department, question, alternatives, answer, keys in DEMO_FAQS:
        unit = orgunits.department_unit(DIVISION, department) or orgunits.region_unit(DIVISION)
        if unit is None or FaqEntry.objects.filter(org_unit=unit, question=question).exists():
            continue
        create_faq(
            actor=actor,
            org_unit=unit,
            question=question,
            alternatives="\n".join(alternatives),
            answer=answer,
            item_keys=keys,
        )
        created += 1
    if created:
        report.add(f"servicedesk knowledge: {created} FAQ entries")
