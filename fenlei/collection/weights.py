"""Two weighings of one load compared: a trip's pick-ups against the weighbridge, a manifest's pick-up
against the plant's receipt. One rule for both: the difference in kg and in per cent of the first
weight, and whether it lies beyond a tolerance (a setting each)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Difference:
    """Second weight minus first; `pct` of the first (None when the first is zero); `over`: beyond the
    tolerance (a zero difference never is)."""

    kg: Decimal
    pct: Decimal | None
    over: bool
    tolerance_pct: int

    @property
    def percent(self) -> Decimal | None:  # the name the trip pages read
        return self.pct


def difference(first_kg, second_kg, tolerance_pct: int) -> Difference | None:
    """The difference of `second_kg` from `first_kg` (None until the second weighing exists)."""
    if second_kg is None:
        return None
    kg = second_kg - first_kg
    if not first_kg:
        return Difference(kg, None, kg != 0, tolerance_pct)
    pct = (kg * 100 / first_kg).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Difference(kg, pct, abs(pct) > tolerance_pct, tolerance_pct)
