"""Forgetting on what visitors draw: teach a look-alike, then read that visitor's other digits, in the same hand.

Each :class:`Case` is one visitor: a :class:`~model.visitor_hand.Hand` and a style the shared model misreads (an `Ɛ`
read as 8, a closed 4 read as 9, a flagged 1 read as 7, a short-barred 7 read as 1, a photographed 7 read as 1).
Three drawings the shared model misreads are taught, one teaching at a time. Then:

* the taught style, on 50 held-out drawings of it in the same hand, must read right ≥ 90% (``STYLE_GOAL``);
* the visitor's other digits (MNIST test digits 0–9, 80 of each, re-drawn in the same hand) must read within 1 point of
  the shared model overall (``OVERALL_DROP``) and within 3 points for every digit (``DIGIT_DROP``).

Every drawing is made from the shipped MNIST test slice (``tests/data/mnist_test_2000.npz``) with fixed seeds: the
style's drawings from its first 1,000 digits, the other digits from the last 1,000, so no drawing is both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.network import NUM_CLASSES
from model.styles import make_style
from model.teach import PersonalHead, Teacher
from model.visitor_hand import Hand, Stroke

STYLE_GOAL = 0.90
OVERALL_DROP = 0.01
DIGIT_DROP = 0.03
TAUGHT = 3  # drawings taught, one teaching each
HELD_OUT = 50  # drawings of the taught style, never taught
PER_DIGIT = 80  # the visitor's other digits, per digit (one drawing: 1.25 points)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, count: int = 12) -> list:
    angles = np.radians(np.linspace(start, end, count))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


MIRRORED_3: list[Stroke] = [_arc(0.55, 0.25, 0.4, 0.25, -30, -270) + _arc(0.55, 0.75, 0.44, 0.25, -90, -330)]
SHORT_BAR_7: list[Stroke] = [[(0.45, 0.05), (0.62, 0.08), (0.55, 1.0)]]


@dataclass(frozen=True)
class Case:
    """One visitor: their hand, the style taught (a :mod:`model.styles` name or strokes), the digit meant and the
    digit the shared model reads instead."""

    name: str
    hand: Hand
    style: str | list[Stroke]
    digit: int
    reads: int


CASES = (
    Case("Ɛ (mirrored 3) read as 8", Hand(pen=14, height=180), MIRRORED_3, 3, 8),
    Case("closed 4 read as 9", Hand(pen=10, height=190, slant=0.1), "4_closed", 4, 9),
    Case("flagged 1 read as 7", Hand(pen=6, height=200, slant=0.1), "1_long_flag", 1, 7),
    Case("short-barred 7 read as 1", Hand(pen=22, height=120, slant=-0.1), SHORT_BAR_7, 7, 1),
    Case("photo of a 7 read as 1 (table edge)", Hand(pen=12, height=180, slant=0.05, photo=True), "as_is", 7, 1),
)


@dataclass
class Outcome:
    """A case's figures: accuracies of the shared model and the visitor's model after the teachings."""

    case: Case
    style_shared: float
    style_visitor: float
    others_shared: float
    others_visitor: float
    digits_shared: np.ndarray  # per digit, 10
    digits_visitor: np.ndarray
    taught_read: list[int]  # how the shared model read the drawings taught

    @property
    def worst_digit_drop(self) -> float:
        return float((self.digits_shared - self.digits_visitor).max())

    @property
    def passed(self) -> bool:
        return (
            self.style_visitor >= STYLE_GOAL
            and self.others_shared - self.others_visitor <= OVERALL_DROP + 1e-9
            and self.worst_digit_drop <= DIGIT_DROP + 1e-9
        )


def style_drawings(case: Case, images: np.ndarray, labels: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` drawings of the case's style in its hand, from the slice's first 1,000 digits → ``N×28×28``."""
    if not isinstance(case.style, str):
        return case.hand.stroke_fields(case.style, count, seed)
    pool = np.flatnonzero(labels[:1000] == case.digit)
    if case.style == "as_is":
        return case.hand.fields(images[pool[:count]], seed)
    rng = np.random.default_rng(seed)
    made = []
    for index in pool:
        field = make_style(case.style, images[index], rng)
        if field is not None:
            made.append((field * 255).round().astype(np.uint8))
        if len(made) == count:
            break
    return case.hand.fields(np.stack(made), seed)


