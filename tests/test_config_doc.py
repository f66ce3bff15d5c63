"""docs/configuration.md is generated from rag/config.py and the commands' flags; it must be current."""

from __future__ import annotations

from rag.config import Settings
from rag.config_doc import PAGE, flags_in, read_settings, render, CONFIG


def test_the_settings_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python -m rag.config_doc"


def test_every_setting_is_on_the_page_with_a_meaning():
    settings = read_settings(CONFIG.read_text(encoding="utf-8"))
    assert [s.name for s in settings] == list(Settings.model_fields)
    unexplained = [s.name for s in settings if not s.comment]
    assert not unexplained, f"settings without a comment in rag/config.py: {unexplained}"


def test_flags_are_found_through_load_settings():
    source = '''
parser.add_argument("--workers", type=int)
parser.add_argument("--pack", dest="model_pack")
parser.add_argument("--unused")
settings = load_settings(parse_workers=args.workers, model_pack=args.model_pack, k=3)
'''
    assert flags_in(source) == {"parse_workers": "--workers", "model_pack": "--pack"}
