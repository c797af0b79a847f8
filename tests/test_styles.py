"""The handwriting styles (model/styles.py): each generator makes what it says, strokes reach the network at MNIST's
width, and the shipped weights read every style (on small samples made from the shipped MNIST test slice, with
evaluation seeds; ``python -m model.evaluate`` measures 500 of each)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from model.preprocess import STROKE_WIDTH_RANGE, mnist_field, preprocess, stroke_width
from model.styles import (
    STYLES,
    Sketch,
    canvas_drawing,
    has_hole,
    holes,
    loop_count,
    make_style,
    skeleton,
    style_set,
)

SAMPLE = 60  # fields per style in the reading test
EVALUATION_SEED = 1000


def field_width(field: np.ndarray) -> float:
    """Stroke width of a 28×28 field in field pixels, measured at 4× like the preprocessing does."""
    big = np.asarray(Image.fromarray(field.astype(np.float32)).resize((112, 112), Image.Resampling.BILINEAR))
    return stroke_width(big) / 4


def stick_one(slope: float = 0.0) -> np.ndarray:
    """A plain MNIST-like 1: a 3 px stick, 20 px tall, optionally slanted."""
    digit = np.zeros((28, 28), np.uint8)
    for row in range(4, 24):
        col = int(round(14 + slope * (14 - row)))
        digit[row, col - 1 : col + 2] = 255
    return digit


def of_label(mnist_slice, label: int, count: int) -> list[np.ndarray]:
    return [image for image in mnist_slice.images[mnist_slice.labels == label][:count]]


def ink_columns(field: np.ndarray, rows: slice) -> np.ndarray:
    return np.nonzero((field[rows] > 0.4).any(axis=0))[0]


# --- each style makes what it says ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "reach"), [("1_short_flag", 2), ("1_long_flag", 4)])
def test_flag_reaches_down_left_from_the_top_of_a_one(name, reach):
    rng = np.random.default_rng(1)
    for _ in range(10):
        field = make_style(name, stick_one(), rng)
        rows = np.nonzero((field > 0.4).any(axis=1))[0]
        top_cols = ink_columns(field, slice(rows.min(), rows.min() + 3))
        stem_col = np.median(ink_columns(field, slice(rows.max() - 3, rows.max() + 1)))
        flag_rows = slice(rows.min(), rows.min() + (rows.max() - rows.min()) // 2)
        assert ink_columns(field, flag_rows).min() <= stem_col - reach  # ink left of the stem, in the upper half
        assert top_cols.max() >= stem_col - 1  # the flag starts at the top of the stem, not beside it
        bottom = ink_columns(field, slice(rows.max() - 1, rows.max() + 1))
        assert bottom.size <= 5  # no base


def test_long_flags_are_longer_than_short_ones():
    def flag_reach(name: str) -> float:
        rng = np.random.default_rng(2)
        reaches = []
        for _ in range(20):
            sketch_field = make_style(name, stick_one(), rng)
            rows = np.nonzero((sketch_field > 0.4).any(axis=1))[0]
            upper = ink_columns(sketch_field, slice(rows.min(), (rows.min() + rows.max()) // 2))
            lower = ink_columns(sketch_field, slice(rows.max() - 3, rows.max() + 1))
            reaches.append(np.median(lower) - upper.min())
        return float(np.mean(reaches))

    assert flag_reach("1_long_flag") > flag_reach("1_short_flag") + 1.5


@pytest.mark.parametrize("name", ["1_short_flag_base", "1_long_flag_base"])
def test_base_is_a_bar_under_the_one(name):
    rng = np.random.default_rng(3)
    for _ in range(10):
        field = make_style(name, stick_one(), rng)
        rows = np.nonzero((field > 0.4).any(axis=1))[0]
        low_stem = rows.min() + 3 * (rows.max() - rows.min()) // 4  # below any flag, above the base
        middle = ink_columns(field, slice(low_stem, low_stem + 1))
        base = ink_columns(field, slice(rows.max() - 1, rows.max() + 1))
        assert base.size >= 2.5 * middle.size


@pytest.mark.parametrize(("name", "sign"), [("1_flag_slant_right", 1), ("1_flag_slant_left", -1)])
def test_slanted_ones_lean_the_way_they_say(name, sign):
    rng = np.random.default_rng(4)
    for start_slope in (-0.2, 0.0, 0.2):  # whatever the 1's own slant, the result leans the named way
        field = make_style(name, stick_one(start_slope), rng)
        rows = np.nonzero((field > 0.4).any(axis=1))[0]
        height = rows.max() - rows.min()
        # The stem is the rightmost ink (the flag goes left); follow it between any flag and any base.
        stem_rows = np.arange(rows.min() + int(0.4 * height), rows.min() + int(0.85 * height))
        stem_cols = [ink_columns(field, slice(row, row + 1)).max() for row in stem_rows]
        columns_per_row = np.polyfit(stem_rows, stem_cols, 1)[0]
        assert -sign * columns_per_row > 0.05, (start_slope, columns_per_row)


def test_crossed_sevens_gain_a_horizontal_bar(mnist_slice):
    def has_bar(field: np.ndarray) -> bool:
        """A run of ≥ 6 inked pixels in one row between 40 % and 80 % of the digit's height (the stem is narrow)."""
        rows = np.nonzero((field > 0.4).any(axis=1))[0]
        height = rows.max() - rows.min()
        for row in field[rows.min() + int(0.4 * height) : rows.min() + int(0.8 * height)] > 0.4:
            runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], row.astype(int), [0]]))))[::2]
            if runs.size and runs.max() >= 6:
                return True
        return False

    rng = np.random.default_rng(5)
    made = [(digit, make_style("7_crossed", digit, rng)) for digit in of_label(mnist_slice, 7, 60)]
    made = [(digit, field) for digit, field in made if field is not None]  # no room for a bar below the top stroke
    assert len(made) >= 20
    crossed = sum(has_bar(field) for _, field in made)
    plain = sum(has_bar(Sketch(digit).field()) for digit, _ in made)
    assert crossed >= 0.8 * len(made) and plain <= 0.4 * len(made), (crossed, plain)


