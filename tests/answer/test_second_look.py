"""The reader's "no answer" on the focused passages: held back, a second look at the whole passages, and answers
that only repeat the question.

The reader's replies are scripted (a wrapper around the real small model that replaces only what it says), because
the point is what the answerer does with a given reply; the prompts are the real ones, tokens counted by the model.
"""

from __future__ import annotations

import pytest

from rag.answer.abstention import ECHO_REASON, READER_REASON, repeats_question
from rag.answer.answerer import HeldAbstention
from rag.answer.prompts import EXACT_ANSWER, READER_ABSTAIN
from rag.eval.metrics import is_abstention
from rag.ingest.pipeline import ingest
from rag.llm.base import GenerationStats

from conftest import build_answerer

FILLER = "The workshop keeps its records in ledgers bound in blue cloth, one for each season of the year. "
KITES = [
    FILLER * 3 + "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon. " + FILLER * 3,
    FILLER * 2 + "Revenue for the year was 98 million euros, mostly from the Falcon kite. " + FILLER * 2,
]
QUESTION = "How many people does the Zephyr Kite Company employ?"


class ScriptedReader:
    """The real backend with scripted replies: records each prompt and streams the next reply in small pieces."""

    def __init__(self, backend, replies):
        self._backend = backend
        self.replies = list(replies)
        self.prompts: list[str] = []

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def stream(self, prompt, params):
        self.prompts.append(prompt)
        reply = self.replies.pop(0)
        self.last_stats = GenerationStats(prompt_tokens=self._backend.count_tokens(prompt))
        for start in range(0, len(reply), 4):
            self.last_stats.generated_tokens += 1
            yield reply[start:start + 4]


