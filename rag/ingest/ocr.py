"""OCR for pages without a usable text layer: render with pypdfium2, recognise with Tesseract, in worker processes.
Image files (.png, .jpg, .tiff) are read the same way, each frame a page (`rag.ingest.formats.images`).

`ocr_files` takes the parsed files of an ingest run and fills in the text of the pages that need OCR (setting `ocr`:
`auto` = pages whose text layer is empty or garbled, `always` = every page, `never`), marking them `Page.ocr`, so
their chunks say the text was recognised, not extracted. Page numbers stay the physical ones. A page whose OCR fails
or times out is reported in its file's problems; the run goes on. Tesseract is the Debian `tesseract-ocr` package
(plus one package per language, e.g. `tesseract-ocr-eng`, `tesseract-ocr-chi-sim`, `tesseract-ocr-jpn`), called as a
subprocess with one OpenMP thread per page and one page per core.

A file's OCR state (`ocr_state`) is recorded in the index manifest, so changing `--ocr` or `--ocr-lang` re-processes
the files it affects.

Vertical Chinese/Japanese (縦書き): Tesseract's horizontal models read garbage from it. When the language pack for
vertical text is installed (`tesseract-ocr-jpn-vert`, `tesseract-ocr-chi-sim-vert`) and one of the page's languages
has one, a page whose horizontal reading is of low mean word confidence is read again as vertical text (`--psm 5`),
and the more confident reading is kept. Vertical packs are never part of the default horizontal language set.
Measured on `messy/japanese_jo_mojibake.pdf` (vertical) at 200 dpi: horizontal mean confidence 44, vertical 88 (the
text of Miyazawa's 序, word for word); a horizontal Japanese page: 91 horizontal (so it is not read twice).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tqdm import tqdm

from rag.errors import UserError
from rag.ingest.pdf import MIN_PAGE_CHARS, Page, ParsedPdf, clean_text
from rag.text import join_cjk_spaces

MODES = ("auto", "always", "never")
INSTALL_HINT = ("apt-get install tesseract-ocr tesseract-ocr-eng (Chinese: tesseract-ocr-chi-sim, Japanese: "
                "tesseract-ocr-jpn)")
NOT_LANGUAGES = frozenset({"osd", "equ"})  # tessdata files that are not languages to recognise
PREFERRED_ORDER = ("eng",)  # the first language guides Tesseract's layout analysis
NO_TESSERACT = "none"  # the language part of a file's OCR state when Tesseract was missing
VERTICAL_SUFFIX = "_vert"  # tessdata of vertical-text models: jpn_vert, chi_sim_vert, chi_tra_vert, kor_vert
VERTICAL_RETRY_CONFIDENCE = 60.0  # below this mean word confidence a horizontal reading is retried as vertical text


@dataclass
class OcrRun:
    """What OCR did in one ingest run."""

    pages: int = 0  # pages recognised (successfully or not)
    failed: int = 0
    seconds: float = 0.0
    languages: str = ""
    missing_tesseract: int = 0  # pages that needed OCR while Tesseract is not installed

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


# ---------------------------------------------------------------- Tesseract and its languages


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


@lru_cache(maxsize=4)
def _installed(binary: str) -> tuple[str, ...]:
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    lines = out.stdout.splitlines()[1:]  # the first line says where the tessdata folder is
    return tuple(line.strip() for line in lines if line.strip() and line.strip() not in NOT_LANGUAGES)


def installed_languages() -> list[str]:
    binary = tesseract_path()
    return list(_installed(binary)) if binary else []


def default_languages() -> str:
    """Every installed language pack, English first: "eng+chi_sim+jpn" here, "eng" with only the English pack."""
    found = [lang for lang in installed_languages() if not lang.endswith(VERTICAL_SUFFIX)]
    ordered = [lang for lang in PREFERRED_ORDER if lang in found] + sorted(l for l in found if l not in PREFERRED_ORDER)
    return "+".join(ordered)


def resolve_languages(setting: str | None) -> str:
    """The `--ocr-lang` value to use ("" when Tesseract is missing); a language that is not installed is an error."""
    if tesseract_path() is None:
        return ""
    if not setting:
        return default_languages()
    installed = installed_languages()
    for lang in setting.split("+"):
        if lang not in installed:
            raise UserError(
                f"--ocr-lang: Tesseract has no language {lang!r} (installed: {', '.join(installed) or 'none'}); "
                f"install it with `apt-get install tesseract-ocr-{lang.replace('_', '-').lower()}` or choose another",
                exit_code=2,
            )
    return setting


# ---------------------------------------------------------------- which pages need OCR


_GLYPH_NAMES = re.compile(r"(?:/(?:G|g|uni|cid|glyph)[0-9A-Fa-f]{2,5})+")


def usable(text: str) -> bool:
    """Whether a page's extracted text is real text: long enough, and not the mojibake of a font without a correct
    Unicode map (many combining marks, or letters spread over unrelated scripts: "Θͨ͘͠ͱ͍;ݱ..."), nor the glyph
    names of a font the extractor could not map at all ("/G59/G6F/G75/G72")."""
    if len(text) < MIN_PAGE_CHARS:
        return False
    if len("".join(_GLYPH_NAMES.findall(text))) > 0.3 * len(text):
        return False
    scripts: dict[str, int] = {}
    marks = replacement = letters = 0
    for ch in text:
        if ch == "\ufffd":
            replacement += 1
            continue
        category = unicodedata.category(ch)
        if category[0] not in "LM":
            continue
        letters += 1
        if category == "Mn":
            marks += 1
            continue
        name = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
        script = "CJK" if name in ("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC", "HALFWIDTH", "FULLWIDTH") else name
        scripts[script] = scripts.get(script, 0) + 1
    if replacement > 0.3 * max(1, letters):
        return False
    if letters < 20:
        return True
    top_two = sum(sorted(scripts.values(), reverse=True)[:2])
    return marks <= 0.3 * letters and top_two >= 0.7 * letters


def pages_to_ocr(result: ParsedPdf, mode: str) -> list[int]:
    """1-based numbers of the pages of a parsed file that OCR should read."""
    if mode == "never" or result.error or result.page_count == 0:
        return []
    if result.kind not in ("pdf", "image"):  # other formats carry their text; only their images need reading
        return sorted(result.images)
    if any(problem.startswith("damaged file") for problem in result.problems):
        return []  # pages were found by scanning objects; their numbers may not be the renderer's
    by_number = {page.number: page for page in result.pages}
    return [number for number in range(1, result.page_count + 1)
            if mode == "always" or number not in by_number or not usable(by_number[number].text)]


def ocr_state(mode: str, languages: str, needed: bool) -> str:
    """What a file's index entry records: the mode, and the languages when OCR read (or should have read) a page."""
    if mode == "never" or (mode == "auto" and not needed):
        return mode
    return f"{mode}:{languages or NO_TESSERACT}"


