"""The demo community's content: accounts, groups and texts, in Chinese and English."""

from __future__ import annotations

from datetime import UTC, datetime

from server.models import (
    GroupKind,
    GroupVisibility,
    IdentityKind,
    Industry,
    PersonaDomain,
    PlatformRole,
)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - development accounts only
BASE_TIME = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SEED = 20261124

# (handle, display name, role, identity, vehicle models, badge (department, title, executive))
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("admin", "platform admin"),
    ("moderator", "platform moderator"),
    ("owner", "a car owner (ES6, ET5) with drafts, head of the Shanghai radio station"),
    ("fan", "a fan who owns no car yet"),
    ("employee", "an employee with a verified badge, curator of both collections"),
    ("charging_operator", "operates the charging assistant"),
    ("service_operator", "operates the service assistant"),
    ("purchase_operator", "operates the purchase assistant"),
]
Badge = tuple[str, str, bool]
SIGN_IN_USERS: list[tuple[str, str, PlatformRole, IdentityKind, list[str], Badge | None]] = [
    ("admin", "管理员 Admin", PlatformRole.ADMIN, IdentityKind.FAN, [], None),
    ("moderator", "版主 Mod", PlatformRole.MODERATOR, IdentityKind.OWNER, ["ES8"], None),
    ("owner", "车主小王 Wang", PlatformRole.USER, IdentityKind.OWNER, ["ES6", "ET5"], None),
    ("fan", "粉丝小李 Li", PlatformRole.USER, IdentityKind.FAN, [], None),
    (
        "employee",
        "社区经理 Chen",
        PlatformRole.USER,
        IdentityKind.OWNER,
        ["ET7"],
        ("User Operations", "Community Manager", False),
    ),
    (
        "charging_operator",
        "能源运营 Zhou",
        PlatformRole.USER,
        IdentityKind.OWNER,
        ["ES8"],
        ("Power", "Charging Operations Specialist", False),
    ),
    (
        "service_operator",
        "服务专员 Sun",
        PlatformRole.USER,
        IdentityKind.FAN,
        [],
        ("Service", "Service Specialist", False),
    ),
    (
        "purchase_operator",
        "购车顾问 Zhao",
        PlatformRole.USER,
        IdentityKind.DEPOSIT_HOLDER,
        [],
        ("Sales", "Purchase Policy Advisor", False),
    ),
]
EXECUTIVES: list[tuple[str, str, Badge]] = [
    ("ceo", "William Li 李斌", ("Executive Office", "Chief Executive Officer", True)),
    ("vp_users", "Vice President 副总裁", ("User Development", "Vice President", True)),
    ("engineer_gao", "高工 Gao", ("R&D", "Battery Engineer", False)),
    ("designer_lin", "Lin Design", ("Design", "Interior Designer", False)),
]
PERSONAS = [
    (
        "charging_assistant",
        "充电小助手 Charging Assistant",
        PersonaDomain.CHARGING,
        "charging_operator",
        "Charging maps, power swap stations and home chargers. 充电问题找我。",
    ),
    (
        "service_assistant",
        "服务小助手 Service Assistant",
        PersonaDomain.SERVICE,
        "service_operator",
        "Maintenance, repairs and roadside help. 服务问题找我。",
    ),
    (
        "purchase_assistant",
        "购车小助手 Purchase Assistant",
        PersonaDomain.PURCHASE,
        "purchase_operator",
        "Prices, subsidies and delivery. 购车政策找我。",
    ),
]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"]
ENGLISH = [
    "Alex",
    "Bella",
    "Chris",
    "Diana",
    "Ethan",
    "Fiona",
    "George",
    "Hannah",
    "Ivan",
    "Julia",
    "Kevin",
    "Lily",
    "Mason",
    "Nora",
    "Oscar",
    "Grace",
]
CITIES = ["上海", "北京", "合肥", "深圳", "杭州", "成都", "广州", "南京", "武汉", "西安"]
MODELS = ["ES6", "ES8", "ET5", "ET7", "EC6", "ET9", "ET5T", "EC7"]
INDUSTRY_GROUPS = [
    ("education-owners", "教育行业车主 Educators", Industry.EDUCATION),
    ("teachers-club", "教师车主俱乐部 Teachers", Industry.EDUCATION),
    ("shipping-owners", "航运物流车主 Shipping", Industry.SHIPPING),
    ("hr-owners", "人力资源车主 HR", Industry.HUMAN_RESOURCES),
    ("finance-owners", "金融行业车主 Finance", Industry.FINANCE),
    ("bankers-circle", "银行人车主圈 Bankers", Industry.FINANCE),
    ("medical-owners", "医疗行业车主 Medicine", Industry.MEDICINE),
    ("law-owners", "法律行业车主 Law", Industry.LAW),
    ("it-owners", "IT 行业车主 IT", Industry.IT),
    ("developers-garage", "程序员车库 Developers", Industry.IT),
    ("media-owners", "传媒行业车主 Media", Industry.MEDIA),
    ("manufacturing-owners", "制造业车主 Manufacturing", Industry.MANUFACTURING),
]
OWN_GROUPS: list[tuple[str, str, GroupKind, GroupVisibility, str]] = [
    (
        "photography",
        "摄影爱好者 Photography",
        GroupKind.INTEREST,
        GroupVisibility.PUBLIC,
        "Share photos of your car and the road.",
    ),
    (
        "road-trips",
        "自驾游 Road Trips",
        GroupKind.INTEREST,
        GroupVisibility.PUBLIC,
        "Routes, charging stops and stories from long drives.",
    ),
    (
        "camping",
        "露营 Camping",
        GroupKind.INTEREST,
        GroupVisibility.PUBLIC,
        "Camping with V2L power and a flat-folding back seat.",
    ),
    (
        "pet-owners",
        "带娃带宠 Pets & Kids",
        GroupKind.INTEREST,
        GroupVisibility.PUBLIC,
        "Travelling with kids and pets.",
    ),
    (
        "founders-circle",
        "创始车主圈 Founders",
        GroupKind.INTEREST,
        GroupVisibility.MEMBERS_ONLY,
        "A members-only circle of founding owners.",
    ),
    (
        "architects",
        "建筑师车主 Architects",
        GroupKind.PROFESSION,
        GroupVisibility.PUBLIC,
        "Architects who drive electric.",
    ),
    (
        "doctors-on-call",
        "医生车主 Doctors",
        GroupKind.PROFESSION,
        GroupVisibility.PUBLIC,
        "Night shifts, quick charges.",
    ),
    (
        "shanghai-owners",
        "上海车主 Shanghai",
        GroupKind.REGION,
        GroupVisibility.PUBLIC,
        "上海车主的家。",
    ),
    ("hefei-owners", "合肥车主 Hefei", GroupKind.REGION, GroupVisibility.PUBLIC, "合肥车主交流。"),
    ("chengdu-owners", "成都车主 Chengdu", GroupKind.REGION, GroupVisibility.PUBLIC, "成都车主。"),
]
MOMENTS = [
    "今天第一次用换电站，三分钟就满电出发了！",
    "Swapped the battery in 3 minutes on the way to Hangzhou.",
    "周末带娃去露营，V2L 放电煮咖啡太方便了。",
    "Night drive along the Bund, the ambient lights are lovely.",
    "新提的 {model}，终于等到了！",
    "Picked up my {model} today. Delivery team was great.",
    "高速服务区的超充桩排队有点长，大家一般几点去？",
    "Any tips for winter range on the {model}?",
    "NOP 领航辅助在长途上真省心。",
    "Charging map says the station is free, heading there now.",
    "车主活动报名了，期待见到大家。",
    "Signed up for the owners' day, who else is coming?",
]
ARTICLES = [
    ("三年 {model} 用车总结", "从提车到现在开了六万公里，说说续航、换电和保养的真实体验。"),
    (
        "A 2,000 km road trip in a {model}",
        "We planned the route around power swap stations and never waited.",
    ),
    ("换电还是充电？我的选择", "家里有充电桩，长途靠换电，这样搭配最省心。"),
    (
        "Winter range: what I measured",
        "At -10 °C the range dropped about 20 %; preheating helps a lot.",
    ),
    ("带着宠物自驾川西", "后排放平，宠物也能舒服地躺着，沿途的换电站很多。"),
]
COMMENTS = [
    "太棒了！",
    "Congrats!",
    "同款车主报到",
    "Which station was that?",
    "学到了，谢谢分享",
    "Great photos!",
    "求路线",
    "Same experience here.",
    "下次一起",
    "How was the range?",
]
TAGS = ["es6", "es8", "et5", "et7", "换电", "充电", "自驾", "露营", "摄影", "winter", "roadtrip"]