@pytest.fixture
def kite_settings(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", KITES)
    focused = settings.model_copy(update={"context_chars": 300})
    ingest(focused, progress=False, embeddings=embeddings)
    return focused


def ask(settings, embeddings, llm_backend, replies):
    reader = ScriptedReader(llm_backend, replies)
    shown, notices = [], []
    answer = build_answerer(settings, embeddings, reader).ask(QUESTION, on_token=shown.append,
                                                              on_notice=notices.append)
    return answer, reader, "".join(shown), notices


def test_no_answer_in_the_focused_passages_gets_a_second_look_at_the_whole_ones(kite_settings, embeddings,
                                                                                  llm_backend):
    answer, reader, shown, notices = ask(kite_settings, embeddings, llm_backend,
                                         [READER_ABSTAIN, "The company employs 1,234 people [1]."])
    assert len(reader.prompts) == 2 and len(reader.prompts[1]) > len(reader.prompts[0])
    first, second = (" ".join(prompt.split()) for prompt in reader.prompts)
    assert "…" in first and "98 million" not in first  # cut to the sentence on the question the first time
    assert (FILLER * 3).strip() in second and "98 million" in second  # the whole passages the second time
    assert READER_ABSTAIN not in shown and shown.strip() == answer.answer  # the first "no answer" never shown
    assert not answer.abstained and "1,234" in answer.answer and answer.grounding.grounded
    assert answer.timings["first_look"] > 0 and any("whole passages" in note for note in notices)


def test_no_answer_twice_is_an_abstention_shown_once(kite_settings, embeddings, llm_backend):
    answer, reader, shown, _ = ask(kite_settings, embeddings, llm_backend, [READER_ABSTAIN, READER_ABSTAIN])
    assert len(reader.prompts) == 2
    assert shown == READER_ABSTAIN and answer.abstained and answer.abstain_reason == READER_REASON


def test_the_second_look_can_be_turned_off(kite_settings, embeddings, llm_backend):
    settings = kite_settings.model_copy(update={"second_look": False})
    answer, reader, shown, _ = ask(settings, embeddings, llm_backend, [READER_ABSTAIN])
    assert len(reader.prompts) == 1 and shown == READER_ABSTAIN and answer.abstained
    assert "first_look" not in answer.timings


def test_whole_passages_get_no_second_look(kite_settings, embeddings, llm_backend):
    settings = kite_settings.model_copy(update={"context_chars": 0})
    answer, reader, _, _ = ask(settings, embeddings, llm_backend, [READER_ABSTAIN])
    assert len(reader.prompts) == 1 and answer.abstained


def test_an_answer_that_only_repeats_the_question_is_asked_for_the_exact_answer(kite_settings, embeddings,
                                                                                  llm_backend):
    answer, reader, shown, notices = ask(kite_settings, embeddings, llm_backend,
                                         ["The Zephyr Kite Company employs people [1].",
                                          "The company employs 1,234 people [1]."])
    assert len(reader.prompts) == 2 and EXACT_ANSWER in reader.prompts[1] and EXACT_ANSWER not in reader.prompts[0]
    assert "98 million" not in reader.prompts[1]  # the same focused passages
    assert "employs people" not in shown and shown.strip() == answer.answer  # the hollow reply never shown
    assert not answer.abstained and "1,234" in answer.answer and answer.grounding.grounded
    assert answer.timings["first_look"] > 0 and any("exact word" in note for note in notices)


def test_an_answer_that_only_repeats_the_question_twice_gets_the_closest_evidence_alone(kite_settings, embeddings,
                                                                                         llm_backend):
    answer, reader, shown, notices = ask(kite_settings, embeddings, llm_backend,
                                         ["The Zephyr Kite Company employs people [1].", "It employs people.",
                                          "The company employs 1,234 people [1]."])
    assert len(reader.prompts) == 3
    last = " ".join(reader.prompts[2].split())
    assert "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon." in last  # the lead sentence
    assert last.count("ledgers bound in blue cloth") <= 2 and "98 million" not in last  # with its neighbours only
    assert len(reader.prompts[2]) < len(reader.prompts[0]) and EXACT_ANSWER not in reader.prompts[2]
    assert "employs people" not in shown and shown.strip() == answer.answer
    assert not answer.abstained and "1,234" in answer.answer and answer.verdict.verdict == "verified"
    assert any("closest evidence alone" in note for note in notices)


def test_an_answer_that_only_repeats_the_question_three_times_is_withdrawn(kite_settings, embeddings, llm_backend):
    answer, reader, shown, _ = ask(kite_settings, embeddings, llm_backend,
                                   ["The Zephyr Kite Company employs people [1].", "It employs people.",
                                    "The Zephyr Kite Company employs people."])
    assert len(reader.prompts) == 3 and all("98 million" not in prompt for prompt in reader.prompts[1:])
    assert "employs" not in shown
    assert answer.abstained and answer.abstain_reason == ECHO_REASON and is_abstention(answer.answer)
    assert shown == answer.answer and answer.grounding is None


def test_no_answer_after_the_exact_answer_retry_gets_the_whole_passages(kite_settings, embeddings, llm_backend):
    answer, reader, shown, _ = ask(kite_settings, embeddings, llm_backend,
                                   ["The Zephyr Kite Company employs people [1].", READER_ABSTAIN,
                                    "The company employs 1,234 people [1]."])
    assert len(reader.prompts) == 3 and "98 million" in reader.prompts[2]
    assert shown.strip() == answer.answer and "1,234" in answer.answer and not answer.abstained


def test_an_answer_cut_by_the_token_limit_is_not_judged_an_echo(kite_settings, embeddings, llm_backend):
    settings = kite_settings.model_copy(update={"max_new_tokens": 1})
    answer, reader, shown, _ = ask(settings, embeddings, llm_backend, ["The"])
    assert len(reader.prompts) == 1 and shown == "The" and answer.answer == "The" and not answer.abstained


def test_without_a_second_look_a_repeated_question_is_withdrawn_unshown(kite_settings, embeddings, llm_backend):
    settings = kite_settings.model_copy(update={"second_look": False})
    answer, reader, shown, _ = ask(settings, embeddings, llm_backend, ["The Zephyr Kite Company employs people."])
    assert len(reader.prompts) == 1 and shown == answer.answer and answer.abstain_reason == ECHO_REASON


@pytest.mark.parametrize("answer, question", [
    ("The telephone no for the Care Quality Commission is [1].", "What is the telephone no for the Care Quality Commission"),
    ("48 tables were consistent.", "Of the 48 randomly chosen tables that were evaluated, how many were consistent?"),
    ("Manchester United's club mascot is Manchester United.", "What is the name of Manchester United's club mascot?"),
    ("[1].", "What is the OMB number of Form 1040NR?"),
])
def test_answers_that_add_nothing_to_the_question(answer, question):
    assert repeats_question(answer, question)


@pytest.mark.parametrize("answer, question", [
    ("No.", "Did the company pay a dividend?"),
    ("The company did not pay a dividend.", "Did the company pay a dividend?"),
    ("Revenue.", "Which was larger, revenue or cost?"),
    ("B", "Which option, A or B?"),
    ("The minimum guarantee is £750 million [1].", "What is the minimum guarantee payable by adidas?"),
    ("drop", "Which reserved word indicates that a call will relinquish ownership of the object passed in?"),
    ("2022年第一季度", "哪个季度?"),
])
def test_answers_with_something_of_their_own(answer, question):
    assert not repeats_question(answer, question)


def test_held_abstention_passes_text_that_stops_looking_like_no_answer():
    shown = []
    held = HeldAbstention(shown.append)
    for piece in ["The ", "docu", "ments ", "show 12."]:
        held(piece)
    assert "".join(shown) == "The documents show 12."
    shown.clear()
    held = HeldAbstention(shown.append)
    for piece in ["The documents", " do not say."]:
        held(piece)
    assert shown == []
    held.release()
    assert "".join(shown) == READER_ABSTAIN


def test_held_abstention_holds_an_answer_while_it_only_repeats_the_question():
    shown = []
    held = HeldAbstention(shown.append, QUESTION)
    for piece in ["The Zeph", "yr Kite Company emp", "loys [", "1"]:
        held(piece)
    assert shown == []  # every finished word is the question's; "[1" may still be a citation
    held("] 1,2")
    assert "".join(shown) == "The Zephyr Kite Company employs [1] 1,2"
    held("34 people.")
    assert "".join(shown).endswith("1,234 people.")


def test_the_command_line_turns_the_second_look_off_only_when_asked():
    from main import build_parser

    assert build_parser().parse_args(["q"]).second_look is None  # not given: the setting decides
    assert build_parser().parse_args(["q", "--no-second-look"]).second_look is False
