"""The demo county (秦川县): departments, users of every role, meetings, and issues that have
run the loop at past moments, every step taken through the service layer.

Each issue follows a scenario (published, overdue, extended, reopened, …). The scenarios are
generators of acts; the acts of all issues are performed in time order, so codes, timeline
events and SMS rows are numbered in the order they happened.
"""
import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, update
from sqlmodel import Session

from models import (
    ROLE_LABELS,
    Department,
    Issue,
    Meeting,
    MeetingKind,
    Role,
    Satisfaction,
    SmsMessage,
    SmsStatus,
    User,
)

from .calendar import LOCAL_TZ, WEEKDAYS, local_date
from .directory import create_department, create_user
from .errors import Conflict
from .intake import create_issue
from .meetings import create_meeting
from .workflow import WorkflowOptions, transition

DEMO_PASSWORD = "Demo-2026"
COUNTY = "秦川县"
OPTIONS = WorkflowOptions()
HISTORY_DAYS = 170

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

# --- what the enterprises raise ------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """One kind of problem. Texts are templates over `_fill`; `lead`/`co` are department codes,
    "town" standing for the township's own government."""

    key: str
    category: str
    type: str
    lead: str
    co: tuple[str, ...]
    titles: tuple[str, ...]
    content: str
    plan: str
    result: str
    summary: str
    industries: tuple[str, ...] = ()  # the kinds of firm that raise it; () any
    individuals: bool = False         # also raised by individual businesses and residents


