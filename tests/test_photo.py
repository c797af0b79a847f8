"""The photo path (model/photo.py through model/preprocess.py) and the photo set (model/photos.py): issue 17's own
small reproductions, the set's conditions, the region that was read, and the canvas path left as it was."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from model.canvas_synth import draw_canvas
from model.photo import looks_like_photo
from model.photos import CONDITIONS, digit_alpha, light, make_photo, photo_set, write
from model.preprocess import _paper, _shrink, mnist_field, prepare, preprocess, read_ink

DARK_PEN = (30, 30, 35)


def confident(digit_reader, mnist_slice, label: int, skip: int = 0) -> np.ndarray:
    """A slice digit of ``label`` that the network reads right at > 95 % as it is (the photo is then the test)."""
    probabilities = digit_reader.probabilities(torch.from_numpy(mnist_slice.images).float().unsqueeze(1) / 255)
    good = np.nonzero((mnist_slice.labels == label) & (probabilities[:, label] > 0.95))[0]
    return mnist_slice.images[good[skip]]


def sheet_with(digit: np.ndarray, grey: float = 225, side: int = 600, height: int = 300) -> np.ndarray:
    """A ``side``² light-grey sheet (no noise: the issue's synthetic inputs) with ``digit`` in dark pen, centred,
    ``height`` px tall (H×W×3 float, 0–255)."""
    sheet = np.full((side, side, 3), grey, np.float32)
    alpha = digit_alpha(digit, height, 0.07 * height, np.random.default_rng(0))
    write(sheet, alpha, (side / 2, side / 2), DARK_PEN, 1.0)
    return sheet


def read(digit_reader, sheet: np.ndarray) -> str:
    field = preprocess(Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8)))
    if field is None:
        return "nothing"
    probabilities = digit_reader.probabilities(field.unsqueeze(0))[0]
    return "?" if probabilities.max() < 0.5 else str(int(probabilities.argmax()))


# --- issue 17's reproductions (each read 1, or ?, before the photo path) -------------------------------------------


def test_table_strip_along_the_left_edge(digit_reader, mnist_slice):
    """600×600 sheet (225), a dark table strip (40) 90 px wide along the left edge, a 7 ~300 px tall (read 1 at 88%)."""
    sheet = sheet_with(confident(digit_reader, mnist_slice, 7))
    sheet[:, :90] = 40
    assert read(digit_reader, sheet) == "7"


def test_table_along_the_right_and_bottom_edges(digit_reader, mnist_slice):
    """The same sheet with the table along the right (130 px) and bottom (120 px) edges, a 3 (read ?)."""
    sheet = sheet_with(confident(digit_reader, mnist_slice, 3), height=280)
    sheet[:, -130:] = 40
    sheet[-120:] = 40
    assert read(digit_reader, sheet) == "3"


def test_shadow_from_the_left(digit_reader, mnist_slice):
    """Paper 230 darkened by a left-to-right shadow (×0.45 at the left edge), an 8 (read ?)."""
    sheet = sheet_with(confident(digit_reader, mnist_slice, 8), grey=230)
    sheet *= np.linspace(0.45, 1.0, sheet.shape[1], dtype=np.float32)[None, :, None]
    assert read(digit_reader, sheet) == "8"


def test_seven_in_a_printed_square_frame(digit_reader, mnist_slice):
    """A 7 inside a printed square frame (read ?)."""
    sheet = sheet_with(confident(digit_reader, mnist_slice, 7, skip=1), grey=240, height=260)
    sheet[110:114, 110:490] = sheet[486:490, 110:490] = 30
    sheet[110:490, 110:114] = sheet[110:490, 486:490] = 30
    assert read(digit_reader, sheet) == "7"


def test_five_under_a_camera_vignette(digit_reader, mnist_slice):
    """A 5 under a camera vignette (read ?)."""
    sheet = sheet_with(confident(digit_reader, mnist_slice, 5), grey=235)
    sheet *= light(600, 600, "vignette", np.random.default_rng(3))[..., None]
    assert read(digit_reader, sheet) == "5"


# --- the photo set --------------------------------------------------------------------------------------------------


def test_photo_set_is_deterministic_and_covers_every_digit(mnist_slice):
    labels = mnist_slice.labels.astype(np.int64)
    first = photo_set("ruled_paper", mnist_slice.images, labels, 10, seed=5)
    again = photo_set("ruled_paper", mnist_slice.images, labels, 10, seed=5)
    assert [photo.label for photo in first] == list(range(10))
    assert all(np.array_equal(np.asarray(a.image), np.asarray(b.image)) for a, b in zip(first, again))
    with pytest.raises(ValueError):
        make_photo(mnist_slice.images[0], 7, "underwater", np.random.default_rng(0))


@pytest.mark.slow
@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_condition_reads_right(condition, digit_reader, mnist_slice):
    """10 photos per condition (all ten digits): at least 9 read right and none as a wrong digit."""
    photos = photo_set(condition, mnist_slice.images, mnist_slice.labels.astype(np.int64), 10, seed=2024)
    answers = [read(digit_reader, np.asarray(photo.image, np.float32)) for photo in photos]
    right = sum(answer == str(photo.label) for answer, photo in zip(answers, photos))
    wrong = [(photo.label, a) for a, photo in zip(answers, photos) if a not in (str(photo.label), "?", "nothing")]
    assert right >= 9 and not wrong, (condition, answers)


def test_region_outlines_the_digit_in_the_original_pixels(mnist_slice):
    """``prepare`` says where the ink it read is, in the uploaded image's own pixels (a 1,600 px photo is read
    at 448 px): around the written digit, not around the table or the sheet."""
    labels = mnist_slice.labels.astype(np.int64)
    photo = photo_set("table_one_edge", mnist_slice.images, labels, 1, seed=9)[0]
    big = photo.image.resize((photo.image.width * 2, photo.image.height * 2), Image.Resampling.BILINEAR)
    prepared = prepare(big)
    assert prepared is not None and prepared.photo
    left, top, right, bottom = prepared.region
    true_box = [2 * value for value in photo.box]
    tolerance = 0.06 * max(big.size)
    assert all(abs(got - want) <= tolerance for got, want in zip((left, top, right, bottom), true_box))


# --- the canvas and clean uploads keep the flat-paper path --------------------------------------------------------


def test_canvas_drawings_keep_the_flat_paper_path(mnist_slice):
    rng = np.random.default_rng(17)
    for index in range(300):
        canvas = draw_canvas(mnist_slice.images[index], rng)
        if canvas.image.mode == "RGBA":
            continue
        ink, photo = read_ink(canvas.image)
        assert not photo, (index, canvas.style)
        pixels = np.asarray(_shrink(canvas.image.convert("RGB")), np.float32) / 255
        assert not looks_like_photo(pixels, np.abs(pixels - _paper(pixels)).max(2))
    clean = Image.fromarray(sheet_with(mnist_slice.images[0]).astype(np.uint8))
    prepared = prepare(clean)
    assert prepared is not None and not prepared.photo
    assert np.array_equal(prepared.field, mnist_field(read_ink(clean)[0]))
