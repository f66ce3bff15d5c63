"""Write the two invented documents of the cjk-heldout-4 set (all names, places, codes and figures are fictitious; CC0).

    /usr/bin/python3 tests/data/cjk/make_set4_docs.py     (needs python3-reportlab, fonts-wqy-zenhei, fonts-ipaexfont)

docs/yunxiu_statistics_bulletin_2024_zh.pdf  云岫市2024年国民经济和社会发展统计公报（摘要） (Simplified Chinese, 亿元 / 万元 / 元)
docs/asanagi_kessan_tanshin_fy2025_ja.pdf    株式会社朝凪フードシステムズ 2025年3月期 決算短信（抜粋） (Japanese, 百万円 / 千円 / 億円)

Output is deterministic (reportlab invariant mode). Every total, share and rate in the tables is computed and asserted
here, so the tables and the prose agree with each other.
"""

from __future__ import annotations

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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

OUT = Path(__file__).resolve().parent  # the PDFs sit beside this script

pdfmetrics.registerFont(TTFont("ZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
pdfmetrics.registerFont(TTFont("IPAexM", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"))
pdfmetrics.registerFont(TTFont("IPAexG", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"))

FW = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


def fw(s: str) -> str:
    """Full-width digits (as Japanese and Chinese prose often prints them)."""
    return s.translate(FW)


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
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, keepWithNext=1),
    }


def table(rows: list[list[str]], widths: list[float], font: str, st: dict, header_rows: int = 1,
          spans: tuple = (), text_cols: tuple[int, ...] = (0,)) -> Table:
    """A ruled table. `spans` are ((col0, row0), (col1, row1)) cell ranges merged into one (multi-level headers)."""
    def cell(c: str):  # leading tabs = indent level of a sub-item ("其中：" rows and their siblings)
        level = len(c) - len(c.lstrip("\t"))
        return Paragraph(c.lstrip("\t"), ParagraphStyle("ind", parent=st["cell"], leftIndent=(0, 9, 34)[level]))
    data = [[cell(c) if i >= header_rows and j in text_cols and c else c for j, c in enumerate(r)]
            for i, r in enumerate(rows)]
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=header_rows, spaceBefore=2, spaceAfter=6)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
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


def growth(a: float, b: float, nd: int = 1) -> float:
    return round((a / b - 1) * 100, nd)


# ================================================================ Chinese: municipal statistics bulletin
def chinese_bulletin() -> None:
    st = styles("ZenHei", "ZenHei")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731

    # GDP (亿元): 全年 / 第四季度, with real growth rates (not derivable from the nominal figures)
    gdp = [  # name, year, year growth, Q4, Q4 growth, indent
        ("第一产业", 186.35, "3.2", 58.14, "3.5", 0),
        ("第二产业", 1487.92, "6.1", 402.66, "6.4", 0),
        ("工业", 1268.05, "7.0", 344.19, "7.2", 1),
        ("建筑业", 219.87, "1.8", 58.47, "2.1", 1),
        ("第三产业", 2052.21, "5.4", 551.57, "5.6", 0),
        ("批发和零售业", 318.64, "5.2", 87.95, "4.9", 1),
        ("交通运输、仓储和邮政业", 152.09, "6.8", 41.33, "7.1", 1),
        ("金融业", 296.72, "4.7", 76.48, "5.3", 1),
        ("房地产业", 247.15, "-2.7", 63.90, "-1.9", 1),
        ("信息传输、软件和信息技术服务业", 173.56, "11.4", 49.82, "12.0", 1),
    ]
    total, total_q4 = 3726.48, 1012.37
    top = [g for g in gdp if g[5] == 0]
    assert round(sum(g[1] for g in top), 2) == total and round(sum(g[3] for g in top), 2) == total_q4
    assert round(1268.05 + 219.87, 2) == 1487.92 and round(344.19 + 58.47, 2) == 402.66
    shares = [round(g[1] / total * 100, 1) for g in top]
    assert shares == [5.0, 39.9, 55.1], shares
    pop_end, pop_start = 412.6, 410.9  # 万人
    per_capita = round(total * 1e8 / ((pop_end + pop_start) / 2 * 1e4))
    assert per_capita == 90503, per_capita

    # general public budget (万元)
    fin = [
        ("一般公共预算收入", 2_863_420, 2_741_508, 0),
        ("税收收入", 2_118_931, 2_036_772, 1),
        ("非税收入", 744_489, 704_736, 1),
        ("一般公共预算支出", 4_105_276, 3_962_118, 0),
        ("教育", 712_634, 680_905, 1),
        ("社会保障和就业", 598_217, 561_340, 1),
        ("卫生健康", 326_058, 318_447, 1),
        ("城乡社区", 489_903, 512_661, 1),
    ]
    assert 2_118_931 + 744_489 == 2_863_420 and 2_036_772 + 704_736 == 2_741_508
    rev_g = growth(2_863_420, 2_741_508)
    exp_g = growth(4_105_276, 3_962_118)
    tax_share = round(2_118_931 / 2_863_420 * 100, 1)
    assert (rev_g, exp_g, tax_share) == (4.4, 3.6, 74.0), (rev_g, exp_g, tax_share)

    # residents (元): urban weight = 城镇化率
    urb = 0.6835
    inc_u, inc_r = 63_205, 31_876
    con_u, con_r = 39_540, 21_069
    inc_all = round(urb * inc_u + (1 - urb) * inc_r)
    con_all = round(urb * con_u + (1 - urb) * con_r)
    assert (inc_all, con_all) == (53_289, 33_694), (inc_all, con_all)
    ratio = round(inc_u / inc_r, 2)
    assert ratio == 1.98, ratio

    story = [
        P("云岫市2024年国民经济和社会发展统计公报（摘要）", "title"),
        P("云岫市统计局　国家统计局云岫调查队<br/>2025年3月18日", "sub"),
        P("2024年，面对复杂严峻的外部环境，全市上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进，"
          "新兴产业加快成长，民生保障持续加强。2025年3月18日，云岫市统计局局长宋嘉禾在市政府新闻办公室举行的"
          "新闻发布会上发布了本公报，国家统计局云岫调查队队长欧阳靖介绍了居民收支和价格情况。"),
        P("一、综合", "h1"),
        P(f"初步核算，全年地区生产总值（GDP）{total:,.2f}亿元，按不变价格计算，比上年增长5.6%。其中，第一产业增加值"
          f"186.35亿元，增长3.2%；第二产业增加值1,487.92亿元，增长6.1%；第三产业增加值2,052.21亿元，增长5.4%。"
          f"三次产业结构为{shares[0]}:{shares[1]}:{shares[2]}。按年平均常住人口计算，全年人均地区生产总值"
          f"{per_capita:,}元，比上年增长5.2%。"),
        P(fw("全年城镇新增就业6.8万人，比上年多增0.4万人；居民消费价格比上年上涨0.3%，其中食品烟酒价格下降1.1%。")),
        P("表１　2024年地区生产总值及其增长速度", "h2"),
    ]
    rows = [["指标", "全年", "", "第四季度", ""],
            ["", "绝对数（亿元）", "比上年增长（%）", "绝对数（亿元）", "比上年增长（%）"],
            ["地区生产总值", f"{total:,.2f}", "5.6", f"{total_q4:,.2f}", "5.9"]]
    for name, y, yg, q, qg, ind in gdp:
        label = ("\t其中：" if name in ("工业", "批发和零售业") else "\t\t") + name if ind else name
        rows.append([label, f"{y:,.2f}", yg, f"{q:,.2f}", qg])
    story += [table(rows, [62, 28, 27, 28, 27], "ZenHei", st, header_rows=2,
                    spans=(((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (4, 0))))]
    story += [
        P("注：地区生产总值、各产业增加值绝对数按现价计算，增长速度按不变价格计算。", "note"),
        P("二、农业", "h1"),
        P(fw("全年粮食播种面积86.4万亩，比上年增加0.7万亩；粮食总产量38.72万吨，增长1.9%。")
          + "年末全市拥有市级以上农业产业化龙头企业146家，农民专业合作社3,518家。"),
        P("三、工业和建筑业", "h1"),
        P("全年规模以上工业增加值比上年增长7.3%。分经济类型看，国有控股企业增长4.6%，股份制企业增长7.9%，外商及港澳台"
          "投资企业增长5.1%。高技术制造业增加值增长13.8%，占规模以上工业增加值的比重为31.5%，比上年提高2.2个百分点。"
          "年末全市规模以上工业企业2,047家，比上年末增加83家。"),
        P("表２　2024年规模以上工业主要产品产量及其增长速度", "h2"),
    ]
    prod = [("新能源汽车", "万辆", "12.86", "38.5"), ("锂离子电池", "亿只", "9.47", "21.3"),
            ("集成电路", "亿块", "31.08", "16.9"), ("太阳能电池（光伏电池）", "万千瓦", "1,246.5", "-4.8"),
            ("工业机器人", "套", "8,732", "27.6"), ("钢材", "万吨", "315.42", "-6.2"),
            ("水泥", "万吨", "486.70", "-9.1"), ("化学药品原药", "吨", "12,604", "5.5")]
    rows = [["产品名称", "单位", "产量", "比上年增长（%）"]] + [list(p) for p in prod]
    story += [table(rows, [62, 28, 36, 36], "ZenHei", st, text_cols=(0, 1))]
    story += [
        P("全年建筑业总产值1,046.37亿元，比上年增长2.4%。房屋施工面积5,218.6万平方米，下降3.9%。"),
        P("四、固定资产投资和国内贸易", "h1"),
        P("全年固定资产投资比上年增长4.2%。其中，工业投资增长12.6%，基础设施投资增长6.0%，房地产开发投资下降8.7%。"
          "全年社会消费品零售总额1,583.60亿元，比上年增长4.8%；全年网上零售额412.95亿元，增长9.6%。"),
        P("五、对外经济", "h1"),
        P("全年货物进出口总额862.37亿元，比上年增长3.5%。其中，出口541.08亿元，增长6.2%；进口321.29亿元，下降0.7%。"
          "全年实际使用外资4.86亿美元。云岫港全年集装箱吞吐量218.4万标准箱，增长7.7%。"),
        P("六、财政和金融", "h1"),
        P(f"全年一般公共预算收入286.34亿元，比上年增长{rev_g}%，其中税收收入211.89亿元，占一般公共预算收入的比重为"
          f"{tax_share}%。一般公共预算支出410.53亿元，增长{exp_g}%。年末全市金融机构本外币各项存款余额8,215.63亿元，"
          "比年初增加512.40亿元；各项贷款余额7,482.09亿元，比年初增加603.77亿元。"),
        P("表３　2024年一般公共预算收支情况", "h2"),
    ]
    rows = [["项目", "金额（万元）", "", "比上年增长（%）"], ["", "2024年", "2023年", ""]]
    for name, a, b, ind in fin:
        rows.append([("\t其中：" if name in ("税收收入", "教育") else "\t\t") + name if ind else name,
                     f"{a:,}", f"{b:,}", f"{growth(a, b):.1f}"])
    story += [table(rows, [58, 36, 36, 32], "ZenHei", st, header_rows=2,
                    spans=(((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (3, 1))))]
    story += [
        P("七、居民收入和消费", "h1"),
        P(f"全年全体居民人均可支配收入{inc_all:,}元，比上年增长5.1%。城乡居民收入比为{ratio}，比上年缩小0.03。"
          "全体居民人均消费支出中，人均服务性消费支出增长8.3%。"),
        P("表４　2024年城乡居民收支主要指标", "h2"),
    ]
    rows = [["指标", "全体居民", "", "城镇居民", "", "农村居民", ""],
            ["", "金额（元）", "增长（%）", "金额（元）", "增长（%）", "金额（元）", "增长（%）"],
            ["人均可支配收入", f"{inc_all:,}", "5.1", f"{inc_u:,}", "4.6", f"{inc_r:,}", "6.3"],
            ["人均消费支出", f"{con_all:,}", "5.8", f"{con_u:,}", "5.2", f"{con_r:,}", "7.4"],
            ["恩格尔系数（%）", "28.6", "—", "27.3", "—", "32.1", "—"]]
    story += [table(rows, [34, 22, 20, 22, 20, 22, 20], "ZenHei", st, header_rows=2,
                    spans=(((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (4, 0)), ((5, 0), (6, 0))))]
    story += [
        P("八、人口", "h1"),
        P(f"年末全市常住人口{pop_end}万人，比上年末增加1.7万人。其中，城镇常住人口282.01万人，常住人口城镇化率"
          f"{urb * 100:.2f}%，比上年末提高0.64个百分点。全年出生人口2.53万人，出生率为6.14‰；死亡人口2.96万人，"
          "死亡率为7.19‰。"),
        Spacer(1, 6),
        P("注：1. 本公报中部分数据为初步统计数，各项统计数据均未包括所辖开发区以外的飞地园区。2. 部分数据因四舍五入，"
          "存在总计与分项合计不等的情况。3. 本公报数据由云岫市统计局综合处负责汇总，处长顾晓岚审核。", "note"),
        P("※ 本资料中的“云岫市”及其全部数据、人名均为虚构，仅供文档问答测试使用。", "note"),
    ]
    assert round(pop_end * urb, 2) == 282.01, pop_end * urb
    doc = SimpleDocTemplate(str(OUT / "yunxiu_statistics_bulletin_2024_zh.pdf"), pagesize=A4, leftMargin=18 * mm,
                            rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=20 * mm,
                            title="云岫市2024年国民经济和社会发展统计公报（摘要）", author="cjk-heldout-4 (fictitious)")
    f = footer("云岫市2024年国民经济和社会发展统计公报", "ZenHei")
    doc.build(story, onFirstPage=f, onLaterPages=f)


# ================================================================ Japanese: 決算短信 (百万円 / 千円 / 億円)
def japanese_tanshin() -> None:
    st = styles("IPAexM", "IPAexG")
    P = lambda s, k="body": Paragraph(s, st[k])  # noqa: E731

    def tri(x: float) -> str:  # △ for negatives, as Japanese filings print them
        return f"△{-x:,.1f}" if x < 0 else f"{x:,.1f}"

    def oku(m: int) -> str:  # 百万円 → "843億62百万円" in full-width digits
        return fw(f"{m // 100}億{m % 100}百万円") if m % 100 else fw(f"{m // 100}億円")

    # consolidated results (百万円)
    cur = dict(sales=84_362, op=5_127, ord=5_398, ni=3_482, ci=3_915)
    prv = dict(sales=78_991, op=4_561, ord=4_867, ni=3_020, ci=3_301)
    g = {k: growth(cur[k], prv[k]) for k in cur}
    assert g == dict(sales=6.8, op=12.4, ord=10.9, ni=15.3, ci=18.6), g
    prv_g = dict(sales=4.1, op=-3.2, ord=-1.8, ni=2.6, ci=-4.5)  # vs FY2023 (figures not shown)
    avg_sh, avg_sh0 = 18_640_000, 18_705_000
    end_sh, end_sh0 = 18_574_300, 18_702_100
    eps, eps0 = cur["ni"] * 1e6 / avg_sh, prv["ni"] * 1e6 / avg_sh0
    # financial position (百万円)
    ta, ta0, ta00 = 62_518, 58_740, 56_120
    na, na0 = 34_706, 32_015
    nci, nci0 = 412, 380
    eq, eq0, eq00 = na - nci, na0 - nci0, 30_210
    eqr, eqr0 = eq / ta * 100, eq0 / ta0 * 100
    bps, bps0, bps00 = eq * 1e6 / end_sh, eq0 * 1e6 / end_sh0, eq00 * 1e6 / 18_730_000
    roe, roe0 = cur["ni"] / ((eq + eq0) / 2) * 100, prv["ni"] / ((eq0 + eq00) / 2) * 100
    roa, roa0 = cur["ord"] / ((ta + ta0) / 2) * 100, prv["ord"] / ((ta0 + ta00) / 2) * 100
    opm, opm0 = cur["op"] / cur["sales"] * 100, prv["op"] / prv["sales"] * 100
    assert (f"{eps:.2f}", f"{eps0:.2f}") == ("186.80", "161.45"), (eps, eps0)
    assert (f"{eqr:.1f}", f"{eqr0:.1f}") == ("54.9", "53.9"), (eqr, eqr0)
    assert [f"{x:.1f}" for x in (roe, roe0, roa, roa0, opm, opm0)] == ["10.6", "9.8", "8.9", "8.5", "6.1", "5.8"]
    # cash flows (百万円)
    cf = dict(op=6_842, inv=-4_915, fin=-1_378, fx=17)
    cash0, cash = 9_297, 9_863
    assert cash0 + sum(cf.values()) == cash
    cf0 = dict(op=5_217, inv=-3_604, fin=-1_902)
    # dividends (円)
    dps0, dps, dps_f = (25.0, 27.0), (28.0, 32.0), (32.0, 34.0)
    div_total0 = int(sum(dps0) * end_sh0 / 1e6)
    div_total = int(sum(dps) * end_sh / 1e6)
    payout0, payout = sum(dps0) / eps0 * 100, sum(dps) / eps * 100
    doe0, doe = sum(dps0) / ((bps0 + bps00) / 2) * 100, sum(dps) / ((bps + bps0) / 2) * 100
    assert (div_total0, div_total) == (972, 1_114), (div_total0, div_total)
    assert [f"{x:.1f}" for x in (payout0, payout, doe0, doe)] == ["32.2", "32.1", "3.1", "3.4"]
    # forecast FY2026 (百万円)
    fc = dict(sales=89_500, op=5_600, ord=5_800, ni=3_750)
    fc_g = {k: growth(fc[k], cur[k]) for k in fc}
    assert fc_g == dict(sales=6.1, op=9.2, ord=7.4, ni=7.7), fc_g
    eps_f = fc["ni"] * 1e6 / end_sh
    payout_f = sum(dps_f) / eps_f * 100
    h1 = dict(sales=43_200, op=2_480, ord=2_590, ni=1_710)
    h1_g = dict(sales="5.3", op="8.1", ord="6.0", ni="4.8")
    eps_h1 = h1["ni"] * 1e6 / end_sh
    assert (f"{eps_f:.2f}", f"{payout_f:.1f}", f"{eps_h1:.2f}") == ("201.89", "32.7", "92.06")
    # segments (百万円): external sales; profit adjusted to operating income by 調整額
    seg = [("業務用食品事業", 41_286, 38_904, 3_214, 2_806), ("外食事業", 22_917, 21_355, 1_146, 987),
           ("物流事業", 15_603, 14_722, 1_327, 1_281), ("その他", 4_556, 4_010, 212, 245)]
    assert sum(s[1] for s in seg) == cur["sales"] and sum(s[2] for s in seg) == prv["sales"]
    adj, adj0 = cur["op"] - sum(s[3] for s in seg), prv["op"] - sum(s[4] for s in seg)
    assert (adj, adj0) == (-772, -758), (adj, adj0)
    assert [(growth(s[1], s[2]), growth(s[3], s[4])) for s in seg] == [(6.1, 14.5), (7.3, 16.1), (6.0, 3.6),
                                                                       (13.6, -13.5)]  # as written in the prose

    yen = lambda x: f"{x:,.2f}"  # noqa: E731
    story = [
        P("2025年3月期　決算短信〔日本基準〕（連結）", "title"),
        P("2025年5月13日", "right"),
        P("上場会社名　株式会社朝凪フードシステムズ　　上場取引所　東<br/>"
          "コード番号　2968　　URL　https://www.asanagi-fs.example.jp/<br/>"
          "代表者　（役職名）代表取締役社長　（氏名）早瀬 隆之<br/>"
          "問合せ先責任者　（役職名）取締役 経営企画本部長　（氏名）三枝 香織　　TEL　03-6812-4470<br/>"
          "定時株主総会開催予定日　2025年6月26日　　配当支払開始予定日　2025年6月27日<br/>"
          "有価証券報告書提出予定日　2025年6月25日<br/>"
          "決算補足説明資料作成の有無：有　　決算説明会開催の有無：有（機関投資家・アナリスト向け）"),
        P("（百万円未満切捨て）", "right"),
        P("1．2025年3月期の連結業績（2024年4月1日～2025年3月31日）", "h1"),
        P("(1) 連結経営成績　　　　　　　　　　　　　　　　　（％表示は対前期増減率）", "h2"),
    ]
    rows = [["", "売上高", "", "営業利益", "", "経常利益", "", "親会社株主に帰属\nする当期純利益", ""],
            ["", "百万円", "％", "百万円", "％", "百万円", "％", "百万円", "％"],
            ["2025年3月期"] + sum([[f"{cur[k]:,}", tri(g[k])] for k in ("sales", "op", "ord", "ni")], []),
            ["2024年3月期"] + sum([[f"{prv[k]:,}", tri(prv_g[k])] for k in ("sales", "op", "ord", "ni")], [])]
    story += [table(rows, [24, 20, 13, 19, 13, 19, 13, 24, 13], "IPAexM", st, header_rows=2,
                    spans=(((1, 0), (2, 0)), ((3, 0), (4, 0)), ((5, 0), (6, 0)), ((7, 0), (8, 0)),
                           ((0, 0), (0, 1))))]
    story += [P(f"（注）包括利益　2025年3月期　{cur['ci']:,}百万円（{tri(g['ci'])}％）　"
                f"2024年3月期　{prv['ci']:,}百万円（{tri(prv_g['ci'])}％）", "note")]
    rows = [["", "1株当たり\n当期純利益", "潜在株式調整後1株\n当たり当期純利益", "自己資本\n当期純利益率",
             "総資産\n経常利益率", "売上高\n営業利益率"],
            ["", "円 銭", "円 銭", "％", "％", "％"],
            ["2025年3月期", yen(eps), "－", f"{roe:.1f}", f"{roa:.1f}", f"{opm:.1f}"],
            ["2024年3月期", yen(eps0), "－", f"{roe0:.1f}", f"{roa0:.1f}", f"{opm0:.1f}"]]
    story += [table(rows, [24, 28, 34, 28, 28, 28], "IPAexM", st, header_rows=2, spans=(((0, 0), (0, 1)),))]
    story += [P("(2) 連結財政状態", "h2")]
    rows = [["", "総資産", "純資産", "自己資本比率", "1株当たり純資産"], ["", "百万円", "百万円", "％", "円 銭"],
            ["2025年3月期", f"{ta:,}", f"{na:,}", f"{eqr:.1f}", yen(bps)],
            ["2024年3月期", f"{ta0:,}", f"{na0:,}", f"{eqr0:.1f}", yen(bps0)]]
    story += [table(rows, [24, 36, 36, 32, 36], "IPAexM", st, header_rows=2, spans=(((0, 0), (0, 1)),))]
    story += [P(f"（参考）自己資本　2025年3月期　{eq:,}百万円　2024年3月期　{eq0:,}百万円", "note"),
              P("(3) 連結キャッシュ・フローの状況", "h2")]
    rows = [["", "営業活動による\nキャッシュ・フロー", "投資活動による\nキャッシュ・フロー", "財務活動による\nキャッシュ・フロー",
             "現金及び現金同等物\n期末残高"], ["", "百万円", "百万円", "百万円", "百万円"],
            ["2025年3月期", f"{cf['op']:,}", tri(cf["inv"]).replace(".0", ""), tri(cf["fin"]).replace(".0", ""),
             f"{cash:,}"],
            ["2024年3月期", f"{cf0['op']:,}", tri(cf0["inv"]).replace(".0", ""), tri(cf0["fin"]).replace(".0", ""),
             f"{cash0:,}"]]
    story += [table(rows, [24, 36, 36, 36, 32], "IPAexM", st, header_rows=2, spans=(((0, 0), (0, 1)),))]
    story += [P("2．配当の状況", "h1")]
    rows = [["", "年間配当金", "", "", "", "", "配当金総額\n（合計）", "配当性向\n（連結）", "純資産配当\n率（連結）"],
            ["", "第1四半\n期末", "第2四半\n期末", "第3四半\n期末", "期末", "合計", "", "", ""],
            ["", "円 銭", "円 銭", "円 銭", "円 銭", "円 銭", "百万円", "％", "％"],
            ["2024年3月期", "－", yen(dps0[0]), "－", yen(dps0[1]), yen(sum(dps0)), f"{div_total0:,}",
             f"{payout0:.1f}", f"{doe0:.1f}"],
            ["2025年3月期", "－", yen(dps[0]), "－", yen(dps[1]), yen(sum(dps)), f"{div_total:,}",
             f"{payout:.1f}", f"{doe:.1f}"],
            ["2026年3月期\n（予想）", "－", yen(dps_f[0]), "－", yen(dps_f[1]), yen(sum(dps_f)), "", f"{payout_f:.1f}",
             ""]]
    story += [table(rows, [24, 17, 17, 17, 17, 17, 22, 18, 20], "IPAexM", st, header_rows=3,
                    spans=(((1, 0), (5, 0)), ((0, 0), (0, 2)), ((6, 0), (6, 1)), ((7, 0), (7, 1)),
                           ((8, 0), (8, 1))))]
    story += [P("3．2026年3月期の連結業績予想（2025年4月1日～2026年3月31日）", "h1"),
              P("（％表示は、通期は対前期、第2四半期（累計）は対前年同四半期増減率）", "note")]
    rows = [["", "売上高", "", "営業利益", "", "経常利益", "", "親会社株主に帰属\nする当期純利益", "", "1株当たり\n当期純利益"],
            ["", "百万円", "％", "百万円", "％", "百万円", "％", "百万円", "％", "円 銭"],
            ["第2四半期\n（累計）"] + sum([[f"{h1[k]:,}", h1_g[k]] for k in ("sales", "op", "ord", "ni")], [])
            + [yen(eps_h1)],
            ["通期"] + sum([[f"{fc[k]:,}", f"{fc_g[k]:.1f}"] for k in ("sales", "op", "ord", "ni")], [])
            + [yen(eps_f)]]
    story += [table(rows, [20, 17, 11, 16, 11, 16, 11, 22, 11, 23], "IPAexM", st, header_rows=2,
                    spans=(((1, 0), (2, 0)), ((3, 0), (4, 0)), ((5, 0), (6, 0)), ((7, 0), (8, 0)),
                           ((0, 0), (0, 1)), ((9, 0), (9, 1))))]

    # ---- page 2 onwards: narrative
    story += [
        P("【添付資料】", "h1"),
        P("1．経営成績等の概況", "h1"),
        P("(1) 当期の経営成績の概況", "h2"),
        P("当連結会計年度におけるわが国経済は、雇用・所得環境の改善やインバウンド需要の拡大を背景に緩やかな回復基調が"
          "続いた一方、原材料価格及びエネルギー価格の高止まり、物流業界における人手不足などにより、先行きは依然として"
          "不透明な状況にあります。"),
        P(f"このような環境の中、当社グループは中期経営計画「あさなぎ Vision 2027」の2年目として、業務用冷凍食品の"
          f"生産能力増強と価格改定、外食事業の新業態展開、物流事業の外部受託拡大に取り組みました。この結果、当連結会計"
          f"年度の売上高は{oku(cur['sales'])}（前期比{fw(str(g['sales']))}％増）、営業利益は{oku(cur['op'])}"
          f"（同{fw(str(g['op']))}％増）、経常利益は{oku(cur['ord'])}（同{fw(str(g['ord']))}％増）、親会社株主に"
          f"帰属する当期純利益は{oku(cur['ni'])}（同{fw(str(g['ni']))}％増）となり、売上高及び各段階利益はいずれも"
          f"過去最高を更新しました。"),
        P("セグメント別の経営成績は次のとおりであります。", "body"),
        P("（業務用食品事業）", "h2"),
        P(fw("学校給食・病院向けの冷凍惣菜が堅調に推移したほか、2024年7月に実施した主力商品の価格改定（平均4.5％）が"
             "寄与し、売上高は412億86百万円（前期比6.1％増）、セグメント利益は32億14百万円（同14.5％増）となりました。")),
        P("（外食事業）", "h2"),
        P(fw("定食業態「あさなぎ食堂」を12店舗新規出店するとともに、不採算の5店舗を閉店しました。既存店売上高は前期比"
             "103.8％と堅調に推移し、売上高は229億17百万円（同7.3％増）、セグメント利益は11億46百万円（同16.1％増）"
             "となりました。")),
        P("（物流事業）", "h2"),
        P(fw("2024年10月に北関東第二物流センターが稼働し、外部荷主からの受託が増加した一方、燃料費及び傭車費の上昇により、"
             "売上高は156億3百万円（同6.0％増）、セグメント利益は13億27百万円（同3.6％増）にとどまりました。")),
        P("（その他）", "h2"),
        P(fw("農産物加工品の卸売及び不動産賃貸であり、売上高は45億56百万円（同13.6％増）、セグメント損益は人件費の増加"
             "により2億12百万円の利益（同13.5％減）となりました。")),
        P("（報告セグメントごとの売上高及び利益の金額）　　　　　　　　　　　　　　　　（単位：百万円）", "note"),
    ]
    rows = [["セグメント", "売上高（外部顧客への売上高）", "", "", "セグメント利益", "", ""],
            ["", "当期", "前期", "増減率（％）", "当期", "前期", "増減率（％）"]]
    for name, s1, s0, p1, p0 in seg:
        rows.append([name, f"{s1:,}", f"{s0:,}", tri(growth(s1, s0)), f"{p1:,}", f"{p0:,}", tri(growth(p1, p0))])
    rows.append(["調整額", "－", "－", "－", tri(adj).replace(".0", ""), tri(adj0).replace(".0", ""), "－"])
    rows.append(["連結財務諸表計上額", f"{cur['sales']:,}", f"{prv['sales']:,}", tri(g["sales"]), f"{cur['op']:,}",
                 f"{prv['op']:,}", tri(g["op"])])
    story += [table(rows, [38, 22, 22, 21, 22, 22, 21], "IPAexM", st, header_rows=2,
                    spans=(((0, 0), (0, 1)), ((1, 0), (3, 0)), ((4, 0), (6, 0))))]
    story += [
        P("（注）セグメント利益の調整額は、各報告セグメントに配分していない全社費用であり、主に提出会社の管理部門に係る"
          "費用であります。", "note"),
        P("(2) 当期の財政状態の概況", "h2"),
        P(fw(f"当連結会計年度末の総資産は前連結会計年度末に比べ{ta - ta0:,}百万円増加し、{ta:,}百万円となりました。"
             f"これは主に、袖ケ浦第三工場（仮称）の建設に伴う建設仮勘定の増加によるものです。純資産は{na:,}百万円"
             f"となり、自己資本比率は{eqr:.1f}％（前期末は{eqr0:.1f}％）となりました。")),
        P("(3) 当期のキャッシュ・フローの概況", "h2"),
        P(fw(f"営業活動によるキャッシュ・フローは{cf['op']:,}百万円の収入、投資活動によるキャッシュ・フローは主に有形"
             f"固定資産の取得により{-cf['inv']:,}百万円の支出となりました。")
          + "財務活動によるキャッシュ・フローは、長期借入れによる収入があったものの、配当金の支払及び自己株式の取得に"
          + fw(f"よる支出等により{-cf['fin']:,}百万円の支出となりました。")),
        P("(4) 今後の見通し", "h2"),
        P(fw(f"次期（2026年3月期）の連結業績につきましては、袖ケ浦第三工場の一部稼働による増産効果を見込み、売上高"
             f"{fc['sales'] // 100}億円（当期比{fc_g['sales']}％増）、営業利益{fc['op'] // 100}億円（同{fc_g['op']}％増）、"
             f"経常利益{fc['ord'] // 100}億円（同{fc_g['ord']}％増）、親会社株主に帰属する当期純利益{fc['ni'] // 100}億"
             f"{fc['ni'] % 100}百万円（同{fc_g['ni']}％増）を予想しております。なお、前提となる為替レートは1米ドル＝"
             f"145円としております。")),
        P("2．主要な設備の新設等の計画", "h1"),
        P("当連結会計年度末現在における重要な設備の新設計画は次のとおりであります。", "body"),
    ]
    capex = [("当社　袖ケ浦第三工場（仮称）（千葉県袖ケ浦市）", "業務用食品事業", "冷凍食品製造ライン", 2_480_000, 615_300,
              "2024年11月", "2026年3月"),
             ("朝凪ロジスティクス㈱　南関東物流センター（神奈川県厚木市）", "物流事業", "自動倉庫・冷凍冷蔵設備",
              1_936_500, 204_800, "2025年4月", "2026年9月"),
             ("当社　関西セントラルキッチン（大阪府茨木市）", "外食事業", "調理設備増強", 318_720, 0,
              "2025年7月", "2025年12月")]
    rows = [["会社名・事業所名（所在地）", "セグメントの名称", "設備の内容", "投資予定金額", "", "着手年月", "完了予定年月"],
            ["", "", "", "総額\n（千円）", "既支払額\n（千円）", "", ""]]
    rows += [[a, b, c, f"{d:,}", f"{e:,}" if e else "－", s, t] for a, b, c, d, e, s, t in capex]
    story += [table(rows, [44, 25, 25, 20, 20, 20, 20], "IPAexM", st, header_rows=2, text_cols=(0, 1, 2),
                    spans=(((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (4, 0)),
                           ((5, 0), (5, 1)), ((6, 0), (6, 1))))]
    story += [
        P("（注）所要資金は、自己資金及び金融機関からの借入金により充当する予定であります。", "note"),
        P("3．役員の異動（2025年6月26日付予定）", "h1"),
        P("(1) 代表取締役の異動　該当事項はありません。"),
        P("(2) その他の役員の異動<br/>"
          "新任取締役候補　鳴海 悠斗（現 執行役員 物流事業本部長）<br/>"
          "退任予定取締役　相良 正志（現 取締役 管理本部長。退任後は当社顧問に就任予定）"),
        Spacer(1, 6),
        P("※ 本資料は、文書質問応答の評価用に作成した架空の会社「株式会社朝凪フードシステムズ」の作例であり、社名・"
          "人名・数値はすべて架空のものです。", "note"),
    ]
    doc = SimpleDocTemplate(str(OUT / "asanagi_kessan_tanshin_fy2025_ja.pdf"), pagesize=A4, leftMargin=16 * mm,
                            rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=20 * mm,
                            title="2025年3月期 決算短信〔日本基準〕（連結） 株式会社朝凪フードシステムズ",
                            author="cjk-heldout-4 (fictitious)")
    f = footer("株式会社朝凪フードシステムズ（2968）2025年3月期 決算短信", "IPAexM")
    doc.build(story, onFirstPage=f, onLaterPages=f)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    chinese_bulletin()
    japanese_tanshin()
    print("wrote", *sorted(p.name for p in OUT.glob("*.pdf")))