TOPICS = (
    Topic("permit", "行政审批", "help", "spj", ("zjj",),
          ("扩建项目施工许可审批时间过长", "厂房扩建施工许可迟迟办不下来"),
          "{org}在{park}的扩建项目已取得规划许可，{n}周前提交施工许可申请，至今仍在等施工图审查意见。"
          "新购设备已经到货，厂房不能开工，设备只能露天存放，请求加快审批。",
          "县行政审批服务局牵头，会同县住建局对施工图并联审查，审查意见一次性告知企业，同步指派帮办代办员全程跟进。",
          "已组织县住建局和设计单位现场会审，企业按一次性告知意见修改图纸后，施工许可证已核发；"
          "帮办代办员将继续跟进竣工验收等后续手续。",
          "{town}一企业反映扩建项目施工许可审批时间长。县行政审批服务局会同县住建局并联审查、一次性告知修改意见，"
          "施工许可证已核发，后续手续由帮办代办员全程跟进。",
          industries=MANUFACTURING),
    Topic("land_quota", "用地保障", "help", "zrj", ("fgj",),
          ("新建生产线项目缺少建设用地指标", "重点项目用地报批进展缓慢"),
          "{org}计划投资{invest}在{town}新建{product}生产线，项目已备案，但选址地块尚未落实新增建设用地指标，"
          "土地报批无法启动，企业担心错过明年投产计划。",
          "县自然资源局将项目纳入年度用地保障清单，优先安排新增建设用地计划指标并同步组卷报批；县发改局做好前期手续衔接。",
          "已将项目纳入县级重点项目用地保障清单并调剂安排用地指标，用地报批材料已上报市自然资源局审查，"
          "预计{months}个月内完成供地，企业可同步开展设计等前期工作。",
          "{town}一企业反映新建项目缺少建设用地指标。县自然资源局已将项目纳入年度用地保障清单，调剂安排指标并上报用地审批，"
          "预计{months}个月内完成供地。",
          industries=MANUFACTURING + ("食品", "中药材", "果业")),
    Topic("property_cert", "证照办理", "help", "zrj", ("zjj", "spj"),
          ("企业厂房不动产权证多年未能办理", "历史遗留厂房办证难"),
          "{org}{years}年前在{town}购地建厂，因当时规划验收手续不全，厂房至今办不了不动产权证，"
          "向银行申请抵押贷款时无法提供产权证明，影响融资。",
          "按历史遗留问题“一企一策”处置，县自然资源局牵头，县住建局补办规划核实和竣工验收，县行政审批服务局开通首次登记绿色通道。",
          "已按“一企一策”完成规划核实和竣工验收备案，不动产登记中心开通绿色通道，企业不动产权证已办结领取，可正常办理抵押融资。",
          "{town}一企业反映厂房因历史遗留问题多年无法办理不动产权证。相关部门按“一企一策”补办手续，不动产权证已办结，"
          "企业可正常办理抵押融资。"),
    Topic("power", "水电气保障", "help", "gdgs", ("fgj",),
          ("新建厂房用电报装周期长", "企业申请增容供电迟迟未接电"),
          "{org}新建厂房已竣工，{n}周前申请{kva}千伏安专变报装，至今配套线路仍未开工，"
          "生产线调试只能靠柴油发电机，每天多支出两千多元。",
          "供电分公司对该项目实行“三零三省”办电服务，成立专人小组压缩线路设计和施工周期，同步协调占道施工审批。",
          "已开辟办电绿色通道，配套线路工程已完工送电，企业生产线正常调试运行，接入工程费用按政策由供电企业承担。",
          "{town}一企业反映新建厂房用电报装周期长。供电分公司开辟绿色通道，配套线路工程已完工送电，接入工程费用按政策由供电企业承担。",
          industries=MANUFACTURING + ("食品",)),
    Topic("water", "水电气保障", "help", "slj", ("zjj", "town"),
          ("园区供水管网未接通，企业靠拉水生产", "企业生产用水压力不足"),
          "{park}北片区供水管网一直未接通，{org}等{count}家企业生产用水只能用罐车拉运，成本高、供应不稳定，"
          "夏季用水高峰经常停产。",
          "县水利局牵头制定北片区供水管网延伸方案，县住建局配合办理施工手续，属地政府协调管线沿线群众工作。",
          "北片区供水管网延伸工程已完工通水，片区企业已接入市政供水，管网压力经检测符合生产要求。",
          "{park}北片区企业反映供水管网未接通、生产用水靠拉运。县水利局牵头实施管网延伸工程，现已通水，片区企业全部接入市政供水。"),
    Topic("gas", "水电气保障", "help", "zjj", ("fgj",),
          ("食品加工企业天然气接入迟迟未落实", "天然气接入费用过高"),
          "{org}主要生产{product}，锅炉需要改用天然气，但燃气公司答复中压管线尚未铺设到位，接入时间无法确定，"
          "报出的接入费用也明显偏高。",
          "县住建局约谈燃气经营企业，核定接入工程费用标准，明确中压管线铺设时间表；县发改局对收费情况开展价格核查。",
          "燃气企业已按核定标准重新报价，接入费用下降约三成；中压管线已铺设到位，企业锅炉完成“煤改气”并通气运行。",
          "{town}一企业反映天然气接入慢、费用高。县住建局约谈燃气经营企业并核定收费标准，管线已铺设通气，接入费用下降约三成。",
          industries=("食品", "果业", "中药材")),
    Topic("arrears_project", "账款拖欠", "complaint", "czj", ("zjj", "town"),
          ("政府投资项目工程款拖欠{months}个月未付", "{town}道路改造工程尾款迟迟不结算"),
          "{org}承建的{town}{road}提升改造工程已于去年竣工验收，审计结算后尚有工程款{amount}未支付，"
          "企业垫资压力大，拖欠农民工工资的风险在增加。",
          "县财政局会同项目建设单位核对结算审计结果，制定分期清偿计划，优先保障农民工工资部分支付。",
          "拖欠款项已纳入清欠台账，首期款项已拨付到位，其余款项按约定在{months}个月内付清，农民工工资已全额保障。",
          "企业反映{town}道路改造工程款拖欠未付。县财政局会同建设单位核实结算，首期款项已拨付，剩余款项按分期清偿计划支付，"
          "农民工工资已全额保障。",
          industries=("建筑工程",)),
    Topic("arrears_soe", "账款拖欠", "complaint", "gxj", ("czj",),
          ("县属国有企业拖欠货款", "国有平台公司拖欠材料款"),
          "{org}向县属国有平台公司供应建材，合同约定验收后60日内付款，现已逾期{months}个月，累计{amount}未付，"
          "多次催要均以资金紧张为由推脱。",
          "县工信局会同县财政局召开协调会，督促平台公司核对账目、制定还款计划，纳入清理拖欠企业账款专项行动台账。",
          "平台公司已与企业签订还款协议，已支付{pct}%的欠款，剩余部分在本季度内付清，县工信局按月跟踪还款进度。",
          "企业反映县属国有平台公司拖欠货款。县工信局会同县财政局督促双方核对账目并签订还款协议，已支付大部分欠款，"
          "剩余款项按月跟踪清偿。",
          industries=("建材", "建筑工程")),
    Topic("guarantee_loan", "融资服务", "help", "czj", ("rsj",),
          ("小微企业申请创业担保贷款放款慢", "创业担保贷款反担保要求过高"),
          "{org}申请{loan}创业担保贷款，材料交到合作银行已经{n}周，银行又要求追加房产反担保，"
          "企业是轻资产经营，拿不出抵押物。",
          "县财政局协调担保中心与合作银行，对符合条件的小微企业按政策免除反担保，县人社局加快资格审核。",
          "经协调，担保中心已按政策为企业免除反担保，贷款已审批发放，县人社局同步落实贴息。",
          "{town}一小微企业反映创业担保贷款放款慢、反担保要求高。经县财政局协调担保中心和合作银行，已按政策免除反担保，"
          "贷款已发放并落实贴息。"),
    Topic("bank_pullback", "融资服务", "help", "czj", ("gxj",),
          ("银行到期抽贷导致企业资金链紧张", "企业续贷困难请求协调"),
          "{org}在某银行的{amount}流动资金贷款即将到期，银行通知到期后不再续贷。企业订单正常但回款周期长，"
          "一旦被抽贷将影响原材料采购和工资发放。",
          "县财政局召集银行、企业三方座谈，推动银行落实无还本续贷政策，县工信局提供企业经营情况证明。",
          "经三方协调，银行已同意为企业办理无还本续贷，贷款期限延长一年，企业资金周转恢复正常。",
          "{town}一企业反映银行到期抽贷。经县财政局组织银企座谈，银行已办理无还本续贷，企业资金周转恢复正常。"),
    Topic("recruit", "用工服务", "help", "rsj", ("gxj",),
          ("园区企业招工难，技术工人短缺", "企业急需招聘{count}名{trade}"),
          "{org}新接订单需要扩产，急需招聘{count}名{trade}，在网上连续发布招聘信息一个多月，应聘人员很少，"
          "订单交付面临违约风险。",
          "县人社局将企业用工需求纳入专场招聘会，通过公共就业服务平台和各镇（街道）劳务站定向推送岗位，同步对接县职教中心订单式培养。",
          "已为企业举办专场招聘会，现场达成就业意向{hired}人，并与县职教中心签订订单班协议，企业用工缺口已基本补齐。",
          "{park}一企业反映技术工人招工难。县人社局组织专场招聘并对接县职教中心订单式培养，企业用工缺口已基本补齐。"),
    Topic("job_subsidy", "政策咨询", "consult", "rsj", (),
          ("咨询稳岗返还和吸纳就业补贴申领条件", "咨询社保补贴申报流程"),
          "{org}今年新招用了{count}名脱贫劳动力和高校毕业生，想了解能否申请吸纳就业补贴和稳岗返还，需要准备哪些材料、到哪里办理。",
          "",
          "吸纳脱贫劳动力就业可申请一次性吸纳就业补贴；稳岗返还无需申报，符合条件的由系统自动发放。"
          "材料清单已短信发送，可在县政务服务中心人社窗口或网上一次办结。",
          "企业咨询吸纳就业补贴和稳岗返还政策。县人社局已解答申领条件，告知材料清单和办理渠道，相关补贴可网上一次办结。"),
    Topic("inspections", "执法检查", "complaint", "scj", ("hbj", "town"),
          ("多部门重复上门检查影响正常生产", "一个月内被检查{n}次，企业不堪其扰"),
          "{org}反映，近一个月先后有{n}批次执法人员上门检查，内容多有重复，每次都要安排专人陪同、准备材料，"
          "影响正常生产经营，希望能合并检查。",
          "县市场监管局牵头梳理涉企检查计划，推行“综合查一次”，同一企业的同类检查合并实施、结果互认。",
          "已将该企业纳入“综合查一次”名单，相关部门检查事项合并为一次联合检查，无问题企业原则上全年不再重复检查，并推行扫码入企登记。",
          "{town}一企业反映执法检查频繁、内容重复。县市场监管局牵头推行“综合查一次”，合并同类检查、结果互认，并实行扫码入企登记。"),
    Topic("env_shutdown", "执法检查", "complaint", "hbj", ("gxj",),
          ("重污染天气应急管控“一刀切”停产", "环保达标企业仍被要求全面停产"),
          "{org}已完成超低排放改造，在线监测稳定达标，但重污染天气应急管控期间仍被要求全面停产{n}天，"
          "订单交付受到影响，希望按环保绩效分级实施差异化管控。",
          "县生态环境局复核企业环保绩效等级，对达标企业纳入正面清单，实施差异化管控，杜绝“一刀切”。",
          "经现场核查，企业各项排放指标稳定达标，已纳入环境监管正面清单，应急期间按绩效等级差异化管控，无需全面停产。",
          "{town}一企业反映环保应急管控“一刀切”停产。县生态环境局复核后已将其纳入监管正面清单，今后按环保绩效等级实施差异化管控。",
          industries=("建材", "机械制造", "包装", "新能源")),
    Topic("food_license", "证照办理", "help", "spj", ("scj",),
          ("食品经营许可证办理需多次跑腿", "门店证照办理材料反复补正"),
          "{org}在{town}新开门店办理食品经营许可，窗口前后让补正了{n}次材料，每次说法不一样，跑了好几趟还没办下来。",
          "县行政审批服务局核查办理过程，对材料要求实行一次性告知清单，安排帮办人员上门指导。",
          "已约谈窗口人员并开展业务培训，统一材料清单并在政务网公示；企业门店的食品经营许可已当场核发。",
          "企业反映{town}门店办理食品经营许可多次补正材料。县行政审批服务局统一并公示材料清单、实行一次性告知，许可证已核发。",
          industries=("食品", "商贸"), individuals=True),
    Topic("relocate", "政策咨询", "consult", "scj", (),
          ("咨询企业跨县迁移登记办理流程", "企业住所变更登记怎么办理"),
          "{org}计划将注册地从外县迁到{town}，想了解迁移登记需要哪些材料、能否全程网办、迁移期间税务和社保如何衔接。",
          "",
          "住所跨县迁移可通过“一网通办”平台全程网办，由迁入地直接受理，无需到迁出地办理迁出手续；"
          "税务和社保关系同步迁移，办事指南已推送给企业。",
          "企业咨询跨县迁移登记。县市场监管局已告知可全程网办、迁入地直接受理，并推送办事指南。"),
    Topic("road", "交通物流", "help", "jtj", ("town",),
          ("{road}路面破损严重，货车通行困难", "园区道路坑洼，物流车辆被迫绕行"),
          "{road}{town}段路面破损、坑洼积水，重载货车经常托底，{org}等企业的物流车辆只能绕行，单程多跑{km}公里，运输成本明显增加。",
          "县交通运输局组织路况勘察，先行修补坑槽保障通行，并将该路段纳入年度养护大中修计划。",
          "已完成{road}破损路段坑槽修补和排水疏通，货车恢复正常通行；该路段已列入明年大中修计划。",
          "企业反映{road}{town}段路面破损影响货车通行。县交通运输局已完成坑槽修补和排水疏通，恢复正常通行，并将该路段列入大中修计划。"),
    Topic("truck_pass", "交通物流", "help", "gaj", ("jtj",),
          ("货车进城通行证办理难", "物流企业城区配送车辆通行受限"),
          "{org}为城区超市配送{product}，厢式货车白天进城需办理通行证，目前每次只能办{n}天，还要到交警大队现场申请，手续繁琐。",
          "县公安局交警大队优化货车通行证办理方式，推行网上申请、按季度核发。",
          "交警大队已开通货车通行证网上申请，对城市配送车辆按季度核发电子通行证，企业已办理完成。",
          "物流企业反映城区配送货车通行证办理难。县公安局交警大队已开通网上申请，对城市配送车辆按季度核发电子通行证。",
          industries=("物流", "商贸", "食品")),
    Topic("tax_consult", "税费政策", "consult", "swj", (),
          ("咨询小规模纳税人增值税减免政策", "咨询研发费用加计扣除政策"),
          "{org}是小规模纳税人，想了解今年增值税减免政策怎么享受、研发费用加计扣除需要准备哪些资料、能否在季度预缴时享受。",
          "",
          "小规模纳税人月销售额10万元以下免征增值税；研发费用加计扣除可在预缴申报时享受。"
          "县税务局已安排专管员上门辅导，协助企业完成申报设置。",
          "企业咨询增值税减免和研发费用加计扣除政策。县税务局安排专管员上门辅导，已协助企业完成申报。",
          individuals=True),
    Topic("tax_refund", "税费政策", "help", "swj", ("czj",),
          ("增值税留抵退税办理进度慢", "出口退税到账时间长"),
          "{org}两个月前申请增值税留抵退税{amount}，系统显示仍在审核中，企业急需这笔资金采购原材料，希望加快办理。",
          "县税务局核查退税审核进度，开通退税绿色通道，与国库部门加强协同。",
          "经核查，企业补充进项发票说明后退税已审核通过，退税款已到账。",
          "{town}一企业反映留抵退税办理慢。县税务局开通绿色通道加快审核，退税款已到账。"),
    Topic("tech_subsidy", "政策兑现", "complaint", "gxj", ("czj",),
          ("技改补贴资金申报后迟迟未兑现", "惠企奖补政策兑现慢"),
          "{org}去年实施的{product}生产线智能化改造项目已通过验收，按政策可获技改补贴{amount}，"
          "申报材料交了{months}个月，至今未拨付。",
          "县工信局核查项目审核进度，会同县财政局将补贴资金纳入本月拨付计划。",
          "项目审核已完成，技改补贴资金已拨付到企业账户；县工信局将推行惠企政策“免申即享”。",
          "{town}一企业反映技改补贴迟迟未兑现。县工信局会同县财政局完成审核，补贴资金已拨付到位，并推行惠企政策“免申即享”。",
          industries=MANUFACTURING),
    Topic("investment_promise", "政策兑现", "complaint", "shwj", ("fgj", "town"),
          ("招商引资承诺的配套条件未落实", "签约项目“七通一平”未兑现"),
          "{org}{years}年前签约落户{town}，协议约定由当地完成“七通一平”和进场道路，但至今道路未修通、场地未平整，项目无法按期开工。",
          "县商务局牵头梳理招商协议履约情况，县发改局和属地政府制定配套设施建设时间表。",
          "进场道路和场地平整已纳入属地政府项目计划并开工建设，预计{months}个月内全部完成，县商务局按月通报履约进度。",
          "企业反映{town}招商引资协议约定的配套条件未落实。县商务局牵头梳理履约情况，进场道路和场地平整已开工建设，将按月通报进度。"),
    Topic("ecommerce_station", "商贸流通", "suggestion", "shwj", ("town",),
          ("建议在{town}建设农村电商物流服务站", "建议完善镇村快递物流网络"),
          "{town}的{crop}产量大，但快递只到镇上，村里发货要自己送到镇上网点，时效慢、成本高，"
          "建议在中心村建设电商物流服务站，统一揽收发货。",
          "县商务局结合县域商业体系建设项目，选址规划村级电商物流服务站。",
          "已将{town}纳入县域商业体系建设项目，中心村电商物流服务站正在建设，建成后实现快递进村、农产品统一揽收。",
          "群众建议在{town}建设农村电商物流服务站。县商务局已将其纳入县域商业体系建设项目，中心村服务站正在建设。",
          industries=("农业科技", "果业", "物流"), individuals=True),
    Topic("fire_acceptance", "行政审批", "help", "zjj", ("spj",),
          ("厂房消防验收排队时间长", "建设工程消防验收预约难"),
          "{org}新建厂房已具备投产条件，消防验收申请提交{n}周仍未安排现场验收，拿不到验收意见，生产许可也办不下来。",
          "县住建局为该项目开通消防验收绿色通道，实行预约验收、限时办结。",
          "县住建局已完成现场验收，验收合格并出具意见书，同时推行消防验收“一次预约、限时办结”。",
          "{town}一企业反映厂房消防验收排队时间长。县住建局开通绿色通道完成验收，并推行预约验收、限时办结。",
          industries=MANUFACTURING + ("食品", "物流")),
    Topic("farm_land", "用地保障", "help", "nyj", ("zrj", "town"),
          ("设施农业用地备案办理困难", "冷库建设用地手续不清楚"),
          "{org}在{town}流转了{mu}亩土地种植{crop}，需要建设分拣车间和冷库，向镇里申请设施农业用地备案，"
          "被告知要走建设用地审批，企业不知如何办理。",
          "县农业农村局会同县自然资源局现场核定用地性质，指导企业按设施农业用地办理备案。",
          "经现场核定，分拣车间和冷库属于设施农业用地范畴，已指导企业完成备案，无需办理建设用地审批。",
          "企业反映{town}设施农业用地备案办理困难。县农业农村局会同县自然资源局现场核定并指导备案，已办理完成。",
          industries=("农业科技", "果业", "中药材")),
    Topic("brand", "产业发展", "suggestion", "nyj", ("shwj",),
          ("建议扶持{town}{crop}区域公用品牌", "建议帮助特色农产品拓展销路"),
          "{town}{crop}种植面积大、品质好，但各合作社各自为战，没有统一品牌，收购价常被压低，"
          "建议政府牵头打造区域公用品牌，组织参加产销对接会。",
          "县农业农村局牵头编制区域公用品牌培育方案，县商务局组织产销对接。",
          "已启动{crop}区域公用品牌培育，组织合作社统一标准和包装，并推荐参加省级农产品产销对接会。",
          "群众建议打造{town}{crop}区域公用品牌。县农业农村局已启动品牌培育、统一标准和包装，并组织参加产销对接会。",
          industries=("农业科技", "果业"), individuals=True),
    Topic("obstruction", "治安环境", "report", "gaj", ("town",),
          ("举报有人强揽工程、阻挠项目施工", "举报项目施工被索要“进场费”"),
          "{org}在{town}的项目施工期间，多次有人以当地人身份要求承揽土方运输，遭拒后堵门阻工并索要“进场费”，工期已被耽误{n}天。",
          "县公安局成立专班开展调查，属地政府做好群众工作，依法打击强揽工程、阻工扰企行为。",
          "县公安局已依法查处阻工人员{few}人，属地建立重点项目周边环境联防机制，项目已恢复正常施工。",
          "企业举报{town}项目施工遭强揽工程、阻工索要费用。县公安局依法查处相关人员，属地建立联防机制，项目已恢复正常施工。",
          industries=("建筑工程", "新能源")),
    Topic("fake_farm_inputs", "市场秩序", "report", "scj", ("nyj",),
          ("举报{town}有商户销售假冒伪劣农资", "举报集市销售不合格化肥"),
          "{town}集市上有商户低价销售来源不明的化肥和农药，包装与正规品牌相似，不少种植户使用后{crop}减产，怀疑是假冒伪劣产品。",
          "县市场监管局会同县农业农村局开展农资市场专项检查，对涉事商户产品抽样送检。",
          "经抽样检验，涉事商户销售的{few}批次化肥养分含量不合格，已依法立案查处并下架全部问题产品，同步开展农资打假专项整治。",
          "群众举报{town}商户销售假冒伪劣农资。县市场监管局会同县农业农村局抽检查实，已立案查处并下架问题产品。",
          industries=("农业科技", "果业", "中药材"), individuals=True),
    Topic("park_fees", "涉企收费", "report", "fgj", ("scj", "gxj"),
          ("举报园区物业违规向企业收费", "园区乱收费问题"),
          "{park}物业公司除物业费外，又以“管理服务费”“道路维护费”名义向入园企业每年收取{fee}元，没有收费依据，{org}等企业意见较大。",
          "县发改局会同县市场监管局开展涉企收费专项检查，核查收费依据。",
          "经查，“管理服务费”“道路维护费”无合法依据，已责令物业公司停止收取并清退已收费用，相关企业已陆续收到退款。",
          "企业举报{park}物业公司违规收费。县发改局会同县市场监管局查实后，已责令停止收取并清退已收费用。"),
    Topic("worker_housing", "园区配套", "suggestion", "gxj", ("zjj", "town"),
          ("园区缺少职工宿舍和食堂等生活配套", "建议园区建设职工公寓"),
          "{park}入驻企业越来越多，但周边没有职工宿舍、食堂和超市，外地招来的工人留不住，建议园区统一建设职工公寓和生活服务中心。",
          "县工信局会同县住建局将园区生活配套纳入园区基础设施提升项目，先期盘活闲置楼宇改建职工公寓。",
          "已盘活园区闲置楼宇改建职工公寓{count}套，职工食堂已投入使用，生活服务中心纳入明年园区提升项目。",
          "企业建议{park}完善职工宿舍和食堂等生活配套。县工信局已盘活闲置楼宇改建职工公寓，职工食堂已投入使用。"),
    Topic("weekend_service", "政务服务", "suggestion", "spj", (),
          ("建议政务大厅推行周末延时服务", "建议政务大厅中午不休息"),
          "个体户和企业员工平时都在上班，只能请假到政务大厅办事，建议在周末和中午提供延时服务，常用事项可以预约办理。",
          "县行政审批服务局研究制定延时服务和预约服务方案。",
          "县政务服务中心已推行“午间不断档、周末不打烊”，周六上午开放企业开办、社保、不动产等高频事项窗口，并开通电话和网上预约。",
          "群众建议政务大厅推行延时服务。县行政审批服务局已推行“午间不断档、周末不打烊”，周六上午开放高频事项窗口。",
          individuals=True),
    Topic("idle_plant", "用地保障", "help", "gxj", ("town",),
          ("求助协调租用标准化厂房", "新落户企业急需过渡厂房"),
          "{org}新接到一批{product}订单，需要临时租用{sqm}平方米左右的标准化厂房，希望帮助协调园区闲置厂房，尽快投产。",
          "县工信局梳理园区闲置厂房资源，组织企业现场踏勘对接。",
          "已协调{park}闲置标准化厂房{sqm}平方米，企业已签订租赁协议并享受首年租金减半政策，设备正在进场安装。",
          "企业求助协调标准化厂房。县工信局梳理园区闲置厂房资源，已协调厂房并落实首年租金减半政策。",
          industries=MANUFACTURING + ("食品",)),
    Topic("discharge_permit", "环境保护", "consult", "hbj", (),
          ("咨询排污许可证申领流程", "咨询新建项目排污登记怎么办理"),
          "{org}新上{product}项目，想了解需要办理排污许可证还是排污登记、需要哪些材料、多长时间能办下来。",
          "",
          "按排污许可分类管理名录，该项目实行排污登记管理，可在全国排污许可证管理信息平台在线填报、即时完成，县生态环境局已安排专人指导填报。",
          "企业咨询排污许可申领。县生态环境局已告知该项目实行排污登记管理，可在线即时办理，并安排专人指导。",
          industries=MANUFACTURING + ("食品", "中药材")),
    Topic("water_permit", "政务服务", "consult", "slj", (),
          ("咨询取水许可证延续办理", "咨询工业取水许可办理条件"),
          "{org}的取水许可证{months}个月后到期，想了解延续申请需要提前多久提出、是否需要重新做水资源论证。",
          "",
          "应在有效期届满45日前提出延续申请；取水条件未发生变化的，无需重新开展水资源论证，可网上申请、免费办理。",
          "企业咨询取水许可延续。县水利局已告知申请时限和条件，取水条件未变化的无需重新论证，可网上申请。"),
    Topic("night_theft", "治安环境", "help", "gaj", ("town",),
          ("园区周边夜间治安差，企业原材料被盗", "企业仓库多次被盗，请求加强巡防"),
          "{park}周边路灯不亮、夜间巡逻少，{org}堆放在厂区外的原材料近期被盗{few}次，损失{fee}元，请求加强治安巡防。",
          "县公安局增派警力开展夜间巡逻，属地政府协调修复路灯并增设视频监控。",
          "已将园区纳入夜间巡防重点区域，案件已侦破并追回部分损失；属地已修复路灯并增设视频监控。",
          "企业反映{park}周边夜间治安差、原材料被盗。县公安局加强夜间巡防并侦破案件，属地修复路灯、增设视频监控。",
          industries=MANUFACTURING + ("物流",)),
    Topic("street_works", "基础设施", "complaint", "town", ("zjj",),
          ("老街改造施工周期长，影响沿街商户经营", "道路施工围挡久拖不撤"),
          "{town}老街改造工程施工围挡已经立了{months}个月，进度缓慢，沿街商户门口被挡，顾客进不来，{org}营业额下降一半以上。",
          "属地政府约谈施工单位，倒排工期，分段施工、分段撤除围挡，设置临时便道和商户指示牌。",
          "已督促施工单位增加作业力量，撤除已完工路段围挡，设置临时便道和指引牌，剩余路段将于{n}周内完工。",
          "沿街商户反映{town}老街改造施工周期长影响经营。属地政府督促施工单位分段施工、及时撤除围挡并设置临时便道。",
          industries=("商贸",), individuals=True),
)

