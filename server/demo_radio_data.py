"""The demo community's radio and works: city stations, episode texts, curators' and staff
notes, in Chinese and English. `{city}` (`{city_en}` in English texts) and `{model}` in a text
are filled in when seeded."""

from __future__ import annotations

from dataclasses import dataclass

from server.models import EpisodeState

# (title, description)
Text = tuple[str, str]


@dataclass(frozen=True)
class StationSpec:
    slug: str
    city: str
    city_en: str
    name: str
    description: str
    # How many heads run it; `appointed` sign-in accounts come first, demo owners fill the rest.
    head_count: int
    appointed: tuple[str, ...] = ()
    # Sign-in accounts that follow it (`employee` curates the radio highlights).
    followers: tuple[str, ...] = ("employee",)


@dataclass(frozen=True)
class Submission:
    """An episode that is not (yet) on air: sent by a listener, turned back, or a draft."""

    station: str
    # A sign-in account, or None for a demo member of the city.
    author: str | None
    state: EpisodeState
    title: str
    description: str
    review_note: str = ""


def station_name(city: str) -> str:
    return f"蔚来电台·{city}站"


STATIONS = [
    StationSpec(
        "shanghai",
        "上海",
        "Shanghai",
        station_name("上海"),
        "上海车主的声音：通勤、外滩夜色和周末去周边。"
        "Shanghai owners on commutes, riverside nights and weekend getaways.",
        2,
        ("owner",),
        ("employee", "fan"),
    ),
    StationSpec(
        "beijing",
        "北京",
        "Beijing",
        station_name("北京"),
        "胡同、长安街和京郊自驾。Hutongs, Chang'an Avenue and drives out to the Great Wall.",
        2,
    ),
    StationSpec(
        "chengdu",
        "成都",
        "Chengdu",
        station_name("成都"),
        "川西自驾、火锅和慢生活。Road trips to western Sichuan, hotpot and the slow life.",
        1,
    ),
    StationSpec(
        "hangzhou",
        "杭州",
        "Hangzhou",
        station_name("杭州"),
        "西湖边的早晨，千岛湖的周末。Mornings by West Lake, weekends at Qiandao Lake.",
        2,
    ),
    StationSpec(
        "shenzhen",
        "深圳",
        "Shenzhen",
        station_name("深圳"),
        "科技之城的车主故事与海边公路。Owners' stories from the tech city, and coast roads.",
        1,
    ),
    StationSpec(
        "wuhan",
        "武汉",
        "Wuhan",
        station_name("武汉"),
        "江城车主的长江、樱花与热干面。Yangtze bridges, cherry blossoms and hot dry noodles.",
        2,
    ),
]

