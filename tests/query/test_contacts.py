"""Which contact details a question asks for, and whether a text holds one."""

from __future__ import annotations

import pytest

from rag.query.contacts import EMAIL, PHONE, WEB, asked_contacts, holds


@pytest.mark.parametrize("question, kinds", [
    ("What is the telephone no for The Limes Residential Home?", {PHONE}),
    ("What is INF SERCRL LLP FAX No on page fourteen?", {PHONE}),
    ("Give me the phone number of the registrar", {PHONE}),
    ("what is the email id of the mtre laurent nahmiash ?", {EMAIL}),
    ("What is the company's website?", {WEB}),
    ("How many seniors own a cell phone and a tablet computer?", set()),
    ("What share of smartphone owners use the phone daily?", set()),
    ("What was total revenue in fiscal 2022?", set()),
])
def test_the_asked_kind_of_contact_detail(question, kinds):
    assert asked_contacts(question) == kinds


@pytest.mark.parametrize("text", ["Tel: 01983 873655", "Fax : 514-312-0292", "call (800) 555-1212",
                                  "Switchboard 01983 873655", "+44 20 7946 0958", "Telephone no. 2234 5678"])
def test_telephone_numbers_are_found(text):
    assert holds(PHONE, text)


@pytest.mark.parametrize("text", ["Revenue 2015-2016 2017 rose", "1,577,000 2,345,678", "0.35 and 0.40",
                                  "page 12 of 2019", "Note 14 (3,102) 2,995"])
def test_figures_and_years_are_not_telephone_numbers(text):
    assert not holds(PHONE, text)


def test_e_mail_and_web_addresses():
    assert holds(EMAIL, "lnahmiash@infavocats.com") and not holds(WEB, "lnahmiash@infavocats.com")
    assert holds(WEB, "available at www.itcportal.com") and holds(WEB, "see https://example.org/x")
    assert not holds(EMAIL, "Revenue rose 4% @ constant currency") and not holds(WEB, "total 4.5 million")
