"""A planner's "what if": the scenario a forecast runs under, checked as a planner wrote it.

It lives in ``core`` because it is run configuration (a notebook parameter, a CLI option, part
of the cache key) before it is anything the model does: the parameter checks validate it
without importing the model, and ``model.forecast`` applies it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ntm_analysis.core.config import DEFAULT_PRIORITY_ODDS
from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import Join, MessageError, Msg

__all__ = ["Scenario", "ScenarioError"]


class ScenarioError(MessageError):
    """An invalid scenario (a ``ValueError``): ``render(lang)`` in the user's language, keys
    ``error.scenario.*``; ``str()`` is English."""


@dataclass(frozen=True)
class Scenario:
    """A "what if" a planner can pull.

    ``criterion_odds``: multiply the yearly odds of *gaining* these criteria (an investment
    programme: {10: 1.5} turns a 20% yearly chance of reaching income into 27%; odds, not
    probabilities, so a chance never exceeds 100%).
    ``priority_communes`` with ``priority_odds``: the province's registered target communes,
    whose gain odds on every criterion are multiplied.
    """

    name: str = "baseline"
    criterion_odds: dict[int, float] = field(default_factory=dict)
    priority_communes: tuple[str, ...] = ()
    priority_odds: float = DEFAULT_PRIORITY_ODDS

    def __post_init__(self) -> None:
        name = repr(self.name)
        for c, odds in self.criterion_odds.items():
            if c not in CRITERIA_NUMBERS:
                raise ScenarioError(Msg("error.scenario.criterion", name=name, criterion=repr(c)))
            if not odds > 0:
                raise ScenarioError(Msg("error.scenario.odds", name=name, odds=repr(odds)))
        if not self.priority_odds > 0:
            raise ScenarioError(Msg("error.scenario.priority", name=name))

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Scenario:
        """A scenario from JSON-like data (notebook parameters, ``--scenario``), listing every
        problem at once in one ``ScenarioError`` (a ``ValueError``).

        Keys: ``name``, ``criterion_odds`` ({"10": 1.5}; keys may be strings, as JSON's are),
        ``priority_communes`` (list of codes), ``priority_odds``.
        """
        allowed = {"name", "criterion_odds", "priority_communes", "priority_odds"}
        problems = [
            Msg("error.scenario.unknown_key", entry=repr(k)) for k in value if k not in allowed
        ]
        odds: dict[int, float] = {}
        raw_odds = value.get("criterion_odds", {})
        if not isinstance(raw_odds, Mapping):
            problems.append(Msg("error.scenario.odds_not_mapping", example='{"10": 1.5}'))
            raw_odds = {}
        for key, multiplier in raw_odds.items():
            try:
                criterion = int(key)
            except (TypeError, ValueError):
                problems.append(Msg("error.scenario.not_a_criterion", entry=repr(key)))
                continue
            if criterion not in CRITERIA_NUMBERS:
                problems.append(Msg("error.scenario.criterion_range", criterion=criterion))
            elif isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
                problems.append(
                    Msg("error.scenario.odds_not_number", entry=repr(key), value=repr(multiplier))
                )
            elif not multiplier > 0:
                problems.append(Msg("error.scenario.odds_not_positive", entry=repr(key)))
            else:
                odds[criterion] = float(multiplier)
        communes = value.get("priority_communes", [])
        if isinstance(communes, str) or not isinstance(communes, Sequence):
            problems.append(Msg("error.scenario.communes_not_list"))
            communes = []
        priority_odds = value.get("priority_odds", DEFAULT_PRIORITY_ODDS)
        if isinstance(priority_odds, bool) or not isinstance(priority_odds, int | float):
            problems.append(Msg("error.scenario.priority_not_number", value=repr(priority_odds)))
        elif not priority_odds > 0:
            problems.append(Msg("error.scenario.priority_not_positive"))
        name = value.get("name", "scenario")
        if not isinstance(name, str) or not name.strip():
            problems.append(Msg("error.scenario.bad_name"))
        if problems:
            raise ScenarioError(Msg("error.scenario.invalid", problems=Join(tuple(problems), "; ")))
        return cls(
            name=name,
            criterion_odds=odds,
            priority_communes=tuple(str(c) for c in communes),
            priority_odds=float(priority_odds),
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form ``from_dict`` reads back (a run configuration's ``scenario``)."""
        return {
            "name": self.name,
            "criterion_odds": {str(c): float(o) for c, o in sorted(self.criterion_odds.items())},
            "priority_communes": list(self.priority_communes),
            "priority_odds": float(self.priority_odds),
        }

    @property
    def is_baseline(self) -> bool:
        return not self.criterion_odds and not self.priority_communes