def state_matches(recorded: str | None, warnings: list[str], mode: str, languages: str) -> bool:
    """Whether a file indexed with OCR state `recorded` is up to date for `mode` and `languages`.

    A file indexed without OCR ("never", or before OCR existed: no state) is up to date for `auto` unless it had
    pages without text (its warnings say so); one that needed no OCR under `auto` is up to date for `never` too."""
    recorded_mode, _, recorded_languages = (recorded or "never").partition(":")
    if mode == "always":
        return recorded_mode == "always" and recorded_languages == (languages or NO_TESSERACT)
    if recorded_mode == "never" or (recorded_mode == "auto" and not recorded_languages):
        if mode == "never":
            return True
        return not any("without text" in w or "no text layer" in w for w in warnings)
    if recorded_mode == "auto" and mode == "auto":
        return recorded_languages == (languages or NO_TESSERACT)
    return False


# ---------------------------------------------------------------- recognising pages


@dataclass
class _Task:
    path: Path
    password: str | None
    page: int  # 1-based
    languages: str
    dpi: int
    timeout: float
    image: bool = False  # an image file (rag.ingest.formats.images): `page` is its frame
    data: bytes | None = None  # an image inside the file (an e-mail attachment): `page` is its unit


@dataclass
class _Done:
    page: int
    text: str = ""
    error: str | None = None