def other_digits(case: Case, images: np.ndarray, labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The visitor's ten digits, ``PER_DIGIT`` of each, from the slice's last 1,000, in the case's hand."""
    picks = np.concatenate([1000 + np.flatnonzero(labels[1000:] == d)[:PER_DIGIT] for d in range(NUM_CLASSES)])
    return case.hand.fields(images[picks], seed), labels[picks].astype(np.int64)


def per_digit(head: PersonalHead, features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    right = head.probabilities(features).argmax(1) == labels
    return np.array([right[labels == d].mean() for d in range(NUM_CLASSES)])


@dataclass
class Drawings:
    """A case's drawings: the candidates to teach, the held-out style, the visitor's other digits and labels."""

    candidates: np.ndarray
    held_out: np.ndarray
    others: np.ndarray
    other_labels: np.ndarray


def case_drawings(case: Case, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> Drawings:
    """Draw everything a case reads (the slow part: ~12 ms a drawing), so settings can be compared on the same."""
    drawings = style_drawings(case, images, labels, 3 * TAUGHT + HELD_OUT + 20, seed)
    others, other_labels = other_digits(case, images, labels, seed + 1)
    return Drawings(drawings[: 3 * TAUGHT + 20], drawings[3 * TAUGHT + 20 :], others, other_labels)


def run_case(
    teacher: Teacher, case: Case, images: np.ndarray, labels: np.ndarray, seed: int = 0, drawn: Drawings | None = None
) -> Outcome:
    """Teach the case's visitor ``TAUGHT`` misread drawings and measure (see the module docstring)."""
    drawn = drawn or case_drawings(case, images, labels, seed)
    read = teacher.start.probabilities(teacher.features(drawn.candidates)).argmax(1)
    order = np.concatenate([np.flatnonzero(read == case.reads), np.flatnonzero(read != case.reads)])
    head = None
    for index, field in enumerate(drawn.candidates[order[:TAUGHT]]):
        head, _ = teacher.teach(head, field, case.digit, seed=seed + index)
    assert head is not None
    held, own = teacher.features(drawn.held_out), teacher.features(drawn.others)
    shared_digits = per_digit(teacher.start, own, drawn.other_labels)
    visitor_digits = per_digit(head, own, drawn.other_labels)
    return Outcome(
        case=case,
        style_shared=float((teacher.start.probabilities(held).argmax(1) == case.digit).mean()),
        style_visitor=float((head.probabilities(held).argmax(1) == case.digit).mean()),
        others_shared=float(shared_digits.mean()),
        others_visitor=float(visitor_digits.mean()),
        digits_shared=shared_digits,
        digits_visitor=visitor_digits,
        taught_read=[int(r) for r in read[order[:TAUGHT]]],
    )


def table(outcomes: list[Outcome]) -> str:
    """The forgetting table, one row per case, and a line saying what each column must meet."""
    lines = [
        f"{'teaching (3 drawings)':38s} {'style: shared→visitor':>21s} {'other digits: shared→visitor':>29s}"
        f" {'worst digit drop':>17s} {'meets':>5s}",
    ]
    for o in outcomes:
        worst = int(np.argmax(o.digits_shared - o.digits_visitor))
        lines.append(
            f"{o.case.name:38s} {o.style_shared:9.0%} → {o.style_visitor:4.0%}      "
            f"{o.others_shared:12.2%} → {o.others_visitor:6.2%}   {o.worst_digit_drop * 100:+9.1f} pt ({worst})"
            f" {'yes' if o.passed else 'NO':>5s}"
        )
    lines.append(
        f"Goal: the style ≥ {STYLE_GOAL:.0%}; the other digits at most {OVERALL_DROP * 100:.0f} point below the"
        f" shared model overall and {DIGIT_DROP * 100:.0f} points for any digit ({PER_DIGIT} drawings a digit,"
        f" {HELD_OUT} of the style, all in the visitor's hand)."
    )
    return "\n".join(lines)