# --- what the people in the loop write -----------------------------------------------------

ASSIGN_NOTES = ("请按时限办结并及时向企业反馈", "请主要负责同志亲自过问", "会上明确的解决路径请抓紧落实",
                "请先与企业对接，再制定办理方案")
LEAD_PROGRESS = ("已赴企业现场核实情况，正在研究解决方案", "已召开专题协调会，明确责任分工和时间节点",
                 "相关手续已进入审批环节，预计本周内完成", "已与企业负责人面对面沟通，企业认可办理方案")
CO_PROGRESS = ("我单位已配合完成现场勘查", "我单位已出具相关意见，配合主办单位推进",
               "已安排专人对接，相关材料已移交主办单位")
REOPEN_PROGRESS = "已重新组织核查，针对企业提出的意见逐项整改"
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


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, department) of the main demo logins; all share DEMO_PASSWORD."""
    rows = [(u, f"{ROLE_LABELS[r]}（{post}）" if r == Role.LEADER else ROLE_LABELS[r], "")
            for u, r, _, post in STAFF]
    names = {code: name for code, name, _ in DEPARTMENTS}
    rows += [(f"dept_{code}", ROLE_LABELS[Role.DEPARTMENT], names[code]) for code in LISTED_DEPARTMENTS]
    return rows


def has_data(session: Session) -> bool:
    return any(session.execute(select(model.id).limit(1)).first() for model in (Department, User))


def has_demo_users(session: Session) -> bool:
    """Whether the logins of `demo_logins()` exist, so that they may be shown."""
    names = [username for username, _, _ in demo_logins()]
    found = session.execute(select(func.count()).select_from(User)
                            .where(User.username.in_(names))).scalar_one()
    return found == len(names)


def seed(session: Session, now: datetime, issue_count: int = 240) -> str:
    """Load the demo county into an empty database; returns a one-line summary."""
    if has_data(session):
        raise Conflict("数据库中已有部门或用户，演示数据只能加载到空数据库", code="not_empty")
    county = County(session, now, random.Random(2026))
    county.add_departments()
    county.add_users()
    county.add_meetings()
    first_sms = session.execute(select(func.coalesce(func.max(SmsMessage.id), 0))).scalar_one()
    walks = [Walk(county, plan, n) for n, plan in enumerate(county.plan_issues(issue_count))]
    _perform_in_time_order(county, walks)
    _mark_history_sent(session, first_sms)
    return (f"部门{len(county.depts)}个、用户{len(county.users)}个、会议{len(county.meetings)}次、"
            f"问题{len(walks)}件")


# --- time -----------------------------------------------------------------------------------

def _at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ).astimezone(timezone.utc)


def _working_day_on_or_after(day: date) -> date:
    return day if WEEKDAYS.is_working_day(day) else WEEKDAYS.add_working_days(day, 1)


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    """(year, month) of the `count` months up to and including today's, oldest first."""
    y, m = today.year, today.month
    months = []
    for _ in range(count):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def _fill(rng: random.Random, township: str, org: str) -> dict:
    """The values the topic templates are filled with, for one issue."""
    count = rng.randint(6, 40)
    industry = dict(ENTERPRISES).get(org)
    product = INDUSTRIES[industry] if industry else rng.choice(list(INDUSTRIES.values()))
    return {
        "town": township, "org": org, "park": PARKS.get(township, f"{township}工业集中区"),
        "road": rng.choice(ROADS), "product": product, "crop": rng.choice(CROPS),
        "trade": rng.choice(TRADES), "n": rng.randint(2, 6), "months": rng.randint(2, 8),
        "years": rng.randint(3, 12), "amount": f"{rng.choice(AMOUNTS)}万元",
        "invest": rng.choice(("3000万元", "5800万元", "1.2亿元", "2.6亿元")),
        "loan": f"{rng.choice((30, 50, 100, 200))}万元", "fee": rng.choice(("8000", "1.2万", "2万", "3.5万")),
        "count": count, "hired": max(3, count - rng.randint(0, 5)), "few": rng.randint(2, 4),
        "km": rng.randint(6, 25), "kva": rng.choice((315, 400, 630, 800, 1250)),
        "mu": rng.choice((120, 200, 350, 500, 800)), "sqm": rng.choice((1500, 2000, 3000, 5000)),
        "pct": rng.choice((40, 50, 60, 70)),
    }


