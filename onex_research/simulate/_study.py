"""What a simulated study is: the dirt rates and the :class:`SurveyStudy` it returns."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..instrument import Instrument
from ..survey.clean import EXCLUSION_RULES

__all__ = ["DEFAULT_SEED", "PLANT_ORDER", "DIRT_RULES", "DirtRates", "SurveyStudy"]

DEFAULT_SEED = 20240512
#: The cleaner's exclusion rules in the order the simulator plants them (recorded in truth.json).
PLANT_ORDER = ("speeder", "straightliner", "attention", "duplicate", "missing", "out_of_range")
if set(PLANT_ORDER) != set(EXCLUSION_RULES):  # one definition of the rules: the cleaner's
    raise ImportError(f"simulate plants {PLANT_ORDER} but survey.clean has the rules {EXCLUSION_RULES}")
#: Everything the simulator plants: the exclusion rules, partial skips and personal data.
DIRT_RULES = PLANT_ORDER + ("partial_skip", "pii")

@dataclass(frozen=True)
class DirtRates:
    """Share of the ``n`` respondents given each kind of planted dirt (keyword-only).

    The groups are disjoint; ``count = round(rate * n)``. ``duplicate`` adds that many
    extra rows (half exact copies, half same-IP copies with 1-2 Likert answers moved by
    one), so an export holds ``n + round(duplicate * n)`` rows.
    """

    speeder: float = 0.04
    straightliner: float = 0.03
    attention: float = 0.03
    duplicate: float = 0.02
    missing: float = 0.02
    partial_skip: float = 0.05
    out_of_range: float = 0.01
    pii: float = 0.005

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or not 0 <= v < 1:
                raise ValueError(f"DirtRates.{f.name} must be a number in [0, 1), got {v!r}")
        if sum(getattr(self, f.name) for f in fields(self)) > 0.8:
            raise ValueError("DirtRates: the rates add up to more than 0.8; keep most respondents clean")

    def counts(self, n: int) -> dict:
        """Number of respondents (or extra rows, for ``duplicate``) per rule."""
        return {f.name: int(np.floor(getattr(self, f.name) * n + 0.5)) for f in fields(self)}

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class SurveyStudy:
    """A simulated study: what the export holds, and the truth behind it.

    Attributes
    ----------
    instrument : Instrument
    responses : pandas.DataFrame
        Index ``序号`` (1..N, submission order); one column per item code, as the codes
        export holds it: codes as ``Int64`` (``<NA>`` = skipped, out-of-range codes kept),
        multi-select as codes joined with ``┋``, text as strings (``""`` = empty).
    meta : pandas.DataFrame
        Index ``序号``; columns ``submitted`` (``2024/5/12 10:23:45``), ``seconds`` (int),
        ``source``, ``source_detail``, ``ip`` (``117.136.12.34(江西-南昌)``).
    latent : pandas.DataFrame
        Index ``序号``; ``role`` (label), ``copy_of`` (original 序号 of a duplicate, else
        ``<NA>``) and the latent score of every factor.
    dirty : pandas.DataFrame
        ``序号, rule, item, value, detail``, one row per planted reason.
    truth : dict
        Parameters and bookkeeping, as written to ``truth.json``.
    """

    instrument: Instrument
    responses: pd.DataFrame
    meta: pd.DataFrame
    latent: pd.DataFrame
    dirty: pd.DataFrame
    truth: dict

    @property
    def n_rows(self) -> int:
        return len(self.responses)

    def dirty_rows(self, rule: str) -> list[int]:
        """Sorted 序号 of the rows that carry ``rule``."""
        return sorted(set(self.dirty.loc[self.dirty["rule"] == rule, "序号"].tolist()))

    def clean_rows(self) -> list[int]:
        """序号 of the rows that no exclusion rule should touch."""
        bad = set(self.dirty.loc[self.dirty["rule"].isin(EXCLUSION_RULES), "序号"])
        return [i for i in self.responses.index if i not in bad]

    def summary(self) -> pd.DataFrame:
        """Planted dirt per rule: ``rule``, ``rows`` (distinct 序号), ``cells`` (truth rows)."""
        g = self.dirty.groupby("rule", sort=False)["序号"]
        out = pd.DataFrame({"rows": g.nunique(), "cells": g.size()}).reindex(list(DIRT_RULES), fill_value=0)
        return out.rename_axis("rule").reset_index()

    def _repr_html_(self) -> str:
        head = (f"<b>SurveyStudy</b> {self.instrument.name}: {self.n_rows} rows "
                f"({self.truth['n']} respondents + duplicates), seed {self.truth['seed']}")
        return head + self.summary().to_html(index=False)

    def __repr__(self) -> str:
        counts = self.dirty.groupby("rule")["序号"].nunique().to_dict()
        return f"SurveyStudy({self.instrument.name}: {self.n_rows} rows, seed {self.truth['seed']}, dirty {counts})"
