#!/usr/bin/env python3
"""Writes the varied bulletins of tests/data/corpus/ (the layout corpus).

Run from the repository root with a release build present:
    python3 tests/data/corpus/make.py
The bulletins are written by hand-picked rules from a pool of sentences (the
example's and others written for this corpus); those that test footer
pressure are trimmed, measuring with `jianbao render --dump-layout`, until the
body leaves exactly 0, 1, …, 7 free grid lines on its last page. The output
is deterministic; the JSON files are committed, the tests read only them.

    python3 tests/data/corpus/make.py 20 21      # only the bulletins numbered 20 and 21

Bulletins 02–09 were trimmed under layout rules 1 (src/layout.rs, RULES);
written again under later rules, their free lines are measured again.
"""
import copy
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "tests", "data", "corpus")
BIN = os.path.join(ROOT, "target", "release", "jianbao")
EXAMPLE = json.load(open(os.path.join(ROOT, "examples", "yiyang-2024-01.json"), encoding="utf-8"))

# Sentences written for the corpus (county and city offices' usual matter).
POOL = [
    "6月3日，县委常委会召开会议，专题研究部署中央生态环境保护督察反馈问题整改工作，县委书记主持会议并讲话。",
    "会议强调，要把整改工作作为重大政治任务，坚持问题导向、目标导向、结果导向，确保每一个问题都有着落、每一项任务都有回音。",
    "各乡镇、各部门要对照整改清单逐项销号，建立“一问题一方案一专班”工作机制，倒排工期、挂图作战。",
    "县生态环境局联合县自然资源局、县水利局开展河道“清四乱”专项行动，共清理垃圾12.6吨，拆除违章建筑5处。",
    "截至6月底，全县已完成整改问题37个，完成率达到78.7%，其余问题正按时序推进。",
    "下一步，县里将持续加大督查督办力度，对整改不力、敷衍塞责的单位和个人严肃追责问责……",
    "城关镇组织干部群众开展人居环境整治“大扫除”活动，累计出动人员1200余人次、车辆86台次。",
    "会上，各责任单位逐一汇报了整改进展情况，分析了存在的困难和问题，提出了下一步工作打算。",
    "会议要求：一要提高认识，压实责任；二要突出重点，精准施策；三要强化协同，形成合力。",
    "《关于进一步加强农村生活污水治理工作的实施方案》已经县政府常务会议审议通过，近期印发实施。",
    "县农业农村局牵头制定了畜禽养殖污染防治方案，对全县42家规模养殖场逐一建立台账，实行动态管理。",
    "据监测，上半年全县空气质量优良天数比例为89.5%，同比上升3.2个百分点；PM2.5平均浓度为31μg/m³，同比下降8.8%。",
    "——这是全县连续第三年实现“双下降”。",
    "各级领导干部要带头深入一线，带头解决难题，带头接受监督，以实际行动推动整改落地见效。",
    "（一）加强组织领导。成立由县长任组长的工作领导小组，领导小组办公室设在县生态环境局。",
    "（二）强化资金保障。县财政统筹安排专项资金2000万元，用于重点问题整改和生态修复项目。",
]


def paragraphs_of_example():
    out = []
    for b in EXAMPLE["body"]:
        if b["type"] == "article":
            out += b["paragraphs"]
        else:
            for it in b["items"]:
                out += it["paragraphs"]
    return out


EX_PARAS = paragraphs_of_example()


def base(name="某县配合中央生态环境保护督察工作简报", issuer="某县配合中央生态环境保护督察协调联络专班", **kw):
    b = {
        "masthead": {"name": name, "issue": 3, "total_issue": 41, "issuer": issuer, "date": "2024-06-28"},
        "body": [],
        "distribution": {"report_to": ["市督察协调联络专班", "县委办公室", "县人大常委会办公室", "县政府办公室", "县政协办公室"],
                         "send_to": ["各乡镇人民政府", "县直各单位"]},
        "imprint": {"copies": 60},
    }
    b.update(kw)
    return b


