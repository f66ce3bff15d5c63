"""The web UI's place view for non-PDF sources: /place/<file>?n=N shows the indexed unit, escaped; links from the
sources point there (rag.web.places)."""

from __future__ import annotations

import pytest


@pytest.fixture
def place_client(settings, embeddings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from rag.index.store import load_index
    from rag.ingest.pipeline import ingest
    from rag.web.app import add_place_route
    from rag.web.engine import Engine

    (settings.data_dir / "notes.md").write_text("# Notes\n\n## Risks\n\nThe <script>alert(1)</script> supplier "
                                                "in Porto may close in May.\n")
    ingest(settings, progress=False, embeddings=embeddings)
    engine = Engine(settings)
    engine.index = load_index(settings.index_dir)
    app = FastAPI()
    add_place_route(app, engine)
    return TestClient(app)


def test_a_place_opens_as_escaped_text_and_unknown_places_are_404(place_client):
    from rag.web.ui import view_link

    assert view_link("notes.md", 1) == "/place/notes.md?n=1" and view_link("a.pdf", 2) == "/view/a.pdf?p=2"
    assert view_link("notes.md", 1, "the supplier") == "/place/notes.md?n=1&q=the%20supplier#hl"
    page = place_client.get("/place/notes.md?n=1")
    assert page.status_code == 200 and "Notes › Risks" in page.text and "supplier" in page.text
    assert "<script>alert" not in page.text
    assert place_client.get("/place/notes.md?n=9").status_code == 404
    assert place_client.get("/place/../secret.md?n=1").status_code == 404


def test_the_quoted_words_are_marked_in_the_place(place_client):
    page = place_client.get("/place/notes.md", params={"n": 1, "q": "The supplier in Porto may close in May."})
    assert page.status_code == 200 and '<mark id="hl">' in page.text
    marked = page.text.split('<mark id="hl">', 1)[1].split("</mark>", 1)[0]
    assert "Porto may close in May." in marked and "<script>" not in page.text
    assert "<mark" not in place_client.get("/place/notes.md", params={"n": 1, "q": "nothing like it"}).text