# Episodes only one city's station would make, by city.
CITY_EPISODES: dict[str, list[Text]] = {
    "上海": [
        (
            "外滩夜驾：上海的另一面",
            "凌晨一点的中山东一路，车窗外是安静下来的外滩。本期和两位夜班车主聊聊城市夜色。",
        ),
        ("延安高架早高峰生存指南", "每天四十分钟的通勤怎么过得舒服？领航辅助、播客和一杯咖啡。"),
        (
            "Weekend escape: Shanghai to Moganshan",
            "Two hours, one swap stop in Jiaxing, and a cabin in the bamboo. "
            "Our route and where to charge.",
        ),
        (
            "Living in Pudong without a home charger",
            "An apartment owner explains how she plans her week around swap stations and "
            "destination chargers.",
        ),
    ],
    "北京": [
        ("冬天的长安街：北京车主的暖车心得", "零下十度的早晨，远程预热和电池保温到底有多重要？"),
        ("京郊自驾去慕田峪长城", "周末一日游路线：怀柔的超充站、山里的咖啡馆和长城脚下的日落。"),
        (
            "Hutong parking, explained by a local owner",
            "Narrow lanes, a shared charger and neighbours who now ask for rides.",
        ),
        (
            "Beijing to Chengde for the autumn colours",
            "A 500 km weekend with two kids and a dog, and the swap station that saved us.",
        ),
    ],
    "成都": [
        (
            "川西小环线：新都桥的星空",
            "海拔三千多米的换电站、盘山路上的能量回收，以及一晚上看不完的星星。",
        ),
        ("火锅局之后谁来开车？", "代驾、领航辅助和一群吃完火锅还要聊车的朋友，成都车主的夜生活。"),
        (
            "Chengdu to Jiuzhaigou on one charging plan",
            "Altitude, regeneration on the long descents and what the range estimate got right.",
        ),
        (
            "Teahouse talk: why Chengdu owners love slow drives",
            "Recorded in a teahouse in People's Park. Expect mahjong in the background.",
        ),
    ],
    "杭州": [
        ("西湖晨光：杭州车主的早晨", "六点的北山街，骑车的人、跑步的人，和安静滑过的电动车。"),
        ("千岛湖露营季", "V2L 给帐篷供电，湖边煮咖啡，孩子第一次看到满天星星。"),
        (
            "Hangzhou's Asian Games venues by car",
            "A self-guided tour of the stadiums, with charging stops and parking tips.",
        ),
        (
            "Tech workers who drive electric",
            "Three Hangzhou engineers on commutes, office chargers and the software updates "
            "they actually notice.",
        ),
    ],
    "深圳": [
        ("深圳湾的夜风：下班后的海边兜风", "从南山科技园出发，沿着滨海大道一路开到大梅沙。"),
        ("深圳车主的快节奏一天", "早上换电、白天开会、晚上接娃，一天里车陪你跑了多少公里？"),
        (
            "Crossing to Hong Kong: what owners should know",
            "Parking at the port, charging before the crossing, and the paperwork.",
        ),
        (
            "Hardware founders who drive electric",
            "Two Shenzhen founders on why they chose an EV and what they would change in it.",
        ),
    ],
    "武汉": [
        ("长江大桥上的日落", "武汉车主带你过江：长江大桥、二七长江大桥和江滩边的充电站。"),
        ("樱花季去东湖", "三月的东湖，人多车也多。哪里停车、哪里充电，本地车主告诉你。"),
        (
            "Hot dry noodles and a morning swap",
            "A Wuhan breakfast ritual: noodles at six, a battery swap at half past.",
        ),
        (
            "Summer in the furnace city: cooling and range",
            "Forty degrees outside. How owners keep the cabin cool, and what it costs in range.",
        ),
    ],
}

