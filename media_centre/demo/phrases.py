"""The demo archive's phrase banks: English and Traditional Chinese side by side.

Simplified Chinese is made from the Traditional text once per phrase (`Bank`), never per row.
Every name here is invented; organisations are all called “Demo …” (示範…). The text avoids
`&`, `<`, `>` and straight quotes so that it goes into rich text without escaping.
"""

# (slug without the demo- prefix, English name, Traditional Chinese name)
TOPICS = [
    ("wealth-management", "Wealth management", "財富管理"),
    ("insurance-markets", "Insurance markets", "保險市場"),
    ("digital-assets", "Digital assets", "數字資產"),
    ("payments", "Payments", "支付"),
    ("capital-markets", "Capital markets", "資本市場"),
    ("bond-markets", "Bond markets", "債券市場"),
    ("family-offices", "Family offices", "家族辦公室"),
    ("talent-development", "Talent development", "人才培育"),
    ("financial-literacy", "Financial literacy", "理財教育"),
    ("asset-management", "Asset management", "資產管理"),
    ("carbon-markets", "Carbon markets", "碳市場"),
    ("regulatory-technology", "Regulatory technology", "監管科技"),
    ("market-infrastructure", "Market infrastructure", "市場基建"),
    ("rmb-internationalisation", "RMB internationalisation", "人民幣國際化"),
    ("private-equity", "Private equity", "私募股權"),
    ("retirement-savings", "Retirement savings", "退休儲蓄"),
    ("sustainability-disclosure", "Sustainability disclosure", "可持續披露"),
    ("cyber-resilience", "Cyber resilience", "網絡韌性"),
    ("trade-finance", "Trade finance", "貿易融資"),
    ("commodities-trading", "Commodities trading", "商品交易"),
]
TOPIC_DESCRIPTION = (
    "Demonstration topic: items about {topic}.",
    "示範主題：有關{topic}的內容。",
)

CITIES = [
    ("Hong Kong", "香港"),
    ("Shanghai", "上海"),
    ("Shenzhen", "深圳"),
    ("Singapore", "新加坡"),
    ("London", "倫敦"),
    ("Beijing", "北京"),
    ("Guangzhou", "廣州"),
    ("Macao", "澳門"),
]
TIME_ZONES = {
    "Hong Kong": "Asia/Hong_Kong",
    "Shanghai": "Asia/Shanghai",
    "Shenzhen": "Asia/Shanghai",
    "Singapore": "Asia/Singapore",
    "London": "Europe/London",
    "Beijing": "Asia/Shanghai",
    "Guangzhou": "Asia/Shanghai",
    "Macao": "Asia/Macau",
}

# Organisations: “Demo <place> <field> <kind>”, “示範<place><field><kind>”.
ORG_PLACES = [
    ("Harbourside", "海濱"),
    ("Eastern Bay", "東灣"),
    ("Lantern Hill", "燈籠山"),
    ("Jade River", "玉河"),
    ("Silver Gate", "銀門"),
    ("North Cape", "北岬"),
    ("Cedar Island", "柏島"),
    ("Crescent Bay", "新月灣"),
    ("Summit Park", "峰園"),
    ("Riverside", "河畔"),
]
ORG_FIELDS = [
    ("Finance", "金融"),
    ("Markets", "市場"),
    ("Investment", "投資"),
    ("Banking", "銀行業"),
    ("Insurance", "保險"),
    ("Fintech", "金融科技"),
    ("Sustainable Finance", "可持續金融"),
    ("Capital", "資本"),
]
# (Organisation.Kind value, English, Traditional Chinese)
ORG_KINDS = [
    ("council", "Council", "委員會"),
    ("regulator", "Authority", "管理局"),
    ("research-centre", "Research Centre", "研究中心"),
    ("association", "Association", "協會"),
    ("company", "Holdings", "控股"),
    ("government", "Office", "辦公室"),
]