def render_page(path: Path, page: int, dpi: int, password: str | None = None) -> bytes:
    """The page as a greyscale PGM image (what Tesseract reads from stdin), rendered at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path), password=password)
    try:
        bitmap = document[page - 1].render(scale=dpi / 72, grayscale=True)
        pixels = bitmap.to_numpy()
    finally:
        document.close()
    height, width = pixels.shape[:2]
    return b"P5\n%d %d\n255\n" % (width, height) + pixels.reshape(height, -1)[:, :width].tobytes()


def recognise(image: bytes, languages: str, dpi: int, timeout: float) -> str:
    """Tesseract's text for an image (raises subprocess.TimeoutExpired / RuntimeError)."""
    binary = tesseract_path()
    if binary is None:
        raise RuntimeError("Tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one page per core: its own threads only fight on 2 cores
    out = subprocess.run([binary, "stdin", "stdout", "-l", languages, "--dpi", str(dpi)], input=image,
                         capture_output=True, timeout=timeout, env=env, check=False)
    if out.returncode != 0:
        message = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(message[-1] if message else f"tesseract exited with {out.returncode}")
    return out.stdout.decode("utf-8", "replace")


def recognise_scored(image: bytes, languages: str, dpi: int, timeout: float, psm: int | None = None
                     ) -> tuple[str, float]:
    """Tesseract's text for an image and the mean confidence (0-100) of its words, from one run."""
    binary = tesseract_path()
    if binary is None:
        raise RuntimeError("Tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="docqa-ocr-") as folder:
        base = os.path.join(folder, "page")
        command = [binary, "stdin", base, "-l", languages, "--dpi", str(dpi)]
        if psm is not None:
            command += ["--psm", str(psm)]
        out = subprocess.run([*command, "txt", "tsv"], input=image, capture_output=True, timeout=timeout, env=env,
                             check=False)
        if out.returncode != 0:
            message = out.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(message[-1] if message else f"tesseract exited with {out.returncode}")
        text = Path(base + ".txt").read_text("utf-8", "replace")
        tsv = Path(base + ".tsv").read_text("utf-8", "replace")
    return text, mean_confidence(tsv)


def mean_confidence(tsv: str) -> float:
    """The mean confidence of the words in Tesseract's TSV output (0 when it found none)."""
    values = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 12 and fields[11].strip():
            try:
                confidence = float(fields[10])
            except ValueError:
                continue
            if confidence >= 0:
                values.append(confidence)
    return sum(values) / len(values) if values else 0.0


def vertical_languages(languages: str) -> str:
    """The installed vertical-text packs of `languages` ("jpn+chi_sim" -> "jpn_vert+chi_sim_vert"), "" if none."""
    installed = set(installed_languages())
    wanted = [lang + VERTICAL_SUFFIX for lang in languages.split("+") if not lang.endswith(VERTICAL_SUFFIX)]
    return "+".join(lang for lang in wanted if lang in installed)


def recognise_page(image: bytes, languages: str, dpi: int, timeout: float) -> str:
    """The page's text: the horizontal reading, or the vertical one when that is more confident (see the module
    docstring); without vertical packs for `languages`, exactly `recognise`."""
    vertical = vertical_languages(languages)
    if not vertical:
        return recognise(image, languages, dpi, timeout)
    text, confidence = recognise_scored(image, languages, dpi, timeout)
    if confidence >= VERTICAL_RETRY_CONFIDENCE:
        return text
    vertical_text, vertical_confidence = recognise_scored(image, vertical, dpi, timeout, psm=5)
    return vertical_text if vertical_confidence > confidence else text


def _run(task: _Task) -> _Done:
    try:
        if task.data is not None:
            from rag.ingest.formats.images import render

            image, dpi = render(task.data, 1)
        elif task.image:
            from rag.ingest.formats.images import render

            image, dpi = render(task.path, task.page)
        else:
            image, dpi = render_page(task.path, task.page, task.dpi, task.password), task.dpi
        text = recognise_page(image, task.languages, dpi, task.timeout)
    except subprocess.TimeoutExpired:
        return _Done(task.page, error=f"timed out after {task.timeout:g} s")
    except Exception as exc:  # noqa: BLE001 - a bad page is reported, never stops the run
        return _Done(task.page, error=str(exc).strip() or type(exc).__name__)
    return _Done(task.page, text=ocr_text(text))


def ocr_text(raw: str) -> str:
    """Tesseract's output cleaned like extracted text; the spaces it puts between Chinese/Japanese characters go."""
    text = clean_text(join_cjk_spaces(raw))
    return text if len(text) >= MIN_PAGE_CHARS else ""


def _map(tasks: list[_Task], workers: int) -> Iterator[_Done]:
    if workers <= 1 or len(tasks) <= 1:
        yield from map(_run, tasks)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        yield from pool.map(_run, tasks)


def ocr_files(files: list[Path], parsed: list[ParsedPdf], *, mode: str, languages: str, dpi: int, timeout: float,
              workers: int, password: str | None = None, progress: bool = True) -> tuple[OcrRun, list[str]]:
    """Recognise the pages of `parsed` (one per file) that need OCR, in place; also each file's OCR state."""
    run = OcrRun(languages=languages)
    wanted = [pages_to_ocr(result, mode) for result in parsed]
    states = [ocr_state(mode, languages, bool(pages)) for pages in wanted]
    total = sum(len(pages) for pages in wanted)
    if not total:
        return run, states
    if not languages:  # Tesseract is not installed
        run.missing_tesseract = total
        if mode == "always":
            raise UserError(f"--ocr always: Tesseract is not installed; {INSTALL_HINT}", exit_code=2)
        return run, states
    tasks = [_Task(path, password, number, languages, dpi, timeout, result.kind == "image", result.images.get(number))
             for path, pages, result in zip(files, wanted, parsed) for number in pages]
    owners = [index for index, pages in enumerate(wanted) for _ in pages]
    started = time.perf_counter()
    bar = tqdm(total=total, unit="page", desc="OCR", file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    done: dict[int, list[_Done]] = {}
    with bar:
        for owner, result in zip(owners, _map(tasks, workers)):
            done.setdefault(owner, []).append(result)
            bar.update(1)
    run.seconds = time.perf_counter() - started
    run.pages = total
    for index, results in done.items():
        run.failed += _apply(parsed[index], results)
        parsed[index].images.clear()  # read: the attachments' bytes are not needed any more
    return run, states


def _apply(result: ParsedPdf, done: list[_Done]) -> int:
    """Put recognised text into the parsed file's pages; returns the number of failed pages."""
    by_number = {page.number: page for page in result.pages}
    failed = 0
    for item in done:
        if item.error:
            failed += 1
            where = getattr(by_number.get(item.page), "place", None) or f"page {item.page}"
            result.problems.append(f"{where}: OCR failed ({item.error})")
            continue
        page = by_number.get(item.page)
        if page is None:
            page = by_number[item.page] = Page(number=item.page, text="")
        elif not item.text and usable(page.text):
            continue  # --ocr always on a page OCR finds nothing on: keep its text layer
        page.text, page.ocr, page.tables = item.text, True, []
    result.pages = sorted(by_number.values(), key=lambda page: page.number)
    return failed


def say_missing_tesseract(pages: int) -> None:
    """Say (once per ingest run) that pages went unread because Tesseract is not installed."""
    print(f"OCR: {pages} page(s) have no usable text layer and Tesseract is not installed, so they were not read; "
          f"install it ({INSTALL_HINT}) and ingest again", file=sys.stderr)
