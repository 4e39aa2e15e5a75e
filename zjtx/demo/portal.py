"""Demo data for the public portal 易企网: contact cards, news, case stories (one left a draft).

Written through the portal's services as the demo city officer, so the audit trail and the
articles' history are those of real use. Runs once: a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from zjtx.accounts.models import Role, User

CONTACTS = (
    (
        "芜湖市中小企业服务中心（易企网）",
        "政策咨询、服务诉求、服务机构入驻",
        "0553-3838000",
        "芜湖市鸠江区中山北路77号",
        "工作日 8:30-12:00，14:30-17:30",
    ),
    (
        "芜湖市经济和信息化局中小企业科",
        "专精特新认定、奖补申报",
        "0553-3838011",
        "芜湖市鸠江区中山北路77号",
        "工作日 8:30-12:00，14:30-17:30",
    ),
)

NEWS = (
    (
        "市经信局召开专精特新中小企业政策宣讲会",
        "围绕认定标准、奖补政策和申报流程，为120余家企业现场答疑。",
        "市经济和信息化局在市中小企业服务中心召开专精特新中小企业政策宣讲会。"
        "会上解读了国家、省、市专精特新中小企业认定标准和市级奖补政策，"
        "介绍了网上申报流程和常见问题。\n\n"
        "企业可在易企网“政策查询”中查看每项政策的适用对象、条件、金额和办理单位，"
        "也可使用政策计算器，按企业情况测算可享受的奖补。",
        20,
    ),
    (
        "年度市级专精特新中小企业认定工作启动",
        "申报通知已发布，企业注册后可在线申报。",
        "根据《芜湖市人民政府关于进一步推进中小企业“专精特新”发展的实施意见》，"
        "本年度市级专精特新中小企业认定工作正式启动。符合条件的企业请注册登录后在线填报申请书、"
        "上传证明材料，由所在县市区初审后推荐。",
        45,
    ),
    (
        "企业服务中心六大服务平台全面上线",
        "融资、技术、人才、场地、双创、沙龙六大平台为企业提供一站式服务。",
        "市中小企业服务中心整合融资、技术、人才、场地、双创和沙龙活动六大服务平台，"
        "经审核入驻的服务机构名单在易企网“服务资源”中公开，企业登录后可提出服务诉求。",
        70,
    ),
)

CASES = (
    (
        "深耕细分市场十五年：一家精密零部件企业的专精特新之路",
        "专注汽车精密零部件，研发投入占比连续三年超过5%。",
        "芜湖精工汽车零部件有限公司",
        "企业成立以来专注汽车精密零部件一个细分领域，建成省级企业技术中心，"
        "拥有发明专利12项。获得市级专精特新中小企业认定后，企业享受一次性奖补10万元，"
        "并通过服务中心对接银行获得专精特新专属贷款。",
        30,
    ),
    (
        "首台套装备走向市场：政策支持助力企业创新",
        "首台（套）重大技术装备奖励缓解了企业新产品推广初期的资金压力。",
        "芜湖智能装备科技有限公司",
        "企业研制的智能分拣成套装备经省认定为首台（套）重大技术装备，"
        "按政策获得设备售价10%的奖励。企业负责人表示，政策直达让企业敢于投入研发。",
        55,
    ),
)

DRAFT_TITLE = "（草稿）明年专精特新培育工作计划"


def ensure_portal_data(seed: int = 2026) -> dict[str, int]:
    from zjtx.portal import services
    from zjtx.portal.models import ContactCard, ContentItem

    if ContentItem.objects.exists() or ContactCard.objects.exists():
        return {"contacts": 0, "articles": 0}
    city = User.objects.filter(role=Role.CITY_OFFICER, is_active=True).order_by("id").first()
    if city is None:
        return {"contacts": 0, "articles": 0}
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for order, (name, topics, phone, address, hours) in enumerate(CONTACTS):
            services.contact_card_save(
                actor=city,
                name=name,
                topics=topics,
                phone=phone,
                address=address,
                hours=hours,
                sort_order=order,
            )
        for title, summary, body, days in NEWS:
            item = services.content_save(
                actor=city,
                kind="news",
                title=title,
                summary=summary,
                body=body,
                publish_on=today - timedelta(days=days),
            )
            services.content_transition(item=item, action="publish", actor=city)
            made += 1
        for title, summary, enterprise, body, days in CASES:
            item = services.content_save(
                actor=city,
                kind="case",
                title=title,
                summary=summary,
                body=body,
                enterprise_name=enterprise,
                publish_on=today - timedelta(days=days),
            )
            services.content_transition(item=item, action="publish", actor=city)
            made += 1
        services.content_save(
            actor=city, kind="news", title=DRAFT_TITLE, body="尚在起草，不对外公开。"
        )
        made += 1
    return {"contacts": len(CONTACTS), "articles": made}