# People: invented given names and surnames, and Chinese names made of common characters.
GIVEN_NAMES = [
    "Avery", "Jordan", "Morgan", "Quinn", "Riley", "Casey", "Rowan", "Emerson",
    "Hayden", "Skyler", "Taylor", "Kai", "Logan", "Reese", "Sage", "Drew",
]  # fmt: skip
SURNAMES = [
    "Ashcombe", "Brightwell", "Caldmoor", "Dunhallow", "Eldermere", "Fairhaven",
    "Glenridge", "Harrowgate", "Ivybrook", "Kestrelby", "Larkfield", "Marchbank",
    "Northcott", "Oakhurst", "Penhallow", "Quillon", "Ravensby", "Stonemere",
]  # fmt: skip
CHINESE_SURNAMES = ["陳", "李", "張", "黃", "何", "林", "梁", "吳", "鄭", "馮", "蕭", "葉"]
CHINESE_GIVEN = [
    "嘉樂", "詠詩", "浩然", "家穎", "子晴", "俊傑", "思慧", "志明",
    "嘉欣", "卓謙", "曉彤", "文軒", "凱琳", "柏熙", "芷晴", "健聰",
]  # fmt: skip
HONORIFICS = [("Mr", "先生"), ("Ms", "女士"), ("Dr", "博士"), ("Prof", "教授")]
BIO = (
    "{name} is a fictional speaker created for the newsroom demonstration archive. "
    "They hold positions at the {org} and speak on {topic}.",
    "{name}是為新聞中心示範資料而虛構的講者，任職於{org}，主講{topic}。",
)
POSITION_TITLES = [
    ("Chairman of the {org}", "{org}主席"),
    ("Chief Executive of the {org}", "{org}行政總裁"),
    ("Director of the {org}", "{org}總監"),
    ("Deputy Director of the {org}", "{org}副總監"),
    ("Head of Research, {org}", "{org}研究主管"),
    ("Board Member of the {org}", "{org}董事會成員"),
    ("Senior Economist, {org}", "{org}高級經濟師"),
]

EVENT_KINDS = [
    ("seminar", "seminar", "研討會"),
    ("forum", "forum", "論壇"),
    ("conference", "conference", "會議"),
    ("roundtable", "roundtable", "圓桌會議"),
    ("signing", "signing ceremony", "簽署儀式"),
]

HEADLINES = [
    ("{org} publishes report on {topic}", "{org}發表{topic}報告"),
    (
        "{org} and {org2} sign memorandum to deepen cooperation in {topic}",
        "{org}與{org2}簽署備忘錄深化{topic}合作",
    ),
    ("{org} hosts {kind} on {topic} in {city}", "{org}在{city}舉辦{topic}{kind}"),
    ("{org} welcomes new measures on {topic}", "{org}歡迎{topic}新措施"),
    ("{org} responds to public consultation on {topic}", "{org}回應{topic}公眾諮詢"),
    ("{org} launches programme to strengthen {topic}", "{org}推出計劃加強{topic}"),
    ("{org} delegation visits {city} to promote {topic}", "{org}代表團訪問{city}推廣{topic}"),
    ("{org} announces annual review of {topic}", "{org}公布{topic}年度檢討"),
    ("{org} appoints new members to advisory panel on {topic}", "{org}委任{topic}諮詢小組新成員"),
    ("{org} and {org2} co-organise {kind} on {topic}", "{org}與{org2}合辦{topic}{kind}"),
    ("{org} releases {year} statistics on {topic}", "{org}公布{year}年{topic}統計數字"),
    ("{org} calls for closer collaboration on {topic}", "{org}呼籲加強{topic}協作"),
]
SUMMARIES = [
    (
        "The {org} today announced new work on {topic} in {city}.",
        "{org}今日在{city}公布有關{topic}的新工作。",
    ),
    (
        "The {org} set out its views on {topic} and the next steps for the market.",
        "{org}闡述對{topic}的看法及市場的下一步發展。",
    ),
    (
        "Representatives of the {org} and the {org2} met in {city} to discuss {topic}.",
        "{org}與{org2}代表在{city}會面，討論{topic}。",
    ),
    (
        "The {org} published its findings on {topic} for {year}.",
        "{org}公布{year}年有關{topic}的研究結果。",
    ),
]
SENTENCES = [
    (
        "The {org} said that {topic} remains a priority for the coming year.",
        "{org}表示，{topic}仍是來年的工作重點。",
    ),
    (
        "Participants from the industry, academia and the public sector shared their views on "
        "{topic}.",
        "來自業界、學術界及公營機構的參與者就{topic}分享意見。",
    ),
    (
        "The report sets out recommendations to strengthen the competitiveness of the market.",
        "報告提出多項建議，以提升市場競爭力。",
    ),
    (
        "The {org} will continue to work with partners in {city} and beyond.",
        "{org}將繼續與{city}及其他地區的夥伴合作。",
    ),
    (
        "The initiative forms part of a programme launched in {year}.",
        "這項措施是{year}年推出的計劃的一部分。",
    ),
    (
        "Speakers highlighted the importance of talent, data and sound regulation.",
        "講者強調人才、數據及穩健監管的重要性。",
    ),
    (
        "The {org} welcomes comments from the public until the end of the consultation period.",
        "{org}歡迎公眾在諮詢期結束前提出意見。",
    ),
    (
        "Market participants expect {topic} to grow steadily over the next five years.",
        "市場參與者預期{topic}在未來五年穩步增長。",
    ),
    (
        "The {org} and the {org2} agreed to exchange research and to organise joint events.",
        "{org}與{org2}同意交流研究成果並合辦活動。",
    ),
    (
        "A summary of the discussion will be published on the website of the {org}.",
        "討論摘要將於{org}網站公布。",
    ),
    (
        "The {org} thanked all participants for their contributions.",
        "{org}感謝所有參與者的貢獻。",
    ),
    (
        "The measures aim to deepen connectivity between markets in the region.",
        "有關措施旨在深化區內市場之間的互聯互通。",
    ),
    (
        "Risk management and investor protection remain central to the work on {topic}.",
        "風險管理及投資者保障仍是{topic}工作的核心。",
    ),
    ("The next meeting is expected to take place in {city}.", "下一次會議預計在{city}舉行。"),
]
DEMO_NOTE = (
    "This is demonstration content, generated for testing and benchmarks.",
    "本文為示範內容，供測試及效能評估之用。",
)
QUOTES = [
    (
        "We will keep working with our partners to make {topic} a strength of this market.",
        "我們會繼續與合作夥伴攜手，使{topic}成為這個市場的優勢。",
    ),
    (
        "Closer cooperation between {city} and the region will benefit investors and companies.",
        "{city}與區內加強合作，將惠及投資者及企業。",
    ),
    (
        "Sound rules and open markets go hand in hand; {topic} shows what they can achieve.",
        "穩健的規則與開放的市場相輔相成，{topic}正好說明兩者的成效。",
    ),
    (
        "Talent is the foundation of every financial centre, and we will invest in it.",
        "人才是每個金融中心的基礎，我們會在這方面投放資源。",
    ),
    (
        "The findings give us a clear plan for the next five years.",
        "研究結果為我們未來五年訂下清晰的計劃。",
    ),
]

