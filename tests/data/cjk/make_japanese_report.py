"""Writes `minato_seiki_report_ja.pdf`: a small Japanese test document (2 pages) for the CJK evaluation.

The text is original, written for docqa's tests (a fictional company; free to use, CC0). It exercises what Japanese
filings and manuals use: full-width digits and punctuation, 百万円 units, a ruled table, and 第３四半期.
Run: .venv/bin/python tests/data/cjk/make_japanese_report.py  (needs fpdf2 and a CJK font, e.g. fonts-wqy-zenhei).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fpdf import FPDF, FontFace

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
OUT = Path(__file__).with_name("minato_seiki_report_ja.pdf")

PAGE1_INTRO = [
    "株式会社みなと精機　２０２５年３月期　第３四半期決算短信〔日本基準〕（連結）",
    "上場取引所：東証　コード番号：６９９９　代表者：代表取締役社長　高橋　誠一",
    "問合せ先責任者：取締役経理部長　中村　由美",
    "１．２０２５年３月期第３四半期の連結業績（２０２４年４月１日〜２０２４年１２月３１日）",
    "当第３四半期連結累計期間における売上高は１８，４２０百万円（前年同期比８．５％増）となりました。"
    "半導体製造装置向けの精密ベアリングの受注が好調に推移し、海外売上高比率は４２．３％に上昇しました。",
    "営業利益は１，９８６百万円（前年同期比１２．１％増）、親会社株主に帰属する四半期純利益は"
    "１，２０４百万円（前年同期比３．７％減）となりました。純利益の減少は、旧本社工場の解体費用"
    "２１０百万円を特別損失に計上したことによるものです。",
]
TABLE_TITLE = "（単位：百万円）"
TABLE = [
    ["区分", "売上高", "営業利益", "従業員数（名）"],
    ["精密部品事業", "11,350", "1,402", "1,126"],
    ["産業機械事業", "5,870", "498", "684"],
    ["保守サービス事業", "1,200", "86", "215"],
    ["合計", "18,420", "1,986", "2,025"],
]
PAGE1_AFTER = [
    "２．配当の状況：年間配当金は１株当たり４８円（中間２４円、期末２４円）を予定しております。",
    "３．通期業績予想：売上高２５，０００百万円、営業利益２，７００百万円を見込んでおります。",
]
PAGE2 = [
    "精密ベアリング　ＭＳ－７００シリーズ　取扱説明書（抜粋）",
    "安全上のご注意",
    "本製品を取り付ける前に、必ず装置の電源を切ってください。運転中に手を触れると、けがの原因になります。",
    "潤滑油は専用のＭＳオイルＬ３２を使用してください。他の潤滑油を使用すると、保証の対象外となります。",
    "保守点検",
    "運転時間が２，０００時間に達するごとに、潤滑油を交換してください。",
    "使用温度範囲は－２０℃から８０℃までです。この範囲を超えて使用しないでください。",
    "製品の保証期間は、お買い上げ日から１８か月です。",
    "お問い合わせ：みなと精機　お客様相談室（受付時間　平日９時〜１７時）",
]


def build(out: Path = OUT) -> Path:
    if not FONT.exists():
        sys.exit(f"error: the CJK font {FONT} is missing (apt-get install fonts-wqy-zenhei)")
    pdf = FPDF(format="A4")
    pdf.set_creator("docqa tests")
    pdf.add_font("zenhei", fname=str(FONT))
    pdf.set_font("zenhei", size=10.5)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    for line in PAGE1_INTRO:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.cell(0, 7, TABLE_TITLE, new_x="LMARGIN", new_y="NEXT", align="R")
    with pdf.table(col_widths=(40, 30, 30, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="")) as table:
        for values in TABLE:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)
    for line in PAGE1_AFTER:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    for line in PAGE2:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.output(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
