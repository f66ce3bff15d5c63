"""Write the two invented documents of the cjk-heldout-5 set (all names, places, codes and figures are fictitious; CC0).

    /usr/bin/python3 tests/data/cjk/make_set5_docs.py     (needs python3-reportlab, fonts-wqy-zenhei, fonts-ipaexfont)

luting_annual_report_summary_2024_zh.pdf   鹭汀新材料科技股份有限公司 2024年年度报告摘要 (Simplified Chinese; 元 / 万元 / 亿元)
miotsukushi_yuho_fy2024_ja.pdf             株式会社澪標工業 有価証券報告書（第78期）抜粋 (Japanese; 千円 / 百万円 / 億円 / 千株)

Output is deterministic (reportlab invariant mode). Every total, ratio and rate printed is computed and asserted here,
so the tables and the prose agree with each other.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # fixed dates / ids: byte-identical output on every run

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

OUT = Path(__file__).resolve().parent  # the PDFs sit beside this script

pdfmetrics.registerFont(TTFont("ZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
pdfmetrics.registerFont(TTFont("IPAexM", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"))
pdfmetrics.registerFont(TTFont("IPAexG", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"))

FW = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


def fw(s: str) -> str:
    """Full-width digits (as Japanese and Chinese prose often prints them)."""
    return s.translate(FW)


def rnd(x: float | Decimal, nd: int = 2) -> Decimal:
    """Round half up (as the filings do), returned as a Decimal with nd places."""
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)


def pct(a, b, nd: int = 2) -> Decimal:
    """Change of a over b in percent."""
    return rnd((Decimal(str(a)) / Decimal(str(b)) - 1) * 100, nd)


def styles(body_font: str, head_font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=body_font, fontSize=9.5, leading=15, wordWrap="CJK", spaceAfter=3)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=head_font, fontSize=16, leading=22, alignment=TA_CENTER,
                                spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, alignment=TA_CENTER, spaceAfter=6),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "h1": ParagraphStyle("h1", parent=base, fontName=head_font, fontSize=12, leading=18, spaceBefore=8,
                             spaceAfter=4, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=head_font, fontSize=10.5, leading=16, spaceBefore=4,
                             keepWithNext=1),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5, spaceAfter=0),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12),
        "cap": ParagraphStyle("cap", parent=base, fontSize=8.5, leading=12, keepWithNext=1),
        "capr": ParagraphStyle("capr", parent=base, alignment=TA_RIGHT, keepWithNext=1),
    }


def table(rows: list[list[str]], widths: list[float], font: str, st: dict, header_rows: int = 1,
          spans: tuple = (), text_cols: tuple[int, ...] = (0,), size: float = 8) -> Table:
    """A ruled table. `spans` are ((col0, row0), (col1, row1)) cell ranges merged into one (multi-level headers)."""
    def cell(c: str):  # leading tabs = indent level of a sub-item
        level = len(c) - len(c.lstrip("\t"))
        return Paragraph(c.lstrip("\t").replace("\n", "<br/>"),
                         ParagraphStyle("ind", parent=st["cell"], fontSize=size, leading=size + 2.5,
                                        leftIndent=(0, 9, 18)[level]))
    data = [[cell(c) if i >= header_rows and j in text_cols and c else c for j, c in enumerate(r)]
            for i, r in enumerate(rows)]
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=header_rows, spaceBefore=2, spaceAfter=6)
    style = [
        ("FONT", (0, 0), (-1, -1), font, size),
        ("LEADING", (0, 0), (-1, -1), size + 2.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for j in text_cols:
        if j:
            style.append(("ALIGN", (j, header_rows), (j, -1), "LEFT"))
    style += [("SPAN", a, b) for a, b in spans]
    t.setStyle(TableStyle(style))
    return t


def footer(text: str, font: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{text}  - {doc.page} -")
        canvas.restoreState()
    return draw


# ================================================================ Chinese: 年度报告摘要 (元 / 万元 / 亿元)
def chinese_annual_summary() -> None:
    st = styles("ZenHei", "ZenHei")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731

    def yuan(x: Decimal | str) -> str:  # 4186352917.46 -> "4,186,352,917.46", negatives with "-"
        return f"{Decimal(str(x)):,.2f}"

    D = Decimal
    shares = 736_480_000  # 总股本 (股), unchanged during 2024
    # ---- 近三年主要会计数据 (元); 2023 / 2022 restated for a business combination under common control
    #      key: (2024, 2023 调整前, 2023 调整后, 2022 调整前, 2022 调整后)
    ta = (D("9846213570.82"), D("8615402118.36"), D("8903775264.19"), D("7552816903.44"), D("7806239517.05"))
    eq = (D("5412687304.15"), D("4906318725.60"), D("5087452019.93"), D("4421095336.18"), D("4583614820.71"))
    rev = (D("4186352917.46"), D("3605127480.52"), D("3742905318.27"), D("3318664052.09"), D("3441258776.30"))
    ni = (D("436815209.37"), D("381402665.18"), D("392764130.85"), D("352917604.26"), D("361083559.42"))
    nr = (D("402336718.92"), D("365218904.47"), D("365218904.47"), D("339650127.83"), D("339650127.83"))
    cfo = (D("612948305.71"), D("498330617.24"), D("521876440.09"), D("457219836.50"), D("470015392.68"))
    eps = tuple(rnd(x / shares) for x in ni)
    assert eps == (D("0.59"), D("0.52"), D("0.53"), D("0.48"), D("0.49")), eps
    eq_2021 = (D("4112736580.31"), D("4258807412.64"))  # 2021年末 调整前 / 调整后 (for the 2022 ROE only)
    roe = (rnd(ni[0] / ((eq[0] + eq[2]) / 2) * 100), rnd(ni[1] / ((eq[1] + eq[3]) / 2) * 100),
           rnd(ni[2] / ((eq[2] + eq[4]) / 2) * 100), rnd(ni[3] / ((eq_2021[0] + eq[3]) / 2) * 100),
           rnd(ni[4] / ((eq_2021[1] + eq[4]) / 2) * 100))
    assert roe == (D("8.32"), D("8.18"), D("8.12"), D("8.27"), D("8.17")), roe
    g = {k: pct(v[0], v[2]) for k, v in dict(ta=ta, eq=eq, rev=rev, ni=ni, nr=nr, cfo=cfo).items()}
    assert g == dict(ta=D("10.58"), eq=D("6.39"), rev=D("11.85"), ni=D("11.22"), nr=D("10.16"), cfo=D("17.45")), g
    eps_g = pct(eps[0], eps[2])
    assert eps_g == D("11.32"), eps_g
    roe_d = roe[0] - roe[2]
    assert roe_d == D("0.20")

    # ---- 分季度主要会计数据 (元): the four quarters add up to the year
    q_rev = [D("862417305.18"), D("1046883219.54"), D("1097526468.03")]
    q_ni = [D("81205664.37"), D("118372019.58"), D("126540892.11")]
    q_nr = [D("74918206.45"), D("109663571.20"), D("117205339.86")]
    q_cfo = [D("-86314720.55"), D("158207946.31"), D("203662518.40")]
    for q, total in ((q_rev, rev[0]), (q_ni, ni[0]), (q_nr, nr[0]), (q_cfo, cfo[0])):
        q.append(total - sum(q))
    assert q_rev[3] == D("1179525924.71") and q_ni[3] == D("110696633.31"), (q_rev[3], q_ni[3])
    assert q_nr[3] == D("100549601.41") and q_cfo[3] == D("337392561.55"), (q_nr[3], q_cfo[3])
    assert max(q_rev) == q_rev[3] and q_cfo[0] < 0

    # ---- 利润分配预案: 每10股派3.20元（含税）、转增4股
    cash_div = D(shares) / 10 * D("3.20")
    assert cash_div == D("235673600.00")
    payout = rnd(cash_div / ni[0] * 100)
    assert payout == D("53.95"), payout
    new_shares = shares + shares // 10 * 4
    assert new_shares == 1_031_072_000

    # ---- 资产负债率 and 少数股东权益 (元)
    mi, mi0 = D("118404627.33"), D("96218340.52")
    lev, lev0 = rnd((ta[0] - eq[0] - mi) / ta[0] * 100), rnd((ta[2] - eq[2] - mi0) / ta[2] * 100)
    assert (lev, lev0) == (D("43.83"), D("41.78")), (lev, lev0)

    # ---- 前10名股东 (股); percentages of the 736,480,000 total
    holders = [  # name, nature, shares, restricted shares, pledge status, pledged
        ("厦门鹭汀控股集团有限公司", "境内非国有法人", 237_004_800, 0, "质押", 41_500_000),
        ("陈望舒", "境内自然人", 58_918_400, 44_188_800, "无", 0),
        ("厦门市海沧区国有资本运营有限公司", "国有法人", 36_824_000, 0, "无", 0),
        ("宁德鹭盛企业管理合伙企业（有限合伙）", "境内非国有法人", 22_094_400, 0, "无", 0),
        ("汇澄资产管理有限公司－汇澄价值成长3号私募证券投资基金", "其他", 11_837_215, 0, "无", 0),
        ("澄海银行股份有限公司－澄海新材料产业混合型证券投资基金", "其他", 9_416_082, 0, "无", 0),
        ("林若溪", "境内自然人", 7_365_000, 5_523_750, "无", 0),
        ("闽东产业投资基金（有限合伙）", "境内非国有法人", 6_902_318, 0, "无", 0),
        ("郑启航", "境内自然人", 5_184_700, 0, "冻结", 1_200_000),
        ("澄海银行股份有限公司－澄海稳健增利债券型证券投资基金", "其他", 4_271_906, 0, "无", 0),
    ]
    hp = [rnd(D(h[2]) / shares * 100) for h in holders]
    assert hp[0] == D("32.18") and hp[1] == D("8.00") and hp[2] == D("5.00"), hp[:3]
    assert [h[2] for h in holders] == sorted((h[2] for h in holders), reverse=True)
    top10 = rnd(sum(hp), 2)
    assert top10 == D("54.29"), top10

    # ---- prose figures (亿元, rounded from the table)
    rd = D("203035116.49")
    rd_share = rnd(rd / rev[0] * 100)
    assert rd_share == D("4.85"), rd_share
    assert (rnd(rev[0] / 10**8), rnd(ni[0] / 10**8), rnd(rd / 10**8)) == (D("41.86"), D("4.37"), D("2.03"))
    aramid_t, aramid_t0 = D("1.86"), D("1.51")  # 万吨
    assert pct(aramid_t, aramid_t0, 1) == D("23.2")

    story = [
        P("证券代码：605938　　　证券简称：鹭汀新材　　　公告编号：2025-019", "right"),
        P("鹭汀新材料科技股份有限公司<br/>2024年年度报告摘要", "title"),
        P("第一节　重要提示", "h1"),
        P("1．本年度报告摘要来自年度报告全文，为全面了解本公司的经营成果、财务状况及未来发展规划，投资者应当到上海"
          "证券交易所网站等中国证监会指定媒体上仔细阅读年度报告全文。"),
        P("2．本公司董事会、监事会及董事、监事、高级管理人员保证年度报告内容的真实性、准确性、完整性，不存在虚假记载、"
          "误导性陈述或重大遗漏，并承担个别和连带的法律责任。"),
        P("3．公司全体董事出席董事会会议。"),
        P("4．立诚信会计师事务所（特殊普通合伙）为本公司出具了标准无保留意见的审计报告。"),
        P(f"5．董事会决议通过的本报告期利润分配预案或公积金转增股本预案：公司拟以实施权益分派股权登记日登记的总股本为"
          f"基数，向全体股东每10股派发现金红利3.20元（含税），以资本公积金向全体股东每10股转增4股，不送红股。截至"
          f"2024年12月31日，公司总股本{shares:,}股，以此计算合计拟派发现金红利{yuan(cash_div)}元（含税），占本年度"
          f"归属于上市公司股东的净利润的比例为{payout}%；转增后公司总股本将增加至{new_shares:,}股。本预案尚需提交"
          f"2024年年度股东大会审议。"),
        P("第二节　公司基本情况", "h1"),
        P("1．公司简介", "h2"),
    ]
    rows = [["公司股票简况", "", "", "", ""],
            ["股票种类", "股票上市交易所", "股票简称", "股票代码", "变更前股票简称"],
            ["A股", "上海证券交易所", "鹭汀新材", "605938", "无"],
            ["联系人和联系方式", "", "董事会秘书", "", "证券事务代表"],
            ["姓名", "", "沈知微", "", "许嘉树"],
            ["办公地址", "", "福建省厦门市海沧区新阳街道翁角西路1888号", "", "福建省厦门市海沧区新阳街道翁角西路1888号"],
            ["电话", "", "0592-6518820", "", "0592-6518826"],
            ["电子信箱", "", "ir@luting-nm.example.cn", "", "ir@luting-nm.example.cn"]]
    story += [table(rows, [30, 32, 40, 30, 48], "ZenHei", st, header_rows=2, text_cols=(0, 2, 4),
                    spans=(((0, 0), (4, 0)), ((0, 3), (1, 3)), ((2, 3), (3, 3)), ((0, 4), (1, 4)), ((2, 4), (3, 4)),
                           ((0, 5), (1, 5)), ((2, 5), (3, 5)), ((0, 6), (1, 6)), ((2, 6), (3, 6)), ((0, 7), (1, 7)),
                           ((2, 7), (3, 7))))]
    story += [
        P("2．报告期公司主要业务简介", "h2"),
        P(fw("公司主要从事芳纶纸、芳纶蜂窝芯材及锂电池隔膜涂覆材料的研发、生产和销售，产品广泛应用于轨道交通、航空航天、"
             "新能源汽车和电力装备等领域。报告期内，公司芳纶纸产品销量1.86万吨，同比增长23.2%，国内市场占有率约为18.6%；"
             "芳纶蜂窝芯材销量412.7万平方米，同比增长9.8%。")),
        PageBreak(),
        P("3．公司主要会计数据和财务指标", "h2"),
        P("3.1　近3年的主要会计数据和财务指标", "h2"),
        P("单位：元　币种：人民币", "capr"),
    ]
    rows = [["", "2024年末", "2023年末", "", "本年末比上年末\n增减(%)", "2022年末", ""],
            ["", "", "调整后", "调整前", "", "调整后", "调整前"],
            ["总资产", yuan(ta[0]), yuan(ta[2]), yuan(ta[1]), str(g["ta"]), yuan(ta[4]), yuan(ta[3])],
            ["归属于上市公司股东的净资产", yuan(eq[0]), yuan(eq[2]), yuan(eq[1]), str(g["eq"]), yuan(eq[4]), yuan(eq[3])],
            ["", "2024年", "2023年", "", "本年比上年\n增减(%)", "2022年", ""],
            ["", "", "调整后", "调整前", "", "调整后", "调整前"],
            ["营业收入", yuan(rev[0]), yuan(rev[2]), yuan(rev[1]), str(g["rev"]), yuan(rev[4]), yuan(rev[3])],
            ["归属于上市公司股东的净利润", yuan(ni[0]), yuan(ni[2]), yuan(ni[1]), str(g["ni"]), yuan(ni[4]), yuan(ni[3])],
            ["归属于上市公司股东的扣除非经常性损益的净利润", yuan(nr[0]), yuan(nr[2]), yuan(nr[1]), str(g["nr"]),
             yuan(nr[4]), yuan(nr[3])],
            ["经营活动产生的现金流量净额", yuan(cfo[0]), yuan(cfo[2]), yuan(cfo[1]), str(g["cfo"]), yuan(cfo[4]),
             yuan(cfo[3])],
            ["加权平均净资产收益率(%)", str(roe[0]), str(roe[2]), str(roe[1]), f"增加{roe_d}\n个百分点", str(roe[4]),
             str(roe[3])],
            ["基本每股收益(元/股)", str(eps[0]), str(eps[2]), str(eps[1]), str(eps_g), str(eps[4]), str(eps[3])],
            ["稀释每股收益(元/股)", str(eps[0]), str(eps[2]), str(eps[1]), str(eps_g), str(eps[4]), str(eps[3])]]
    story += [table(rows, [36, 24, 24, 24, 22, 24, 24], "ZenHei", st, header_rows=2, size=7,
                    spans=(((0, 0), (0, 1)), ((2, 0), (3, 0)), ((4, 0), (4, 1)), ((5, 0), (6, 0)),
                           ((0, 4), (0, 5)), ((2, 4), (3, 4)), ((4, 4), (4, 5)), ((5, 4), (6, 4))))]
    story += [
        P("追溯调整或重述原因：报告期内，公司以现金方式收购控股股东厦门鹭汀控股集团有限公司持有的鹭汀精细化工（南通）"
          "有限公司100%股权，交易对价6.85亿元，构成同一控制下企业合并。根据《企业会计准则第20号——企业合并》的相关"
          "规定，公司对比较期间的财务数据进行了追溯调整。", "note"),
        P("3.2　报告期分季度的主要会计数据", "h2"),
        P("单位：元　币种：人民币", "capr"),
    ]
    rows = [["", "第一季度\n（1-3月份）", "第二季度\n（4-6月份）", "第三季度\n（7-9月份）", "第四季度\n（10-12月份）"],
            ["营业收入"] + [yuan(x) for x in q_rev],
            ["归属于上市公司股东的净利润"] + [yuan(x) for x in q_ni],
            ["归属于上市公司股东的扣除非经常性损益后的净利润"] + [yuan(x) for x in q_nr],
            ["经营活动产生的现金流量净额"] + [yuan(x) for x in q_cfo]]
    story += [table(rows, [50, 33, 33, 33, 34], "ZenHei", st, size=7.5)]
    story += [
        P("季度数据与已披露定期报告数据差异说明：□适用　√不适用", "note"),
        P("4．股东情况", "h2"),
        P("4.1　报告期末及年报披露前一个月末的普通股股东总数、表决权恢复的优先股股东总数和持有特别表决权股份的股东"
          "总数及前10名股东情况", "h2"),
        P("单位：股", "capr"),
    ]
    rows = [["截至报告期末普通股股东总数（户）", "", "", "41,386", "", ""],
            ["年度报告披露日前上一月末的普通股股东总数（户）", "", "", "39,752", "", ""],
            ["截至报告期末表决权恢复的优先股股东总数（户）", "", "", "0", "", ""],
            ["前10名股东持股情况（不含通过转融通出借股份）", "", "", "", "", ""],
            ["股东名称\n（全称）", "股东性质", "持股数量", "比例(%)", "持有有限售条件\n的股份数量",
             "质押、标记或冻结情况"],
            ["", "", "", "", "", "股份状态／数量"]]
    for (name, kind, n, lim, state, m), p in zip(holders, hp):
        rows.append([name, kind, f"{n:,}", str(p), f"{lim:,}" if lim else "0",
                     f"{state}　{m:,}" if m else state])
    story += [table(rows, [62, 24, 24, 14, 24, 30], "ZenHei", st, header_rows=0, text_cols=(0, 1), size=7.5,
                    spans=(((0, 0), (2, 0)), ((3, 0), (5, 0)), ((0, 1), (2, 1)), ((3, 1), (5, 1)), ((0, 2), (2, 2)),
                           ((3, 2), (5, 2)), ((0, 3), (5, 3)), ((0, 4), (0, 5)), ((1, 4), (1, 5)), ((2, 4), (2, 5)),
                           ((3, 4), (3, 5)), ((4, 4), (4, 5))))]
    story[-1].setStyle(TableStyle([("BACKGROUND", (0, 3), (-1, 5), colors.HexColor("#e6e6e6")),
                                   ("ALIGN", (0, 3), (-1, 5), "CENTER"), ("ALIGN", (3, 0), (3, 2), "RIGHT")]))
    story += [
        P("上述股东关联关系或一致行动的说明：陈望舒先生为厦门鹭汀控股集团有限公司的实际控制人，并担任宁德鹭盛企业管理"
          "合伙企业（有限合伙）的执行事务合伙人，三者构成一致行动关系；林若溪女士为公司董事、总经理。除此之外，公司未知"
          "其他股东之间是否存在关联关系或属于一致行动人。", "note"),
        P(f"注：前10名股东合计持股比例为{top10}%。郑启航先生所持1,200,000股因其个人合同纠纷被司法冻结，不涉及公司控制权"
          "变更。", "note"),
        P("5．公司债券情况", "h2"),
        P("5.1　公司所有在年度报告批准报出日存续的债券情况", "h2"),
        P("单位：万元　币种：人民币", "capr"),
    ]
    rows = [["债券名称", "简称", "代码", "发行日", "到期日", "债券余额", "利率(%)"],
            ["鹭汀新材料科技股份有限公司向不特定对象发行可转换公司债券", "鹭汀转债", "113689", "2023-03-16",
             "2029-03-15", "79,986.42", "0.50"],
            ["鹭汀新材料科技股份有限公司2024年面向专业投资者公开发行公司债券（第一期）", "24鹭汀01", "241537",
             "2024-08-22", "2027-08-22", "50,000.00", "2.38"]]
    story += [table(rows, [66, 17, 15, 20, 20, 20, 14], "ZenHei", st, text_cols=(0, 1), size=7.5)]
    story += [
        P("注：“鹭汀转债”票面利率为第一年0.30%、第二年0.50%、第三年1.00%、第四年1.50%、第五年1.80%、第六年2.00%，表中"
          "为报告期末适用的票面利率。报告期内累计有137.58万元“鹭汀转债”转换为公司股票，转股数量为62,418股，已于2025年"
          "1月完成股份登记，故未计入报告期末总股本。", "note"),
        P("5.2　公司近2年的主要会计数据和财务指标", "h2"),
        P("单位：元　币种：人民币", "capr"),
    ]
    ebitda, ebitda0 = D("781204336.58"), D("702913825.04")
    interest, interest0 = D("41862075.19"), D("33518402.66")
    icr, icr0 = rnd(ebitda / interest), rnd(ebitda0 / interest0)
    assert (icr, icr0) == (D("18.66"), D("20.97")), (icr, icr0)
    rows = [["主要指标", "2024年", "2023年", "本期比上年同期增减"],
            ["资产负债率（%）", str(lev), str(lev0), f"增加{lev - lev0}个百分点"],
            ["扣除非经常性损益后净利润", yuan(nr[0]), yuan(nr[2]), f"{g['nr']}%"],
            ["EBITDA全部债务比", "0.39", "0.41", "减少0.02"],
            ["利息保障倍数", str(icr), str(icr0), f"{pct(icr, icr0)}%"]]
    story += [table(rows, [55, 40, 40, 40], "ZenHei", st, size=7.5)]
    story += [
        P("第三节　重要事项", "h1"),
        P(fw(f"1．报告期内，公司实现营业收入41.86亿元，同比增长{g['rev']}%；实现归属于上市公司股东的净利润4.37亿元，"
             f"同比增长{g['ni']}%。公司研发投入合计2.03亿元，占营业收入的比例为{rd_share}%；全年新增授权发明专利17项。")),
        P("2．报告期内，公司“年产5万吨锂电池隔膜涂覆材料项目”一期工程于2024年11月28日建成投产，新增年产能2.5万吨；"
          "“芳纶纸二期扩产项目”（设计产能0.8万吨/年）预计于2025年第三季度试生产。"),
        P("3．2024年9月，公司完成对鹭汀精细化工（南通）有限公司100%股权的收购并办理完毕工商变更登记，该公司自2024年"
          "9月30日起纳入合并报表范围。"),
        P("4．公司于2024年8月22日发行“24鹭汀01”公司债券，发行规模5亿元，期限3年，票面利率2.38%，募集资金主要用于偿还"
          "有息债务和补充流动资金。"),
        Spacer(1, 8),
        P("董事长：陈望舒", "right"),
        P("鹭汀新材料科技股份有限公司董事会<br/>2025年4月18日", "right"),
        Spacer(1, 6),
        P("※ 本资料中的“鹭汀新材料科技股份有限公司”及其全部数据、人名、机构名、代码均为虚构，仅供文档问答测试使用。",
          "note"),
    ]
    doc = SimpleDocTemplate(str(OUT / "luting_annual_report_summary_2024_zh.pdf"), pagesize=A4, leftMargin=16 * mm,
                            rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=20 * mm,
                            title="鹭汀新材料科技股份有限公司2024年年度报告摘要", author="cjk-heldout-5 (fictitious)")
    f = footer("鹭汀新材料科技股份有限公司　2024年年度报告摘要", "ZenHei")
    doc.build(story, onFirstPage=f, onLaterPages=f)


# ================================================================ Japanese: 有価証券報告書 (千円 / 百万円 / 億円)
def japanese_yuho() -> None:
    st = styles("IPAexM", "IPAexG")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731

    def tri(x: int | Decimal, fmt: str = ",") -> str:  # △ for negatives, as Japanese filings print them
        return f"△{-x:{fmt}}" if x < 0 else f"{x:{fmt}}"

    def oku(k: int) -> str:  # 千円 → "５８５億３１百万円" (百万円未満切捨て), full-width
        m = k // 1000
        return fw(f"{m // 100}億{m % 100}百万円") if m % 100 else fw(f"{m // 100}億円")

    D = Decimal
    periods = ["第74期", "第75期", "第76期", "第77期", "第78期"]
    ends = ["2021年3月", "2022年3月", "2023年3月", "2024年3月", "2025年3月"]
    # ---- 連結経営指標等 (千円)
    sales = [49_862_315, 51_207_846, 54_930_472, 56_174_603, 58_531_248]
    op = [2_306_418, 984_270, 2_781_604, 3_118_526, 3_612_907]  # 営業利益 (prose only)
    ordi = [2_418_736, 1_106_524, 2_873_915, 3_254_087, 3_702_461]
    ni = [1_503_218, -412_538, 1_842_607, 2_106_394, 2_451_873]
    ci = [1_921_406, -187_254, 2_315_880, 2_987_135, 2_690_518]
    shares_out = 12_486_300  # 期末発行済株式数（自己株式を除く）, unchanged over the five years
    dps = [D("40"), D("30"), D("40"), D("44"), D("55")]  # 提出会社 1株当たり配当額 (円)
    dps_mid = [D("20"), D("15"), D("20"), D("22"), D("26.5")]
    dps_end_prev = D("20")  # 第73期 期末配当
    div_paid = []  # 千円: 前期末配当 + 当期中間配当
    for i in range(5):
        prev_end = dps_end_prev if i == 0 else dps[i - 1] - dps_mid[i - 1]
        div_paid.append(int((prev_end + dps_mid[i]) * shares_out / 1000))
    na_73 = 31_862_047
    na = []
    for i in range(5):
        na.append((na[-1] if na else na_73) + ci[i] - div_paid[i])
    assert na == [33_284_001, 32_659_727, 34_538_587, 37_001_298, 39_086_231], na
    ta = [60_118_432, 59_402_917, 62_851_306, 65_930_178, 68_274_590]
    bps = [rnd(D(x) * 1000 / shares_out) for x in na]
    eps = [rnd(D(x) * 1000 / shares_out) for x in ni]
    eqr = [rnd(D(a) / D(b) * 100, 1) for a, b in zip(na, ta)]
    roe = [rnd(D(ni[i]) / ((D(na[i - 1] if i else na_73) + na[i]) / 2) * 100, 1) for i in range(5)]
    price = [1_842, 1_506, 1_968, 2_415, 2_760]
    per = [rnd(D(p) / e) if e > 0 else None for p, e in zip(price, eps)]
    assert [str(x) for x in bps] == ["2665.64", "2615.64", "2766.12", "2963.35", "3130.33"], bps
    assert [str(x) for x in eps] == ["120.39", "-33.04", "147.57", "168.70", "196.37"], eps
    assert [str(x) for x in eqr] == ["55.4", "55.0", "55.0", "56.1", "57.2"], eqr
    assert [str(x) for x in roe] == ["4.6", "-1.3", "5.5", "5.9", "6.4"], roe
    assert [str(x) if x else "－" for x in per] == ["15.30", "－", "13.34", "14.32", "14.06"], per
    cfo = [3_418_205, 1_276_943, 3_905_118, 4_310_622, 4_882_317]
    cfi = [-2_106_374, -2_874_510, -1_983_206, -2_641_835, -3_527_146]
    cff = [-1_312_648, 604_227, -1_745_390, -1_203_514, -1_068_902]
    fx = [-21_409, 48_316, 36_872, 71_503, -12_847]
    cash_73 = 6_842_116
    cash = []
    for i in range(5):
        cash.append((cash[-1] if cash else cash_73) + cfo[i] + cfi[i] + cff[i] + fx[i])
    assert cash == [6_819_890, 5_874_866, 6_088_260, 6_625_036, 6_898_458], cash
    emp = [(1_208, 296), (1_231, 305), (1_247, 318), (1_262, 309), (1_284, 312)]
    g = {k: pct(v[4], v[3], 1) for k, v in dict(sales=sales, op=op, ordi=ordi, ni=ni).items()}
    assert g == dict(sales=D("4.2"), op=D("15.9"), ordi=D("13.8"), ni=D("16.4")), g

    # ---- 提出会社の経営指標等 (千円)
    p_sales = [38_406_127, 39_118_542, 41_736_905, 42_608_317, 44_215_980]
    p_ord = [1_874_306, 702_581, 2_214_637, 2_511_048, 2_905_316]
    p_ni = [1_206_835, -538_204, 1_497_312, 1_702_865, 2_012_574]
    p_na = [27_518_406, 26_443_213, 27_441_085, 28_589_126, 30_046_300]
    p_ta = [48_215_730, 47_906_311, 50_118_442, 52_274_903, 54_016_285]
    capital = 3_218_450
    issued = 13_200_000
    p_emp = [842, 851, 860, 866, 873]
    p_eps = [rnd(D(x) * 1000 / shares_out) for x in p_ni]
    payout = [rnd(d / e * 100, 1) if e > 0 else None for d, e in zip(dps, p_eps)]
    assert [str(x) if x else "－" for x in payout] == ["41.4", "－", "33.4", "32.3", "34.1"], payout
    tsr = ["118.6", "98.4", "129.7", "161.2", "184.3"]
    topix = ["142.1", "145.0", "153.4", "216.8", "213.4"]
    hi = [1_978, 1_934, 2_086, 2_544, 2_912]
    lo = [1_262, 1_418, 1_472, 1_907, 2_238]
    assert all(l <= p <= h for l, p, h in zip(lo, price, hi))

    # ---- 受注実績 (千円)
    orders = [("産業用バルブ事業", 31_862_407, 29_915_330, 12_408_615, 11_274_902),
              ("船舶機器事業", 17_204_318, 17_688_054, 9_872_140, 10_106_733),
              ("環境エンジニアリング事業", 10_596_802, 8_730_116, 7_215_309, 5_948_270)]
    tot = [sum(o[i] for o in orders) for i in range(1, 5)]
    assert tot == [59_663_527, 56_333_500, 29_496_064, 27_329_905], tot
    og = [(pct(o[1], o[2], 1), pct(o[3], o[4], 1)) for o in orders]
    assert [str(x) for pair in og for x in pair] == ["6.5", "10.1", "-2.7", "-2.3", "21.4", "21.3"], og
    # segment sales (千円) summing to consolidated sales
    seg_sales = [("産業用バルブ事業", 30_728_694, 28_667_103), ("船舶機器事業", 17_438_911, 17_758_000),
                 ("環境エンジニアリング事業", 10_363_643, 9_749_500)]  # 当期 / 前期
    assert sum(s[1] for s in seg_sales) == sales[4] and sum(s[2] for s in seg_sales) == sales[3]
    sg = [pct(s[1], s[2], 1) for s in seg_sales]
    assert [str(x) for x in sg] == ["7.2", "-1.8", "6.3"], sg

    # ---- 従業員 (名)
    seg_emp = [("産業用バルブ事業", 642, 158), ("船舶機器事業", 371, 97), ("環境エンジニアリング事業", 186, 41),
               ("全社（共通）", 85, 16)]
    assert (sum(s[1] for s in seg_emp), sum(s[2] for s in seg_emp)) == emp[4]

    # ---- 大株主の状況 (千株) — percentages of 12,486,300 shares (自己株式 713,700 excluded)
    treasury = issued - shares_out
    assert treasury == 713_700
    big = [("汐見興産株式会社", "大阪府豊中市上野坂二丁目8番17号", 2_146),
           ("澪標工業取引先持株会", "大阪府大阪市西区江戸堀三丁目4番2号", 874),
           ("東都信託銀行株式会社（信託口）", "東京都港区浜松町二丁目11番3号", 812),
           ("株式会社なにわ中央銀行", "大阪府大阪市中央区高麗橋一丁目6番9号", 598),
           ("汐見 恭平", "兵庫県芦屋市", 421),
           ("澪標工業従業員持株会", "大阪府大阪市西区江戸堀三丁目4番2号", 376),
           ("浪速海上火災保険株式会社", "大阪府大阪市北区中之島五丁目2番1号", 312),
           ("汐見 和子", "大阪府豊中市", 268),
           ("株式会社播磨鋳造所", "兵庫県姫路市飾磨区細江1285番地", 240),
           ("東都信託銀行株式会社（信託口9）", "東京都港区浜松町二丁目11番3号", 203)]
    bp = [rnd(D(k) * 1000 / shares_out * 100) for _, _, k in big]
    assert [str(x) for x in bp[:3]] == ["17.19", "7.00", "6.50"], bp
    big_total, big_pct = sum(k for _, _, k in big), rnd(sum(D(k) for _, _, k in big) * 1000 / shares_out * 100)
    assert (big_total, str(big_pct)) == (6_250, "50.05"), (big_total, big_pct)

    def row5(label: str, vals, f=lambda x: f"{x:,}") -> list[str]:
        return [label] + [f(v) for v in vals]

    story = [
        P("【表紙】", "h2"),
        P("【提出書類】　　　　　　有価証券報告書<br/>"
          "【根拠条文】　　　　　　金融商品取引法第24条第1項<br/>"
          "【提出先】　　　　　　　近畿財務局長<br/>"
          "【提出日】　　　　　　　2025年6月26日<br/>"
          "【事業年度】　　　　　　第78期（自　2024年4月1日　至　2025年3月31日）<br/>"
          "【会社名】　　　　　　　株式会社澪標工業<br/>"
          "【英訳名】　　　　　　　MIOTSUKUSHI INDUSTRIES CO., LTD.<br/>"
          "【代表者の役職氏名】　　代表取締役社長　　汐見 恭平<br/>"
          "【本店の所在の場所】　　大阪府大阪市西区江戸堀三丁目4番2号<br/>"
          "【電話番号】　　　　　　06（6447）3150（代表）<br/>"
          "【事務連絡者氏名】　　　取締役経理部長　　真砂 裕子<br/>"
          "【縦覧に供する場所】　　株式会社東京証券取引所（東京都中央区日本橋兜町2番1号）"),
        P("第一部【企業情報】", "h1"),
        P("第1【企業の概況】", "h1"),
        P("1【主要な経営指標等の推移】", "h2"),
        P("(1) 連結経営指標等", "h2"),
    ]
    rows = [["回次", *periods], ["決算年月", *ends],
            row5("売上高　　　　　　　　　　　　　(千円)", sales),
            row5("経常利益　　　　　　　　　　　　(千円)", ordi),
            row5("親会社株主に帰属する当期純利益又は親会社株主に帰属する当期純損失（△）(千円)", ni, tri),
            row5("包括利益　　　　　　　　　　　　(千円)", ci, tri),
            row5("純資産額　　　　　　　　　　　　(千円)", na),
            row5("総資産額　　　　　　　　　　　　(千円)", ta),
            row5("1株当たり純資産額　　　　　　　(円)", bps, lambda x: f"{x:,.2f}"),
            row5("1株当たり当期純利益又は1株当たり当期純損失（△）(円)", eps, lambda x: tri(x, ",.2f")),
            row5("潜在株式調整後1株当たり当期純利益(円)", eps, lambda x: "－"),
            row5("自己資本比率　　　　　　　　　　(％)", eqr, str),
            row5("自己資本利益率　　　　　　　　　(％)", roe, lambda x: tri(x, "")),
            row5("株価収益率　　　　　　　　　　　(倍)", per, lambda x: str(x) if x else "－"),
            row5("営業活動によるキャッシュ・フロー(千円)", cfo),
            row5("投資活動によるキャッシュ・フロー(千円)", cfi, tri),
            row5("財務活動によるキャッシュ・フロー(千円)", cff, tri),
            row5("現金及び現金同等物の期末残高　　(千円)", cash),
            row5("従業員数〔外、平均臨時雇用者数〕(名)", emp, lambda e: f"{e[0]:,}\n〔{e[1]}〕")]
    story += [table(rows, [62, 24, 24, 24, 24, 24], "IPAexM", st, header_rows=2, size=7.5)]
    story += [
        P("（注）1．潜在株式調整後1株当たり当期純利益については、潜在株式が存在しないため記載しておりません。", "note"),
        P("2．第75期の株価収益率については、親会社株主に帰属する当期純損失であるため記載しておりません。", "note"),
        P("3．「収益認識に関する会計基準」（企業会計基準第29号）等を第75期の期首から適用しており、第75期以降に係る主要な"
          "経営指標等については、当該会計基準等を適用した後の指標等となっております。", "note"),
        P("(2) 提出会社の経営指標等", "h2"),
    ]
    rows = [["回次", *periods], ["決算年月", *ends],
            row5("売上高　　　　　　　　　　　　　(千円)", p_sales),
            row5("経常利益　　　　　　　　　　　　(千円)", p_ord),
            row5("当期純利益又は当期純損失（△）　(千円)", p_ni, tri),
            row5("資本金　　　　　　　　　　　　　(千円)", [capital] * 5),
            row5("発行済株式総数　　　　　　　　　(株)", [issued] * 5),
            row5("純資産額　　　　　　　　　　　　(千円)", p_na),
            row5("総資産額　　　　　　　　　　　　(千円)", p_ta),
            ["1株当たり配当額\n（うち1株当たり中間配当額）(円)"]
            + [f"{d:.2f}\n({m:.2f})" for d, m in zip(dps, dps_mid)],
            row5("1株当たり当期純利益又は1株当たり当期純損失（△）(円)", p_eps, lambda x: tri(x, ",.2f")),
            row5("配当性向　　　　　　　　　　　　(％)", payout, lambda x: str(x) if x else "－"),
            row5("従業員数　　　　　　　　　　　　(名)", p_emp),
            row5("株主総利回り　　　　　　　　　　(％)", tsr, str),
            row5("（比較指標：配当込みTOPIX）　　(％)", topix, lambda x: f"({x})"),
            row5("最高株価　　　　　　　　　　　　(円)", hi),
            row5("最低株価　　　　　　　　　　　　(円)", lo)]
    story += [table(rows, [62, 24, 24, 24, 24, 24], "IPAexM", st, header_rows=2, size=7.5)]
    story += [
        P("（注）1．第75期の配当性向については、当期純損失であるため記載しておりません。", "note"),
        P("2．第78期の1株当たり配当額55円には、創業78周年記念配当2円を含んでおります。", "note"),
        P("3．最高株価及び最低株価は、2022年4月4日以降は東京証券取引所スタンダード市場におけるものであり、それ以前は"
          "東京証券取引所市場第一部におけるものであります。", "note"),
        P("2【沿革】", "h2"),
    ]
    hist = [("1947年4月", "大阪府堺市において汐見恭一郎が澪標鉄工所を創業し、船舶用バルブの製造を開始"),
            ("1951年9月", "株式会社に改組し、商号を株式会社澪標鉄工所とする"),
            ("1963年10月", "大阪証券取引所市場第二部に株式を上場"),
            ("1974年3月", "商号を株式会社澪標工業に変更"),
            ("1988年6月", "兵庫県加古川市に加古川工場を新設"),
            ("1997年11月", "東京証券取引所市場第一部に株式を上場"),
            ("2006年4月", "タイ王国に子会社 MIOTSUKUSHI (THAILAND) CO., LTD. を設立"),
            ("2013年10月", "環境プラント事業の株式会社ミオ環境テクノを買収し、連結子会社とする"),
            ("2019年7月", "本社を大阪市西区江戸堀へ移転"),
            ("2022年4月", "東京証券取引所の市場区分の見直しにより、市場第一部からスタンダード市場に移行"),
            ("2024年10月", "加古川工場に水素対応バルブの専用生産ラインを新設")]
    rows = [["年月", "概要"]] + [[a, b] for a, b in hist]
    story += [table(rows, [28, 150], "IPAexM", st, text_cols=(0, 1), size=8)]
    story += [
        P("5【従業員の状況】", "h2"),
        P("(1) 連結会社の状況　　　　　　　　　　　　　　　　　　　　　　　　2025年3月31日現在", "cap"),
    ]
    rows = [["セグメントの名称", "従業員数（名）"]]
    rows += [[n, f"{a:,}〔{b}〕"] for n, a, b in seg_emp]
    rows += [["合計", f"{emp[4][0]:,}〔{emp[4][1]}〕"]]
    story += [table(rows, [70, 50], "IPAexM", st, size=8)]
    story += [
        P("（注）従業員数は就業人員であり、臨時雇用者数（パートタイマー、嘱託契約の従業員を含み、派遣社員を除く。）は、"
          "年間の平均人員を〔　〕外数で記載しております。", "note"),
        P("(2) 提出会社の状況　　　　　　　　　　　　　　　　　　　　　　　　2025年3月31日現在", "cap"),
    ]
    rows = [["従業員数（名）", "平均年齢（歳）", "平均勤続年数（年）", "平均年間給与（円）"],
            [f"{p_emp[4]}〔214〕", "41.6", "16.2", "6,842,517"]]
    story += [table(rows, [40, 40, 40, 46], "IPAexM", st, text_cols=(), size=8)]
    story += [
        P("（注）平均年間給与は、賞与及び基準外賃金を含んでおります。", "note"),
        P("(3) 労働組合の状況", "note"),
        P(fw("当社の労働組合は澪標工業労働組合と称し、2025年3月31日現在の組合員数は628名であります。労使関係は円満に推移して"
             "おり、特記すべき事項はありません。")),
        P("(4) 管理職に占める女性労働者の割合、男性労働者の育児休業取得率及び労働者の男女の賃金の差異", "cap"),
        P("提出会社　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　当事業年度", "cap"),
    ]
    rows = [["管理職に占める\n女性労働者の\n割合（％）\n（注1）", "男性労働者の\n育児休業\n取得率（％）\n（注2）",
             "労働者の男女の賃金の差異（％）（注1）", "", ""],
            ["", "", "全労働者", "正規雇用\n労働者", "パート・\n有期労働者"],
            ["6.8", "58.3", "71.4", "74.9", "62.7"]]
    story += [table(rows, [34, 34, 34, 34, 34], "IPAexM", st, header_rows=2, text_cols=(), size=8,
                    spans=(((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (4, 0))))]
    story += [
        P("（注）1．「女性の職業生活における活躍の推進に関する法律」（平成27年法律第64号）の規定に基づき算出したもので"
          "あります。2．「育児休業、介護休業等育児又は家族介護を行う労働者の福祉に関する法律」（平成3年法律第76号）の"
          "規定に基づき、同法施行規則第71条の4第1号における育児休業等の取得割合を算出したものであります。", "note"),
        P("第2【事業の状況】", "h1"),
        P("4【経営者による財政状態、経営成績及びキャッシュ・フローの状況の分析】", "h2"),
        P("(1) 経営成績の状況", "note"),
        P(f"当連結会計年度におけるわが国経済は、設備投資の持ち直しが続く一方、原材料価格の高止まりや為替の変動により、先行き"
          f"不透明な状況で推移しました。このような状況の中、当社グループは中期経営計画「MIO-2026」に基づき、水素・LNG関連"
          f"バルブの拡販と価格改定に取り組みました。この結果、当連結会計年度の売上高は{oku(sales[4])}（前期比"
          f"{fw(str(g['sales']))}％増）、営業利益は{oku(op[4])}（同{fw(str(g['op']))}％増）、"
          f"経常利益は{oku(ordi[4])}（同{fw(str(g['ordi']))}％増）、親会社株主に帰属する当期純利益は{oku(ni[4])}"
          f"（同{fw(str(g['ni']))}％増）となりました。"),
        P("セグメントごとの経営成績は、次のとおりであります。"),
        P(fw(f"（産業用バルブ事業）石油化学プラント向けの大型バルブ及び水素ステーション向け高圧バルブの出荷が増加し、"
             f"売上高は{oku(seg_sales[0][1])}（前期比{sg[0]}％増）となりました。")),
        P(fw(f"（船舶機器事業）新造船向けの出荷が一巡したことにより、売上高は{oku(seg_sales[1][1])}（同{-sg[1]}％減）と"
             f"なりました。")),
        P(fw(f"（環境エンジニアリング事業）自治体向け水処理設備の更新工事が進捗し、売上高は{oku(seg_sales[2][1])}"
             f"（同{sg[2]}％増）となりました。")),
        P("(2) 生産、受注及び販売の実績", "cap"),
        P("②受注実績　当連結会計年度における受注実績をセグメントごとに示すと、次のとおりであります。", "cap"),
    ]
    rows = [["セグメントの名称", "受注高（千円）", "前期比（％）", "受注残高（千円）", "前期比（％）"]]
    rows += [[o[0], f"{o[1]:,}", tri(a, ""), f"{o[3]:,}", tri(b, "")] for o, (a, b) in zip(orders, og)]
    rows += [["合計", f"{tot[0]:,}", str(pct(tot[0], tot[1], 1)), f"{tot[2]:,}", str(pct(tot[2], tot[3], 1))]]
    assert (pct(tot[0], tot[1], 1), pct(tot[2], tot[3], 1)) == (D("5.9"), D("7.9"))
    story += [table(rows, [52, 32, 24, 32, 24], "IPAexM", st, size=8)]
    story += [
        P("(3) キャッシュ・フローの状況", "note"),
        P(fw(f"当連結会計年度末における現金及び現金同等物（以下「資金」という。）は、前連結会計年度末に比べ"
             f"{cash[4] - cash[3]:,}千円増加し、{cash[4]:,}千円となりました。営業活動の結果得られた資金は"
             f"{cfo[4]:,}千円、投資活動の結果使用した資金は加古川工場の生産ライン新設等により{-cfi[4]:,}千円、財務活動"
             f"の結果使用した資金は配当金の支払等により{-cff[4]:,}千円となりました。")),
        P("第4【提出会社の状況】", "h1"),
        P("1【株式等の状況】", "h2"),
        P("(6)【大株主の状況】　　　　　　　　　　　　　　　　　　　　　　　　2025年3月31日現在", "cap"),
    ]
    rows = [["氏名又は名称", "住所", "所有株式数\n（千株）", "発行済株式（自己株式を\n除く。）の総数に対する\n所有株式数の割合（％）"]]
    rows += [[n, a, f"{k:,}", str(p)] for (n, a, k), p in zip(big, bp)]
    rows += [["計", "－", f"{big_total:,}", str(big_pct)]]
    story += [table(rows, [56, 62, 22, 38], "IPAexM", st, text_cols=(0, 1), size=8)]
    story += [
        P(f"（注）上記のほか、自己株式が{treasury // 1000}千株あります。", "note"),
        P("4【コーポレート・ガバナンスの状況等】", "h2"),
        P("(2)【役員の状況】", "cap"),
        P("①役員一覧　男性9名　女性2名　（役員のうち女性の比率18.2％）", "cap"),
    ]
    assert str(rnd(D(2) / 11 * 100, 1)) == "18.2"
    officers = [
        ("代表取締役社長", "汐見 恭平", "1968年5月14日", "1991年4月 当社入社\n2012年6月 取締役\n2016年6月 代表取締役社長（現任）",
         "(注)2", "421"),
        ("専務取締役\n産業用バルブ事業本部長", "宇喜多 誠", "1963年11月2日",
         "1986年4月 当社入社\n2015年6月 取締役\n2021年6月 専務取締役（現任）", "(注)2", "38"),
        ("取締役\n経理部長", "真砂 裕子", "1971年8月27日", "1994年4月 株式会社なにわ中央銀行入行\n2009年3月 当社入社\n"
         "2022年6月 取締役経理部長（現任）", "(注)2", "12"),
        ("取締役", "榊原 拓海", "1975年2月9日", "2003年10月 弁護士登録\n2021年6月 当社社外取締役（現任）", "(注)2", "－"),
        ("取締役\n（常勤監査等委員）", "桐谷 明彦", "1961年7月30日",
         "1984年4月 当社入社\n2019年6月 取締役（常勤監査等委員）（現任）", "(注)3", "24"),
        ("取締役\n（監査等委員）", "葛城 美咲", "1969年12月3日", "1995年10月 公認会計士登録\n2023年6月 当社社外取締役"
         "（監査等委員）（現任）", "(注)3", "－"),
    ]
    rows = [["役職名", "氏名", "生年月日", "略歴", "任期", "所有株式数\n（千株）"]]
    rows += [list(o) for o in officers]
    story += [table(rows, [34, 22, 26, 64, 14, 18], "IPAexM", st, text_cols=(0, 1, 2, 3), size=7.5)]
    story += [
        P("（注）1．取締役 榊原拓海及び葛城美咲は、社外取締役であります。2．2025年6月25日開催の定時株主総会の終結の時から"
          "1年間。3．2025年6月25日開催の定時株主総会の終結の時から2年間。4．上表には主な役員のみを抜粋して記載しております。",
          "note"),
        Spacer(1, 6),
        P("※ 本資料は、文書質問応答の評価用に作成した架空の会社「株式会社澪標工業」の有価証券報告書の抜粋の作例であり、"
          "社名・人名・住所・数値はすべて架空のものです。", "note"),
    ]
    doc = SimpleDocTemplate(str(OUT / "miotsukushi_yuho_fy2024_ja.pdf"), pagesize=A4, leftMargin=16 * mm,
                            rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=20 * mm,
                            title="有価証券報告書（第78期）抜粋 株式会社澪標工業", author="cjk-heldout-5 (fictitious)")
    f = footer("株式会社澪標工業　有価証券報告書（第78期）", "IPAexM")
    doc.build(story, onFirstPage=f, onLaterPages=f)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    chinese_annual_summary()
    japanese_yuho()
    print("wrote", *sorted(p.name for p in OUT.glob("*.pdf")))