# --- the county -----------------------------------------------------------------------------

@dataclass
class Act:
    """One step of an issue's history: "create", or a workflow action."""

    at: datetime
    actor: User | None
    action: str
    body: dict


@dataclass
class Plan:
    """What is decided about an issue before it is logged."""

    scenario: "Scenario"
    topic: Topic
    channel: str
    meeting: Meeting | None
    t0: datetime
    creator: User | None
    data: dict
    lead: Department
    co: list[Department]
    leader: User
    plan: str
    result: str
    summary: str


MEETING_LOCATIONS = {MeetingKind.BREAKFAST: "县政府机关食堂二楼会议室", MeetingKind.FORUM: "县行政中心一号会议室",
                     MeetingKind.EVENING_TEA: "县融媒体中心直播间", MeetingKind.OTHER: "县政府常务会议室"}


class County:
    def __init__(self, session: Session, now: datetime, rng: random.Random):
        self.session, self.now, self.rng = session, now, rng
        self.today = local_date(now)
        self.depts: dict[str, Department] = {}
        self.users: dict[str, User] = {}
        self.handlers: dict[int, User] = {}                 # department id → its handler
        self.responsible: dict[int, tuple[str, str]] = {}   # department id → (name, mobile)
        self.meetings: list[Meeting] = []
        self.by_topic: dict[str, list[Issue]] = {}
        self.reporters: dict[str, list[dict]] = {}

    # -- directory ---------------------------------------------------------------------------

    def add_departments(self) -> None:
        since = self.now - timedelta(days=HISTORY_DAYS + 60)
        for i, (code, name, _) in enumerate(DEPARTMENTS, 1):
            self.depts[code] = create_department(self.session, None, code, name, f"0915-3212{i:03d}",
                                                 now=since)

    def add_users(self) -> None:
        for i, (username, role, name, post) in enumerate(STAFF, 1):
            self._user(username, role, f"{name}（{post}）" if post else name, f"1379152{i:04d}")
        for i, (code, dept_name, person) in enumerate(DEPARTMENTS, 1):
            dept, phone = self.depts[code], f"1399152{i:04d}"
            self.handlers[dept.id] = self._user(f"dept_{code}", Role.DEPARTMENT,
                                                f"{person}（{dept_name}）", phone, dept.id)
            self.responsible[dept.id] = (person, phone)

    def _user(self, username: str, role: str, display_name: str, phone: str,
              department_id: int | None = None) -> User:
        user = create_user(self.session, None, username=username, password=DEMO_PASSWORD, role=role,
                           display_name=display_name, phone=phone, department_id=department_id)
        self.users[username] = user
        return user

    def of_role(self, role: str) -> list[User]:
        return [u for u in self.users.values() if u.role == role]

    # -- meetings ----------------------------------------------------------------------------

    def add_meetings(self) -> None:
        coordinator = self.users["yingshang"]
        for kind, held_at, title, host_name in self._meeting_schedule():
            host = self.users[host_name]
            data = {"kind": kind, "title": title, "held_at": held_at, "host_leader_id": host.id,
                    "attendees": self._attendees(kind, host), "location": MEETING_LOCATIONS[kind],
                    "status": "held"}
            self.meetings.append(create_meeting(self.session, coordinator, data,
                                                held_at - timedelta(days=3)))

    def _meeting_schedule(self) -> list[tuple[str, datetime, str, str]]:
        """Monthly breakfasts, quarterly forums, tea on the 1st and 15th, one other meeting:
        (kind, held at, title, host's username)."""
        months = _months_back(self.today, 8)
        cutoff = self.now - timedelta(hours=3)

        def last(moments: list[tuple[datetime, str]], k: int) -> list[tuple[datetime, str]]:
            return [m for m in moments if m[0] <= cutoff][-k:]

        breakfasts = [(_at_local(_working_day_on_or_after(date(y, m, 8)), 7, 30),
                       f"{y}年{m}月服务企业早餐会") for y, m in months]
        forums = [(_at_local(_working_day_on_or_after(date(y, m, 20)), 14, 30),
                   f"{y}年第{(m - 1) // 3 + 1}季度政企面对面恳谈会") for y, m in months if m % 3 == 2]
        # The county head hosts the tea on the 15th, the executive deputy on the 1st.
        teas = [(_at_local(date(y, m, d), 19), f"“听您说”晚茶会（{m}月{d}日）")
                for y, m in months for d in (1, 15)]
        other = _at_local(_working_day_on_or_after(self.today - timedelta(days=40)), 9)
        rows = ([(MeetingKind.BREAKFAST, *m, "xianzhang") for m in last(breakfasts, 6)]
                + [(MeetingKind.FORUM, *m, "xianzhang") for m in last(forums, 2)]
                + [(MeetingKind.EVENING_TEA, *m, "xianzhang" if "15日" in m[1] else "changwu")
                   for m in last(teas, 8)]
                + [(MeetingKind.OTHER, other, "全县优化营商环境工作推进会", "changwu")])
        return sorted(rows, key=lambda row: row[1])

    def _attendees(self, kind: str, host: User) -> list[str]:
        firms = [name for name, _ in self.rng.sample(ENTERPRISES, self.rng.randint(3, 5))]
        if kind == MeetingKind.BREAKFAST:
            return [host.display_name, "县营商办", "县发改局", "县工信局", *firms]
        if kind == MeetingKind.FORUM:
            return ["县委、县政府主要领导", "县直相关部门负责人", "营商环境义务监督员代表",
                    "人大代表、政协委员代表", *firms]
        if kind == MeetingKind.EVENING_TEA:
            return [host.display_name, "县人大代表", "县政协委员", "县长专线话务员", "县营商办"]
        return ["县政府领导班子成员", "县营商办", "县委督查办", "县直各部门主要负责人", "各镇（街道）主要负责人"]

    # -- issues ------------------------------------------------------------------------------

    def plan_issues(self, count: int) -> list[Plan]:
        """`count` plans; every scenario at least once when `count` allows."""
        names = list(SCENARIOS)
        weights = [SCENARIOS[n].weight for n in names]
        chosen = names[:count] + self.rng.choices(names, weights, k=max(0, count - len(names)))
        self.rng.shuffle(chosen)
        return [self._plan(SCENARIOS[name]) for name in chosen]

    def _plan(self, scenario: "Scenario") -> Plan:
        rng = self.rng
        topic = rng.choice([t for t in TOPICS if scenario.fits(t)])
        township = rng.choice(list(TOWN_DEPARTMENTS) if topic.lead == "town" else TOWNSHIPS)
        channel, meeting, t0 = self._when_and_where(scenario)
        reporter = self._reporter(channel, township, topic)
        fill = _fill(rng, township, reporter["org"])
        lead = self._department(topic.lead, township)
        co = [d for d in (self._department(c, township) for c in topic.co) if d and d.id != lead.id]
        data = {"title": rng.choice(topic.titles).format_map(fill), "content": topic.content.format_map(fill),
                "category": topic.category, "channel": channel, "type": topic.type,
                "meeting_id": meeting.id if meeting else None, "township": township,
                "reporter": reporter}
        return Plan(scenario, topic, channel, meeting, t0, self._creator(channel), data, lead, co,
                    self._leader(channel, meeting), topic.plan.format_map(fill),
                    topic.result.format_map(fill), topic.summary.format_map(fill))

    def _when_and_where(self, scenario: "Scenario") -> tuple[str, Meeting | None, datetime]:
        rng, (low, high) = self.rng, scenario.age
        channels = scenario.channels or tuple(CHANNEL_WEIGHTS)
        channel = rng.choices(channels, [CHANNEL_WEIGHTS[c] for c in channels])[0]
        if channel in MEETING_CHANNELS:
            fits = [m for m in self.meetings if m.kind == MEETING_CHANNELS[channel]
                    and low <= (self.now - m.held_at) / timedelta(days=1) <= high]
            if fits:
                meeting = rng.choice(fits)
                return channel, meeting, meeting.held_at + timedelta(minutes=rng.randint(10, 50))
            channel = rng.choice([c for c in channels if c not in MEETING_CHANNELS])
        return channel, None, self._logged_at(channel, self.now - timedelta(days=rng.uniform(low, high)))

    def _logged_at(self, channel: str, moment: datetime) -> datetime:
        """A believable moment near `moment`: office channels on working days in office hours."""
        day, office = local_date(moment), channel in OFFICE_CHANNELS
        if office and not WEEKDAYS.is_working_day(day):
            day = WEEKDAYS.add_working_days(day, -1)
        hour = self.rng.randint(8, 17) if office else self.rng.randint(7, 21)
        latest = self.now - timedelta(minutes=self.rng.randint(20, 120))
        return min(_at_local(day, hour, self.rng.randint(0, 59)), latest)

    def _reporter(self, channel: str, township: str, topic: Topic) -> dict:
        rng = self.rng
        if channel == "supervisor":
            kind = "supervisor"
        elif channel in ("forum", "evening_tea") and rng.random() < 0.25:
            kind = "deputy"
        elif topic.individuals and channel in ("hotline", "online", "mailbox", "window") \
                and rng.random() < 0.5:
            kind = "person"
        else:
            kind = "enterprise"
        firms = [name for name, industry in ENTERPRISES
                 if not topic.industries or industry in topic.industries]
        known = [r for r in self.reporters.get(kind, []) if kind == "person" or r["org"] in firms]
        if known and rng.random() < 0.15:
            return dict(rng.choice(known))  # a repeat reporter
        surname = rng.choice(SURNAMES)
        org = f"{township}{surname}记{rng.choice(SHOPS)}" if kind == "person" else rng.choice(firms)
        reporter = {"name": surname + rng.choice(GIVEN_NAMES), "org": org, "phone": _mobile(rng),
                    "kind": kind, "consent_public": rng.random() < 0.25}
        self.reporters.setdefault(kind, []).append(reporter)
        return dict(reporter)

    def _department(self, code: str, township: str) -> Department | None:
        if code == "town":
            return self.depts.get(TOWN_DEPARTMENTS.get(township, ""))
        return self.depts[code]

    def _creator(self, channel: str) -> User | None:
        if channel == "online":
            return None  # the public's own form
        role = Role.OPERATOR if channel in ("hotline", "evening_tea", "window") else Role.COORDINATOR
        return self.rng.choice(self.of_role(role))

    def _leader(self, channel: str, meeting: Meeting | None) -> User:
        if meeting is not None and channel != "forum":
            return next(u for u in self.users.values() if u.id == meeting.host_leader_id)
        leaders = [self.users[u] for u in ("xianzhang", "changwu", "fuxianzhang")]
        return self.rng.choices(leaders, (3, 4, 3))[0]

    def perform(self, act: Act, issue: Issue | None) -> Issue:
        if act.action == "create":
            return create_issue(self.session, act.actor, act.body, act.at)
        return transition(self.session, act.actor, issue.id, act.action, act.body, act.at, OPTIONS)