def test_fours_are_open_or_closed_as_named(mnist_slice):
    rng = np.random.default_rng(6)
    closed = [make_style("4_closed", digit, rng) for digit in of_label(mnist_slice, 4, 60)]
    opened = [make_style("4_open", digit, rng) for digit in of_label(mnist_slice, 4, 60)]
    assert sum(field is not None for field in closed) >= 15 and sum(field is not None for field in opened) >= 30
    assert all(has_hole(field, 4) for field in closed if field is not None)
    assert not any(has_hole(field) for field in opened if field is not None)


def test_twos_with_and_without_a_loop(mnist_slice):
    rng = np.random.default_rng(7)
    looped = [make_style("2_loop", digit, rng) for digit in of_label(mnist_slice, 2, 30)]
    plain = [make_style("2_plain", digit, rng) for digit in of_label(mnist_slice, 2, 30)]
    assert sum(field is not None for field in looped) >= 20 and sum(field is not None for field in plain) >= 20
    for field in (f for f in looped if f is not None):
        assert has_hole(field)
        rows, _ = np.nonzero(field > 0.35)
        hole_rows, _ = np.nonzero(holes(field > 0.35))
        assert hole_rows.max() > (rows.min() + rows.max()) / 2  # the loop sits low, near the base
    assert not any(has_hole(field) for field in plain if field is not None)


