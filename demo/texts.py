"""The demo county's texts and tables: its people and places, and what the people in the loop
write. Pure data; `topics` holds the kinds of problem the enterprises raise."""
from models import MeetingKind, Role, Satisfaction

COUNTY = "秦川县"


# --- the county's people and places ------------------------------------------------------

# (code, name, handler's name): each department's handler is its login and responsible person.
DEPARTMENTS = (
    ("fgj", "县发改局", "张卫东"), ("zrj", "县自然资源局", "李建军"),
    ("scj", "县市场监管局", "王丽娟"), ("zjj", "县住建局", "赵国强"),
    ("jtj", "县交通运输局", "刘海涛"), ("rsj", "县人社局", "陈晓燕"),
    ("swj", "县税务局", "杨志华"), ("hbj", "县生态环境局", "周文斌"),
    ("spj", "县行政审批服务局", "吴静"), ("czj", "县财政局", "郑永刚"),
    ("gxj", "县工信局", "孙鹏"), ("shwj", "县商务局", "马晓军"),
    ("slj", "县水利局", "胡建平"), ("gaj", "县公安局", "郭志强"),
    ("gdgs", "供电分公司", "何亮"), ("nyj", "县农业农村局", "罗春梅"),
    ("cgz", "城关镇", "高峰"), ("yjz", "杨家镇", "杨帆"), ("hxz", "河西镇", "梁永红"),
    ("byz", "北塬镇", "宋振华"), ("dcjd", "东川街道办", "唐敏"),
)
# (username, role, name, post)
STAFF = (
    ("admin", Role.ADMIN, "系统管理员", ""),
    ("yingshang", Role.COORDINATOR, "刘娜", "县营商办"),
    ("yingshang2", Role.COORDINATOR, "韩磊", "县营商办"),
    ("huawu", Role.OPERATOR, "姚倩", "县长专线话务员"),
    ("huawu2", Role.OPERATOR, "许晨", "县长专线话务员"),
    ("ducha", Role.SUPERVISOR, "董建设", "县委督查办"),
    ("xianzhang", Role.LEADER, "赵志远", "县长"),
    ("changwu", Role.LEADER, "钱振国", "常务副县长"),
    ("fuxianzhang", Role.LEADER, "冯立新", "副县长"),
)
# Department logins listed beside the staff ones; the others follow the same pattern.
LISTED_DEPARTMENTS = ("fgj", "zrj", "gdgs", "cgz")

TOWNSHIPS = ("城关镇", "杨家镇", "河西镇", "北塬镇", "东川街道办", "南山镇", "柳林镇", "石门镇")
TOWN_DEPARTMENTS = {"城关镇": "cgz", "杨家镇": "yjz", "河西镇": "hxz", "北塬镇": "byz",
                    "东川街道办": "dcjd"}
PARKS = {"城关镇": "秦川县工业园区", "河西镇": "河西食品产业园", "北塬镇": "北塬现代农业园区",
         "东川街道办": "东川物流园"}
ROADS = ("园区东路", "创业大道", "X203县道", "杨河公路", "北塬产业路", "东川物流大道", "河西滨河路")
CROPS = ("猕猴桃", "苹果", "食用菌", "中药材", "设施蔬菜", "花椒")
AMOUNTS = (36, 48, 85, 120, 160, 230, 380, 520, 860)  # 万元
TRADES = ("一线操作工", "技术工人", "电工", "叉车司机", "质检员", "仓储管理员")

BRANDS = ("宏达", "鑫源", "华泰", "秦丰", "瑞丰", "金穗", "绿源", "恒通", "永盛", "天宇", "博远",
          "兴业", "同心", "嘉禾", "裕丰", "汇川", "荣晟", "德润")
# Industry → what such a firm makes or handles.
INDUSTRIES = {"机械制造": "农机配件", "食品": "预制菜", "农业科技": "食用菌", "物流": "冷链果蔬",
              "建材": "新型建材", "纺织": "针织服装", "电子科技": "电子元器件", "新能源": "光伏组件",
              "包装": "包装纸箱", "中药材": "中药饮片", "果业": "果汁饮料", "商贸": "日用百货",
              "建筑工程": "商品混凝土", "汽车服务": "汽车零部件"}
# Each (brand, industry) pair once: 18 brands and 14 industries cycle without repeating.


def _enterprises(count: int = 42) -> tuple[tuple[str, str], ...]:
    """(name, industry); 18 brands and 14 industries cycle without repeating a pair."""
    industries = list(INDUSTRIES)
    pairs = ((BRANDS[k % len(BRANDS)], industries[k % len(industries)]) for k in range(count))
    return tuple((f"{COUNTY}{brand}{industry}有限公司", industry) for brand, industry in pairs)


