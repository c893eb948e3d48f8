# ruff: noqa: E501  (the data tables below are Chinese text, which ruff counts double-width)
"""Generate the registry (台账) of a whole fictional prefecture, 清河市, with planted problems.

Run: .venv/bin/python scripts/gen_prefecture.py [--seed N]. Deterministic for a seed; re-running
reproduces the files byte for byte (apart from the XLSX's zip timestamps).

Writes
  src/jianfu/data/demo/registry/qinghe_registry.xlsx   台账 + 单位 sheets, via the exporter
  src/jianfu/data/demo/registry/qinghe_planted.json    the answer key: every planted problem by id
  tests/samples/registry/tools.jsonl                   a subset of the tools (contract JSONL)
  tests/samples/registry/tools_en.csv                  the same subset, English headers and codes, UTF-8
  tests/samples/registry/tools_zh_gbk.csv              the same subset, Chinese headers and labels, GBK
  tests/samples/registry/units.csv                     the units those tools belong to, Chinese headers
  tests/samples/registry/office.xlsx                   a hand-kept office workbook (not our layout)
  tests/samples/registry/broken.csv                    bad rows for the error tests (see BROKEN_ROWS)

Everything is invented: the prefecture, its counties, townships, villages, units, tools and people.
The structure: 1 city with its departments, 8 counties/districts with theirs, ~10 townships each,
~15 villages/communities each. Planted problems (counted in the answer key):
  duplicate_clusters         apps/mini-programs of different departments doing the same thing, their
                             functions reworded (DUPLICATE_TOOL)
  below_county_apps          apps owned by a township or village
  same_platform_accounts     one unit with two public accounts on the same platform
  banned_features            apps declaring 打卡签到/积分排名/在线时长; `exempted` those with a 安保/应急 exemption
  groups_without_responsible work groups with no 责任人
  temporary_expired          temporary groups still active after their task ended (before `as_of`)
  unfiled                    live apps, mini-programs and public accounts without a filing number
Negatives are planted too: temporary groups whose task still runs, dissolved temporary groups, the
same unit on two different platforms, retired and merged tools.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jianfu.records import Tool, Unit  # noqa: E402
from jianfu.report.registry_export import (  # noqa: E402
    write_registry_csv,
    write_registry_jsonl,
    write_registry_xlsx,
    write_units_csv,
)

DEMO_DIR = ROOT / "src" / "jianfu" / "data" / "demo" / "registry"
SAMPLES_DIR = ROOT / "tests" / "samples" / "registry"
SEED = 20250630
AS_OF = date(2025, 6, 30)  # "today" for the planted problems: temporary groups expired before it
REGION = "清河市"

# --- places ---------------------------------------------------------------------------------------

CITY = ("清河市", "清河")
COUNTIES = (  # (name, short name, is urban district)
    ("清源区", "清源", True), ("河东区", "河东", True), ("柳溪县", "柳溪", False), ("青石县", "青石", False),
    ("云台县", "云台", False), ("松岭县", "松岭", False), ("白沙县", "白沙", False), ("梅川县", "梅川", False),
)
_TOWN_A = "桃杏柳松柏竹梅兰荷枫槐杨石岭峰溪泉河湖塘湾桥渡洲龙凤鹤鹿金银"
_TOWN_B = "园林山坪口湾铺集店庄堡坊关源港坝岗冲阳"
_VILLAGE_A = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
              "魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺")
_VILLAGE_B = ("家湾", "家庄", "家坝", "家岗", "家冲", "家畈", "家营", "庄", "营", "寨", "湾", "岗", "坪", "桥", "冲",
              "塘", "店", "集", "铺", "沟", "坡", "屯", "垸", "嘴")
_COMMUNITY = ("幸福", "和平", "春华", "滨湖", "朝阳", "建设", "长青", "绿园", "锦绣", "新华", "光明", "民主", "文昌",
              "育才", "振兴", "东风", "红星", "胜利", "翠苑", "花园", "阳光", "康乐", "永安", "泰和", "金桥", "丽水",
              "紫荆", "银杏", "望江", "学府", "惠民", "安康", "清风", "怡景", "书香", "桂花")
_DIRECTIONS = "东西南北中新前后上下"
_COMMUNITY_SUFFIX = ("", "园", "苑", "里", "坊")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春燕晓东海波宁辉鹏飞俊峰琳雪梅文斌浩宇欣怡婷"

# --- departments and their tools ------------------------------------------------------------------
# (unit name template, department type); {u} = 清河市 / 柳溪县, {c} = 市 / 县 / 区.

CITY_DEPTS = (
    ("{u}委办公室", "office"), ("{u}人民政府办公室", "gov_office"), ("{u}委组织部", "org"), ("{u}委宣传部", "propaganda"),
    ("{u}委政法委员会", "politics_law"), ("{u}委网络安全和信息化委员会办公室", "cyber"),
    ("{u}发展和改革委员会", "drc"), ("{u}教育局", "edu"), ("{u}公安局", "police"), ("{u}民政局", "civil"),
    ("{u}司法局", "justice"), ("{u}财政局", "finance"), ("{u}人力资源和社会保障局", "hr"),
    ("{u}自然资源和规划局", "land"), ("{u}生态环境局", "env"), ("{u}住房和城乡建设局", "housing"),
    ("{u}交通运输局", "transport"), ("{u}水利局", "water"), ("{u}农业农村局", "agri"), ("{u}商务局", "commerce"),
    ("{u}文化广电旅游局", "culture"), ("{u}卫生健康委员会", "health"), ("{u}退役军人事务局", "veterans"),
    ("{u}应急管理局", "emergency"), ("{u}市场监督管理局", "market"), ("{u}医疗保障局", "medical_ins"),
    ("{u}政务服务和数据管理局", "gov_service"), ("{u}信访局", "petition"), ("{u}融媒体中心", "media"),
    ("共青团{u}委员会", "youth"), ("{u}妇女联合会", "women"), ("{u}总工会", "union"),
)
COUNTY_DEPTS = (
    ("{u}委办公室", "office"), ("{u}委组织部", "org"), ("{u}委宣传部", "propaganda"), ("{u}委政法委员会", "politics_law"),
    ("{u}教育局", "edu"), ("{u}公安局", "police"), ("{u}民政局", "civil"), ("{u}人力资源和社会保障局", "hr"),
    ("{u}自然资源局", "land"), ("{u}住房和城乡建设局", "housing"), ("{u}水利局", "water"), ("{u}农业农村局", "agri"),
    ("{u}文化和旅游局", "culture"), ("{u}卫生健康局", "health"), ("{u}应急管理局", "emergency"),
    ("{u}市场监督管理局", "market"), ("{u}医疗保障局", "medical_ins"), ("{u}融媒体中心", "media"),
    ("共青团{u}委员会", "youth"),
)

# Public account topic per department type: the account is "{s}{topic}" (or topic with {s} inside).
ACCOUNT_TOPIC = {
    "office": "{s}党建", "gov_office": "{s}发布", "org": "{s}组工", "propaganda": "{s}宣传", "politics_law": "平安{s}",
    "cyber": "网信{s}", "drc": "{s}发改", "edu": "{s}教育", "police": "{s}公安", "civil": "{s}民政",
    "justice": "法治{s}", "finance": "{s}财政", "hr": "{s}人社", "land": "{s}自然资源", "env": "{s}生态环境",
    "housing": "{s}住建", "transport": "{s}交通", "water": "{s}水利", "agri": "{s}农业农村", "commerce": "{s}商务",
    "culture": "{s}文旅", "health": "健康{s}", "veterans": "{s}退役军人", "emergency": "{s}应急", "market": "{s}市场监管",
    "medical_ins": "{s}医保", "gov_service": "{s}政务服务", "petition": "{s}信访", "media": "{s}融媒",
    "youth": "青春{s}", "women": "{s}女性", "union": "{s}工会",
}
ACCOUNT_FUNCTIONS = (
    ("信息发布", "政策解读", "办事指南", "留言互动"), ("工作动态", "通知公告", "政策解读"),
    ("新闻资讯", "政策解读", "便民查询", "互动留言"), ("信息发布", "服务指南", "在线咨询"),
)
ACCOUNT_FEATURES = ("图文推送", "自动回复", "菜单导航", "留言互动", "视频号联动")

# (kind, name template, functions, audience, purpose, platform)
DEPT_TOOLS: dict[str, tuple[tuple[str, str, tuple[str, ...], str, str, str], ...]] = {
    "office": (("app", "{s}协同办公", ("公文流转", "会议通知", "督查督办", "通讯录"), "机关干部", "内部办公", "DingTalk"),),
    "gov_office": (("miniprogram", "{s}政府信息公开", ("依申请公开", "政府公报查询", "政策文件检索"), "群众", "政务公开",
                    "WeChat"),),
    "org": (("miniprogram", "{s}干部人才", ("人才政策查询", "人才认定申报", "人才公寓申请"), "各类人才", "人才服务", "WeChat"),),
    "propaganda": (("miniprogram", "{s}文明随手拍", ("不文明行为曝光", "文明典型推荐"), "群众", "文明城市创建", "WeChat"),),
    "politics_law": (("miniprogram", "{s}见义勇为", ("见义勇为申报", "英雄事迹展示"), "群众", "见义勇为表彰", "WeChat"),),
    "cyber": (("miniprogram", "{s}网络举报", ("违法和不良信息举报", "举报进度查询"), "网民", "网络生态治理", "WeChat"),),
    "edu": (("app", "{s}教育云", ("教师研修", "教育资源库", "名师课堂"), "教师", "教育资源共享", "own"),
            ("miniprogram", "{s}入学报名", ("新生入学报名", "学位查询", "材料上传", "录取结果查询"), "适龄儿童家长", "义务教育招生",
             "WeChat")),
    "police": (("miniprogram", "{s}微警务", ("户籍业务预约", "出入境进度查询", "交通违法查询", "警情求助"), "群众", "便民警务",
                "WeChat"),),
    "civil": (("miniprogram", "{s}社会救助", ("低保申请", "救助进度查询", "临时救助申请"), "困难群众", "社会救助", "WeChat"),
              ("miniprogram", "{s}婚姻登记预约", ("结婚登记预约", "离婚登记预约", "婚姻登记须知"), "群众", "婚姻登记", "WeChat")),
    "justice": (("miniprogram", "{s}法律服务", ("法律咨询", "法律援助申请", "人民调解申请"), "群众", "公共法律服务", "WeChat"),),
    "finance": (("miniprogram", "{s}惠民补贴", ("补贴发放查询", "一卡通余额查询"), "群众", "惠民惠农补贴公开", "WeChat"),),
    "hr": (("miniprogram", "{s}技能培训", ("职业技能培训报名", "技能等级证书查询", "劳动维权投诉"), "劳动者", "技能提升",
            "WeChat"),),
    "land": (("app", "{s}自然资源巡查", ("卫片图斑核查", "违法用地巡查上报", "耕地保护巡查"), "执法人员", "自然资源执法", "own"),),
    "env": (("miniprogram", "{s}环保随手拍", ("环境问题举报", "处理进度查询"), "群众", "环境监督", "WeChat"),),
    "housing": (("miniprogram", "{s}住房保障", ("公租房申请", "审核进度查询", "房源查询"), "住房困难群众", "住房保障", "WeChat"),),
    "transport": (("miniprogram", "{s}公交", ("实时公交", "线路查询", "站点查询"), "市民", "公交出行", "WeChat"),),
    "water": (("miniprogram", "{s}水利工程", ("工程信息查询", "水利工程巡查记录"), "水利工作人员", "水利工程管理", "WeChat"),),
    "agri": (("miniprogram", "{s}农机补贴", ("农机购置补贴申请", "补贴进度查询"), "农户", "农机购置补贴", "WeChat"),),
    "commerce": (("miniprogram", "{s}消费券", ("消费券领取", "商户查询", "核销记录"), "市民", "促消费", "WeChat"),),
    "culture": (("miniprogram", "游{s}", ("景区预约", "文旅资讯", "门票购买", "语音导览"), "游客", "文旅推广", "WeChat"),),
    "health": (("miniprogram", "健康{s}服务", ("预约挂号", "检查报告查询", "疫苗接种预约", "健康档案查询"), "群众", "医疗健康服务",
                "WeChat"),
               ("app", "{s}家庭医生", ("家庭医生签约", "在线问诊", "随访记录"), "签约居民", "家庭医生签约服务", "own")),
    "veterans": (("miniprogram", "{s}退役军人服务", ("优待证申领", "政策查询", "就业创业服务"), "退役军人", "退役军人服务",
                  "WeChat"),),
    "emergency": (("miniprogram", "{s}应急避难", ("避难场所查询", "应急知识科普"), "群众", "应急科普", "WeChat"),),
    "market": (("miniprogram", "{s}市场监管", ("投诉举报", "企业信息查询", "食品安全抽检查询"), "群众和企业", "市场监管服务",
                "WeChat"),),
    "medical_ins": (("miniprogram", "{s}医保", ("医保参保查询", "异地就医备案", "医保电子凭证", "报销进度查询"), "参保群众",
                     "医保服务", "WeChat"),),
    "gov_service": (("app", "{s}办事通", ("事项办理", "电子证照", "一件事一次办", "好差评"), "群众和企业", "政务服务", "own"),),
    "petition": (),
    "media": (("app", "云上{s}", ("新闻资讯", "直播", "爆料", "政务服务入口"), "群众", "县级融媒体客户端", "own"),),
    "youth": (),
    "women": (("miniprogram", "{s}巾帼家园", ("妇女维权咨询", "家庭教育课程", "活动报名"), "妇女群众", "妇女儿童服务", "WeChat"),),
    "union": (),
}
# County-level apps: each theme is given to one county department only, so ordinary tools never
# duplicate one another (the planted clusters are the only duplicates).
COUNTY_APPS: tuple[tuple[str, str, str, tuple[str, ...], str, str], ...] = (  # dept, kind, name, functions, audience, purpose
    ("edu", "miniprogram", "{s}校车查询", ("校车线路查询", "校车到站提醒"), "学生家长", "校车安全"),
    ("edu", "app", "{s}研学实践", ("研学基地查询", "研学活动报名", "研学评价"), "中小学生", "研学实践教育"),
    ("culture", "miniprogram", "{s}古镇导览", ("景点导览", "非遗展示", "民宿查询"), "游客", "全域旅游"),
    ("culture", "miniprogram", "{s}图书馆", ("图书借阅查询", "座位预约", "数字阅读"), "读者", "公共文化服务"),
    ("health", "miniprogram", "{s}人民医院", ("门诊缴费", "住院清单查询", "出院结算"), "患者", "医疗服务"),
    ("health", "miniprogram", "{s}妇幼保健", ("孕产妇建档", "儿童体检预约", "疫苗接种提醒"), "孕产妇和儿童家长", "妇幼保健"),
    ("agri", "miniprogram", "{s}农产品溯源", ("产品溯源查询", "合格证开具", "基地信息"), "消费者和农户", "农产品质量安全"),
    ("agri", "app", "{s}茶产业", ("茶园管理", "茶叶交易行情", "品牌推介"), "茶农和企业", "茶产业发展"),
    ("housing", "miniprogram", "{s}物业服务", ("物业投诉", "维修资金查询", "业主大会表决"), "业主", "物业管理"),
    ("water", "miniprogram", "{s}农村供水", ("水费缴纳", "停水通知", "水质公示"), "农村用水户", "农村供水保障"),
    ("market", "miniprogram", "{s}放心消费", ("放心消费商户查询", "消费维权", "无理由退货承诺"), "消费者", "放心消费创建"),
    ("land", "miniprogram", "{s}不动产登记", ("不动产登记预约", "登记进度查询", "产权证明查询"), "群众和企业", "不动产登记"),
    ("civil", "miniprogram", "{s}殡葬服务", ("殡葬服务预约", "惠民殡葬补贴申请", "公墓查询"), "群众", "殡葬服务"),
    ("police", "miniprogram", "{s}交警", ("车驾管预约", "事故快处", "违停提醒"), "驾驶人", "交通管理服务"),
    ("hr", "miniprogram", "{s}零工市场", ("零工岗位发布", "零工求职登记", "用工对接"), "灵活就业人员", "零工就业"),
    ("medical_ins", "miniprogram", "{s}医保经办", ("医保经办网点查询", "慢特病申报", "门诊报销查询"), "参保群众", "医保经办"),
    ("youth", "miniprogram", "{s}青年之家", ("青年活动报名", "创业政策查询", "青年人才登记"), "青年", "青年服务"),
    ("emergency", "miniprogram", "{s}森林防火", ("火险等级查询", "野外用火报备", "火情举报"), "群众", "森林防火"),
    ("media", "app", "{s}融媒", ("本地新闻", "政务服务入口", "网络直播", "爆料投稿"), "群众", "县级融媒体客户端"),
    ("propaganda", "miniprogram", "{s}文明乡风", ("文明户评选", "移风易俗倡议"), "群众", "乡风文明"),
    ("org", "miniprogram", "{s}乡村人才", ("乡村人才登记", "返乡创业人才对接"), "乡村人才", "人才振兴"),
    ("office", "app", "{s}移动督查", ("督查任务下达", "督查反馈", "督查通报"), "机关干部", "督查督办"),
    ("housing", "app", "{s}城市管理", ("市容巡查", "违章搭建上报", "案件处置"), "城管队员", "城市管理"),
    ("civil", "miniprogram", "{s}地名服务", ("地名查询", "门牌申请"), "群众", "地名管理"),
)
APP_FEATURES = ("消息推送", "在线办理", "地图定位", "电子证照", "实名认证", "拍照上传", "数据统计", "在线支付", "视频直播")

DEPT_GROUPS = (  # (name template, purpose, audience)
    ("{u}工作群", "工作通知传达", "本单位干部职工"), ("{u}党支部学习群", "党员学习教育", "本单位党员"),
    ("{u}信息报送群", "信息报送", "各科室信息员"), ("{u}值班值守群", "值班值守", "值班人员"),
    ("{u}干部职工群", "日常联络", "本单位干部职工"), ("{u}业务对接群", "上下级业务对接", "下级对口业务人员"),
)
TOWN_GROUPS = (
    ("{u}网格员工作群", "网格化管理", "全体网格员"), ("{u}村（社区）书记群", "工作部署", "村（社区）书记"),
    ("{u}防汛抗旱工作群", "防汛抗旱", "防汛责任人"), ("{u}机关干部群", "工作通知传达", "机关干部"),
    ("{u}人居环境整治群", "人居环境整治", "各村（社区）干部"), ("{u}安全生产工作群", "安全生产", "安全员"),
    ("{u}党员学习群", "党员学习教育", "机关党员"), ("{u}民政工作群", "民政业务", "各村（社区）民政专干"),
)
VILLAGE_GROUPS = (
    ("{u}村民群", "村务公开与通知", "本村村民"), ("{u}两委工作群", "村两委工作", "村两委成员"),
    ("{u}网格群", "网格服务", "网格内居民"), ("{u}党员群", "党员学习", "本村党员"),
)
COMMUNITY_GROUPS = (
    ("{u}居民群", "社区通知与服务", "社区居民"), ("{u}社工群", "社区工作", "社区工作者"),
    ("{u}网格群", "网格服务", "网格内居民"), ("{u}志愿者群", "志愿服务", "社区志愿者"),
)
GROUP_PLATFORMS = (("WeChat", 0.6), ("WeCom", 0.2), ("DingTalk", 0.2))
TEMP_TASKS = ("创文迎检", "第五次全国经济普查", "人居环境整治百日攻坚", "秋季征兵", "森林防火专项", "国家卫生城市复审",
              "乡村振兴考核迎检", "防汛救灾", "高考安保", "农村危房排查", "自建房安全专项整治", "秸秆禁烧", "城乡医保征缴",
              "第三次全国土壤普查", "文明城市测评", "春运安全", "社保扩面攻坚")

# --- planted problems -----------------------------------------------------------------------------

# Duplicate clusters: (department type, level, kind, name template, functions); functions reworded.
DUPLICATE_CLUSTERS: tuple[tuple[tuple[str, str, str, str, tuple[str, ...]], ...], ...] = (
    (("civil", "city", "app", "{s}智慧养老", ("高龄津贴申请", "养老服务预约", "老年助餐", "居家养老上门服务")),
     ("health", "city", "app", "颐养{s}", ("高龄补贴申领", "养老服务预订", "老年人助餐点查询", "上门居家照护"))),
    (("org", "city", "app", "{s}党员e家", ("党员在线学习", "三会一课登记", "党费交纳", "学习档案统计")),
     ("org", "county", "app", "{s}红色云", ("党员学习", "三会一课记录", "党费缴纳", "学习档案查询")),
     ("office", "county", "app", "{s}党建云", ("党员网上学习", "三会一课线上记录", "党费在线缴纳"))),
    (("politics_law", "county", "app", "平安{s}", ("网格巡查上报", "矛盾纠纷上报", "人口信息登记", "事件处置")),
     ("civil", "county", "app", "{s}社区治理通", ("网格巡查", "矛盾纠纷排查上报", "实有人口登记", "事件流转处置"))),
    (("gov_service", "city", "miniprogram", "{s}掌上办", ("社保查询", "公积金查询", "证明开具", "办事预约")),
     ("hr", "city", "miniprogram", "{s}人社掌上服务", ("社保信息查询", "公积金余额查询", "证明材料开具", "业务预约"))),
    (("water", "city", "app", "{s}河长通", ("河道巡查", "问题上报", "巡河轨迹", "整改督办")),
     ("env", "city", "app", "{s}河湖卫士", ("河湖巡查", "问题随手拍上报", "巡查轨迹记录", "整改跟踪"))),
    (("youth", "city", "miniprogram", "青春{s}志愿", ("志愿者注册", "志愿活动报名", "服务时长记录")),
     ("propaganda", "city", "app", "{s}志愿汇", ("志愿者注册登记", "活动报名", "志愿时长统计"))),
    (("emergency", "city", "app", "{s}安全生产通", ("隐患排查", "企业自查上报", "执法检查记录")),
     ("market", "city", "miniprogram", "{s}企业安全自查", ("隐患自查", "企业自查填报", "检查记录查询"))),
    (("water", "county", "miniprogram", "{s}防汛", ("雨情水情查询", "防汛值班", "险情上报")),
     ("emergency", "county", "app", "{s}应急通", ("雨水情查询", "值班值守", "险情灾情上报", "应急预案查询"))),
    (("agri", "county", "app", "{s}智慧农业", ("农技问答", "病虫害诊断", "农资价格查询")),
     ("agri", "county", "miniprogram", "{s}农事通", ("农技咨询", "病虫害识别", "农产品价格查询"))),
    (("hr", "city", "miniprogram", "{s}就业", ("岗位发布", "求职登记", "招聘会报名")),
     ("union", "city", "miniprogram", "{s}职工之家", ("招聘岗位发布", "求职信息登记", "招聘会报名预约", "职工福利"))),
    (("edu", "city", "app", "{s}家校通", ("家校通知", "成绩查询", "作业布置", "请假申请")),
     ("edu", "county", "app", "{s}智慧校园", ("通知公告推送", "学生成绩查询", "作业发布", "在线请假"))),
    (("petition", "city", "miniprogram", "{s}阳光信访", ("网上信访", "办理进度查询", "满意度评价")),
     ("gov_service", "city", "miniprogram", "{s}12345", ("诉求提交", "办理进度查询", "满意度评价", "政策咨询"))),
)
BELOW_COUNTY_APPS = (  # (name template, functions)
    ("{t}智慧社区", ("社区通知", "物业报修", "邻里互助", "活动报名")), ("{t}网格e家", ("网格员走访记录", "事件上报", "民情日志")),
    ("{t}平安乡村", ("治安巡逻上报", "矛盾纠纷登记", "视频监控查看")), ("{t}便民通", ("办事指南", "预约办理", "便民电话")),
    ("{t}乡村振兴", ("产业信息发布", "农产品展销", "政策宣传")), ("{t}e家园", ("村务公开", "意见征集", "活动报名")),
    ("{t}智慧党建", ("党员学习", "三会一课记录", "党员档案管理")),
)
BANNED_FEATURE_SETS = (("打卡签到",), ("积分排名",), ("在线时长",), ("打卡签到", "在线时长"), ("积分排名", "在线时长"),
                       ("打卡签到", "积分排名"))
EXEMPTIONS = {  # banned feature → recorded exemptions (安保/应急) that allow it
    "打卡签到": ("安保：{y}年重大活动安保期间执勤人员打卡签到，经{c}减负办批准（{s}减负备〔{y}〕{n}号），活动结束即关闭",
             "应急：森林防火期护林员巡护打卡签到，经{c}森林防火指挥部批准（{s}森防〔{y}〕{n}号）"),
    "在线时长": ("应急：汛期应急值守期间统计值守人员在线时长，经{c}防汛抗旱指挥部批准，汛期结束后关闭",
             "安保：重要会议安保期间统计执勤终端在线时长，经{c}减负办备案（{s}减负备〔{y}〕{n}号）"),
}

N_BELOW_COUNTY_APPS = 14  # 12 township + 2 village
N_SAME_PLATFORM = 10
N_BANNED = 20
N_EXEMPTED = 6
N_NO_RESPONSIBLE = 45
N_TEMP_EXPIRED = 30
N_TEMP_RUNNING = 18
N_TEMP_DISSOLVED = 6
N_UNFILED = 16
N_RETIRED = 30
N_MERGED = 5
N_RECTIFYING = 10


@dataclass
class Draft:
    """A tool being generated; ids are given once all are placed (sequential in 台账 order)."""

    kind: str
    name: str
    unit: Unit
    functions: tuple[str, ...] = ()
    description: str = ""
    audience: str = ""
    launched: date | None = None
    platform: str | None = None
    purpose: str = ""
    responsible_person: str | None = None
    filing_number: str | None = None
    features: tuple[str, ...] = ()
    exemption: str | None = None
    temporary: bool = False
    task_end: date | None = None
    status: str = "active"
    merged_into: Draft | None = None
    tags: set[str] = field(default_factory=set)
    id: str = ""
    order: int = 0


class Prefecture:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.units: list[Unit] = []
        self.unit_type: dict[str, str] = {}  # unit id → department type ("" for governments)
        self.short: dict[str, str] = {}  # unit id → short place name of its county/city
        self.county_of: dict[str, Unit] = {}
        self.drafts: list[Draft] = []
        self.used_names: set[str] = set()
        self.clusters: list[list[Draft]] = []
        self.pairs: list[list[Draft]] = []

    # -- people, dates --

    def person(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def unique(self, make: Any) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("name space exhausted")

    # -- units --

    def add_unit(self, uid: str, name: str, level: str, parent: Unit | None, dept: str, short: str,
                 hours: list[tuple[str, str]] | None = None) -> Unit:
        unit = Unit(uid, name, level, parent.id if parent else None, hours, REGION)
        self.units.append(unit)
        self.unit_type[uid] = dept
        self.short[uid] = short
        self.used_names.add(name)
        return unit

    def build_units(self) -> None:
        rng = self.rng
        city = self.add_unit("QH", CITY[0], "city", None, "", CITY[1])
        for i, (tmpl, dept) in enumerate(CITY_DEPTS, 1):
            self.add_unit(f"QH-D{i:02d}", tmpl.format(u=CITY[0]), "city", city, dept, CITY[1])
        summer = [("08:30", "12:00"), ("14:30", "18:00")]
        for ci, (cname, cshort, urban) in enumerate(COUNTIES, 1):
            cid = f"QH-C{ci:02d}"
            hours = summer if ci in (4, 6) else None
            county = self.add_unit(cid, cname, "county", city, "", cshort, hours)
            self.county_of[cid] = county
            for di, (tmpl, dept) in enumerate(COUNTY_DEPTS, 1):
                u = self.add_unit(f"{cid}-D{di:02d}", tmpl.format(u=cname), "county", county, dept, cshort, hours)
                self.county_of[u.id] = county
            n_towns = rng.randint(8, 12)
            for ti in range(1, n_towns + 1):
                if urban or ti == 1:
                    suffix = "街道" if (urban or rng.random() < 0.5) else "镇"
                else:
                    suffix = rng.choices(("镇", "乡", "街道"), (0.65, 0.3, 0.05))[0]
                if ti == 1 and not urban:
                    tname = self.unique(lambda: "城关镇" if "城关镇" not in self.used_names else
                                        rng.choice(_TOWN_A) + rng.choice(_TOWN_B) + "镇")
                else:
                    tname = self.unique(lambda s=suffix: rng.choice(_TOWN_A) + rng.choice(_TOWN_B) + s)
                town_hours = [("08:00", "12:00"), ("14:30", "18:00")] if ci == 5 else hours
                town = self.add_unit(f"{cid}-T{ti:02d}", tname, "township", county, "town", cshort, town_hours)
                self.county_of[town.id] = county
                community = tname.endswith("街道")
                for vi in range(1, rng.randint(10, 20) + 1):
                    if community and rng.random() < 0.85:
                        vname = self.unique(lambda: (rng.choice(_DIRECTIONS) if rng.random() < 0.4 else "")
                                            + rng.choice(_COMMUNITY) + rng.choice(_COMMUNITY_SUFFIX) + "社区")
                    else:
                        vname = self.unique(lambda: rng.choice(_VILLAGE_A) + rng.choice(_VILLAGE_B) + "村")
                    v = self.add_unit(f"{town.id}-V{vi:02d}", vname, "village", town, "village", cshort)
                    self.county_of[v.id] = county

    # -- tools --

    def draft(self, kind: str, name: str, unit: Unit, **kw: Any) -> Draft:
        rng = self.rng
        d = Draft(kind, name, unit, **kw)
        if d.launched is None:
            d.launched = self.day(date(2014, 3, 1), date(2025, 5, 31)) if kind != "work_group" else \
                self.day(date(2016, 1, 1), date(2025, 6, 15))
        if d.responsible_person is None and "no_responsible" not in d.tags:
            d.responsible_person = self.person()
        if kind != "work_group" and d.filing_number is None and "unfiled" not in d.tags:
            d.filing_number = f"清网备〔{d.launched.year}〕{len(self.drafts) + 1:04d}号"
        if not d.description:
            if kind == "work_group":
                d.description = f"用于{d.purpose or '工作联络'}，成员为{d.audience or '相关工作人员'}"
            elif d.functions:
                d.description = f"提供{'、'.join(d.functions[:3])}等{'服务' if rng.random() < 0.7 else '功能'}"
        self.drafts.append(d)
        return d

    def account(self, unit: Unit, name: str, platform: str, **kw: Any) -> Draft:
        rng = self.rng
        fns = rng.choice(ACCOUNT_FUNCTIONS)
        feats = tuple(rng.sample(ACCOUNT_FEATURES, rng.randint(1, 3)))
        return self.draft("public_account", name, unit, functions=fns, audience="群众", purpose="政务信息公开与服务",
                          platform=platform, features=feats, **kw)

    def groups(self, unit: Unit, templates: tuple[tuple[str, str, str], ...], k: int) -> None:
        rng = self.rng
        names = [p for p, _ in GROUP_PLATFORMS]
        weights = [w for _, w in GROUP_PLATFORMS]
        for tmpl, purpose, audience in rng.sample(templates, min(k, len(templates))):
            platform = "WeChat" if unit.level == "village" and rng.random() < 0.9 else rng.choices(names, weights)[0]
            fns = ("通知发布", "工作交流") if rng.random() < 0.6 else ("通知发布", "信息报送", "工作交流")
            self.draft("work_group", tmpl.format(u=unit.name), unit, functions=fns, audience=audience,
                       purpose=purpose, platform=platform)

    def app_from(self, unit: Unit, spec: tuple[str, str, tuple[str, ...], str, str, str], **kw: Any) -> Draft:
        kind, tmpl, fns, audience, purpose, platform = spec
        rng = self.rng
        feats = tuple(rng.sample(APP_FEATURES, rng.randint(1, 3)))
        return self.draft(kind, tmpl.format(s=self.short[unit.id]), unit, functions=fns, audience=audience,
                          purpose=purpose, platform=platform, features=feats, **kw)

    def build_tools(self) -> None:
        rng = self.rng
        for unit in self.units:
            dept = self.unit_type[unit.id]
            short = self.short[unit.id]
            if unit.level in ("city", "county") and dept == "":
                self.account(unit, f"{short}发布", "WeChat")
                self.account(unit, f"{short}发布", "Weibo")
                if rng.random() < 0.7:
                    self.account(unit, f"{short}发布", "Douyin")
                self.groups(unit, DEPT_GROUPS, 2)
            elif unit.level in ("city", "county"):
                if unit.level == "city" or rng.random() < 0.85:
                    topic = ACCOUNT_TOPIC[dept].format(s=short)
                    self.account(unit, topic, "WeChat")
                    if unit.level == "city" and rng.random() < 0.3:
                        self.account(unit, topic, rng.choice(("Weibo", "Douyin")))
                if unit.level == "city":
                    for spec in DEPT_TOOLS.get(dept, ()):
                        self.app_from(unit, spec)
                self.groups(unit, DEPT_GROUPS, rng.randint(1, 4) if unit.level == "city" else rng.randint(1, 3))
            elif unit.level == "township":
                if rng.random() < 0.85:
                    self.account(unit, rng.choice((f"{unit.name}发布", f"魅力{unit.name}", f"印象{unit.name}")),
                                 "WeChat")
                if rng.random() < 0.15:
                    self.account(unit, f"{unit.name}", "Douyin")
                self.groups(unit, TOWN_GROUPS, rng.randint(3, 6))
            else:
                templates = COMMUNITY_GROUPS if unit.name.endswith("社区") else VILLAGE_GROUPS
                self.groups(unit, templates, rng.choices((1, 2, 3), (0.3, 0.45, 0.25))[0])
                if rng.random() < 0.04:
                    self.account(unit, f"{unit.name}村务公开" if unit.name.endswith("村") else f"{unit.name}服务",
                                 "WeChat")

    # -- planting --

    def county_apps(self) -> None:
        rng = self.rng
        for dept, kind, tmpl, fns, audience, purpose in COUNTY_APPS:
            unit = rng.choice(self.units_of("county", dept))
            spec = (kind, tmpl, fns, audience, purpose, "own" if kind == "app" else "WeChat")
            self.app_from(unit, spec)

    def units_of(self, level: str, dept: str | None = None) -> list[Unit]:
        return [u for u in self.units if u.level == level and (dept is None or self.unit_type[u.id] == dept)]

    def plant(self) -> None:
        rng = self.rng
        # 1. duplicate clusters: different departments (or counties), same functions reworded
        for cluster in DUPLICATE_CLUSTERS:
            members: list[Draft] = []
            taken: set[str] = set()
            for dept, level, kind, tmpl, fns in cluster:
                candidates = [u for u in self.units_of(level, dept) if u.id not in taken]
                unit = rng.choice(candidates)
                taken.add(unit.id)
                name = tmpl.format(s=self.short[unit.id])
                d = self.draft(kind, name, unit, functions=fns, audience="群众", purpose="便民服务",
                               platform="own" if kind == "app" else "WeChat",
                               features=tuple(rng.sample(APP_FEATURES, 2)), tags={"duplicate"})
                members.append(d)
            self.clusters.append(members)
        # 2. apps below county level
        towns = rng.sample(self.units_of("township"), N_BELOW_COUNTY_APPS - 2)
        villages = rng.sample(self.units_of("village"), 2)
        for unit in towns + villages:
            tmpl, fns = rng.choice(BELOW_COUNTY_APPS)
            self.draft("app", tmpl.format(t=unit.name), unit, functions=fns, audience="辖区群众",
                       purpose="基层服务", platform="own", features=("消息推送",), tags={"below_county"})
        # 3. two public accounts of one unit on one platform
        for unit in rng.sample([u for u in self.units if self.unit_type[u.id] not in ("", "town", "village")],
                               N_SAME_PLATFORM):
            mine = [d for d in self.drafts if d.unit is unit and d.kind == "public_account" and d.platform == "WeChat"]
            if mine:
                first = mine[0]
            else:
                first = self.account(unit, ACCOUNT_TOPIC[self.unit_type[unit.id]].format(s=self.short[unit.id]),
                                     "WeChat")
            second = self.account(unit, first.name + rng.choice(("服务", "资讯", "之声", "在线", "服务号")), "WeChat")
            first.tags.add("same_platform")
            second.tags.add("same_platform")
            self.pairs.append([first, second])
        # 4. banned features (check-in, ranking, online time), some with a recorded exemption
        hosts = [d for d in self.drafts if d.kind in ("app", "miniprogram") and not d.tags]
        for i, d in enumerate(rng.sample(hosts, N_BANNED)):
            d.tags.add("banned")
            if i >= N_EXEMPTED:
                d.features = tuple(dict.fromkeys(d.features + rng.choice(BANNED_FEATURE_SETS)))
                continue
            banned = rng.choice(tuple(EXEMPTIONS))  # an exemption covers the one feature it names
            d.features = tuple(dict.fromkeys((*d.features, banned)))
            county = self.county_of.get(d.unit.id)
            c = "县" if county is not None and county.name.endswith("县") else "区" if county else "市"
            d.exemption = rng.choice(EXEMPTIONS[banned]).format(y=rng.randint(2023, 2025), c=c,
                                                                 s=self.short[d.unit.id], n=rng.randint(1, 30))
            d.tags.add("exempted")
        # 5. work groups without a responsible person
        groups = [d for d in self.drafts if d.kind == "work_group" and not d.tags]
        for d in rng.sample(groups, N_NO_RESPONSIBLE):
            d.responsible_person = None
            d.tags.add("no_responsible")
        # 6. temporary groups: expired but still active (planted), still running, dissolved (negatives)
        hosts_t = [u for u in self.units if self.unit_type[u.id] in ("", "town") and u.level in ("county", "township")]
        for n, tag in ((N_TEMP_EXPIRED, "temp_expired"), (N_TEMP_RUNNING, "temp_running"),
                       (N_TEMP_DISSOLVED, "temp_dissolved")):
            for unit in rng.sample(hosts_t, n):
                task = rng.choice([t for t in TEMP_TASKS if f"{unit.name}{t}临时工作群" not in self.used_names])
                self.used_names.add(f"{unit.name}{task}临时工作群")
                if tag == "temp_running":
                    end = self.day(date(2026, 9, 1), date(2027, 12, 31))
                    start = self.day(date(2025, 1, 1), date(2025, 6, 1))
                else:
                    end = self.day(date(2023, 1, 1), date(2025, 5, 31))
                    start = end - timedelta(days=rng.randint(30, 200))
                self.draft("work_group", f"{unit.name}{task}临时工作群", unit, functions=("任务部署", "进度报送"),
                           audience="专项工作人员", purpose=f"{task}专项工作", launched=start, temporary=True,
                           task_end=end, platform=rng.choice(("WeChat", "WeCom", "DingTalk")),
                           status="retired" if tag == "temp_dissolved" else "active", tags={tag})
        # 7. unfiled apps and mini-programs
        hosts = [d for d in self.drafts if d.kind in ("app", "miniprogram") and not d.tags]
        for d in rng.sample(hosts, N_UNFILED):
            d.filing_number = None
            d.tags.add("unfiled")
        # negatives and lifecycle variety: retired, merged, under rectification
        plain = [d for d in self.drafts if not d.tags]
        for d in rng.sample(plain, N_RETIRED):
            d.status = "retired"
            d.tags.add("retired")
        plain_apps = [d for d in self.drafts if not d.tags and d.kind in ("app", "miniprogram")]
        for d in rng.sample(plain_apps, N_MERGED):
            target = rng.choice([t for t in self.drafts if t.kind in ("app", "miniprogram") and t is not d
                                 and t.status == "active" and t.unit.level == "city"])
            d.status = "merged"
            d.merged_into = target
            d.tags.add("merged")
            target.tags.add("merge_target")
        for d in rng.sample([d for d in self.drafts if not d.tags], N_RECTIFYING):
            d.status = "rectifying"
            d.tags.add("rectifying")

    # -- ids and records --

    def finish(self) -> list[Tool]:
        position = {u.id: i for i, u in enumerate(self.units)}
        kinds = {"public_account": 0, "app": 1, "miniprogram": 2, "work_group": 3}
        for i, d in enumerate(self.drafts):
            d.order = i
        self.drafts.sort(key=lambda d: (position[d.unit.id], kinds[d.kind], d.order))
        prefix = {"app": "QH-APP-", "miniprogram": "QH-XCX-", "public_account": "QH-GZH-", "work_group": "QH-QUN-"}
        counters: dict[str, int] = defaultdict(int)
        for d in self.drafts:
            counters[d.kind] += 1
            d.id = f"{prefix[d.kind]}{counters[d.kind]:05d}"
        return [
            Tool(d.id, d.kind, d.name, d.unit.name, d.unit.level, d.description, d.functions, d.audience, d.launched,
                 d.platform, d.purpose, d.responsible_person, d.filing_number, d.features, d.exemption, d.temporary,
                 d.task_end, d.status, d.merged_into.id if d.merged_into else None)
            for d in self.drafts
        ]

    def answer_key(self, seed: int, tools: list[Tool]) -> dict[str, Any]:
        live = [t for t in tools if t.status in ("active", "rectifying", "under_review")]
        tagged: dict[str, list[str]] = defaultdict(list)
        for d in self.drafts:
            for tag in d.tags:
                tagged[tag].append(d.id)
        # Conditions recomputed from the records: the planted sets must be exactly what they select.
        by_condition = {
            "below_county_apps": [t.id for t in live if t.kind == "app" and t.level in ("township", "village")],
            "banned_features": [t.id for t in live if any(f in ("打卡签到", "积分排名", "在线时长") for f in t.features)],
            "exempted": [t.id for t in live if t.exemption],
            "groups_without_responsible": [t.id for t in live if t.kind == "work_group" and not t.responsible_person],
            "temporary_expired": [t.id for t in live if t.temporary and t.task_end and t.task_end < AS_OF],
            "temporary_running": [t.id for t in live if t.temporary and t.task_end and t.task_end >= AS_OF],
            "unfiled": [t.id for t in live if t.kind != "work_group" and not t.filing_number],
        }
        planted = {"below_county_apps": "below_county", "banned_features": "banned", "exempted": "exempted",
                   "groups_without_responsible": "no_responsible", "temporary_expired": "temp_expired",
                   "temporary_running": "temp_running", "unfiled": "unfiled"}
        for key, tag in planted.items():
            if sorted(by_condition[key]) != sorted(tagged[tag]):
                raise AssertionError(f"{key}: condition selects {len(by_condition[key])}, planted {len(tagged[tag])}")
        accounts: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        for t in live:
            if t.kind == "public_account":
                accounts[(t.owner_unit, t.platform)].append(t.id)
        same = sorted(ids for ids in accounts.values() if len(ids) > 1)
        if same != sorted(sorted(d.id for d in pair) for pair in self.pairs):
            raise AssertionError("same-platform accounts differ from the planted pairs")
        key: dict[str, Any] = {
            "seed": seed,
            "as_of": AS_OF.isoformat(),
            "region": REGION,
            "totals": {
                "units": len(self.units),
                "units_by_level": _count(u.level for u in self.units),
                "tools": len(tools),
                "tools_by_kind": _count(t.kind for t in tools),
                "tools_by_status": _count(t.status for t in tools),
            },
            "counts": {},
            "duplicate_clusters": [[d.id for d in c] for c in self.clusters],
            "same_platform_accounts": same,
            **{k: sorted(v) for k, v in by_condition.items()},
            "temporary_dissolved": sorted(tagged["temp_dissolved"]),
        }
        key["counts"] = {
            "duplicate_clusters": len(self.clusters),
            "duplicate_tools": sum(len(c) for c in self.clusters),
            "same_platform_accounts": len(same),
            **{k: len(v) for k, v in by_condition.items()},
            "temporary_dissolved": len(tagged["temp_dissolved"]),
        }
        return key


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(sorted(out.items()))


def generate(seed: int = SEED) -> tuple[list[Unit], list[Tool], dict[str, Any], Prefecture]:
    pref = Prefecture(seed)
    pref.build_units()
    pref.build_tools()
    pref.county_apps()
    pref.plant()
    tools = pref.finish()
    return pref.units, tools, pref.answer_key(seed, tools), pref


# --- test samples ---------------------------------------------------------------------------------


def sample_subset(pref: Prefecture, tools: list[Tool], seed: int) -> tuple[list[Unit], list[Tool]]:
    """~60 tools: some of every planted kind plus ordinary ones, and the units they need."""
    rng = random.Random(seed + 1)
    by_id = {t.id: t for t in tools}
    chosen: dict[str, None] = {}
    for tag, n in (("duplicate", 4), ("below_county", 2), ("same_platform", 2), ("banned", 3), ("exempted", 1),
                   ("no_responsible", 3), ("temp_expired", 3), ("temp_running", 2), ("temp_dissolved", 1),
                   ("unfiled", 2), ("retired", 2), ("rectifying", 1)):
        pool = [d.id for d in pref.drafts if tag in d.tags]
        for i in rng.sample(pool, n):
            chosen.setdefault(i)
    for pair in pref.pairs[:1]:
        for d in pair:
            chosen.setdefault(d.id)
    plain = [d.id for d in pref.drafts if not d.tags]
    for i in rng.sample(plain, 36):
        chosen.setdefault(i)
    order = {t.id: n for n, t in enumerate(tools)}
    subset = sorted((by_id[i] for i in chosen), key=lambda t: order[t.id])
    names = {t.owner_unit for t in subset}
    units_by_id = {u.id: u for u in pref.units}
    needed: dict[str, None] = {}
    for u in pref.units:
        if u.name in names:
            cur: Unit | None = u
            while cur is not None and cur.id not in needed:
                needed[cur.id] = None
                cur = units_by_id.get(cur.parent) if cur.parent else None
    units = [u for u in pref.units if u.id in needed]
    return units, subset


# Deliberately broken rows: (row cells, expected problems as (column, reason start)); header = row 1.
BROKEN_HEADER = ("编号", "名称", "类型", "主办单位", "层级", "平台", "主要功能", "上线时间", "责任人", "是否临时群",
                 "任务结束日期", "状态", "备注说明")
BROKEN_ROWS: tuple[tuple[str, ...], ...] = (
    ("BR-001", "清河办事通", "APP", "清河市政务服务和数据管理局", "市级", "自建", "事项办理、办件进度查询", "2021-03-15", "李建国",
     "", "", "已备案运行", ""),
    ("", "柳溪教育", "公众号", "柳溪县教育局", "县级", "微信", "教育资讯；招生公告", "2020/9/1", "王芳", "", "", "", ""),
    ("BR-003", "清河门户网站", "网站", "清河市人民政府办公室", "市级", "自建", "信息公开", "2015-01-01", "赵敏", "", "", "", ""),
    ("BR-004", "青石智慧农业", "APP", "青石县农业农村局", "地区级", "自建", "农技问答", "2024-13-01", "孙强", "", "", "", ""),
    ("BR-001", "清河办事通（重复登记）", "APP", "清河市政务服务和数据管理局", "市级", "自建", "事项办理", "2021-03-15", "李建国",
     "", "", "", "重复录入"),
    ("BR-006", "", "工作群", "", "乡镇", "微信", "通知发布", "2023-06-01", "", "否", "", "", ""),
    ("BR-007", "松岭县防汛临时工作群", "微信群", "松岭县水利局", "县级", "企业微信", "任务部署", "2024-06-01", "周杰",
     "也许", "明年六月", "", ""),
    ("BR-008", "云台文旅", "公众号", "云台县文化和旅游局", "县级", "微信", "文旅资讯", "2019-05-20", "吴静", "", "", "暂停使用",
     ""),
    ("BR-009", "白沙发布", "公众号", "白沙县", "县级", "微博", "信息发布", "2018-08-08", "郑洋", "", "", "", "", "多出的值"),
    ("BR-010", "梅川县创文迎检临时工作群", "工作群", "梅川县委宣传部", "县级", "钉钉", "任务部署、进度报送", "2024年5月1日",
     "冯丽", "是", "2024/6/30", "已关停注销", ""),
    ("BR-011", "河东掌上办", "小程序", "河东区政务服务和数据管理局", "县级", "微信", "办事预约", "2024/2/30", "陈刚", "", "", "",
     ""),
    ("BR-012", "清源网格通", "", "清源区委政法委员会", "区级", "自建", "网格巡查上报", "2022-04-18", "胡海", "", "", "", ""),
)


def write_broken(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(BROKEN_HEADER)
        for row in BROKEN_ROWS:
            writer.writerow(row)


def write_office_xlsx(path: Path) -> None:
    """A 台账 as an office keeps it by hand: first sheet 'Sheet1' under a title, 序号 and 备注
    columns, header variants, numbers as ids, dates as cells, as text and as a serial; a 单位 sheet
    without a title; a 说明 sheet that is not data."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["柳溪县政务新媒体及工作群组台账（2025年6月）"])
    ws.merge_cells("A1:N1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["序号", "编号", "应用名称", "类型", "所属单位", "单位层级", "所在平台", "功能", "服务对象", "开通日期", "负责人",
               "备案号", "是否临时", "任务结束日期", "备注"])
    rows: list[list[Any]] = [
        [1, 1001, "柳溪教育", "政务公众号", "柳溪县教育局", "县（区）", "微信公众平台", "教育资讯，招生公告;政策解读", "家长",
         date(2019, 3, 5), "刘洋", "清网备〔2019〕0101号", None, None, None],
        [2, 1002, "柳溪智慧校园", "政务APP", "柳溪县教育局", "县级", "自建", "通知公告推送、学生成绩查询", "师生家长",
         "2021年9月1日", "刘洋", "清网备〔2021〕0102号", None, None, "拟与市家校通整合"],
        [3, 1003, "城关镇网格员工作群", "微信群", "城关镇", "乡镇（街道）", "微信", "通知发布", "全体网格员", 45413, "陈志强",
         None, "否", None, None],
        [4, 1004, "城关镇创文迎检临时工作群", "工作群", "城关镇", "乡镇", "企业微信", "任务部署；进度报送", "专项工作人员",
         "2024/3/1", None, "无", "是", date(2024, 6, 30), "任务已结束未解散", "（手写补充：群主已调离）"],
        [5, "LX-005", "柳溪入学报名", "微信小程序", "柳溪县教育局", "县级", "微信", "新生入学报名、学位查询", "适龄儿童家长",
         "2022.6.15", "刘洋", "清网备〔2022〕0103号", None, None, None],
        [6, 1006, "东湖社区居民群", "微信群", "东湖社区", "村（社区）", "微信", "通知发布", "社区居民", date(2020, 2, 1), "何敏",
         "/", "否", None, None],
    ]
    for r in rows:
        ws.append(r)
    units = wb.create_sheet("单位")
    units.append(["单位编号", "单位名称", "层级", "上级单位", "工作时间"])
    units.append(["LX", "柳溪县", "县级", None, "8:30-12:00，14:30-17:30"])
    units.append(["LX-JY", "柳溪县教育局", "县级", "LX", None])
    units.append(["LX-CG", "城关镇", "乡镇", "LX", "08:00-12:00;14:30-18:00"])
    units.append(["LX-CG-DH", "东湖社区", "社区", "LX-CG", None])
    notes = wb.create_sheet("说明")
    notes.append(["本台账由县委网信办每季度更新。"])
    wb.save(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--demo-dir", type=Path, default=DEMO_DIR)
    parser.add_argument("--samples-dir", type=Path, default=SAMPLES_DIR)
    parser.add_argument("--no-samples", action="store_true", help="only write the demo workbook and answer key")
    args = parser.parse_args(argv)

    units, tools, key, pref = generate(args.seed)
    args.demo_dir.mkdir(parents=True, exist_ok=True)
    xlsx = write_registry_xlsx(units, tools, args.demo_dir / "qinghe_registry.xlsx")
    (args.demo_dir / "qinghe_planted.json").write_bytes(
        orjson.dumps(key, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    print(f"{xlsx}: {len(units)} units, {len(tools)} tools, {xlsx.stat().st_size / 1e6:.2f} MB")
    for name, n in key["counts"].items():
        print(f"  {name}: {n}")
    if args.no_samples:
        return
    out = args.samples_dir
    out.mkdir(parents=True, exist_ok=True)
    sub_units, subset = sample_subset(pref, tools, args.seed)
    write_registry_jsonl(subset, out / "tools.jsonl")
    write_registry_csv(subset, out / "tools_en.csv", chinese=False, encoding="utf-8")
    write_registry_csv(subset, out / "tools_zh_gbk.csv", chinese=True, encoding="gbk")
    write_units_csv(sub_units, out / "units.csv", chinese=True)
    write_office_xlsx(out / "office.xlsx")
    write_broken(out / "broken.csv")
    print(f"{out}: {len(subset)} tools, {len(sub_units)} units in each subset file; office.xlsx, broken.csv")


if __name__ == "__main__":
    main()