# --- one issue's history -------------------------------------------------------------------

class Walk:
    """Walks one issue through its scenario. The building blocks below are generators of acts;
    between two acts the driver performs the first, so `self.issue` is always current."""

    def __init__(self, county: County, plan: Plan, n: int):
        self.c, self.p, self.n = county, plan, n
        self.rng = random.Random(county.rng.random())
        self.t = plan.t0
        self.issue: Issue | None = None
        self.co: list[Department] = []
        self.acts = plan.scenario.run(self)

    # -- time and actors ---------------------------------------------------------------------

    def advance(self, days: int = 0) -> date:
        """Move to office hours `days` working days on (0: later the same day); the local date."""
        if days:
            day = WEEKDAYS.add_working_days(local_date(self.t), days)
            moment = _at_local(day, self.rng.randint(8, 17), self.rng.randint(0, 59))
        else:
            moment = self.t + timedelta(minutes=self.rng.randint(10, 90))
        if moment >= self.c.now:
            # The history has reached the present: squeeze the remaining steps in before it.
            moment = self.t + (self.c.now - self.t) * self.rng.uniform(0.2, 0.5)
        self.t = moment
        return local_date(moment)

    def act(self, actor: User | None, action: str, body: dict | None = None) -> Act:
        return Act(self.t, actor, action, body or {})

    def step(self, actor: User | None, action: str, body: dict | None = None, days: int = 0) -> Act:
        self.advance(days)
        return self.act(actor, action, body)

    @property
    def handler(self) -> User:
        return self.c.handlers[self.issue.lead_department_id]

    def coordinator(self) -> User:
        return self.rng.choice(self.c.of_role(Role.COORDINATOR))

    # -- building blocks ---------------------------------------------------------------------

    def create(self) -> Iterator[Act]:
        yield self.act(self.p.creator, "create", self.p.data)
        self.c.by_topic.setdefault(self.p.topic.key, []).append(self.issue)

    def assign(self, dept: Department | None = None, note: str | None = None, days: int | None = None,
               closing_soon: bool = False) -> Iterator[Act]:
        if days is None:
            days = 0 if self.p.meeting else self.rng.choice((0, 1, 1, 2))  # meetings: on the spot
        today = self.advance(days)
        lead = dept or self.p.lead
        self.co = [d for d in self.p.co if d.id != lead.id]
        person, phone = self.c.responsible[lead.id]
        body = {"lead_department_id": lead.id, "co_department_ids": [d.id for d in self.co],
                "lead_leader_id": self.p.leader.id, "responsible_person": person,
                "responsible_phone": phone, "note": note or self.rng.choice(ASSIGN_NOTES)}
        if closing_soon:
            body["deadlines"] = self._deadlines_closing_soon(today)
        yield self.act(self.coordinator(), "assign", body)

    def _deadlines_closing_soon(self, today: date) -> dict[str, date]:
        """Deadlines that fall one or two working days after the real today: a yellow issue."""
        due = WEEKDAYS.add_working_days(self.c.today, self.rng.choice((1, 2)))
        return {"accept_due": min(WEEKDAYS.add_working_days(today, 1), due), "reply_due": due,
                "complete_due": due, "report_due": WEEKDAYS.add_working_days(due, 2),
                "visit_due": WEEKDAYS.add_working_days(due, 5)}

    def give_back(self, reason: str) -> Iterator[Act]:
        yield self.step(self.handler, "return", {"reason": reason}, days=self.rng.choice((0, 1)))

    def accept(self) -> Iterator[Act]:
        yield self.step(self.handler, "accept", {"note": "已签收"}, days=self.rng.choice((0, 1)))

    def work(self) -> Iterator[Act]:
        rng = self.rng
        if self.p.plan and rng.random() < 0.7:
            yield self.step(self.handler, "plan", {"plan": self.p.plan}, days=rng.randint(1, 2))
        if self.co and rng.random() < 0.7:
            co_handler = self.c.handlers[rng.choice(self.co).id]
            yield self.step(co_handler, "progress", {"note": rng.choice(CO_PROGRESS)}, days=rng.randint(1, 2))
        if rng.random() < 0.4:
            yield self.step(self.handler, "progress", {"note": rng.choice(LEAD_PROGRESS)},
                            days=rng.randint(1, 2))
        if rng.random() < (0.6 if self.p.channel == "breakfast" else 0.15):
            yield from self.instruct()

    def instruct(self, days: int = 1) -> Iterator[Act]:
        dept = next(d.name for d in self.c.depts.values() if d.id == self.issue.lead_department_id)
        note = self.rng.choice(INSTRUCT_NOTES).format(dept=dept)
        yield self.step(self.p.leader, "instruct", {"note": note}, days=days)

    def urge(self, days: int) -> Iterator[Act]:
        yield self.step(self.c.users["ducha"], "urge", {"note": self.rng.choice(URGE_NOTES)}, days=days)

    def reply(self, result: str | None = None) -> Iterator[Act]:
        """Mostly within the deadline; some late."""
        due = self.issue.complete_due
        left = WEEKDAYS.working_days_between(local_date(self.t), due) if due else 3
        if self.rng.random() < 0.15:
            days = max(left, 0) + self.rng.randint(1, 4)
        else:
            days = self.rng.randint(1, max(1, left))
        yield self.step(self.handler, "reply", {"result": result or self.p.result}, days=days)

    def handled(self) -> Iterator[Act]:
        yield from self.create()
        yield from self.assign()
        yield from self.accept()
        yield from self.work()
        yield from self.reply()

    def visit(self, satisfaction: str | None = None) -> Iterator[Act]:
        sat = satisfaction or self.rng.choices((Satisfaction.SATISFIED, Satisfaction.BASICALLY), (4, 1))[0]
        body = {"satisfaction": sat, "note": self.rng.choice(VISIT_NOTES[sat])}
        yield self.step(self.coordinator(), "visit", body, days=self.rng.randint(1, 3))

    def publish(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "publish", {"public_summary": self.p.summary},
                        days=self.rng.randint(1, 5))

    def withhold(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "withhold", {"reason": self.rng.choice(WITHHOLD_REASONS)},
                        days=self.rng.randint(1, 5))

    def extension(self, approve: bool = True) -> Iterator[Act]:
        today = self.advance(self.rng.randint(1, 4))
        extra = self.rng.choice((10, 15, 20))
        wanted = max(WEEKDAYS.add_working_days(self.issue.complete_due, extra),
                     WEEKDAYS.add_working_days(today, extra))
        yield self.act(self.handler, "request_extension",
                       {"complete_due": wanted, "reason": self.rng.choice(EXTENSION_REASONS)})
        yield self.step(self.coordinator(), "decide_extension",
                        {"approve": approve, "note": EXTENSION_DECISIONS[approve]},
                        days=self.rng.choice((0, 1)))

    def suspend(self) -> Iterator[Act]:
        today = self.advance(self.rng.randint(2, 5))
        body = {"reason": self.rng.choice(SUSPEND_REASONS),
                "review_on": today + timedelta(days=self.rng.randint(30, 120))}
        yield self.act(self.coordinator(), "suspend", body)

    def resume(self) -> Iterator[Act]:
        yield self.step(self.coordinator(), "resume", {"note": RESUME_NOTE}, days=self.rng.randint(10, 20))

    def answer(self, satisfied: bool) -> Iterator[Act]:
        body = {"answer": self.p.result}
        if satisfied:
            body["satisfaction"] = Satisfaction.SATISFIED
        answerer = self.p.creator if self.p.creator is not None else self.coordinator()
        yield self.step(answerer, "answer_on_spot", body)

    def reject(self) -> Iterator[Act]:
        self.advance(self.rng.randint(0, 2))
        earlier = [i for i in self.c.by_topic[self.p.topic.key]
                   if i.id != self.issue.id and i.status != "rejected"]
        if earlier and self.rng.random() < 0.6:
            target = self.rng.choice(earlier)
            reason = self.rng.choice(("duplicate", "merged"))
            body = {"reason": reason, "merged_into": target.id,
                    "note": MERGE_NOTES[reason].format(code=target.code)}
        else:
            reason, note = self.rng.choice(REJECT_NOTES)
            body = {"reason": reason, "note": note}
        yield self.act(self.coordinator(), "reject", body)

    def wrong_department(self) -> Department:
        """Where an issue is first sent before the department returns it; now and then the right
        one, whose return the office overrules."""
        if self.rng.random() < 0.3:
            return self.p.lead
        if self.p.co:
            return self.p.co[0]
        return self.rng.choice([d for d in self.c.depts.values() if d.id != self.p.lead.id])

    def returned(self) -> Iterator[Act]:
        """Logged, assigned to the wrong department and returned by it. True when the department
        was the right one after all, so that the office will overrule the return."""
        yield from self.create()
        wrong = self.wrong_department()
        yield from self.assign(dept=wrong)
        overruled = wrong.id == self.p.lead.id
        yield from self.give_back(RETURN_OVERRULED[0] if overruled
                                  else RETURN_REASON.format(dept=self.p.lead.name))
        return overruled


