"""What the demo's events, polls and satisfaction ratings say: titles, places, options and
comments, bilingual like the rest of the demo."""

from __future__ import annotations

from dataclasses import dataclass

from server.models import EventKind, ExperienceSubject


@dataclass(frozen=True)
class EventSpec:
    """One demo event. `days` is when it starts, from today (negative: in the past); `group`
    the slug of the group that holds it (None: a platform event by the admin); `shape` what
    its signups look like: OPEN (seats left), FULL (a waitlist), NOT_OPEN (signup opens
    later), CANCELLED, FINISHED (attended)."""

    title: str
    description: str
    kind: EventKind
    city: str
    venue: str
    days: int
    hours: int
    capacity: int
    shape: str
    group: str | None = None
    min_contribution: int = 0
    signups: int = 0


OPEN, FULL, NOT_OPEN, CANCELLED, FINISHED = "OPEN", "FULL", "NOT_OPEN", "CANCELLED", "FINISHED"

EVENTS = [
    EventSpec(
        "上海车主之夜 Shanghai Owners' Night",
        "一年一度的上海车主聚会：新车型体验、换电站参观和晚餐。Test drives, a swap-station "
        "tour and dinner with fellow owners.",
        EventKind.OFFLINE,
        "上海",
        "蔚来中心 NIO House, 静安嘉里中心",
        10,
        4,
        40,
        OPEN,
        signups=18,
    ),
    EventSpec(
        "北京冬季驾驶课堂 Beijing Winter Driving Clinic",
        "冰雪路面驾驶技巧与冬季续航讲解，名额有限。Driving on snow and ice, and range in "
        "the cold; few seats.",
        EventKind.OFFLINE,
        "北京",
        "延庆冰雪试驾场 Yanqing ice track",
        14,
        5,
        12,
        FULL,
        signups=17,
    ),
    EventSpec(
        "深圳换电站开放日 Shenzhen Swap Station Open Day",
        "走进第四代换电站，看三分钟换电的全过程。See a fourth-generation swap station at "
        "work. For contributors with 100 or more.",
        EventKind.OFFLINE,
        "深圳",
        "南山科技园换电站 Nanshan Power Swap Station",
        7,
        2,
        30,
        OPEN,
        min_contribution=100,
        signups=9,
    ),
    EventSpec(
        "ET9 技术问答直播 ET9 Tech Q&A",
        "工程师在线解答 ET9 的底盘、座舱与智驾问题。Engineers answer questions on the ET9's "
        "chassis, cabin and driver assistance.",
        EventKind.ONLINE,
        "",
        "直播间 Live room",
        3,
        2,
        500,
        OPEN,
        signups=24,
    ),
    EventSpec(
        "西湖夜骑与夜拍 West Lake Night Photo Walk",
        "沿西湖拍夜景，带上三脚架。A night walk around West Lake with tripods.",
        EventKind.OFFLINE,
        "杭州",
        "断桥 Broken Bridge",
        9,
        3,
        20,
        OPEN,
        group="photography",
        signups=8,
    ),
    EventSpec(
        "成都车主火锅局 Chengdu Owners' Hot Pot",
        "吃火锅，聊用车。Hot pot and car talk.",
        EventKind.OFFLINE,
        "成都",
        "春熙路 Chunxi Road",
        5,
        3,
        16,
        OPEN,
        group="chengdu-owners",
        signups=10,
    ),
    EventSpec(
        "川西自驾线路分享会 Western Sichuan Road Trip Talk",
        "路线、换电与住宿经验分享。Routes, swap stops and where to stay.",
        EventKind.OFFLINE,
        "成都",
        "蔚来中心 NIO House, 太古里",
        24,
        2,
        60,
        NOT_OPEN,
        group="road-trips",
    ),
    EventSpec(
        "合肥工厂参观 Hefei Factory Visit",
        "参观先进制造基地的总装车间。A tour of the assembly hall.",
        EventKind.OFFLINE,
        "合肥",
        "新桥智能电动汽车产业园 Xinqiao EV Park",
        25,
        4,
        50,
        OPEN,
        signups=14,
    ),
    EventSpec(
        "广州亲子开放日 Guangzhou Family Day",
        "因场地维修取消，改期另行通知。Cancelled: the venue is under repair.",
        EventKind.OFFLINE,
        "广州",
        "蔚来中心 NIO House, 天河",
        12,
        5,
        30,
        CANCELLED,
        signups=6,
    ),
    EventSpec(
        "武汉露营之夜 Wuhan Camping Night",
        "用 V2L 给露营供电，一起看星星。Camping powered by V2L, under the stars.",
        EventKind.OFFLINE,
        "武汉",
        "木兰草原营地 Mulan Grassland Camp",
        18,
        16,
        24,
        OPEN,
        group="camping",
        signups=7,
    ),
    EventSpec(
        "上海秋日自驾 Shanghai Autumn Road Trip",
        "从上海出发到安吉，一路换电。From Shanghai to Anji and back, swapping on the way.",
        EventKind.OFFLINE,
        "上海",
        "蔚来中心 NIO House, 静安",
        -24,
        9,
        30,
        FINISHED,
        group="road-trips",
        signups=12,
    ),
    EventSpec(
        "北京充电礼仪工作坊 Beijing Charging Etiquette Workshop",
        "充电桩礼仪、占位与超充使用。Charger etiquette, idle fees and supercharging.",
        EventKind.OFFLINE,
        "北京",
        "蔚来中心 NIO House, 东方广场",
        -52,
        2,
        25,
        FINISHED,
        signups=19,
    ),
]

