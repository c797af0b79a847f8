"""The "not sure" rule (model/unsure.py): its API, and its figures with the shipped weights on shipped data.

Non-digits are generated here with evaluation seeds (training used seed 0) and pairs are made from the shipped MNIST
test slice; ``python -m model.evaluate`` measures the same on 500 of each kind.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from model.nondigits import (
    HELD_OUT_LETTERS,
    KINDS,
    LETTERS,
    SYMBOLS,
    TRAINING_LETTERS,
    make_nondigit,
    nondigit_set,
    symbol,
)
from model.unsure import UNSURE_BELOW, UNSURE_LABEL, answer, is_unsure, label_value, unsure_mask

EVALUATION_SEED = 1000
PER_KIND = 100


def as_batch(fields: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(fields).float().unsqueeze(1) / 255


# --- the API -------------------------------------------------------------------------------------------------------


def confident(digit: int, top: float) -> np.ndarray:
    values = np.full(10, (1 - top) / 9)
    values[digit] = top
    return values


def test_is_unsure_is_the_top_probability_below_the_threshold():
    assert not is_unsure(confident(3, 0.97))
    assert is_unsure(np.full(10, 0.1))
    assert is_unsure(confident(3, UNSURE_BELOW - 1e-6))
    assert not is_unsure(confident(3, UNSURE_BELOW + 1e-6))
    assert is_unsure(confident(3, 0.97), threshold=0.99)


def test_reading_dict_and_array_give_the_same_verdict():
    for values in (confident(7, 0.95), np.full(10, 0.1), confident(0, 0.5)):
        as_dict = {str(digit): float(p) for digit, p in enumerate(values)}
        assert is_unsure(as_dict) == is_unsure(values) == is_unsure(list(values))
        assert answer(as_dict) == answer(values)


def test_unsure_mask_on_a_batch():
    batch = np.stack([confident(1, 0.99), np.full(10, 0.1), confident(9, 0.8)])
    assert unsure_mask(batch).tolist() == [False, True, UNSURE_BELOW > 0.8]


def test_answer_is_the_digit_or_a_question_mark():
    assert answer(confident(4, 0.99)) == "4"
    assert answer(np.full(10, 0.1)) == UNSURE_LABEL == "?"


@pytest.mark.parametrize("values", [confident(2, 0.99), np.full(10, 0.1), confident(8, 0.4)])
def test_label_value_keeps_all_ten_confidences_most_likely_first(values):
    value = label_value(values)
    assert value["label"] == answer(values)
    labels = [row["label"] for row in value["confidences"]]
    confidences = [row["confidence"] for row in value["confidences"]]
    assert sorted(labels) == [str(digit) for digit in range(10)]
    assert confidences == sorted(confidences, reverse=True)
    assert confidences == pytest.approx(sorted(values.tolist(), reverse=True))
    assert all(isinstance(row["confidence"], float) for row in value["confidences"])


def test_label_value_of_nothing_is_the_empty_label():
    assert label_value(None) == {}


def test_wrong_number_of_probabilities_is_refused():
    with pytest.raises(ValueError, match="ten probabilities"):
        is_unsure(np.ones(9) / 9)


def test_label_value_is_what_a_gradio_label_sends(tmp_path):
    """The value is Gradio's own LabelData shape; Label.postprocess takes it as a .json file (see model.unsure)."""
    gradio = pytest.importorskip("gradio")
    from gradio.components.label import LabelData

    value = label_value(np.full(10, 0.1))
    assert LabelData(**value).model_dump() == value
    path = tmp_path / "reading.json"
    path.write_text(json.dumps(value))
    shown = gradio.Label(num_top_classes=10).postprocess(str(path)).model_dump()
    assert shown["label"] == "?" and len(shown["confidences"]) == 10


def test_reading_answers_with_the_rule(digit_reader, mnist_slice):
    reading = digit_reader.read(as_batch(mnist_slice.images[:1])[0])
    assert reading.unsure == is_unsure(reading.probabilities)
    assert reading.answer == ("?" if reading.unsure else reading.top)
    assert reading.label_value() == label_value(reading.probabilities)


