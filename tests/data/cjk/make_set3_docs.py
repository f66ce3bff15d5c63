"""Write the two invented documents of the cjk-heldout-3 set (all names, places and figures are fictitious; CC0).

    python3 tests/data/cjk/make_set3_docs.py     (needs reportlab, fonts-wqy-zenhei, fonts-ipaexfont)

qinglan_q3_2025_report_zh.pdf        青岚新能源科技股份有限公司 2025年第三季度报告 (Simplified Chinese, 万元 / 亿元)
midorino_budget_r7_ja.pdf            みどり野市 令和7年度 当初予算の概要 (Japanese, 千円 / 百万円 / 億円)

Output is deterministic (reportlab invariant mode). Every total in the tables is computed and asserted here.
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # fixed dates / ids: byte-identical output on every run

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

OUT = Path(__file__).resolve().parent  # tests/data/cjk

pdfmetrics.registerFont(TTFont("ZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
pdfmetrics.registerFont(TTFont("IPAexM", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"))
pdfmetrics.registerFont(TTFont("IPAexG", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"))


def styles(body_font: str, head_font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=body_font, fontSize=10, leading=16, wordWrap="CJK", spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=head_font, fontSize=17, leading=24, alignment=TA_CENTER,
                                spaceAfter=6),
        "sub": ParagraphStyle("sub", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontName=head_font, fontSize=13, leading=20, spaceBefore=10,
                             spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=head_font, fontSize=11, leading=18, spaceBefore=6,
                             keepWithNext=1),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12, spaceAfter=0),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, keepWithNext=1),
    }


def table(rows: list[list[str]], widths: list[float], font: str, st: dict, header_rows: int = 1,
          text_cols: tuple[int, ...] = (0,)) -> Table:
    """A ruled table; the text_cols are wrapped and left-aligned, the other body cells right-aligned."""
    data = [[Paragraph(c, st["cell"]) if i >= header_rows and j in text_cols else c for j, c in enumerate(r)]
            for i, r in enumerate(rows)]
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=header_rows, spaceBefore=2, spaceAfter=8)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
    ]))
    return t


def money(x: float, nd: int = 2) -> str:
    return f"{x:,.{nd}f}"


def pct(a: float, b: float) -> str:
    return f"{(a / b - 1) * 100:.2f}"


def footer(text: str, font: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{text}  {doc.page}")
        canvas.restoreState()
    return draw


# ---------------------------------------------------------------- Chinese quarterly report (万元 / 亿元)
def build(story: list, name: str, title: str, running: str, font: str) -> None:
    """Write `story` to OUT/`name` on A4, with the document title and a running footer."""
    doc = SimpleDocTemplate(str(OUT / name), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=title, author="cjk-heldout-3 (fictitious)")
    f = footer(running, font)
    doc.build(story, onFirstPage=f, onLaterPages=f)


def chinese_report() -> None:
    st = styles("ZenHei", "ZenHei")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731
    story = [
        P("青岚新能源科技股份有限公司", "title"),
        P("2025年第三季度报告", "title"),
        P("证券代码：688917　　证券简称：青岚新能　　公告编号：2025-063", "sub"),
        P("本公司董事会及全体董事保证本公告内容不存在任何虚假记载、误导性陈述或者重大遗漏，并对其内容的真实性、"
          "准确性和完整性依法承担法律责任。"),
        P("重要内容提示", "h1"),
        P("公司负责人周启明、主管会计工作负责人林雪芬及会计机构负责人（会计主管人员）韩志远保证季度报告中财务信息的"
          "真实、准确、完整。第三季度财务报表是否经审计：□是 √否。本报告经公司第三届董事会第十九次会议于2025年10月"
          "27日审议通过。"),
        P("一、主要财务数据", "h1"),
        P("（一）主要会计数据和财务指标", "h2"),
        P("单位：万元　币种：人民币", "note"),
    ]
    rev_q, rev_ytd = 186432.57, 512908.31
    rows = [
        ["项目", "本报告期", "本报告期比上年\n同期增减(%)", "年初至报告期末", "年初至报告期末比\n上年同期增减(%)"],
        ["营业收入", money(rev_q), "12.64", money(rev_ytd), "9.87"],
        ["归属于上市公司股东的净利润", "15,207.44", "-3.18", "41,862.09", "5.42"],
        ["归属于上市公司股东的扣除非经常性损益的净利润", "13,955.20", "-6.71", "38,410.66", "2.15"],
        ["经营活动产生的现金流量净额", "不适用", "不适用", "63,275.18", "31.06"],
        ["基本每股收益（元/股）", "0.053", "-3.64", "0.146", "5.80"],
        ["研发投入合计", "9,816.35", "18.20", "27,430.92", "16.74"],
        ["研发投入占营业收入的比例(%)", "5.27", "增加0.25个百分点", "5.35", "增加0.32个百分点"],
    ]
    story += [table(rows, [52, 27, 30, 30, 33], "ZenHei", st), Spacer(1, 6)]
    assert abs(9816.35 / rev_q * 100 - 5.27) < 0.005 and abs(27430.92 / rev_ytd * 100 - 5.35) < 0.005
    ta, ta0, eq, eq0 = 1284516.73, 1197340.26, 752118.40, 721066.95
    rows = [
        ["项目", "本报告期末", "上年度末", "本报告期末比上年度末增减(%)"],
        ["总资产", money(ta), money(ta0), pct(ta, ta0)],
        ["归属于上市公司股东的所有者权益", money(eq), money(eq0), pct(eq, eq0)],
    ]
    story += [table(rows, [60, 35, 35, 42], "ZenHei", st), Spacer(1, 6)]
    story += [
        P("（二）主要会计数据、财务指标发生变动的情况、原因", "h2"),
        P("1. 年初至报告期末经营活动产生的现金流量净额同比增长31.06%，主要系储能系统项目回款加快、销售商品收到的现金"
          "增加所致。"),
        P("2. 本报告期归属于上市公司股东的扣除非经常性损益的净利润同比下降6.71%，主要系光伏组件销售单价同比下降约"
          "11%，部分抵消了出货量增长的影响。"),
        P("3. 本报告期研发投入同比增长18.20%，主要系钙钛矿叠层电池中试线投入增加。"),
        P("（三）分产品营业收入情况（年初至报告期末）", "h2"),
        P("单位：万元　币种：人民币", "note"),
    ]
    seg = [("光伏组件", 268114.52, 243310.95), ("储能系统", 147203.86, 118745.20),
           ("逆变器", 71590.07, 73062.38), ("运维服务及其他", 25999.86, 31712.05)]
    assert abs(sum(s[1] for s in seg) - rev_ytd) < 0.005
    rows = [["产品类别", "营业收入", "占营业收入比例(%)", "上年同期", "同比增减(%)"]]
    rows += [[n, money(a), f"{a / rev_ytd * 100:.2f}", money(b), pct(a, b)] for n, a, b in seg]
    rows += [["合计", money(rev_ytd), "100.00", money(sum(s[2] for s in seg)), pct(rev_ytd, sum(s[2] for s in seg))]]
    assert pct(rev_ytd, sum(s[2] for s in seg)) == "9.87", pct(rev_ytd, sum(s[2] for s in seg))
    story += [table(rows, [42, 32, 32, 32, 28], "ZenHei", st)]
    story += [
        P("注：储能系统收入同比增长主要来自国内大型独立储能电站项目；逆变器收入同比略有下降，主要系海外户用市场需求"
          "阶段性放缓。", "note"),
        P("二、股东信息", "h1"),
        P("（一）普通股股东总数和前十名股东持股情况表", "h2"),
        P("报告期末普通股股东总数为48,215户，其中报告期末表决权恢复的优先股股东总数为0户。截至报告期末，公司总股本为"
          "2,865,000,000股。"),
        P("单位：股", "note"),
    ]
    total = 2_865_000_000
    holders = [
        ("青岚控股集团有限公司", "境内非国有法人", 812_640_000, "质押 96,000,000"),
        ("周启明", "境内自然人", 214_500_000, "无"),
        ("滁州市产业投资基金有限公司", "国有法人", 143_250_000, "无"),
        ("香港中央结算有限公司", "境外法人", 96_318_452, "未知"),
        ("宁波岚昇企业管理合伙企业（有限合伙）", "其他", 58_930_000, "无"),
        ("中国工商银行股份有限公司－某某新能源产业混合型证券投资基金", "其他", 31_472_806, "未知"),
        ("林雪芬", "境内自然人", 12_600_000, "无"),
    ]
    rows = [["股东名称", "股东性质", "持股数量", "持股比例(%)", "质押、标记或冻结情况"]]
    rows += [[n, k, f"{q:,}", f"{q / total * 100:.2f}", s] for n, k, q, s in holders]
    story += [table(rows, [62, 26, 30, 22, 32], "ZenHei", st, text_cols=(0, 1, 4))]
    story += [
        P("上述股东关联关系或一致行动的说明：周启明为青岚控股集团有限公司的实际控制人，宁波岚昇企业管理合伙企业（有限"
          "合伙）为公司员工持股平台，其执行事务合伙人为林雪芬。除此之外，公司未知其他股东之间是否存在关联关系或属于"
          "一致行动人。", "note"),
        P("三、其他提醒事项", "h1"),
        P("1. 重大合同。2025年8月12日，公司全资子公司青岚储能（滁州）有限公司与西岭电力开发有限公司签订《西岭200MW/"
          "400MWh独立储能电站储能系统采购合同》，合同金额约4.85亿元（含税），预计于2026年第一季度完成交付。"),
        P("2. 募投项目进展。公司位于安徽省滁州市的“年产10GW高效N型电池片项目”二期工程已于2025年9月26日正式投产，"
          "该项目总投资约32.6亿元，截至报告期末累计投入募集资金21.38亿元。"),
        P("3. 股份回购。公司于2025年4月30日披露以集中竞价交易方式回购股份方案，回购资金总额不低于1亿元且不超过2亿元。"
          "截至2025年9月30日，公司累计回购股份12,368,400股，占公司总股本的0.43%，支付的资金总额为1.52亿元（不含交易"
          "费用），回购最高价为13.96元/股，最低价为10.85元/股。"),
        P("4. 可转换公司债券。公司于2024年发行的可转换公司债券（债券简称“青岚转债”）发行规模为25亿元。因实施2024年度"
          "权益分派，“青岚转债”转股价格自2025年7月3日起由14.86元/股调整为14.61元/股。报告期内累计转股金额为"
          "3,120万元。"),
        P("5. 获得专利。报告期内公司新增授权发明专利23项、实用新型专利41项，截至报告期末累计拥有有效授权专利612项。"),
        P("四、季度财务报表", "h1"),
        P("（一）合并资产负债表（摘要）", "h2"),
        P("2025年9月30日　编制单位：青岚新能源科技股份有限公司　单位：万元　币种：人民币　审计类型：未经审计", "note"),
    ]
    assets = [("货币资金", 186540.37, 201377.64), ("交易性金融资产", 35000.00, 52000.00),
              ("应收账款", 214873.58, 176302.11), ("存货", 163208.92, 149836.57),
              ("其他流动资产", 48127.66, 39712.48)]
    ca, ca0 = sum(a[1] for a in assets), sum(a[2] for a in assets)
    nca_items = [("固定资产", 392714.85, 355028.16), ("在建工程", 108352.07, 124517.93),
                 ("无形资产", 41263.50, 38921.74), ("其他非流动资产", ta - ca - 392714.85 - 108352.07 - 41263.50,
                                                ta0 - ca0 - 355028.16 - 124517.93 - 38921.74)]
    nca, nca0 = sum(a[1] for a in nca_items), sum(a[2] for a in nca_items)
    assert abs(ca + nca - ta) < 0.005 and abs(ca0 + nca0 - ta0) < 0.005
    rows = [["项目", "2025年9月30日", "2024年12月31日"]]
    rows += [[n, money(a), money(b)] for n, a, b in assets]
    rows += [["流动资产合计", money(ca), money(ca0)]]
    rows += [[n, money(a), money(b)] for n, a, b in nca_items]
    rows += [["非流动资产合计", money(nca), money(nca0)], ["资产总计", money(ta), money(ta0)]]
    liab = [("短期借款", 96420.00, 88150.00), ("应付票据", 73615.29, 65204.83), ("应付账款", 138337.46, 120960.71),
            ("合同负债", 42718.05, 30286.40), ("长期借款", 67850.00, 61300.00), ("应付债券", 93772.14, 96210.58)]
    minority = (8140.93, 7722.17)
    other = (ta - eq - minority[0] - sum(x[1] for x in liab), ta0 - eq0 - minority[1] - sum(x[2] for x in liab))
    liab.append(("其他负债", *other))
    tl, tl0 = sum(x[1] for x in liab), sum(x[2] for x in liab)
    rows += [[n, money(a), money(b)] for n, a, b in liab]
    rows += [["负债合计", money(tl), money(tl0)],
             ["归属于母公司所有者权益合计", money(eq), money(eq0)],
             ["少数股东权益", money(minority[0]), money(minority[1])],
             ["负债和所有者权益总计", money(tl + eq + minority[0]), money(tl0 + eq0 + minority[1])]]
    assert money(tl + eq + minority[0]) == money(ta) and money(tl0 + eq0 + minority[1]) == money(ta0)
    story += [table(rows, [70, 45, 45], "ZenHei", st)]
    story += [
        Spacer(1, 6),
        P("公司负责人：周启明　　主管会计工作负责人：林雪芬　　会计机构负责人：韩志远", "note"),
        P("青岚新能源科技股份有限公司董事会　2025年10月28日", "note"),
    ]
    build(story, "qinglan_q3_2025_report_zh.pdf", "青岚新能源科技股份有限公司2025年第三季度报告",
          "青岚新能源科技股份有限公司 2025年第三季度报告", "ZenHei")


# ---------------------------------------------------------------- Japanese city budget (千円 / 百万円 / 億円)
def rate(a: float, b: float) -> str:
    """The change from b to a in percent, one decimal (the budget's 増減率)."""
    return f"{(a / b - 1) * 100:.1f}"


def budget_table(items: list[tuple[str, int, int]], total_label: str, total: int, total0: int,
                 widths: list[float], st: dict):
    """A budget's 款 table: this year's amount, its share of the total, last year's, the change and its rate."""
    rows = [["款", "令和7年度", "構成比", "令和6年度", "増減額", "増減率"]]
    rows += [[n, f"{a:,}", f"{a / total * 100:.1f}", f"{b:,}", f"{a - b:,}", rate(a, b)] for n, a, b in items]
    rows += [[total_label, f"{total:,}", "100.0", f"{total0:,}", f"{total - total0:,}", rate(total, total0)]]
    return table(rows, widths, "IPAexM", st)


def japanese_budget() -> None:
    st = styles("IPAexM", "IPAexG")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731
    rev = [  # 歳入 (千円): 令和7年度, 令和6年度
        ("市税", 18_962_410, 18_540_220), ("地方譲与税", 612_300, 598_700),
        ("地方消費税交付金", 3_418_000, 3_302_000), ("地方交付税", 9_850_000, 9_620_000),
        ("国庫支出金", 12_306_552, 11_487_310), ("県支出金", 4_721_880, 4_415_960),
        ("繰入金", 2_140_000, 1_650_000), ("市債", 5_380_200, 4_196_400), ("その他", 3_842_658, 3_759_410),
    ]
    exp = [  # 歳出（目的別） (千円)
        ("議会費", 412_560, 405_130), ("総務費", 6_105_300, 5_893_420), ("民生費", 24_886_420, 23_904_660),
        ("衛生費", 5_214_770, 4_971_850), ("農林水産業費", 1_302_140, 1_288_400), ("商工費", 1_655_900, 1_432_730),
        ("土木費", 6_470_280, 5_986_140), ("消防費", 2_318_600, 2_105_870), ("教育費", 8_047_330, 6_866_900),
        ("公債費", 4_620_700, 4_582_400), ("その他（労働費・災害復旧費・予備費）", 200_000, 132_500),
    ]
    total, total0 = 61_234_000, 57_570_000
    assert sum(r[1] for r in rev) == total == sum(e[1] for e in exp), (sum(r[1] for r in rev), sum(e[1] for e in exp))
    assert sum(r[2] for r in rev) == total0 == sum(e[2] for e in exp), (sum(r[2] for r in rev), sum(e[2] for e in exp))

    story = [
        P("令和7年度 みどり野市 当初予算の概要", "title"),
        P("～ 未来へつなぐ 暮らし安心予算 ～", "sub"),
        P("令和7年2月　みどり野市 財政部 財政課", "sub"),
        P("1　予算編成の基本的な考え方", "h1"),
        P("令和7年度の予算は、桐生真澄市長の2期目の公約である「こども・子育て」「防災・減災」「地域交通」の3つの重点"
          "分野に財源を優先的に配分し、第6次みどり野市総合計画（令和5年度～令和14年度）の着実な推進を図るものとして"
          "編成しました。物価高騰の影響により扶助費及び物件費が増加する一方、市税収入は個人市民税の伸びにより前年度を"
          "上回る見込みです。"),
        P("一般会計の予算規模は612億3,400万円で、前年度当初予算（575億7,000万円）と比べて36億6,400万円、6.4％の増と"
          "なり、過去最大の規模となりました。特別会計と企業会計を合わせた全会計の総額は1,083億7,240万円です。"),
        P("2　会計別予算額", "h1"),
        P("（単位：百万円、％）", "note"),
    ]
    acc = [("一般会計", 61_234, 57_570), ("国民健康保険特別会計", 13_862, 14_105),
           ("後期高齢者医療特別会計", 3_417, 3_208), ("介護保険特別会計", 12_596, 12_133),
           ("駐車場事業特別会計", 104, 98), ("水道事業会計", 8_937, 8_512), ("下水道事業会計", 8_222, 8_650)]
    s, s0 = sum(a[1] for a in acc), sum(a[2] for a in acc)
    assert s == 108_372, s  # 1,083億7,240万円 = 108,372.4 百万円 → shown rounded
    rows = [["会計区分", "令和7年度", "令和6年度", "増減額", "増減率"]]
    rows += [[n, f"{a:,}", f"{b:,}", f"{a - b:,}", rate(a, b)] for n, a, b in acc]
    rows += [["合計", f"{s:,}", f"{s0:,}", f"{s - s0:,}", rate(s, s0)]]
    story += [table(rows, [62, 27, 27, 25, 20], "IPAexM", st)]
    story += [
        P("※ 表示単位未満を四捨五入しているため、合計が一致しない場合があります。水道事業会計及び下水道事業会計は"
          "収益的支出と資本的支出の合計額です。", "note"),
        P("3　一般会計 歳入予算", "h1"),
        P("（単位：千円、％）", "note"),
    ]
    story += [budget_table(rev, "歳入合計", total, total0, [38, 27, 16, 27, 24, 18], st)]
    story += [
        P("市税は、個人市民税が給与所得の増加により前年度比4.1％増となる一方、法人市民税は市内大手製造業の業績見通し"
          "を踏まえ前年度比2.6％減を見込みました。市債は、学校給食センター建替事業及び防災拠点整備事業の財源として"
          "増額しています。財政調整基金からの繰入金は21億4,000万円で、令和7年度末の財政調整基金残高は43億5,000万円"
          "となる見込みです。"),
        P("4　一般会計 歳出予算（目的別）", "h1"),
        P("（単位：千円、％）", "note"),
    ]
    story += [budget_table(exp, "歳出合計", total, total0, [48, 25, 15, 25, 22, 16], st)]
    story += [
        P("教育費は、学校給食センター建替事業の本格着工により前年度比17.2％の増となっています。民生費は歳出全体の"
          "40.6％を占め、引き続き最大の費目です。"),
        P("5　主な事業", "h1"),
        P("（単位：千円）", "note"),
    ]
    proj = [
        ("こども・子育て", "子ども医療費助成事業（対象を18歳年度末まで拡大）", 683_500, "新規拡充"),
        ("こども・子育て", "第2子以降保育料無償化事業", 312_840, "新規"),
        ("こども・子育て", "学校給食センター建替事業（令和7～9年度継続費 総額42億8,000万円）", 1_426_000, "継続"),
        ("防災・減災", "防災拠点整備事業（南部地区防災センター）", 958_300, "継続"),
        ("防災・減災", "木造住宅耐震改修補助事業", 46_200, "拡充"),
        ("地域交通", "コミュニティバス「みどりん号」運行支援事業", 214_000, "拡充"),
        ("地域交通", "デマンド型乗合タクシー実証運行事業", 38_750, "新規"),
        ("その他", "中央図書館照明LED化事業", 87_600, "新規"),
    ]
    rows = [["重点分野", "事業名", "予算額", "区分"]]
    rows += [[a, b, f"{c:,}", d] for a, b, c, d in proj]
    story += [table(rows, [28, 96, 24, 20], "IPAexM", st, text_cols=(0, 1, 3))]
    story += [
        P("子ども医療費助成事業は、令和7年8月診療分から、通院・入院ともに対象を中学校卒業まで（15歳年度末）から18歳"
          "年度末までに拡大します。対象となる児童生徒は約1万9,200人増える見込みです。"),
        P("コミュニティバス「みどりん号」は、令和7年10月から北部循環線を新設し、運行路線を5路線から6路線に拡充します。"
          "運賃は大人1回200円（小学生以下は無料）を据え置きます。"),
        P("6　市債及び基金の状況", "h1"),
        P("（単位：百万円）", "note"),
    ]
    rows = [["区分", "令和5年度末（決算）", "令和6年度末（見込）", "令和7年度末（見込）"],
            ["一般会計 市債残高", "55,812", "56,934", "57,408"],
            ["うち臨時財政対策債", "21,306", "20,418", "19,552"],
            ["財政調整基金残高", "5,870", "6,490", "4,350"],
            ["減債基金残高", "1,204", "1,215", "1,226"],
            ["公共施設整備基金残高", "2,318", "2,655", "2,137"]]
    story += [table(rows, [52, 38, 38, 38], "IPAexM", st)]
    story += [
        P("令和7年度末の一般会計市債残高は574億800万円となり、市民一人当たりでは約48万7千円となる見込みです（令和7年"
          "1月1日現在の住民基本台帳人口117,862人で算出）。"),
        P("7　財政指標の推移", "h1"),
    ]
    rows = [["指標", "令和3年度", "令和4年度", "令和5年度"],
            ["経常収支比率（％）", "89.7", "91.2", "92.8"],
            ["実質公債費比率（％）", "7.9", "7.6", "7.4"],
            ["将来負担比率（％）", "48.3", "44.1", "41.5"],
            ["財政力指数（3か年平均）", "0.812", "0.818", "0.823"]]
    story += [table(rows, [60, 34, 34, 34], "IPAexM", st)]
    story += [
        P("経常収支比率は上昇傾向が続いており、令和5年度決算では92.8％となりました。市では「みどり野市行財政改革プラン"
          "2024」に基づき、令和8年度までに経常収支比率を90％以下に引き下げることを目標としています。"),
        Spacer(1, 8),
        P("お問い合わせ先：みどり野市 財政部 財政課 予算係　電話 0480-55-1234（内線 2315）", "note"),
        P("※ この資料は架空の自治体「みどり野市」を題材とした作例です。", "note"),
    ]
    build(story, "midorino_budget_r7_ja.pdf", "令和7年度 みどり野市 当初予算の概要", "令和7年度 みどり野市 当初予算の概要",
          "IPAexM")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    chinese_report()
    japanese_budget()
    print("wrote", *sorted(p.name for p in OUT.glob("*.pdf")))