# Episodes any station makes: driving, charging, road trips and owners' stories.
GENERAL_EPISODES: list[Text] = [
    (
        "第一次换电：{city}车主的三分钟",
        "从驶入换电站到满电出发只要三分钟。本期请来刚提车的新车主，聊聊第一次换电的紧张和惊喜。",
    ),
    ("家充桩安装全记录", "物业审批、电表申请、走线施工，一位{city}车主把踩过的坑都讲清楚了。"),
    ("冬季续航怎么算？", "低温下续航打几折？预热、座椅加热和空调怎么搭配最省电。"),
    ("高速超充排队怎么办", "节假日服务区的超充站排起长队，我们总结了避开高峰的三个办法。"),
    ("{model} 车主一年用车总结", "一年两万公里，保养、换电和软件升级，说说真实的用车成本。"),
    ("带娃自驾的十个小技巧", "安全座椅、零食、儿童模式和中途休息，爸爸妈妈们的经验分享。"),
    ("领航辅助真实体验", "城市快速路和高速上的领航辅助，哪里好用，哪里还得自己盯着。"),
    ("车主志愿者的一天", "交付中心、车主活动、换电站，志愿者们在{city}跑了一整天。"),
    ("从燃油车换到电动车的那一年", "开了十五年燃油车的老司机，讲他为什么换车，以及换车后的变化。"),
    ("露营装备与 V2L 放电", "电磁炉、投影仪、小冰箱，一辆车能带动多少露营装备？"),
    ("二手车主的故事", "买下一辆三年车龄的 {model}，电池健康度和服务体验怎么样？"),
    ("夜班医生的通勤", "凌晨下班的医生车主，聊夜里的换电站和一路的安静。"),
    ("带宠物出行：后排的毛孩子", "宠物模式、车内温度和防抓座套，养猫养狗的车主都来了。"),
    ("充电地图里的隐藏好站", "{city}车主私藏的目的地充电站：商场、酒店和景区。"),
    ("新车交付那一天", "交付专员、鲜花和第一次上路，三位新车主讲他们的交付日。"),
    ("车主自建社群是怎么来的", "从一个聊天群到上百人的社群，{city}车主社群的发起人讲背后的故事。"),
    ("电池租用到底划不划算", "电池租用方案的账怎么算？我们请车主拿出了自己的账单。"),
    ("长途自驾一千公里怎么规划", "路线、换电站、休息点和天气，一张表搞定长途出行。"),
    ("充电桩被占了怎么办", "燃油车占位、充满不挪车，{city}车主们聊聊遇到过的尴尬和解决办法。"),
    ("车主们的通勤歌单", "本期没有干货，只有车主们推荐的十首开车必听歌。"),
    ("父亲的第一辆电动车", "年轻车主说服退休的父亲换了车，父子俩第一次一起自驾回老家。"),
    (
        "My first winter with the {model}",
        "Preconditioning, heated seats and the real range on frozen mornings in {city_en}.",
    ),
    (
        "Road trip diaries: 2,000 km in a week",
        "We planned every stop around swap stations and never waited more than ten minutes.",
    ),
    (
        "How a swap station works, from the inside",
        "A station technician walks us through the three minutes between arriving and driving off.",
    ),
    (
        "Commuting in {city_en}: podcasts, traffic and driver assist",
        "Three owners compare their daily commute before and after going electric.",
    ),
    (
        "Home charging for apartment dwellers",
        "Shared chargers, building managers and the paperwork nobody warns you about.",
    ),
    (
        "The teacher who drives her students to competitions",
        "A physics teacher, her {model}, six students and a boot full of robot parts.",
    ),
    (
        "What I learned from 100,000 km",
        "Tyres, brakes, software updates and the battery after four years of driving.",
    ),
    (
        "Camping with V2L: a weekend off the grid",
        "A coffee machine, a projector and a fridge, all running from the car.",
    ),
    (
        "Driving with a newborn",
        "Quiet cabins, child seats and why new parents love one-pedal driving.",
    ),
    (
        "The volunteer crew behind owners' day",
        "Who builds the stage, greets 500 owners and sweeps up at midnight.",
    ),
    (
        "Electric road trips with a dog",
        "Pet mode, water bowls and dog-friendly stops between {city_en} and the coast.",
    ),
    (
        "Charging etiquette 101",
        "Moving your car when it is full, sharing tips in the app, and being kind at busy "
        "stations.",
    ),
    (
        "Why we bought a second electric car",
        "A family adds an ES8 to their ET5 and talks through the trade-offs.",
    ),
    (
        "Night drives and city lights in {city_en}",
        "A quiet episode: ambient music, an empty ring road and an owner's thoughts after "
        "midnight.",
    ),
    (
        "From test drive to delivery in 30 days",
        "A new owner records every step: the test drive, the order, the wait and the keys.",
    ),
    (
        "Winter tyres, snow chains and mountain passes",
        "Owners who drive to the ski resorts share what worked and what did not.",
    ),
    (
        "A battery engineer answers your questions",
        "Degradation, fast charging and cold weather: listeners' questions, answered.",
    ),
    (
        "Small business owners who drive electric",
        "A florist, a baker and a photographer on running errands with a {model}.",
    ),
    (
        "Rural charging: going where the map is empty",
        "Planning a trip through small towns with slow chargers and patient friends.",
    ),
    (
        "Learning to drive at fifty",
        "A listener who got her licence at fifty on why her first car is an electric one.",
    ),
    (
        "Grandma's first ride",
        "An owner takes his 85-year-old grandmother on her first electric car trip. "
        "She has opinions.",
    ),
]

