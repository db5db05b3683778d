"""Realistic Chinese ticket content for the demo city, from templates (deterministic by RNG)."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰丹萍鹏辉玲桂兰海燕红梅志强凤英"
ROADS = ["人民路", "文林路", "渭阳西路", "世纪大道", "玉泉路", "朝阳一路", "咸通北路", "统一路", "中华西路", "乐育路",
         "北平街", "西兰路", "沣河大道", "永安路", "秦皇路", "彩虹二路", "风轮路", "毕塬路"]
ESTATES = ["阳光小区", "锦绣花园", "金色家园", "紫薇苑", "翡翠城", "华府名邸", "渭滨苑", "天王二村", "文汇嘉园",
           "绿地世纪城", "秦都花园", "恒大名都", "电力小区", "纺织厂家属院", "铁路新村"]
SHOPS = ["某超市", "某餐馆", "某药店", "某培训机构", "某健身房", "某装修公司", "某手机店", "某驾校"]

# (category, subcategory, department, templates). {estate} {road} {shop} {n} {month} are filled in.
TOPICS: list[tuple[str, str, str, list[str]]] = [
    ("complaint", "噪音扰民", "CGJ", [
        "市民反映{road}{estate}附近工地夜间施工至凌晨{n}点，噪音严重影响休息，希望有关部门查处。",
        "{estate}楼下{shop}每晚播放高音喇叭揽客，噪音扰民，请求处理。",
        "{road}广场舞音响声音过大，持续到晚上十点以后，周边居民无法休息。"]),
    ("complaint", "物业管理", "ZJJ", [
        "{estate}物业公司长期不维修电梯，{n}号楼电梯已停运两周，老人上下楼困难。",
        "{estate}物业擅自上调物业费，未经业主大会表决，请求核查。",
        "{estate}小区垃圾清运不及时，楼道堆积杂物，存在消防隐患。"]),
    ("complaint", "拖欠工资", "RSJ", [
        "市民反映在{road}某建筑工地务工，被拖欠{month}个月工资共计{n}千元，多次讨要无果。",
        "{shop}拖欠员工工资及加班费，请劳动监察部门介入。"]),
    ("complaint", "占道经营", "CGJ", [
        "{road}与{road2}交叉口早市占道经营，堵塞交通，请求规范。",
        "{estate}门口流动摊贩占用人行道，行人只能走机动车道，存在安全隐患。"]),
    ("complaint", "环境污染", "HBJ", [
        "{road}附近工厂夜间排放刺鼻气体，周边居民闻到异味，请求检测。",
        "{estate}旁边河道有污水直排，河水发黑发臭。"]),
    ("complaint", "市场秩序", "SCJGJ", [
        "市民在{shop}购买商品后发现已过保质期，商家拒绝退换，请求处理。",
        "{shop}预付卡充值后停业，{n}千元余额无法退还。"]),
    ("complaint", "供水供暖", "RLGS", [
        "{estate}{n}号楼暖气不热，室温只有十二度，家中有老人小孩，请求尽快维修。",
        "{estate}今日停水未提前通知，请问何时恢复供水？"]),
    ("complaint", "交通出行", "GJGS", [
        "{n}路公交车经常不按时发车，{road}站等车超过四十分钟。",
        "{n}路公交司机服务态度差，未到站就关门，请求处理。"]),
    ("policy", "社保医保", "RSJ", [
        "市民咨询外省社保关系转入本市的办理流程和所需材料。",
        "咨询灵活就业人员养老保险缴费档次及补缴政策。",
        "咨询退休人员养老金领取资格认证的办理方式。"]),
    ("policy", "社保医保", "YBJ", [
        "咨询异地就医备案的办理流程，以及备案后住院报销比例。",
        "咨询城乡居民医保门诊慢特病的认定条件和报销标准。"]),
    ("policy", "住房公积金", "GJJ", [
        "咨询租房提取住房公积金的条件、额度和办理渠道。",
        "咨询公积金贷款额度如何计算，二套房首付比例是多少。",
        "市民离职后想提取公积金账户余额，询问需要哪些材料。"]),
    ("policy", "户籍教育", "JYJ", [
        "咨询今年小学一年级入学报名时间，以及{estate}对应的学区。",
        "咨询随迁子女在本市参加中考需要满足哪些条件。"]),
    ("policy", "户籍教育", "GAJ", [
        "咨询新生儿落户需要准备的材料和办理地点。",
        "咨询人才引进落户的条件和网上办理入口。"]),
    ("consult", "办事指南", "ZWFW", [
        "咨询营业执照变更经营范围能否全程网办。",
        "咨询政务服务中心周末是否办公，不动产登记窗口在几楼。"]),
    ("consult", "联系方式", "ZWFW", ["市民询问{road}街道办事处的联系电话和办公地址。"]),
    ("public", "市政设施", "CGJ", [
        "{road}{estate}门口路灯不亮已有一周，夜间出行不便。",
        "{road}人行道井盖缺失，存在安全隐患，请求尽快修复。"]),
    ("public", "道路交通", "JTJ", [
        "{road}与{road2}路口红绿灯时间过短，行人来不及通过。",
        "{road}道路坑洼积水严重，车辆经过溅水。"]),
    ("public", "城乡建设", "ZRZYJ", ["{estate}附近违规搭建彩钢房，影响采光，请求核查。"]),
    ("homeservice", "维修派单", "ZWFW", ["市民家中水管漏水，请求推荐正规维修服务。"]),
    ("elderly", "紧急求助", "MZJ", ["独居老人一键通呼叫，称身体不适，需联系家属并协助就医。",
                                  "老人一键通呼叫，家中燃气灶无法关闭，请求上门查看。"]),
    ("praise", "表扬", "GAJ", ["市民表扬{road}派出所民警帮助寻回走失老人，服务热情。"]),
    ("simple", "查询进度", "ZWFW", ["市民查询此前反映的问题办理进度。"]),
]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "151", "187", "188", "135", "136", "177", "199")) + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random) -> str:
    return f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(ESTATES)}{rng.randint(1, 30)}号楼"


def content(rng: random.Random) -> tuple[str, str, str, str]:
    """(category, subcategory, department, text)."""
    cat, sub, dept, templates = rng.choice(TOPICS)
    r1, r2 = rng.sample(ROADS, 2)
    text = rng.choice(templates).format(road=r1, road2=r2, estate=rng.choice(ESTATES), shop=rng.choice(SHOPS),
                                        n=rng.randint(2, 60), month=rng.randint(2, 8))
    return cat, sub, dept, text
