"""Documents for the fleet tests and benchmarks: ten short regulations with one distinct fact each, and a long one.

Written out here (not taken from ../shared) so the test runs on a clean clone; each fact
is a number no other document has, so an answer citing it comes from the right file.
"""

from __future__ import annotations

from pathlib import Path

# (file name, title, the article holding the fact, a question about it, the fact's words in the answer)
REGULATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "青山区社区志愿服务管理办法.txt",
        "青山区社区志愿服务管理办法",
        "注册志愿者每年参加志愿服务的时间累计不少于48小时",
        "青山区注册志愿者每年参加志愿服务的时间累计不少于多少小时？",
        "48",
    ),
    (
        "青山区机关食堂管理规定.txt",
        "青山区机关食堂管理规定",
        "机关食堂每月公布一次伙食成本，剩余食材留样时间不少于72小时",
        "青山区机关食堂的留样时间不少于多少小时？",
        "72",
    ),
    (
        "青山区档案借阅办法.txt",
        "青山区档案借阅办法",
        "借阅涉密档案须经分管领导批准，借阅期限最长不超过15个工作日",
        "青山区借阅涉密档案的期限最长不超过多少个工作日？",
        "15",
    ),
    (
        "青山区河长巡河制度.txt",
        "青山区河长巡河制度",
        "区级河长每季度巡河不少于2次，村级河长每周巡河不少于1次",
        "青山区村级河长多久巡河一次？",
        "每周",
    ),
    (
        "青山区公务用车管理办法.txt",
        "青山区公务用车管理办法",
        "公务用车实行定点加油，单车年度运行费用不得超过2.6万元",
        "青山区单车年度运行费用不得超过多少？",
        "2.6万元",
    ),
    (
        "青山区信访工作规程.txt",
        "青山区信访工作规程",
        "信访事项应当自受理之日起60日内办结，情况复杂的可以延长30日",
        "青山区信访事项应当自受理之日起多少日内办结？",
        "60",
    ),
    (
        "青山区安全生产检查办法.txt",
        "青山区安全生产检查办法",
        "对危险化学品企业每年至少开展4次全覆盖执法检查",
        "青山区对危险化学品企业每年至少开展几次执法检查？",
        "4次",
    ),
    (
        "青山区职工疗休养办法.txt",
        "青山区职工疗休养办法",
        "在职职工每三年可参加一次疗休养，每次时间不超过5天",
        "青山区在职职工多久可参加一次疗休养？",
        "三年",
    ),
    (
        "青山区会议费管理办法.txt",
        "青山区会议费管理办法",
        "三类会议会期不得超过1天，参会人员控制在150人以内",
        "青山区三类会议参会人员控制在多少人以内？",
        "150",
    ),
    (
        "青山区图书馆服务规范.txt",
        "青山区图书馆服务规范",
        "读者凭读者证每次可借阅图书6册，借期为35天",
        "青山区图书馆读者每次可借阅图书几册？",
        "6册",
    ),
]

_FILLER = [
    "各部门应当加强组织领导，明确责任分工，确保各项工作落到实处。",
    "对工作中表现突出的单位和个人，按照有关规定给予表彰。",
    "违反本办法规定的，由主管部门责令改正；情节严重的，依法依规追究责任。",
]


def regulation_text(title: str, fact: str) -> str:
    """A short regulation: purpose, the fact, duties, and the date it takes effect."""
    return (
        f"{title}\n\n"
        f"第一条 为规范相关工作，根据有关法律法规，结合本区实际，制定本办法。\n\n"
        f"第二条 {fact}。\n\n"
        f"第三条 {_FILLER[0]}\n\n"
        f"第四条 {_FILLER[1]}\n\n"
        f"第五条 {_FILLER[2]}\n\n"
        f"第六条 本办法自2026年1月1日起施行。\n"
    )


def write_regulations(folder: Path) -> list[Path]:
    """The ten regulations as .txt files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, title, fact, _q, _a in REGULATIONS:
        p = folder / name
        p.write_text(regulation_text(title, fact), encoding="utf-8")
        out.append(p)
    return out


_UNITS = [
    "街道办事处",
    "区教育局",
    "区卫生健康局",
    "区住房和城乡建设局",
    "区市场监督管理局",
    "区交通运输局",
    "区生态环境分局",
    "区农业农村局",
    "区民政局",
    "区文化和旅游局",
    "区应急管理局",
    "区财政局",
]
_DUTIES = [
    "建立工作台账，逐项明确完成时限",
    "每月报送工作进展情况",
    "组织开展业务培训",
    "制定年度工作计划并向社会公开",
    "落实专人负责日常联络",
    "定期开展自查并形成书面报告",
    "配合做好督查检查工作",
    "完善信息共享和协同处置机制",
]


def long_regulation(articles: int = 120) -> str:
    """A long regulation (one article per unit and duty, each with its own numbers): many chunks to embed."""
    lines = ["青山区重点工作责任清单实施细则", ""]
    for i in range(articles):
        unit = _UNITS[i % len(_UNITS)]
        duty = _DUTIES[(i * 5) % len(_DUTIES)]
        lines.append(
            f"第{i + 1}条 {unit}负责第{i + 1}项重点任务，应当{duty}，"
            f"在{(i % 11) + 1}个月内完成不少于{(i * 7) % 90 + 10}个点位的排查，"
            f"并于每季度末前{(i % 5) + 3}个工作日内报送区委督查室。"
        )
        lines.append("")
    return "\n".join(lines)