EVENT_TITLES = [
    ("{topic_title} {kind_title} {year}", "{year}年{topic}{kind}"),
    ("{org} {kind_title} on {topic}", "{org}{topic}{kind}"),
    ("Annual {kind_title} on {topic}", "{topic}年度{kind}"),
    ("{city} Dialogue on {topic}", "{city}{topic}對話"),
]
EVENT_SUMMARIES = [
    (
        "The {kind} brought together speakers from {city} and the region to discuss {topic}.",
        "這個{kind}匯聚{city}及區內講者，探討{topic}。",
    ),
    (
        "Organised by the {org}, the {kind} looked at recent developments in {topic}.",
        "由{org}主辦的{kind}探討{topic}的最新發展。",
    ),
]
VENUES = [
    ("Demo Convention Centre, Hall 3", "示範會議展覽中心3號館"),
    ("Demo Tower, Level 20", "示範大廈20樓"),
    ("Demo University Auditorium", "示範大學禮堂"),
    ("Demo Harbour Hotel Ballroom", "示範海港酒店宴會廳"),
]
OCCASION = ("Demo Finance Week {year}", "{year}年示範金融周")
SESSIONS = [
    ("Opening session", "開幕環節"),
    ("Keynote address", "主題演講"),
    ("Panel discussion on {topic}", "{topic}專題討論"),
    ("Fireside chat", "爐邊對談"),
    ("Closing remarks", "閉幕致辭"),
]
SESSION_DESCRIPTION = (
    "Speakers discuss {topic} and take questions from the audience.",
    "講者探討{topic}，並回答觀眾提問。",
)

MOU_TITLE = (
    "Memorandum of Understanding between the {org} and the {org2}",
    "{org}與{org2}合作備忘錄",
)
MOU_SUMMARY = (
    "The {org} and the {org2} agreed to cooperate on {topic}, with joint research and events.",
    "{org}與{org2}同意在{topic}方面合作，包括聯合研究及活動。",
)

STUDY_TITLES = [
    ("{topic_title}: Opportunities for {city} in {year}", "{year}年{city}{topic}的機遇"),
    ("The Future of {topic} in the Region", "區內{topic}的未來"),
    ("Building a Stronger Market for {topic}", "建立更強大的{topic}市場"),
    ("{topic_title} after {year}: A Review", "{year}年後的{topic}：回顧"),
]
STUDY_ABSTRACT = (
    "This study by the {org} reviews {topic} in {city} and sets out recommendations for "
    "policy makers and market participants.",
    "{org}這份研究檢視{city}的{topic}，並向政策制定者及市場參與者提出建議。",
)

WITHDRAWN_REASON = "Withdrawn: this demonstration item was replaced by a later announcement."