ENTERPRISES = _enterprises()
MANUFACTURING = ("机械制造", "电子科技", "新能源", "包装", "纺织", "建材")
SHOPS = ("面馆", "农资店", "超市", "汽修店", "餐馆", "建材门市部", "果品店")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林梁宋郑谢韩唐冯董程曹袁邓许沈彭吕"
            "苏蒋贾魏薛叶潘杜夏田任姜范石姚谭邹金郝白康秦史侯孟雷武乔贺")
GIVEN_NAMES = ("建国", "志强", "秀兰", "海燕", "晓东", "国华", "卫平", "丽萍", "军", "红梅", "永福",
               "春生", "宏伟", "玉兰", "德明", "俊杰", "文静", "凤英", "振华", "小军", "美玲", "长安",
               "淑芬", "占武", "学文", "亚楠", "明", "利民", "新民", "雪梅")
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "153", "155", "158",
                   "159", "177", "180", "181", "186", "187", "189", "191", "199")

# --- what the people in the loop write -----------------------------------------------------

ASSIGN_NOTES = ("请按时限办结并及时向企业反馈", "请主要负责同志亲自过问", "会上明确的解决路径请抓紧落实",
                "请先与企业对接，再制定办理方案")
LEAD_PROGRESS = ("已赴企业现场核实情况，正在研究解决方案", "已召开专题协调会，明确责任分工和时间节点",
                 "相关手续已进入审批环节，预计本周内完成", "已与企业负责人面对面沟通，企业认可办理方案")
CO_PROGRESS = ("我单位已配合完成现场勘查", "我单位已出具相关意见，配合主办单位推进",
               "已安排专人对接，相关材料已移交主办单位")
REOPEN_PROGRESS = "已重新组织核查，针对企业提出的意见逐项整改"
EVALUATION_REOPEN = "县营商办整改评估认定问题未解决，请重新办理并在新时限内报送结果"
REOPEN_REPLY = "针对回访中企业提出的意见重新核查整改。{result}"
URGE_NOTES = ("该件已超期，请于明日下班前报送办理进展", "请加快办理进度，逾期将在督查通报中点名",
              "企业多次来电催问，请抓紧办理")
INSTRUCT_NOTES = ("请{dept}主要负责同志亲自过问，确保按期办结", "此事关系企业正常生产经营，务必特事特办",
                  "请县营商办跟踪督办，办理结果报我")
VISIT_NOTES = {
    Satisfaction.SATISFIED: ("电话回访，企业对办理结果表示满意", "月末回访，企业负责人表示问题已解决"),
    Satisfaction.BASICALLY: ("企业表示基本满意，希望后续持续跟进", "问题已基本解决，企业希望进一步压缩办理时间"),
    Satisfaction.UNSATISFIED: ("企业反映问题未实际解决，要求重新办理", "企业表示答复内容与实际情况不符，退回重办"),
}
EXTENSION_REASONS = ("涉及跨部门协调，需报市级主管部门审批", "施工受天气影响，需延长工期",
                     "需等待第三方检测报告", "涉及资金拨付，需提请县政府常务会议研究")
EXTENSION_DECISIONS = {True: "同意延期，请在新的时限内办结", False: "延期理由不充分，请按原时限办结"}
SUSPEND_REASONS = ("需省级部门审批，超出县级权限", "受冬季施工期限制，待明年开春后实施",
                   "涉及历史遗留问题，需待市级政策出台后统一处置", "需纳入明年财政预算，待预算批复后实施")
RESUME_NOTE = "上级批复已下达，恢复办理"
# 提请上级: (level, agency, reason) and the document numbers, follow-ups and answers
ESCALATIONS = (("province", "省自然资源厅", "新增建设用地指标需省级审批，超出县级权限"),
               ("city", "市生态环境局", "环评审批权限在市级，需市级部门研究"),
               ("province", "省发展和改革委员会", "项目核准权限在省级，需省级部门研究"))
ESCALATION_DOCS = ("县政发〔2026〕{n}号", "县营商办函〔2026〕{n}号")
ESCALATION_FOLLOWUPS = ("电话询问上级主管部门，已进入审核程序，预计月底前答复",
                        "县营商办赴上级部门当面汇报，上级已要求补充材料")
ESCALATION_ANSWERS = ("上级部门已批复同意，请按批复意见抓紧实施",
                      "上级部门答复：纳入下一批次统筹解决，请先行做好前期工作")
REJECT_NOTES = (("out_of_scope", "属于民事合同纠纷，已告知当事人依法通过诉讼或仲裁途径解决"),
                ("out_of_scope", "属于市级事权，已告知向市级主管部门反映"),
                ("other", "反映内容不具体，多次联系反映人未果"))