SUBMISSIONS = [
    Submission(
        "shanghai",
        "fan",
        EpisodeState.SUBMITTED,
        "投稿：还没买车的我，蹭了三次车主的长途",
        "一个粉丝的视角：坐在副驾上看换电、听车主们聊天，越听越想买车。",
    ),
    Submission(
        "shanghai",
        None,
        EpisodeState.SUBMITTED,
        "Listener submission: my commute in {city_en}, recorded live",
        "Forty minutes, unedited, from the driveway to the office car park.",
    ),
    Submission(
        "beijing",
        None,
        EpisodeState.SUBMITTED,
        "投稿：周末菜市场与前备箱",
        "前备箱装菜、后备箱装花，{city}的周末早上。",
    ),
    Submission(
        "chengdu",
        None,
        EpisodeState.SUBMITTED,
        "Listener submission: teaching my daughter to drive",
        "She passed her test last month. Twenty lessons in an electric car, told by both of us.",
    ),
    Submission(
        "hangzhou",
        None,
        EpisodeState.REJECTED,
        "投稿：{city}充电站测评（录音版）",
        "把{city}的十个充电站挨个测了一遍，附上每个站的实测功率。",
        "音频后半段有爆音，重新录一下再投稿吧。"
        "The audio clips in the second half; please re-record and send it again.",
    ),
    Submission(
        "shanghai",
        "owner",
        EpisodeState.DRAFT,
        "上海站：下个月的节目单",
        "下个月想做三期：夜班车主、露营季和新车交付。欢迎在评论区点题。",
    ),
]

# What a head says when approving a listener's episode ("" says nothing).
APPROVAL_NOTES = [
    "",
    "欢迎投稿，已上线！Welcome aboard, it's live!",
    "剪辑很用心。Nicely edited.",
    "",
    "Great story, thanks for sending it in.",
]

EPISODE_COMMENTS = [
    "这期太好听了，通勤路上一口气听完",
    "Great episode, listened on my commute.",
    "主播的声音好治愈",
    "Which swap station was that?",
    "求下期聊聊冬季续航",
    "More episodes like this please!",
    "听完马上想去自驾",
    "I laughed at the part about the dog.",
    "同城车主报到！",
    "Can you share the route?",
    "背景音乐叫什么名字？",
    "Thanks for the tips on home charging.",
    "下次录节目叫上我",
    "Loved the guest, invite her again.",
]


@dataclass(frozen=True)
class CollectionSpec:
    slug: str
    title: str
    description: str
    # The curator's note on each item, in order: as many items as notes.
    notes: tuple[str, ...]


YEARBOOK = CollectionSpec(
    "owners-yearbook-2026",
    "车主故事年鉴 2026 · Owners' Yearbook 2026",
    "一年里车主们一起写下、拍下、录下的故事，由社区编辑和星河发现官挑选。"
    "The year's owners' stories in words, photos and sound, made together and picked by the "
    "community team and the story scouts.",
    (
        "开篇：一年从这里开始。Where the year begins.",
        "细节里全是生活。Life is in the details.",
        "认真生活的人，写下的认真故事。An honest story, honestly told.",
        "写给所有新车主。For every new owner.",
        "读完心里暖暖的。It leaves you warm.",
        "几位车主一起完成的作品。Made by several owners together.",
        "读完就想出发。You will want to hit the road after this one.",
        "关于车，更关于人。About the car, and more about the people.",
        "编辑部最喜欢的一篇。The editors' favourite.",
        "一座城市的日常。A city's everyday life.",
        "真实，不加滤镜。Real, with no filter.",
        "年度压轴。Closing the year.",
    ),
)
RADIO_HIGHLIGHTS = CollectionSpec(
    "radio-highlights",
    "电台精选 · Radio Highlights",
    "各城市分站最值得一听的节目，由听友和分站长推荐。"
    "The best of the city stations, recommended by listeners and station heads.",
    (
        "电台里点赞最多的一期。The most-liked episode on the radio.",
        "通勤路上的最佳陪伴。The best company for a commute.",
        "主持人的节奏太舒服了。The pacing is just right.",
        "适合周末慢慢听。One for a slow weekend.",
        "干货满满，建议收藏。Packed with tips: save it for later.",
        "城市的声音，原汁原味。The city's own sound, unedited.",
        "听完就想出发。You will want to pack the car.",
        "听友们反复推荐。Listeners keep recommending this one.",
        "新听友从这一期开始。Where new listeners should start.",
        "收尾之选：温柔的一期。To close: a gentle one.",
    ),
)

FEATURE_NOTES = [
    "本周精选。Featured this week.",
    "编辑推荐：认真记录生活的车主。Editor's pick: owners who record their lives with care.",
    "社区共创佳作。A fine piece of community co-creation.",
    "值得一听再听。Worth a second listen.",
    "本月最佳故事。Story of the month.",
]