# --- the non-digit generator ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_non_digit_is_a_field(kind, mnist_slice):
    fields = nondigit_set(kind, 5, EVALUATION_SEED, mnist_slice.images)
    assert fields.shape == (5, 28, 28) and fields.dtype == np.uint8
    assert (fields.max(axis=(1, 2)) == 255).all()


def test_pairs_are_mostly_wider_than_tall(mnist_slice):
    wide = 0
    for field in nondigit_set("pair", 40, EVALUATION_SEED, mnist_slice.images):
        rows, cols = np.nonzero(field > 100)
        wide += cols.max() - cols.min() > rows.max() - rows.min()
    assert wide >= 0.8 * 40  # "11" may be narrow; most pairs are not


def test_dots_are_round_blots():
    for field in nondigit_set("dot", 20, EVALUATION_SEED):
        rows, cols = np.nonzero(field > 100)
        height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert max(height, width) / min(height, width) < 2
        assert (field > 100).sum() > 0.4 * height * width  # filled, not a ring


def test_held_out_letters_are_never_used_for_training():
    assert set(HELD_OUT_LETTERS) & set(TRAINING_LETTERS) == set()
    assert set(HELD_OUT_LETTERS) | set(TRAINING_LETTERS) == set(LETTERS)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="pass images"):
        make_nondigit("pair", rng)


@pytest.mark.parametrize("name", SYMBOLS)
def test_every_symbol_is_drawn_as_a_field(name):
    rng = np.random.default_rng(EVALUATION_SEED)
    for held_out in (False, True):
        field = symbol(rng, held_out, name)
        assert field is not None and field.shape == (28, 28) and field.max() == pytest.approx(1.0)


# --- the figures with the shipped weights --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "held_out"), [*((kind, False) for kind in KINDS), ("letter", True)])
def test_shipped_weights_refuse_non_digits(kind, held_out, digit_reader, mnist_slice):
    seed = EVALUATION_SEED + 100 + KINDS.index(kind) + (50 if held_out else 0)
    fields = nondigit_set(kind, PER_KIND, seed, mnist_slice.images, held_out)
    refused = float(unsure_mask(digit_reader.probabilities(as_batch(fields))).mean())
    print(f"\n{kind}{' (held-out letters)' if held_out else ''}: {refused:.0%} refused")
    # model.evaluate measures, on 500 of each: dots 100 %, scribbles 90 %, pairs 99.6 %, letters 100 %, symbols 99 %,
    # and 69 % of the letters R and Y that training never draws (93 % of all together). 100 here, with a margin.
    assert refused >= (0.55 if held_out else 0.85)


def test_shipped_weights_refuse_at_least_nine_in_ten_non_digits(digit_reader, mnist_slice):
    fields = np.concatenate(
        [
            nondigit_set(kind, PER_KIND, EVALUATION_SEED + 100 + offset, mnist_slice.images, held_out)
            for offset, kind in enumerate(KINDS)
            for held_out in ((False, True) if kind == "letter" else (False,))
        ]
    )
    refused = float(unsure_mask(digit_reader.probabilities(as_batch(fields))).mean())
    print(f"\nall non-digits: {refused:.1%} refused")
    assert refused >= 0.9


def test_shipped_weights_refuse_nine_in_ten_symbols_drawn_as_evaluation_draws_them(digit_reader):
    rng = np.random.default_rng(EVALUATION_SEED + 200)
    fields = np.stack([symbol(rng, True, name) for name in SYMBOLS for _ in range(10)])
    refused = unsure_mask(digit_reader.probabilities(torch.from_numpy(fields).unsqueeze(1)))
    print(f"\nsymbols: {refused.mean():.1%} refused")
    assert refused.mean() >= 0.9


def test_shipped_weights_accept_the_mnist_slice(digit_reader, mnist_slice):
    probabilities = digit_reader.probabilities(as_batch(mnist_slice.images))
    refused = float(unsure_mask(probabilities).mean())
    print(f"\nMNIST test slice: {refused:.2%} refused")
    assert refused <= 0.01