def test_nine_tails_straight_or_curving_left(mnist_slice):
    def bottom_left_reach(name: str) -> float:
        rng = np.random.default_rng(8)
        reaches = []
        for digit in of_label(mnist_slice, 9, 40):
            field = make_style(name, digit, rng)
            if field is None:
                continue
            assert has_hole(field)  # the loop is kept
            rows = np.nonzero((field > 0.4).any(axis=1))[0]
            height = rows.max() - rows.min()
            tail = ink_columns(field, slice(rows.max() - height // 5, rows.max() + 1))
            loop = ink_columns(field, slice(rows.min(), rows.min() + height // 3))
            reaches.append(np.median(loop) - tail.min())
        assert len(reaches) >= 15
        return float(np.mean(reaches))

    # A curved tail hooks back left of the loop's middle; a straight one stays near the loop's right side.
    assert bottom_left_reach("9_curved_tail") > bottom_left_reach("9_straight_tail") + 2


def test_thin_and_thick_styles_are_drawn_with_the_pen_they_say(mnist_slice):
    rng = np.random.default_rng(9)
    for digit in mnist_slice.images[:10]:
        for thick, (low, high) in ((True, (18, 32)), (False, (1.5, 7))):
            drawing = canvas_drawing(digit, rng, thick)
            assert drawing.size == (280, 280)
            ink = 1 - np.asarray(drawing, dtype=np.float32) / 255
            assert low <= stroke_width(ink) <= high, (thick, stroke_width(ink))


def test_loop_count_counts_separate_enclosed_loops():
    field = np.zeros((28, 28), np.float32)
    assert loop_count(field) == 0
    field[4:12, 8:16] = 1
    field[6:10, 10:14] = 0  # one ring
    assert loop_count(field) == 1
    field[14:22, 8:16] = 1
    field[16:20, 10:14] = 0  # a second ring below: an 8
    assert loop_count(field) == 2
    field[16:20, 10:14] = 1  # filled in, as a fat brush does
    assert loop_count(field) == 1


def test_loops_kept_styles_skip_drawings_whose_loops_changed(mnist_slice):
    rng = np.random.default_rng(12)
    looped = [d for d, label in zip(mnist_slice.images, mnist_slice.labels) if label in (0, 6, 8, 9)][:40]
    made = [(digit, make_style("thick_loops_kept", digit, rng)) for digit in looped]
    kept = [(digit, field) for digit, field in made if field is not None]
    assert len(kept) >= 10
    assert all(loop_count(field) == loop_count(digit / 255) for digit, field in kept)
    assert len(kept) < len(made)  # the 22 px brush does fill some small loops


def test_skeleton_is_one_pixel_wide_and_keeps_the_shape():
    mask = np.zeros((40, 40), bool)
    mask[5:35, 17:24] = True  # a 7 px wide bar
    line = skeleton(mask)
    assert line.sum() >= 20 and (line.sum(axis=1) <= 1).all()
    assert line[5:35, 17:24].sum() == line.sum()


# --- stroke width under control ------------------------------------------------------------------------------------


def test_fat_brush_on_a_small_digit_reaches_the_network_near_mnist_width(mnist_slice):
    rng = np.random.default_rng(10)
    normalised, raw = [], []
    for digit in mnist_slice.images[:30]:
        drawing = canvas_drawing(digit, rng, thick=True)
        normalised.append(field_width(preprocess(drawing)[0].numpy()))
        ink = 1 - np.asarray(drawing, dtype=np.float32) / 255
        raw.append(field_width(mnist_field(ink, normalise_width=False)))
    low, high = STROKE_WIDTH_RANGE
    assert np.median(raw) > high + 1  # without the normalisation the strokes are far fatter than MNIST's
    assert low - 0.3 <= np.median(normalised) <= high + 0.3


def test_thin_pen_reaches_the_network_near_mnist_width(mnist_slice):
    rng = np.random.default_rng(11)
    widths = [field_width(make_style("thin", digit, rng)) for digit in mnist_slice.images[:30]]
    low, high = STROKE_WIDTH_RANGE
    assert low - 0.3 <= np.median(widths) <= high + 0.3


def test_most_mnist_digits_pass_the_width_normalisation_unchanged(mnist_slice):
    # The range is MNIST's 10th–90th percentile, so about 80 % of its digits are left exactly as they are.
    unchanged = [
        np.array_equal(mnist_field(ink), mnist_field(ink, normalise_width=False))
        for ink in mnist_slice.images[:200].astype(np.float32) / 255
    ]
    assert 0.7 <= np.mean(unchanged) < 1


def test_narrow_twos_keep_a_wide_base_under_a_narrow_top(mnist_slice):
    rng = np.random.default_rng(8)
    ratios = {"2_plain": [], "2_narrow": []}
    for name in ratios:
        for digit in of_label(mnist_slice, 2, 30):
            field = make_style(name, digit, rng)
            if field is None:
                continue
            rows = np.nonzero((field > 0.4).any(axis=1))[0]
            third = (rows.max() - rows.min()) // 3
            top = ink_columns(field, slice(rows.min(), rows.min() + third))
            base = ink_columns(field, slice(rows.max() - 2, rows.max() + 1))
            ratios[name].append((top.max() - top.min() + 1) / (base.max() - base.min() + 1))
    assert len(ratios["2_narrow"]) >= 25
    # MNIST's 2s: the hook about as wide as the base; the narrow ones: the hook clearly narrower.
    assert np.median(ratios["2_narrow"]) < 0.8 * np.median(ratios["2_plain"])


def test_low_resolution_digits_are_coarse_scans(mnist_slice):
    rng = np.random.default_rng(9)
    digits = mnist_slice.images[:40]
    coarse = [make_style("low_resolution", digit, rng) for digit in digits]
    assert all(field is not None and field.shape == (28, 28) for field in coarse)

    def sharpness(field: np.ndarray) -> float:  # mean change between neighbouring pixels, per unit of ink
        return float((np.abs(np.diff(field, axis=0)).sum() + np.abs(np.diff(field, axis=1)).sum()) / field.sum())

    # 8×8 cells enlarged again: softer edges than the same digits through the app's preprocessing at 28 px.
    sharp = [sharpness(mnist_field(digit / 255)) for digit in digits]
    assert np.median([sharpness(field) for field in coarse]) < 0.85 * np.median(sharp)


# --- the shipped weights read every style --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def style_readings(digit_reader, mnist_slice):
    """Per style: (SAMPLE fields made from the shipped slice with evaluation seeds, their labels, probabilities)."""
    readings = {}
    for offset, name in enumerate(STYLES):
        fields, labels = style_set(
            name, mnist_slice.images, mnist_slice.labels.astype(np.int64), SAMPLE, EVALUATION_SEED + offset
        )
        probabilities = digit_reader.probabilities(torch.from_numpy(fields).float().unsqueeze(1) / 255)
        readings[name] = (fields, labels, probabilities)
    return readings


@pytest.mark.parametrize("name", list(STYLES))
def test_style_set_is_labelled_with_the_source_digit(name, style_readings):
    fields, labels, _ = style_readings[name]
    digit = STYLES[name][0]
    assert len(fields) == SAMPLE and fields.dtype == np.uint8 and fields.shape[1:] == (28, 28)
    if digit is not None:
        assert (labels == digit).all()
    else:
        assert len(set(labels.tolist())) >= 8  # any digit


@pytest.mark.parametrize("name", list(STYLES))
def test_shipped_weights_read_each_style(name, style_readings):
    # model.evaluate measures 96.2–100 % on 500 of each, but small digits drawn with the fat brush ("thick", a
    # documented miss: 94.0 %, and 94.6 % with the previous weights); 60 here allows for sampling noise.
    _, labels, probabilities = style_readings[name]
    accuracy = float((probabilities.argmax(1) == labels).mean())
    print(f"\n{name}: {accuracy:.1%} of {len(labels)}")
    assert accuracy >= (0.9 if name == "thick" else 0.95)
