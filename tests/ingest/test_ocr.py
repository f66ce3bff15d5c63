"""OCR (rag.ingest.ocr): image-only pages are read by Tesseract, text pages are not, page numbers stay physical, the
OCR mode and language are part of a file's indexed state, and a failing page or a missing Tesseract never stops a run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import build_answerer, write_pdf
from rag.bench.scan import image_only_pdf
from rag.ingest.pipeline import format_summary, ingest
from rag.ingest.ocr import ocr_state, state_matches, tesseract_path, usable
from rag.answer.answerer import to_sources
from rag.index.store import load_index

needs_tesseract = pytest.mark.skipif(tesseract_path() is None, reason="Tesseract is not installed (see .ci/run)")

TEXT_PAGE = "Annual report of the Quillon Ferry Company. The ferry sails twice a day between the two islands."
SCANNED_PAGE = ("Maintenance log. The starboard propeller was replaced in March after the inspection found "
                "a cracked blade. The total repair cost was 48,200 pounds.")
LAST_PAGE = "Contacts and addresses of the Quillon Ferry Company offices."


def mixed_pdf(folder: Path, tmp_path: Path) -> Path:
    """Pages 1 and 3 with a text layer, page 2 an image only (a scanned page inside a digital PDF)."""
    text = write_pdf(tmp_path / "parts" / "text.pdf", [TEXT_PAGE, SCANNED_PAGE, LAST_PAGE])
    scanned = tmp_path / "parts" / "scan.pdf"
    image_only_pdf(text, scanned, pages=[2], dpi=200)
    writer = PdfWriter()
    text_pages, scan_pages = PdfReader(text).pages, PdfReader(scanned).pages
    for page in (text_pages[0], scan_pages[0], text_pages[2]):
        writer.add_page(page)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "ferry.pdf", "wb") as out:
        writer.write(out)
    return folder / "ferry.pdf"


def chunks_by_page(settings) -> dict[int, list]:
    pages: dict[int, list] = {}
    for doc in load_index(settings.index_dir).chunks:
        pages.setdefault(doc.metadata["page"], []).append(doc)
    return pages


@needs_tesseract
def test_only_the_scanned_page_of_a_mixed_pdf_is_read_by_ocr(settings, tmp_path, embeddings):
    mixed_pdf(settings.data_dir, tmp_path)
    settings = settings.model_copy(update={"ocr_lang": "eng"})
    summary = ingest(settings, progress=False, embeddings=embeddings)
    assert summary.ocr_pages == 1 and summary.ocr_failed == 0
    assert "OCR: 1 page(s) recognised (eng)" in format_summary(summary)
    pages = chunks_by_page(settings)
    assert sorted(pages) == [1, 2, 3]  # physical page numbers
    assert all(doc.metadata.get("ocr") for doc in pages[2])
    assert not any(doc.metadata.get("ocr") for doc in pages[1] + pages[3])
    recognised = " ".join(doc.page_content for doc in pages[2])
    assert "starboard propeller" in recognised and "48,200" in recognised
    index = load_index(settings.index_dir)
    assert index.manifest.files["ferry.pdf"].ocr == "auto:eng"
    rows = {row: doc for row, doc in enumerate(index.chunks)}
    assert rows[int(index.get_bm25().scores("cracked propeller blade").argmax())].metadata["page"] == 2
    source = to_sources([pages[2][0]])[0]
    assert source.ocr and "(OCR text)" in source.cite()


@needs_tesseract
def test_changing_the_ocr_mode_reprocesses_the_file_and_keeping_it_does_not(settings, tmp_path, embeddings):
    mixed_pdf(settings.data_dir, tmp_path)
    auto = settings.model_copy(update={"ocr_lang": "eng"})
    ingest(auto, progress=False, embeddings=embeddings)
    assert [f.status for f in ingest(auto, progress=False, embeddings=embeddings).files] == ["unchanged"]

    never = settings.model_copy(update={"ocr": "never"})
    summary = ingest(never, progress=False, embeddings=embeddings)
    assert [f.status for f in summary.files] == ["updated"] and summary.ocr_pages == 0
    assert sorted(chunks_by_page(never)) == [1, 3]
    assert "1 page(s) without text (scanned?): 2" in summary.files[0].warnings

    summary = ingest(auto, progress=False, embeddings=embeddings)  # back to auto: the scanned page is read again
    assert [f.status for f in summary.files] == ["updated"] and summary.ocr_pages == 1
    assert sorted(chunks_by_page(auto)) == [1, 2, 3]


def test_ocr_state_decides_what_is_reprocessed():
    assert ocr_state("auto", "eng", needed=False) == "auto"
    assert ocr_state("auto", "eng", needed=True) == "auto:eng"
    assert ocr_state("auto", "", needed=True) == "auto:none"  # Tesseract missing: read once it is installed
    assert state_matches("auto:eng", [], "auto", "eng")
    assert not state_matches("auto:eng", [], "auto", "eng+chi_sim")  # new language: read again
    assert not state_matches("auto:none", [], "auto", "eng")
    assert state_matches("auto", [], "never", "")  # nothing was read by OCR: the same index either way
    assert not state_matches("auto", [], "always", "eng")
    # indexes from before OCR: only files with pages without text are read again
    assert state_matches(None, ["3 page(s) without text (scanned?): 1, 2, 3"], "never", "")
    assert state_matches(None, [], "auto", "eng")
    assert not state_matches(None, ["no text layer (scanned?); nothing indexed"], "auto", "eng")


@needs_tesseract
def test_a_page_whose_ocr_times_out_is_reported_and_the_run_goes_on(settings, tmp_path, make_pdf, embeddings):
    mixed_pdf(settings.data_dir, tmp_path)
    make_pdf("notes.pdf", ["Plain notes about the ferry timetable for the winter season."])
    hurried = settings.model_copy(update={"ocr_lang": "eng", "ocr_timeout": 0.01})
    summary = ingest(hurried, progress=False, embeddings=embeddings)
    ferry = {f.source: f for f in summary.files}["ferry.pdf"]
    assert ferry.status == "added" and summary.ocr_failed == 1
    assert any(w.startswith("page 2: OCR failed (timed out after 0.01 s)") for w in ferry.warnings)
    assert sorted(chunks_by_page(hurried)) == [1, 3]
    assert {f.source: f.status for f in summary.files}["notes.pdf"] == "added"


def test_without_tesseract_auto_says_how_to_install_it_once_and_goes_on(settings, tmp_path, make_pdf, embeddings,
                                                                       monkeypatch, capsys):
    for name in ("a.pdf", "b.pdf"):
        image_only_pdf(make_pdf("text-" + name, [SCANNED_PAGE], folder=tmp_path / "src"), settings.data_dir / name,
                       dpi=100)
    make_pdf("text.pdf", [TEXT_PAGE])
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))  # Tesseract really is not found
    summary = ingest(settings, progress=False, embeddings=embeddings)
    err = capsys.readouterr().err
    assert err.count("Tesseract is not installed") == 1 and "apt-get install tesseract-ocr" in err
    by_name = {f.source: f for f in summary.files}
    assert by_name["text.pdf"].status == "added" and by_name["text.pdf"].chunks > 0
    assert by_name["a.pdf"].warnings[0].startswith("no text layer (scanned?)")
    assert load_index(settings.index_dir).manifest.files["a.pdf"].ocr == "auto:none"


def test_ocr_always_without_tesseract_is_a_clear_error(settings, make_pdf, monkeypatch, tmp_path):
    from rag.errors import UserError

    make_pdf("text.pdf", [TEXT_PAGE])
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(UserError, match="Tesseract is not installed"):
        ingest(settings.model_copy(update={"ocr": "always"}), progress=False)


@needs_tesseract
def test_an_unknown_ocr_language_is_a_usage_error(settings, make_pdf):
    from rag.errors import UserError

    make_pdf("text.pdf", [TEXT_PAGE])
    with pytest.raises(UserError, match="--ocr-lang: Tesseract has no language 'klingon'"):
        ingest(settings.model_copy(update={"ocr_lang": "eng+klingon"}), progress=False)


def test_glyph_names_in_place_of_text_are_not_usable():
    glyphs = "/G59/G6F/G75/G72/G44/G69/G72/G65/G63/G74/G6F/G72/G73/G68/G61/G76/G65 /G70/G6C/G65/G61/G73/G75/G72/G65\n" * 20
    assert not usable(glyphs)
    assert usable("Your Directors have pleasure in submitting their Annual Report and Accounts. " * 5)


def test_garbled_text_layers_are_not_usable(shared_data):
    from rag.ingest.pdf import read_pdf

    mojibake = read_pdf(shared_data / "messy" / "japanese_jo_mojibake.pdf").pages[0].text
    assert not usable(mojibake)
    for name in ("chinese_tables_bond_prospectus.pdf", "arabic_rotated_pages.pdf", "multicolumn_latex_2col.pdf"):
        assert all(usable(page.text) for page in read_pdf(shared_data / "messy" / name).pages if page.text), name


@needs_tesseract
@pytest.mark.slow
@pytest.mark.shared
def test_scanned_pages_in_messy_become_searchable(shared_data, settings, embeddings):
    import shutil

    for name in ("scan_no_text_huckfinn_p22.pdf", "scan_rotated_skewed_no_text.pdf"):
        shutil.copy(shared_data / "messy" / name, settings.data_dir / name)
    settings = settings.model_copy(update={"ocr_lang": "eng"})
    summary = ingest(settings, progress=False, embeddings=embeddings)
    assert summary.ocr_pages == 2 and all(not f.warnings for f in summary.files)
    index = load_index(settings.index_dir)
    for question, source in (("tip-toeing along a path amongst the trees", "scan_no_text_huckfinn_p22.pdf"),
                              ("MIDI sequence recorder tracks", "scan_rotated_skewed_no_text.pdf")):
        best = index.chunks[int(index.get_bm25().scores(question).argmax())]
        assert best.metadata["source"] == source and best.metadata["ocr"] and best.metadata["page"] == 1


@needs_tesseract
@pytest.mark.slow
@pytest.mark.shared
def test_adidas_question_on_an_image_only_copy_of_20f_pages_50_to_56(shared_data, settings, embeddings, llm_backend):
    image_only_pdf(shared_data / "manu-20f-2022-09-24.pdf", settings.data_dir / "manu-20f-scan.pdf",
                   pages=list(range(50, 57)), dpi=200)
    settings = settings.model_copy(update={"ocr_lang": "eng"})
    summary = ingest(settings, progress=False, embeddings=embeddings)
    assert summary.ocr_pages == 7 and summary.ocr_failed == 0
    answer = build_answerer(settings, embeddings, llm_backend).ask(
        "How much is the minimum guarantee payable by adidas?")
    assert "750 million" in answer.answer
    # page 4 of the copy is page 53 of the 20-F, page 5 is page 54: the adidas paragraph
    assert answer.sources[0].page in (4, 5) and answer.sources[0].ocr
    assert json.dumps(answer.to_dict()["sources"][0]["ocr"]) == "true"


def test_recognised_sources_are_marked_in_the_terminal_the_json_and_the_web_page():
    from rag.cli.output import format_sources
    from rag.answer.answerer import Answer, Source
    from rag.web.ui import sources_markdown

    answer = Answer(question="q", sources=[Source(number=1, file="scan.pdf", page=4, score=0.7, text="x", ocr=True),
                                           Source(number=2, file="text.pdf", page=2, score=0.6, text="y")])
    assert "[1] scan.pdf, page 4 (OCR text) (score 0.70)" in format_sources(answer)
    assert "[2] text.pdf, page 2 (score 0.60)" in format_sources(answer)
    assert [s["ocr"] for s in answer.to_dict()["sources"]] == [True, False]
    web = sources_markdown(answer)
    lines = web.split("\n")
    scan_line = next(line for line in lines if "scan.pdf" in line and "page 4" in line)
    text_line = next(line for line in lines if "text.pdf" in line and "page 2" in line)
    assert "OCR text" in scan_line and "OCR text" not in text_line


# --- vertical Chinese/Japanese (issue #33) ----------------------------------------------------------------------

MESSY = Path(__file__).resolve().parents[3] / "shared" / "data" / "messy"


def test_mean_confidence_reads_tesseract_tsv():
    from rag.ingest.ocr import mean_confidence

    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90.5\t序\n"
           "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t40.5\tわたくし\n")
    assert mean_confidence(tsv) == 65.5
    assert mean_confidence("") == 0.0


def test_vertical_packs_are_not_in_the_default_horizontal_languages():
    from rag.ingest.ocr import default_languages

    assert "_vert" not in default_languages()


@needs_tesseract
@pytest.mark.slow
def test_vertical_japanese_is_read_when_the_vertical_pack_is_installed():
    from rag.ingest.ocr import installed_languages, ocr_text, recognise_page, render_page

    if "jpn_vert" not in installed_languages() or not (MESSY / "japanese_jo_mojibake.pdf").exists():
        pytest.skip("needs tesseract-ocr-jpn-vert and ../shared/data/messy")
    image = render_page(MESSY / "japanese_jo_mojibake.pdf", 1, 200, None)
    text = ocr_text(recognise_page(image, "eng+chi_sim+jpn", 200, 300))
    assert "わたくしといふ現象は" in text and "ひとつの青い照明です" in text
