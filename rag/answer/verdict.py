"""The verdict on an answer: `verified`, `unsupported` or `contradicted`, with the unit (sentence or table row) that
decides it and one line for a person.

Hands on a `Verdict` from the verifier (`rag.answer.verify`) to the answer and every interface (`to_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.answer.units import Unit


VERIFIED, UNSUPPORTED, CONTRADICTED = "verified", "unsupported", "contradicted"


@dataclass
class Verdict:
    verdict: str  # VERIFIED, UNSUPPORTED or CONTRADICTED
    unit: Unit | None = None  # the unit stating the answer (verified), another value (contradicted), or the closest
    reason: str = ""  # one line for a person
    claims: list[str] = field(default_factory=list)  # the answer's values that were checked

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason, "claims": list(self.claims),
                "evidence": self.unit.to_dict() if self.unit else None}