MERGE_NOTES = {"duplicate": "与{code}反映的问题相同，不再重复受理", "merged": "与{code}属同一事项，合并办理"}
WITHHOLD_REASONS = ("涉及企业商业秘密，经征求企业意见不予公开", "涉及正在查处的案件，暂不公开")
RETURN_REASON = "经核实，该事项不属于我单位职责范围，建议交由{dept}牵头办理"
RETURN_OVERRULED = ("该事项需多部门配合，我单位难以单独牵头，申请退回重新交办",
                    "经研究，仍由你单位牵头办理，相关部门配合")
REASSIGN_NOTE = "已按职责重新交办"

# How often each channel is the source of an issue.
CHANNEL_WEIGHTS = {"breakfast": 14, "forum": 10, "evening_tea": 22, "hotline": 22, "mailbox": 8,
                   "window": 10, "supervisor": 6, "visit": 10, "online": 12}
MEETING_CHANNELS = {"breakfast": MeetingKind.BREAKFAST, "forum": MeetingKind.FORUM,
                    "evening_tea": MeetingKind.EVENING_TEA}
ON_SPOT_CHANNELS = ("evening_tea", "hotline", "window", "forum")
# Channels whose issues are logged in office hours on working days.
OFFICE_CHANNELS = ("mailbox", "window", "visit", "supervisor")

MEETING_LOCATIONS = {MeetingKind.BREAKFAST: "县政府机关食堂二楼会议室", MeetingKind.FORUM: "县行政中心一号会议室",
                     MeetingKind.EVENING_TEA: "县融媒体中心直播间", MeetingKind.OTHER: "县政府常务会议室"}

# 答复: the first, interim answer to the reporter while the work goes on.
INTERIM_ANSWERS = (
    "已收到您反映的问题，我单位已安排专人现场核实，预计两周内办结，办结后再行答复。",
    "经初步核实，问题属实，已制定办理方案，正在协调相关单位，办理进展将及时告知。",
    "已与贵企业负责人电话沟通，明确了办理路径和时限，办结后书面答复。",
)
# 办理情况报告 to the lead leader.
REPORTS = (
    "关于该问题的办理情况报告：{result} 反映人已知悉办理结果。",
    "现将办理情况报告如下：{result} 下一步将跟踪落实，防止问题反弹。",
)
# 回访未联系上, and the 销号 that follows three of them.
UNREACHED_NOTES = ("电话回访无人接听。", "反映人电话已停机，短信未回复。", "致电企业，前台称负责人外出，留言未回电。")
CLOSE_OFF_REASON = "三次回访均未联系上反映人，办理结果已短信告知，经县营商办研究予以销号。"
# 整改评估's evidence, per verdict.
EVALUATION_EVIDENCE = {
    "resolved": ("现场核查，问题已整改到位，企业确认", "查阅办理材料并回访企业，诉求已解决",
                 "督查组实地查看，整改措施已落实"),
    "partial": ("主要诉求已解决，后续配套工作仍在推进", "已完成阶段性整改，剩余事项列入下季度计划"),
    "unresolved": ("现场核查发现问题仍然存在，企业反映未得到解决", "整改措施未落实，需承办单位重新办理"),
    "not_feasible": ("涉及上级审批事项，本县暂不具备解决条件", "受资金和规划制约，暂不具备解决条件"),
}

# What reporters objected to in a plan put to them (征求意见), and the office's reason to go ahead.
PLAN_OBJECTIONS = ("希望先解决货车临时通行，再安排整体改造", "方案时间太长，希望本月内先解决用电问题",
                   "方案没有提到费用由谁承担，请说明")
PLAN_PROCEED_REASON = "已电话向反映人说明：所提意见已纳入方案第一步落实，按原方案推进。"

# 企业评议: what enterprises wrote beside their score of a department (5 and 4 often say nothing),
# and the few low scores, each with the concrete reason the page asks for.
RATING_COMMENTS = {
    5: ("办理及时，工作人员主动上门对接，问题当月就解决了。", "部门负责人亲自协调，答复清楚，非常满意。",
        "服务态度好，办理进度每周电话告知。", "一次就办成了，没有让企业来回跑。"),
    4: ("问题解决了，就是前期沟通稍慢，希望签收后尽早联系企业。", "总体满意，办理结果认可，答复材料可以再简明一些。",
        "办理到位，建议后续回访时到现场看看。"),
    3: ("问题基本解决，但用了两个多月，中间催了几次才有进展。", "答复说已解决，实际还有一部分没落实，希望继续跟进。",
        "工作人员态度不错，但办理周期偏长。"),
}
LOW_RATINGS = (
    (2, "答复说已办结，实际只到现场处理了一次，问题没有解决；再打电话时工作人员说不归他们管，希望到现场核实后再答复。"),
    (1, "两个月里三次打电话询问都说在协调，没有任何进展，也没有人上门了解情况，已经影响企业按期交货。"),
)
