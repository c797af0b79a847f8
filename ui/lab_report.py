"""The lab's facts in words: its explanation and input errors in the page's language, and /detach's JSON.

``lab/detach.py`` reports a :class:`~lab.detach.Run` of facts and message keys; this module says them.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from lab.detach import LabInputError, Run
from ui.i18n import LANGUAGES, text, words

#: The /detach JSON's lists of numbers: a value JSON cannot carry (inf, -inf, nan) travels as a string.
NUMBER_LISTS = ("y_values", "z_values", "x_grad", "x_grad_expected")


def input_error(error: LabInputError, language: str) -> str:
    """A refused input's message in ``language``."""
    return error.message(words(language))


def explain(parts: list[tuple[str, dict[str, Any]]], language: str) -> str:
    """Message keys with parameters (a run's ``why_parts``) → one paragraph in ``language``."""
    sentences = []
    for key, params in parts:
        params = {name: (text("lab_why_cpu_prefix", language) if value is True else "") if name == "cpu" else value
                  for name, value in params.items()}  # fmt: skip
        sentences.append(text(key, language).format(**params))
    return text("sentence_gap", language).join(sentences)


def fact_rows(run: Run, language: str) -> list[tuple[str, str, str]]:
    """The facts table's rows, the fact named in ``language``."""
    return [(text(f"lab_fact_{fact}", language), y, z) for fact, y, z in run.fact_rows()]


def json_number(value: float) -> float | str:
    """A float as /detach's JSON carries it: finite as it is, else ``"inf"``, ``"-inf"`` or ``"nan"``."""
    return value if math.isfinite(value) else str(value)


def report_json(run: Run) -> dict[str, Any]:
    """/detach's answer: the run's facts, the facts table (in English), and the explanation in every language."""
    report = dataclasses.asdict(run)
    for key in NUMBER_LISTS:
        if report[key] is not None:
            report[key] = [json_number(value) for value in report[key]]
    report["why_parts"] = [[key, params] for key, params in run.why_parts]
    report["facts_headers"] = [text("fact", "en"), "y", "z"]
    report["facts"] = [list(row) for row in fact_rows(run, "en")]
    report["why"] = {language: explain(run.why_parts, language) for language in LANGUAGES}
    return report
