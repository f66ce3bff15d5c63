"""Answering: prompts from chat templates, abstention, grounding of answers in their sources, the answerer."""
