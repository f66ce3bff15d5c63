"""Thread choice for CPU generation: the user's number, else the cores idle right now."""

from __future__ import annotations

import os

from rag.llm import threads


def test_fixed_number_wins():
    assert threads.threads_for_now(3) == 3


def test_idle_cores_bounded_by_the_machine():
    chosen = threads.threads_for_now(None)
    assert 1 <= chosen <= (os.cpu_count() or 1)


def test_busy_machine_gets_one_thread(monkeypatch):
    monkeypatch.setattr(threads, "idle_cores", lambda: 0.2)
    assert threads.threads_for_now(None) == 1
    monkeypatch.setattr(threads, "idle_cores", lambda: None)  # no /proc: all cores
    assert threads.threads_for_now(None) == (os.cpu_count() or 1)