CANCEL_REASON = "场地维修，活动取消。The venue is under repair."

# --- the polls ---------------------------------------------------------------------------------

CITY_VOTE_QUESTION = "2027 社区日在哪座城市举办？ Where should Community Day 2027 be held?"
CITY_VOTE_DESCRIPTION = (
    "一年一度的社区日由大家投票决定城市，按贡献值加权。The city of next year's Community Day, "
    "chosen by the community, each vote weighted by the voter's contribution."
)
CITY_VOTE_OPTIONS = ["上海", "北京", "深圳", "杭州", "成都", "合肥"]
# How the community leans: the chance of each option, in the options' order.
CITY_VOTE_LEANING = [30, 18, 14, 16, 14, 8]
CITY_VOTERS = 42

GROUP_POLL_GROUP = "photography"
GROUP_POLL_QUESTION = "下次外拍去哪里？ Where should our next photo walk go?"
GROUP_POLL_DESCRIPTION = "可以多选。Choose as many as you like."
GROUP_POLL_OPTIONS = ["外滩 The Bund", "西湖 West Lake", "千岛湖 Qiandao Lake", "莫干山 Moganshan"]

# --- the ratings --------------------------------------------------------------------------------

S = ExperienceSubject
# How likely each score is, 1 to 5: most people are content, charging and the app are where
# they complain.
LEANINGS = {
    S.PURCHASE: [3, 4, 10, 33, 50],
    S.DELIVERY: [4, 5, 11, 30, 50],
    S.SERVICE: [5, 6, 12, 32, 45],
    S.CHARGING: [8, 9, 18, 33, 32],
    S.APP: [7, 8, 17, 36, 32],
    S.EVENT: [2, 3, 8, 30, 57],
}
RATING_CITIES = ["上海", "上海", "上海", "北京", "北京", "深圳", "杭州", "成都", "合肥", "广州"]
# How many months back the ratings go, and how many people rate each subject in a month.
RATING_MONTHS = 6
RATERS_PER_MONTH = 12

PRAISE = {
    S.PURCHASE: ["顾问很专业，流程清楚。The advisor knew every answer.", "下单到确认只用了一天。"],
    S.DELIVERY: ["交付仪式很用心。A delivery worth remembering.", "按时交付，车况完美。"],
    S.SERVICE: ["取送车服务太方便了。Pick-up and drop-off made it painless.", "一次修好。"],
    S.CHARGING: ["换电三分钟，比加油还快。Swapped in three minutes.", "超充站很干净。"],
    S.APP: ["远程空调很好用。Pre-heating from the app is great.", "社区氛围好。"],
    S.EVENT: ["组织得很好，认识了很多车主。Met so many owners.", "下次还来！Count me in again."],
}
COMPLAINTS = {
    S.PURCHASE: ["等待提车时间太长。The wait for the car was long.", "金融方案说明不清。"],
    S.DELIVERY: ["交付推迟了两周。Delivery slipped two weeks.", "车漆有小瑕疵。"],
    S.SERVICE: ["预约排期太久。Booking took too long.", "维修进度没人告知。"],
    S.CHARGING: ["换电站排队一小时。An hour's queue at the swap station.", "充电桩经常被占。"],
    S.APP: ["App 更新后经常闪退。The app crashes since the update.", "消息推送太多。"],
    S.EVENT: ["场地太挤了。The venue was too crowded.", "开始得太晚。It started late."],
}