def article(title, paras):
    return {"type": "article", "title": title, "paragraphs": paras}


def section(title, items):
    return {"type": "section", "title": title, "items": items}


def layout(doc, template=None):
    path = os.path.join(OUT, ".probe.json")
    json.dump(doc, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    args = [BIN, "render", "--dump-layout", path]
    if template:
        args += ["--template", template]
    out = subprocess.run(args, capture_output=True, text=True)
    os.remove(path)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return out.stdout


def free_lines(dump):
    """Free grid lines after the body's last line on its page (22 - last - 1)."""
    last = None
    for line in dump.splitlines():
        m = re.match(r"  line (paragraph|title|section|item-heading|guide-item)\s+g(\d+)", line)
        if m:
            last = int(m.group(2))
    return 21 - last


ONLY = set(sys.argv[1:])


def write(name, doc):
    if ONLY and name[:2] not in ONLY:
        return
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")


def main():
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    # 1. One page, every optional field.
    write("01-one-page-all-fields", base(
        masthead={"name": "某县工作动态", "issue": 12, "total_issue": 268, "issuer": "某县人民政府办公室",
                  "date": "2024-11-05", "marking": "内部资料 注意保存"},
        guide=["县政府召开常务会议", "城关镇开展人居环境整治"],
        body=[article("县政府召开常务会议", POOL[0:1]),
              section("乡镇动态", [{"heading": "城关镇", "paragraphs": [POOL[6][:40] + "。"]}])],
        distribution={"report_to": ["市政府办公室"], "send_to": ["各乡镇人民政府"], "issue_to": ["县直各单位"]},
        imprint={"issuer": "某县人民政府办公室", "date": "2024-11-05", "copies": 45},
        document_number="某政办简〔2024〕12号"))
    # 2–9. Footer pressure: the body leaves 0 … 7 free lines on its last page.
    for want in range(8):
        if ONLY and f"{2 + want:02}" not in ONLY:
            continue
        found = None
        for n in range(len(POOL) * 3, 3, -1):
            paras = (POOL * 3)[:n]
            for cut in range(0, 60, 3):
                last = paras[-1][: max(8, len(paras[-1]) - cut)]
                if not last.endswith("。"):
                    last += "。"
                doc = base(body=[article("全县扎实推进督察反馈问题整改", paras[:-1] + [last])],
                           document_number="某督简〔2024〕3号")
                dump = layout(doc)
                if free_lines(dump) == want and " 2 pages" in dump.splitlines()[0]:
                    found = doc
                    break
            if found:
                break
        if not found:
            sys.exit(f"no bulletin leaves {want} free lines")
        write(f"{2 + want:02}-footer-pressure-{want}", found)
    # 10. A long name (two lines) and a long issuer.
    write("10-long-names", base(
        name="某某自治州某某县配合中央第三生态环境保护督察组督察工作领导小组工作简报",
        issuer="某某自治州某某县督察工作领导小组办公室",
        guide="auto",
        body=[article("关于进一步加强农村生活污水治理和黑臭水体整治工作的情况通报", POOL[8:11]),
              article("县委书记带队督导中央生态环境保护督察反馈问题整改", POOL[0:3])],
        imprint={"issuer": "某某自治州某某县配合中央生态环境保护督察工作领导小组办公室", "copies": 120}))
    # 11. Latin, digits, URLs and units.
    write("11-latin-and-urls", base(
        body=[article("县生态环境局发布2024年上半年环境空气质量状况", [
            POOL[11],
            "详细数据见县政府网站https://www.example.gov.cn/sthjj/zwgk/tzgg/202407/t20240705_1234567.html，或发送电子邮件至sthjj-office@example.gov.cn咨询。",
            "会议要求各乡镇对照Environmental Impact Assessment Technical Guidelines开展自查，重点整治面积超过5km²的工业园区，COD、NH3-N等指标每月监测一次。",
            "2024年1—6月，全县共办理环境信访件126件，办结率100%，群众满意率达到95.6%。",
        ])]))
    # 12. Punctuation at line edges: quotes, brackets, ellipses and dashes.
    marks = [
        "要把“绿水青山就是金山银山”理念贯穿始终，坚决扛牢“守护好一江碧水”的政治责任，做到“守土有责、守土负责、守土尽责”。",
        "会议审议通过了《某县生态环境保护督察整改工作方案（试行）》《某县突出生态环境问题整改责任清单》等文件。",
        "整改工作要做到“五个到位”：认识到位、责任到位、措施到位、督查到位、问责到位……决不能搞“纸面整改”“虚假整改”。",
        "——要坚持问题导向；——要坚持系统治理；——要坚持标本兼治。",
        "“问题不解决不放过，整改不到位不放过，群众不满意不放过。”县委书记在会上强调。",
    ]
    write("12-punctuation-at-edges", base(body=[article("全县召开督察整改推进会", marks * 2)]))
    # 13. Sixty pages.
    body = []
    for k in range(62):
        body.append(article(EXAMPLE["body"][k % 2]["title"], EX_PARAS[(k * 3) % len(EX_PARAS):][:4] or EX_PARAS[:4]))
    doc = base(body=body)
    write("13-sixty-pages", doc)
    # 14–15. Template options (template files beside the inputs).
    write("14-compressed-punctuation", dict(base(body=[article("全县召开督察整改推进会", marks + POOL[:6])]),
                                             template="compress.toml"))
    write("15-duplex-options", dict(base(
        guide="auto",
        body=[article("全县召开督察整改推进会", POOL[:7]), section("乡镇动态", [
            {"lead": "城关镇", "paragraphs": [POOL[6]]}, {"paragraphs": [POOL[3]]}])]),
        template="duplex.toml"))
    # 16. Many long titles, an automatic guide whose items wrap.
    write("16-long-titles-and-guide", base(
        guide="auto",
        body=[article("某县召开配合中央生态环境保护督察协调联络工作会议暨突出生态环境问题整改工作推进会", POOL[0:2]),
              article("县委常委会专题研究部署中央生态环境保护督察反馈问题整改工作", POOL[2:4]),
              article("城关镇全面推进城乡生活污水治理工作持续改善人居环境质量", POOL[6:8]),
              section("市直部门工作动态", [{"lead": "市生态环境局", "paragraphs": [POOL[11]]}])]))
    # 17. Long distribution lists and a long printing body.
    write("17-long-distribution", base(
        body=[article("全县扎实推进督察反馈问题整改", POOL[:5])],
        distribution={
            "report_to": ["市委办公室", "市人大常委会办公室", "市政府办公室", "市政协办公室", "市纪委监委办公室", "市委政研室", "市政府研究室", "市生态环境局", "长春经济开发区管委会"],
            "send_to": ["各县市区委、县市区人民政府", "益阳高新区党工委、管委会", "大通湖区管委会", "市直有关单位"],
            "issue_to": ["各乡镇（街道）党（工）委、人民政府（办事处）", "县直各单位"]},
        imprint={"issuer": "某县配合中央生态环境保护督察工作领导小组办公室综合协调组", "copies": 150},
        document_number="某督简〔2024〕17号"))
    # 18. Every part of a real bulletin at once: marking and copy number on
    # one line, a supplement with a total number, the editor's note, a guide
    # labelled 本期要目, an article with its note, every 版记 element.
    write("18-all-parts", base(
        masthead={"name": "某县工作动态", "issue": 1, "total_issue": 269, "issuer": "某县人民政府办公室",
                  "date": "2024-11-12", "marking": "内部资料 注意保存", "supplement": "生态环保专刊",
                  "copy_number": "000123"},
        editor_note=["今年以来，全县上下认真落实中央生态环境保护督察反馈意见，整改工作取得阶段性成效。现将有关情况刊发，供各地各部门学习借鉴。",
                     "请各乡镇、各部门对照先进找差距，切实把整改责任扛在肩上、落到实处。"],
        guide="auto",
        guide_label="本期要目",
        body=[dict(article("城关镇扎实推进人居环境整治", POOL[6:8]),
                   note=["城关镇的做法抓住了群众最关心的问题，值得各地借鉴。"]),
              section("部门动态", [{"lead": "县生态环境局", "paragraphs": [POOL[3]]},
                                   {"heading": "县农业农村局", "paragraphs": [POOL[10]]}]),
              article("县委常委会专题研究整改工作", POOL[0:2])],
        distribution={"report_to": ["市委办公室", "市政府办公室"], "send_to": ["县委、县人大、县政府、县政协领导"],
                      "issue_to": ["各乡镇人民政府", "县直各单位"], "extra_to": ["县林业局", "县水利局"]},
        imprint={"issuer": "某县人民政府办公室", "copies": 80, "contact": "联系人：张三　电话：0737-1234567"},
        document_number="某政办简〔2024〕增1号"))
    # 19. The editor's note after the guide, a ≡本期要目≡ label from the
    # template, a long note that runs over a page.
    write("19-note-after-guide", dict(base(
        masthead={"name": "某县工作动态", "issue": 2, "issuer": "某县人民政府办公室", "date": "2024-11-19",
                  "supplement": "增刊"},
        editor_note=POOL[1:3],
        guide=["全县召开督察整改推进会", "城关镇开展人居环境整治"],
        body=[dict(article("全县召开督察整改推进会", POOL[:8]), note=POOL[8:10]),
              article("城关镇开展人居环境整治", POOL[6:12])]),
        template="notes.toml"))

    # 20. Figures in every sentence: dates, amounts, percentages, ranges,
    # numbers at line starts and ends and next to every mark.
    figures = [
        "1—5月，全县完成固定资产投资38.6亿元，同比增长12.5%，其中工业投资16.2亿元，增长21.3%。",
        "5月8日至12日，县生态环境局对全县126家重点排污单位开展执法检查，发现问题43个，已整改39个，整改率90.7%。",
        "截至5月31日，全县空气质量优良天数为138天，优良率91.4%，PM2.5平均浓度为28.6微克/立方米，同比下降6.2%。",
        "全县共设置监测断面17个，其中国控断面3个、省控断面5个，Ⅱ类及以上水质断面占比达到94.1%（16/17）。",
        "2024年县财政安排生态环保专项资金3200万元，比2023年增加800万元，增长33.3%，已拨付2150万元。",
        "第一季度共受理环境信访件87件，办结85件，办结率97.7%；第二季度受理64件，办结64件，办结率100%。",
        "城区新建污水管网12.8公里、改造雨污分流管网6.4公里，新增污水处理能力2万吨/日，服务人口约8.5万人。",
        "6月1日起，全县启动为期100天的“夏季攻势”行动，计划完成任务56项，截至6月20日已完成19项，占33.9%。",
        "18个乡镇（街道）已全部建成垃圾转运站，配备转运车辆46台，日均清运生活垃圾312吨，无害化处理率100%。",
        "县委书记强调，要在7月15日前完成第1批21个问题整改，9月30日前完成第2批15个问题整改，确保按期销号。",
    ]
    write("20-figures-everywhere", base(
        body=[article("1—5月全县生态环境保护工作情况", figures[:6]),
              section("数说整改", [{"lead": "县住建局", "paragraphs": figures[6:8]},
                                   {"heading": "县城管局", "paragraphs": figures[8:10]}])]))
    # 21. English names and phrases, long words that must be hyphenated,
    # a URL, an e-mail address.
    english = [
        "6月18日，University of Cambridge环境科学系Professor Elizabeth Thompson一行来县考察湿地保护修复工作，县委副书记陪同。",
        "考察组介绍了Integrated Environmental Management and Biodiversity Conservation Programme的主要做法，建议建立Ecosystem Services Assessment长效机制。",
        "县生态环境局与World Wide Fund for Nature（WWF）中国办公室签订合作备忘录，共同开展Environmental Monitoring and Reporting培训。",
        "培训资料已上传至https://www.example.gov.cn/sthjj/pxzl/2024/environmental-monitoring-training.pdf，有疑问可发邮件至environment.training@example.gov.cn咨询。",
        "与会专家认为，Nature-based Solutions理念与我国“绿水青山就是金山银山”理念高度契合，值得在Dongting Lake Wetland保护中推广。",
    ]
    write("21-english-names", base(
        body=[article("剑桥大学专家来县考察湿地保护工作", english)]))
    # 22. Long 栏目 headings, ▲ headings and a manual guide of long entries.
    long_heads = [
        "关于深入学习贯彻习近平生态文明思想全面推进中央生态环境保护督察反馈问题整改落实工作动态",
        "各乡镇人民政府和县直各有关部门单位落实县委常委会议精神推进突出生态环境问题整改情况",
    ]
    write("22-long-headings-and-guide", base(
        guide=["县委常委会专题研究部署中央生态环境保护督察反馈问题整改工作，县委书记主持会议并讲话",
               "各乡镇、各部门对照整改清单逐项销号，建立“一问题一方案一专班”工作机制",
               "县生态环境局联合县自然资源局、县水利局开展河道“清四乱”专项行动"],
        body=[section(long_heads[0], [{"heading": "县生态环境局、县自然资源局、县水利局、县农业农村局、县住房和城乡建设局联合行动", "paragraphs": POOL[3:5]},
                                      {"lead": "城关镇", "paragraphs": [POOL[6]]}]),
              section(long_heads[1], [{"heading": "资江桃江段、志溪河城区段、沾溪河上游段综合治理", "paragraphs": POOL[8:10]}])]))
    # 23. A guide of twelve entries, automatic, over twelve short articles.
    titles12 = ["县委常委会研究部署整改工作", "县政府召开常务会议", "城关镇开展人居环境整治", "县生态环境局开展执法检查",
                "县水利局推进河长制工作", "县农业农村局整治畜禽养殖污染", "县住建局推进污水管网建设", "县自然资源局开展矿山修复",
                "县林业局加强湿地保护", "县城管局推进垃圾分类", "县交通运输局整治扬尘污染", "县工信局推动企业绿色转型"]
    write("23-guide-of-twelve", base(
        guide="auto",
        body=[article(t, [POOL[k % len(POOL)]]) for k, t in enumerate(titles12)]))
    # 24. A case for each rule: lone last characters, strong title breaks
    # (after ，, a subtitle's ——), a 印发 line that fits only compressed,
    # a 版记 entry longer than a line, the 版记 carried over.
    lone = [
        "会议要求，各乡镇、各部门要进一步提高政治站位，切实增强做好督察整改工作的责任感和紧迫感，确保整改工作取得实效好。",
        "截至6月底，全县已完成整改问题37个，完成率达到78.7%，其余问题正在按照时序进度扎实推进中，完成率达到78.7%。",
        "县委书记在会上强调，要坚持问题导向、目标导向、结果导向，确保每一个问题都有着落、每一项任务都有回音、每一位。",
    ]
    write("24-rules", base(
        body=[article("全县生态环境质量持续改善，PM2.5平均浓度同比下降8.8%", lone),
              article("守护好一江碧水——全县河湖长制工作综述", POOL[:7] + POOL[:6])],
        distribution={"report_to": ["市督察协调联络专班", "县委办公室"],
                      "send_to": ["各乡镇（街道）党（工）委、人民政府（办事处），县直机关各单位、各人民团体，县属国有企业"],
                      "issue_to": ["县直各单位"]},
        imprint={"issuer": "某县配合中央生态环境保护督察工作领导小组办公室", "copies": 150},
        document_number="某督简〔2024〕24号"))


if __name__ == "__main__":
    main()
