"""How much of the documents a question is about (rag.query.scope)."""

from __future__ import annotations

import pytest

from rag.query.scope import DOCUMENT, DOCUMENTS, FACT, question_scope, summary_request


@pytest.mark.parametrize(("question", "scope"), [
    ("How much is the minimum guarantee payable by adidas?", FACT),
    ("Who is the Chief Financial Officer?", FACT),
    ("What was broadcasting revenue in 2022?", FACT),
    ("Summarise this report.", DOCUMENT),
    ("Give me an overview of the annual report", DOCUMENT),
    ("What are the main risks the company lists?", DOCUMENT),
    ("What is this document about?", DOCUMENT),
    ("List all the subsidiaries named in the filing.", DOCUMENT),
    ("How do the 2021 and 2022 filings differ on debt?", DOCUMENTS),
    ("Compare the revenue of Best Buy and Costco.", DOCUMENTS),
    ("Which of the reports mentions a share buyback?", DOCUMENTS),
    ("What are the main sources of revenue described in the report?", DOCUMENT),
    ("What financial risks does the Group say it is exposed to?", DOCUMENT),
    ("What is the main reason for the decline?", FACT),
    ("What gross unrealized gains did Adobe have on its short-term corporate bonds as of November 27, 2015?", FACT),
    # "is" ends in s but is no plural head
    ("What size is listed for the synaptic package in the list of package management tools?", FACT),
    # a question whose head is a plural noun asks for a list; a plural measure asks for one figure
    ("What units does the business course cover?", DOCUMENT),
    ("Which regulations did the inspectors find the home was breaching?", DOCUMENT),
    ("What are the strategic priorities in the health department's plan?", DOCUMENT),
    ("What are Netflix's business segments?", DOCUMENT),
    ("What are CVS Health's reportable segments, and what does each do?", DOCUMENT),
    ("What were Ulta Beauty's capital expenditures in fiscal 2022?", FACT),
    ("What is the class action filing in Quebec about?", DOCUMENT),
    ("What were the total revenues in 2022?", FACT),
    ("What were 3M's 2018 net sales to customers in Japan, in dollars?", FACT),  # a measure, then what it is of
    ("What were Amazon's purchases of property and equipment in 2016?", FACT),
    ("Which reserved word indicates that a call will relinquish ownership?", FACT),
    ("Which type of semantic errors has the lowest total percentages?", FACT),
    ("What is Cash and cash equivalents for Best Buy?", FACT),
    ("What does the book say about memory management?", DOCUMENT),  # what a document says on a topic
    ("What does Boeing say about its competition in its 2022 10-K?", DOCUMENT),
    ("What does the Curl library do for the viewer?", FACT),
    ("How does Costco describe its membership program?", DOCUMENT),
    ("What are the key categories of products?", DOCUMENT),
    # a description told over a section: steps, how a thing is done, the people holding roles
    ("How do you connect and power up the monitor?", DOCUMENT),
    ("How to reset the device to its factory settings?", DOCUMENT),
    ("Where and how does Nike manufacture its footwear?", DOCUMENT),
    ("How does Netflix account for its streaming content and how large are its obligations?", DOCUMENT),
    ("Who are Best Buy's executive officers and what roles do they hold?", DOCUMENT),
    # an accounting policy, whatever figure it names; a question asking three things; "List the …"
    ("How does Manchester United account for the cost of buying and selling players' registrations?", DOCUMENT),
    ("How many people does Manchester United employ, in which areas do they work, and how much does the club spend "
     "on staff?", DOCUMENT),
    ("How many stock options did Costco grant in fiscal 2021, and at what weighted-average exercise price?", FACT),
    ("In Boeing's statement of equity, how much treasury stock was issued for the 401(k) contribution in 2020?", FACT),
    ("List the solutions that make up Adobe Marketing Cloud and what each one does.", DOCUMENT),
    ("How did Nike's gross margin change in fiscal 2021?", FACT),  # how a figure moved
    ("How does Best Buy record merchandise inventories?", FACT),  # a measure: one policy sentence
    ("Who are the authors of the paper on preemptive information extraction?", FACT),
    ("Who is the Chief Executive Officer?", FACT),
    # a table named "summary" is no request for one
    ("What long-term debt did CVS report for 2016 in its five-year financial summary?", FACT),
    ("What was the CEO's salary in the summary compensation table?", FACT),
    # "principal", "key" before a plural measure: one figure ("principal contractual commitments" are amounts)
    ("How much did Amazon owe under operating leases in 2019, according to its principal contractual commitments?",
     FACT),
    ("As of December 31, 2018, how much in mortgage loan principal repayments was CVS Health scheduled to receive in "
     "2021?", FACT),  # "how much": a figure, whatever plural follows "principal"
])
def test_the_scope_of_a_question(question, scope):
    assert question_scope(question) == scope


def test_an_answer_to_a_whole_document_question_says_what_it_saw():
    from rag.answer.result import Source, coverage_note

    sources = [Source(number=1, file="manu.pdf", page=3, score=0.5, text="x"),
               Source(number=2, file="manu.pdf", page=9, score=0.4, text="y"),
               Source(number=3, file="deck.pptx", page=2, score=0.3, text="z", place="slide 2")]
    note = coverage_note(sources, DOCUMENT)
    assert note == ("This question is about a whole document; the answer is drawn from 3 passages only (page 3, "
                    "page 9 of manu.pdf; slide 2 of deck.pptx), not from every page.")


@pytest.mark.parametrize(("question", "plain"), [
    ("Summarise this annual report.", True),
    ("Summarise the care home inspection report for The Limes Residential Home.", True),
    ("Summarise CVS Health's 2018 annual report.", True),
    ("What is the TD Bank class action filing about?", True),
    ("Summarise what the report says about debt.", False),
    ("Summarise the Juice Transaction described in PepsiCo's 2022 10-K.", False),  # a topic, then the document
    ("Give an overview of the losses on Boeing's fixed-price development programs.", False),
    ("What are the main risks the company lists?", False),
])
def test_a_request_to_summarise_a_document_has_no_topic_of_its_own(question, plain):
    assert summary_request(question) is plain
