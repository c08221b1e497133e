"""The result of one coefficient: a value or the reason it is undefined, always with its n."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Coefficient:
    """``value`` is None exactly when the coefficient is undefined; ``reason`` says why.

    ``units`` counts what was compared (documents, characters, spans, value pairs: the report
    names it), ``coders`` how many coders took part.
    """

    name: str
    value: float | None
    units: int
    coders: int
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def defined(self) -> bool:
        return self.value is not None

    @classmethod
    def undefined(cls, name: str, reason: str, units: int = 0, coders: int = 0,
                  **details: Any) -> Coefficient:
        return cls(name, None, units, coders, reason, details)

    def as_dict(self) -> dict[str, Any]:
        return {"coefficient": self.name, "value": self.value, "undefined_reason": self.reason,
                "units": self.units, "coder_count": self.coders, **self.details}