# --- scenarios ------------------------------------------------------------------------------

def _collected(w: Walk) -> Iterator[Act]:
    yield from w.create()


def _returned_waiting(w: Walk) -> Iterator[Act]:
    yield from w.returned()


def _assigned(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()


def _assigned_overdue(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()
    yield from w.urge(days=w.rng.randint(3, 5))


def _in_progress(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()
    yield from w.accept()
    yield from w.work()


def _in_progress_overdue(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.urge(days=w.rng.randint(8, 14))
    if w.rng.random() < 0.6:
        yield from w.instruct(days=w.rng.randint(1, 3))


def _closing_soon(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign(closing_soon=True)
    yield from w.accept()
    yield from w.work()


def _extended_open(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.extension(approve=w.rng.random() < 0.75)


def _suspended(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.suspend()


def _replied(w: Walk) -> Iterator[Act]:
    yield from w.handled()


def _reopened_open(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    yield from w.visit(Satisfaction.UNSATISFIED)
    yield w.step(w.handler, "progress", {"note": REOPEN_PROGRESS}, days=w.rng.randint(1, 3))


def _closed(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    yield from w.visit()
    if w.rng.random() < 0.3:
        yield from w.withhold()


def _published(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    yield from w.visit()
    yield from w.publish()


def _finish(w: Walk, publish_share: float = 0.6, result: str | None = None) -> Iterator[Act]:
    yield from w.reply(result)
    yield from w.visit()
    if w.rng.random() < publish_share:
        yield from w.publish()


def _reopened(w: Walk) -> Iterator[Act]:
    yield from _reopened_open(w)
    yield from _finish(w, result=REOPEN_REPLY.format(result=w.p.result))


def _returned_reassigned(w: Walk) -> Iterator[Act]:
    overruled = yield from w.returned()
    yield from w.assign(note=RETURN_OVERRULED[1] if overruled else REASSIGN_NOTE, days=1)
    yield from w.accept()
    yield from w.work()
    yield from _finish(w)


def _extended(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.extension()
    yield from _finish(w)


def _resumed(w: Walk) -> Iterator[Act]:
    yield from _suspended(w)
    yield from w.resume()
    yield from _finish(w)


def _rejected(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.reject()


def _answered_on_spot(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.answer(satisfied=True)
    if w.rng.random() < 0.5:
        yield from w.publish()


def _answered_awaiting_visit(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.answer(satisfied=False)


def _answered_then_assigned(w: Walk) -> Iterator[Act]:
    """Answered on the spot, the reporter unsatisfied at the return visit: assigned after all."""
    yield from _answered_awaiting_visit(w)
    yield from w.visit(Satisfaction.UNSATISFIED)
    yield from w.assign(days=1)
    yield from w.accept()
    yield from w.work()


@dataclass(frozen=True)
class Scenario:
    weight: int
    age: tuple[float, float]   # days from logging to now
    run: Callable[[Walk], Iterator[Act]]
    topics: str = "any"        # "consult", "work" (anything but a consultation) or "any"
    channels: tuple[str, ...] = ()

    def fits(self, topic: Topic) -> bool:
        is_consult = topic.type == "consult"
        return {"any": True, "consult": is_consult, "work": not is_consult}[self.topics]


SCENARIOS = {
    "collected": Scenario(10, (0, 3), _collected),
    "returned_waiting": Scenario(2, (1, 4), _returned_waiting, "work"),
    "assigned": Scenario(8, (0, 2), _assigned),
    "assigned_overdue": Scenario(3, (6, 15), _assigned_overdue, "work"),
    "in_progress": Scenario(22, (2, 12), _in_progress, "work"),
    "in_progress_overdue": Scenario(10, (28, 80), _in_progress_overdue, "work"),
    "closing_soon": Scenario(6, (3, 10), _closing_soon, "work"),
    "extended_open": Scenario(5, (15, 40), _extended_open, "work"),
    "suspended": Scenario(6, (20, 120), _suspended, "work"),
    "replied": Scenario(12, (8, 25), _replied),
    "reopened_open": Scenario(3, (20, 40), _reopened_open, "work"),
    "closed": Scenario(25, (30, HISTORY_DAYS), _closed),
    "published": Scenario(70, (45, HISTORY_DAYS), _published),
    "reopened": Scenario(8, (60, HISTORY_DAYS), _reopened, "work"),
    "returned": Scenario(6, (45, HISTORY_DAYS), _returned_reassigned, "work"),
    "extended": Scenario(6, (60, HISTORY_DAYS), _extended, "work"),
    "resumed": Scenario(3, (75, HISTORY_DAYS), _resumed, "work"),
    "rejected": Scenario(10, (1, HISTORY_DAYS), _rejected),
    "answered_on_spot": Scenario(8, (1, HISTORY_DAYS), _answered_on_spot, "consult", ON_SPOT_CHANNELS),
    "answered_awaiting_visit": Scenario(3, (0, 4), _answered_awaiting_visit, "consult", ON_SPOT_CHANNELS),
    "answered_then_assigned": Scenario(1, (8, 20), _answered_then_assigned, "consult", ON_SPOT_CHANNELS),
}


# --- running the histories ------------------------------------------------------------------

def _perform_in_time_order(county: County, walks: list[Walk]) -> None:
    """Take the acts of all walks earliest first, so ids follow the county's own chronology."""
    queue: list[tuple[datetime, int, Act, Walk]] = []

    def push(walk: Walk) -> None:
        act = next(walk.acts, None)
        if act is not None:
            heapq.heappush(queue, (act.at, walk.n, act, walk))

    for walk in walks:
        push(walk)
    while queue:
        _, _, act, walk = heapq.heappop(queue)
        walk.issue = county.perform(act, walk.issue)
        push(walk)


def _mark_history_sent(session: Session, after_id: int) -> None:
    """The demo's texts belong to its past: record them as sent back then, so that starting the
    demo does not send hundreds of messages to made-up numbers."""
    session.execute(update(SmsMessage).where(SmsMessage.id > after_id,
                                             SmsMessage.status == SmsStatus.PENDING)
                    .values(status=SmsStatus.SENT, attempts=1, sent_at=SmsMessage.next_attempt_at,
                            updated_at=SmsMessage.next_attempt_at, provider_id="demo"))
    session.commit()
