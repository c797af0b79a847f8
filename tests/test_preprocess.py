"""Tests for model/preprocess.py: every input form, the MNIST-style output contract, blanks, bad input, robustness."""

from __future__ import annotations

import base64
import contextlib
import struct
import time
import zlib
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from model.canvas_synth import STYLES, draw_canvas
from model.preprocess import (
    MAX_DATA_URL_CHARS,
    MAX_SIDE,
    DrawingError,
    decode_data_url,
    naive_resize,
    preprocess,
)

SIDE = 224  # canvas side for the input-form tests: a slice digit upscaled 8×
SAMPLE_LABELS = (2, 4, 5, 7)


# --- helpers -------------------------------------------------------------------------------------------------------


def predict(reader, field: torch.Tensor | None) -> int | None:
    return None if field is None else int(reader.probabilities(field.unsqueeze(0))[0].argmax())


def ink_alpha(digit: np.ndarray, side: int = SIDE) -> Image.Image:
    """A slice digit as a canvas-sized ink mask ('L', 255 = full ink, 0 = paper)."""
    return Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC)


def paint(alpha: Image.Image, ink, paper, mode: str = "RGB") -> Image.Image:
    return Image.composite(Image.new(mode, alpha.size, ink), Image.new(mode, alpha.size, paper), alpha)


def transparent(alpha: Image.Image, rgb=(0, 0, 0)) -> Image.Image:
    """A Sketchpad-style layer: RGBA, colour everywhere ``rgb``, the strokes only in alpha."""
    layer = Image.new("RGBA", alpha.size, (*rgb, 0))
    layer.putalpha(alpha)
    return layer


def i16(alpha: Image.Image) -> Image.Image:
    """Dark ink on white as a 16-bit greyscale image."""
    image = Image.fromarray((255 - np.asarray(alpha)).astype(np.uint16) * 257)
    assert image.mode == "I;16"
    return image


def make_form(name: str, alpha: Image.Image, tmp_path):
    """The same drawing in one of the forms preprocess accepts."""
    a = np.asarray(alpha)
    dark_on_white = paint(alpha, "black", "white")
    forms = {
        "sketchpad_composite": lambda: {
            "background": None,
            "layers": [],
            "composite": dark_on_white.convert("RGBA"),
        },
        "sketchpad_composite_transparent": lambda: {"composite": transparent(alpha)},
        "sketchpad_layers_only": lambda: {"background": None, "layers": [transparent(alpha)], "composite": None},
        "sketchpad_layers_and_background": lambda: {
            "background": Image.new("RGB", alpha.size, "white"),
            "layers": [transparent(alpha)],
            "composite": None,
        },
        "sketchpad_layers_and_resized_background": lambda: {
            "background": Image.new("RGBA", (alpha.width * 2, alpha.height * 2), (255, 255, 255, 255)),
            "layers": [None, transparent(alpha)],
        },
        "sketchpad_background_only": lambda: {"background": dark_on_white, "layers": [], "composite": None},
        "sketchpad_with_id": lambda: {"id": "abc", "composite": dark_on_white},
        "rgba_transparent_coloured_ink": lambda: transparent(alpha, rgb=(200, 40, 30)),
        "rgb_dark_on_white": lambda: dark_on_white,
        "rgb_white_on_black": lambda: paint(alpha, "white", "black"),
        "rgb_coloured_ink_on_cream": lambda: paint(alpha, (30, 70, 200), (250, 244, 228)),
        "rgb_yellow_on_dark_blue": lambda: paint(alpha, (250, 220, 40), (10, 20, 60)),
        "L_dark_on_white": lambda: paint(alpha, 0, 255, "L"),
        "P": lambda: dark_on_white.convert("P"),
        "I;16": lambda: i16(alpha),
        "LA_opaque": lambda: Image.merge("LA", (paint(alpha, 0, 255, "L"), Image.new("L", alpha.size, 255))),
        "LA_ink_in_alpha": lambda: Image.merge("LA", (Image.new("L", alpha.size, 0), alpha)),
        "CMYK": lambda: dark_on_white.convert("CMYK"),
        "numpy_uint8_hw": lambda: 255 - a,
        "numpy_uint8_hwc3": lambda: np.asarray(paint(alpha, (0, 0, 90), "white")),
        "numpy_uint8_hwc4": lambda: np.asarray(transparent(alpha)),
        "numpy_uint8_hwc1": lambda: (255 - a)[:, :, None],
        "numpy_float_0_1": lambda: a.astype(np.float32) / 255,
        "numpy_float64_dark_on_white": lambda: 1 - a.astype(np.float64) / 255,
        "numpy_bool": lambda: a > 127,
        "png_path": lambda: save(dark_on_white, tmp_path / "digit.png"),
        "jpeg_path": lambda: save(dark_on_white, tmp_path / "digit.jpg", quality=85),
        "png_pathlib": lambda: Path(save(transparent(alpha), tmp_path / "layer.png")),
        "gradio_file_dict": lambda: {"path": save(dark_on_white, tmp_path / "upload.png"), "url": None},
    }
    return forms[name]()


def save(image: Image.Image, path, **options) -> str:
    image.save(path, **options)
    return str(path)


def draw_digit(digit: int, side: int, fraction: float, corner: bool, width: int) -> Image.Image:
    """A hand-drawn 0, 1 or 7, ``fraction`` of the canvas tall, dark ink on white."""
    image = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(image)
    height = side * fraction
    width_box = height * 0.6
    x0, y0 = (side * 0.03, side * 0.03) if corner else ((side - width_box) / 2, (side - height) / 2)
    x1, y1 = x0 + width_box, y0 + height
    if digit == 1:
        draw.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], fill="black", width=width)
    elif digit == 0:
        draw.ellipse([x0, y0, x1, y1], outline="black", width=width)
    elif digit == 7:
        draw.line([(x0, y0), (x1, y0), (x0 + 0.3 * width_box, y1)], fill="black", width=width, joint="curve")
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def patch_png_size(data: bytes, width: int, height: int) -> bytes:
    """Rewrite a PNG's IHDR so the header claims another size (with a valid CRC); the pixels stay tiny."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def check_field(field: torch.Tensor) -> None:
    """The MNIST contract: float32 1×28×28 in [0, 1], peak 1, ink box ≈20 px on its longer side, centred by mass."""
    assert isinstance(field, torch.Tensor)
    assert field.dtype == torch.float32 and tuple(field.shape) == (1, 28, 28)
    assert torch.isfinite(field).all()
    assert field.min() >= 0 and field.max() == 1
    ink = field[0].numpy().astype(np.float64)
    rows, cols = np.nonzero(ink > 0.05)
    longer = max(rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)
    assert 18 <= longer <= 22, longer
    grid_rows, grid_cols = np.indices(ink.shape)
    com = (float((ink * grid_rows).sum() / ink.sum()), float((ink * grid_cols).sum() / ink.sum()))
    assert abs(com[0] - 14) <= 1 and abs(com[1] - 14) <= 1, com


# --- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(digit_reader, mnist_slice):
    """One slice digit per label in SAMPLE_LABELS that the network reads right, confidently, as it is."""
    probabilities = digit_reader.probabilities(torch.from_numpy(mnist_slice.images).float().unsqueeze(1) / 255)
    picked = []
    for label in SAMPLE_LABELS:
        good = np.nonzero((mnist_slice.labels == label) & (probabilities[:, label] > 0.9))[0]
        assert good.size, f"no confidently read {label} in the slice"
        picked.append((mnist_slice.images[good[0]], label))
    return picked


# --- every input form reads the right digit ------------------------------------------------------------------------

FORMS = [
    "sketchpad_composite",
    "sketchpad_composite_transparent",
    "sketchpad_layers_only",
    "sketchpad_layers_and_background",
    "sketchpad_layers_and_resized_background",
    "sketchpad_background_only",
    "sketchpad_with_id",
    "rgba_transparent_coloured_ink",
    "rgb_dark_on_white",
    "rgb_white_on_black",
    "rgb_coloured_ink_on_cream",
    "rgb_yellow_on_dark_blue",
    "L_dark_on_white",
    "P",
    "I;16",
    "LA_opaque",
    "LA_ink_in_alpha",
    "CMYK",
    "numpy_uint8_hw",
    "numpy_uint8_hwc3",
    "numpy_uint8_hwc4",
    "numpy_uint8_hwc1",
    "numpy_float_0_1",
    "numpy_float64_dark_on_white",
    "numpy_bool",
    "png_path",
    "jpeg_path",
    "png_pathlib",
    "gradio_file_dict",
]


@pytest.mark.parametrize("form", FORMS)
def test_each_input_form_reads_the_right_digit(form, samples, digit_reader, tmp_path):
    for digit, label in samples:
        value = make_form(form, ink_alpha(digit), tmp_path)
        field = preprocess(value)
        assert field is not None, form
        check_field(field)
        assert predict(digit_reader, field) == label, (form, label)


# Forms that change the pixels a little: palette dithering, thresholding to bool, resampling, JPEG.
LOSSY_FORMS = {"P": 0.02, "numpy_bool": 0.03, "sketchpad_layers_and_resized_background": 0.01, "jpeg_path": 0.01}


def test_all_forms_give_nearly_the_same_field(samples, tmp_path):
    """The ink map must not depend on how the drawing was encoded (JPEG's artefacts aside)."""
    digit, _ = samples[0]
    alpha = ink_alpha(digit)
    reference = preprocess(make_form("rgb_dark_on_white", alpha, tmp_path))
    for form in FORMS:
        field = preprocess(make_form(form, alpha, tmp_path))
        difference = float((field - reference).abs().mean())
        assert difference < LOSSY_FORMS.get(form, 0.002), (form, difference)


def test_preprocess_does_not_modify_its_input():
    array = np.full((60, 60), 255, np.uint8)
    array[10:50, 28:32] = 0
    before = array.copy()
    image = Image.fromarray(array)
    assert preprocess(array) is not None and preprocess(image) is not None
    assert np.array_equal(array, before)
    assert np.array_equal(np.asarray(image), before)


# --- canvas sizes, placement and stroke width ----------------------------------------------------------------------


@pytest.mark.parametrize("digit", [0, 1, 7])
@pytest.mark.parametrize("side", [200, 2000])
@pytest.mark.parametrize(("fraction", "corner"), [(0.15, True), (0.8, False)], ids=["small_corner", "large_centre"])
@pytest.mark.parametrize("thick", [False, True], ids=["2px", "thick"])
def test_hand_drawn_digits_any_size_place_and_stroke(digit, side, fraction, corner, thick, digit_reader):
    width = side // 25 if thick else 2
    image = draw_digit(digit, side, fraction, corner, width)
    field = preprocess(image)
    check_field(field)
    assert predict(digit_reader, field) == digit


def test_position_on_the_canvas_does_not_matter():
    fields = []
    for corner in ((5, 5), (300, 40), (150, 300)):
        image = Image.new("L", (400, 400), 255)
        x, y = corner
        ImageDraw.Draw(image).ellipse([x, y, x + 60, y + 90], outline=0, width=6)
        fields.append(preprocess(image))
    for field in fields[1:]:
        assert float((field - fields[0]).abs().max()) < 1e-5


def test_wide_and_tall_ink_keep_their_aspect_ratio():
    image = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(image).rectangle([50, 140, 249, 159], fill=0)  # 200×20 bar
    ink = preprocess(image)[0].numpy()
    rows, cols = np.nonzero(ink > 0.5)
    assert cols.max() - cols.min() + 1 in (19, 20, 21)
    assert rows.max() - rows.min() + 1 <= 3


# --- blanks ----------------------------------------------------------------------------------------------------------


BLANKS = {
    "none": lambda: None,
    "empty_sketchpad": lambda: {"background": None, "layers": [], "composite": None},
    "empty_dict": lambda: {},
    "layers_none": lambda: {"layers": None},
    "all_white": lambda: Image.new("RGB", (280, 280), "white"),
    "all_black": lambda: Image.new("RGB", (280, 280), "black"),
    "all_grey_L": lambda: Image.new("L", (50, 80), 128),
    "transparent_rgba": lambda: Image.new("RGBA", (280, 280), (0, 0, 0, 0)),
    "transparent_layer_on_white": lambda: {
        "background": Image.new("RGB", (100, 100), "white"),
        "layers": [Image.new("RGBA", (100, 100), (0, 0, 0, 0))],
    },
    "one_pixel": lambda: Image.new("RGB", (1, 1), "black"),
    "one_pixel_array": lambda: np.zeros((1, 1), np.uint8),
    "white_array": lambda: np.full((64, 64, 3), 255, np.uint8),
    "faint_speck": lambda: np.pad(np.full((1, 1), 250, np.uint8), 20, constant_values=255),
}


@pytest.mark.parametrize("blank", list(BLANKS))
def test_blank_input_gives_none(blank):
    assert preprocess(BLANKS[blank]()) is None


# --- absurd input ----------------------------------------------------------------------------------------------------


def test_huge_png_header_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(patch_png_size(png_bytes(Image.new("L", (1, 1), 255)), 30_000, 30_000))
    assert path.stat().st_size < 200
    started = time.perf_counter()
    with pytest.raises(DrawingError, match=str(MAX_SIDE)):
        preprocess(str(path))
    assert time.perf_counter() - started < 1.0


def test_header_over_max_side_is_refused_before_decoding(tmp_path):
    path = tmp_path / "long.png"
    path.write_bytes(patch_png_size(png_bytes(Image.new("L", (1, 1), 255)), MAX_SIDE + 1, 10))
    started = time.perf_counter()
    with pytest.raises(DrawingError, match=str(MAX_SIDE)) as raised:
        preprocess(path)
    assert time.perf_counter() - started < 1.0
    assert f"{MAX_SIDE + 1}×10" in str(raised.value)


def test_max_side_itself_is_accepted():
    image = Image.new("1", (MAX_SIDE, 64), 1)
    ImageDraw.Draw(image).line([(2000, 8), (2000, 56)], fill=0, width=4)
    field = preprocess(image)
    check_field(field)
    ink = field[0].numpy()
    rows, cols = np.nonzero(ink > 0.5)
    assert rows.max() - rows.min() > 3 * (cols.max() - cols.min())  # still a vertical stroke


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: Image.new("L", (5000, 10), 255),
        lambda tmp: Image.new("RGB", (10, 5000), "white"),
        lambda tmp: np.zeros((10, 5000), np.uint8),
        lambda tmp: {"composite": Image.new("RGBA", (5000, 10))},
        lambda tmp: {"background": Image.new("RGB", (5000, 10)), "layers": [Image.new("RGBA", (20, 20))]},
        lambda tmp: save(Image.new("L", (5000, 10), 255), tmp / "wide.png"),
    ],
    ids=["pil", "pil_tall", "numpy", "composite", "background", "file"],
)
def test_images_over_max_side_raise(make, tmp_path):
    with pytest.raises(DrawingError, match=str(MAX_SIDE)):
        preprocess(make(tmp_path))


def write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


ABSURD = {
    "text_named_png": lambda tmp: write(tmp / "notes.png", b"this is not an image\n" * 10),
    "empty_file": lambda tmp: write(tmp / "empty.png", b""),
    "truncated_png": lambda tmp: write(
        tmp / "cut.png",
        png_bytes(Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8)))[:400],
    ),
    "header_claims_more_pixels_than_sent": lambda tmp: write(
        tmp / "lie.png", patch_png_size(png_bytes(Image.new("L", (1, 1), 0)), 2000, 2000)
    ),
    "missing_file": lambda tmp: str(tmp / "nowhere.png"),
    "directory": lambda tmp: str(tmp),
    "array_1d": lambda tmp: np.zeros(3, np.uint8),
    "array_5_channels": lambda tmp: np.zeros((10, 10, 5), np.uint8),
    "array_2_channels": lambda tmp: np.zeros((10, 10, 2), np.uint8),
    "array_4d": lambda tmp: np.zeros((1, 10, 10, 3), np.uint8),
    "array_empty": lambda tmp: np.zeros((0, 10), np.uint8),
    "image_0_wide": lambda tmp: Image.new("L", (0, 10)),
    "unknown_key": lambda tmp: {"composite": None, "drawing": Image.new("L", (10, 10))},
    "file_dict_without_path": lambda tmp: {"path": None, "url": "https://example.com/x.png"},
    "int": lambda tmp: 7,
    "float": lambda tmp: 0.5,
    "bytes": lambda tmp: b"\x89PNG\r\n",
    "list": lambda tmp: [[0, 255], [255, 0]],
    "layer_not_an_image": lambda tmp: {"layers": [42]},
}


@pytest.mark.parametrize("case", list(ABSURD))
def test_absurd_input_raises_drawing_error_quickly(case, tmp_path):
    value = ABSURD[case](tmp_path)
    started = time.perf_counter()
    with pytest.raises(DrawingError) as raised:
        preprocess(value)
    assert time.perf_counter() - started < 1.0
    message = str(raised.value)
    assert len(message) > 10 and message[0].isupper()


def test_drawing_error_is_a_value_error():
    assert issubclass(DrawingError, ValueError)


# --- data URLs from a browser canvas ----------------------------------------------------------------------------


def data_url(data: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def test_data_url_round_trip_reads_the_digit(samples, digit_reader):
    for digit, label in samples:
        drawing = transparent(ink_alpha(digit))  # what a browser canvas exports: ink on a transparent background
        image = decode_data_url(data_url(png_bytes(drawing)))
        assert image.size == drawing.size and image.mode == "RGBA"
        assert np.array_equal(np.asarray(image), np.asarray(drawing))
        assert predict(digit_reader, preprocess(image)) == label


def test_data_url_jpeg_is_accepted():
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    assert decode_data_url(data_url(buffer.getvalue(), "jpeg")).size == (40, 30)


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_data_url_is_no_drawing(empty):
    assert decode_data_url(empty) is None


def test_data_url_never_opens_a_path(tmp_path):
    path = save(Image.new("L", (20, 20), 0), tmp_path / "secret.png")
    for text in (path, "file://" + path, "http://example.com/x.png", "data:text/plain;base64,aGVsbG8="):
        with pytest.raises(DrawingError, match="data:image"):
            decode_data_url(text)


@pytest.mark.parametrize(
    "make",
    [
        lambda: "data:image/png;base64,not base64!",
        lambda: "data:image/png;base64,",
        lambda: data_url(b"plain text, not an image"),
        lambda: data_url(png_bytes(Image.new("L", (64, 64), 0))[:60]),
        lambda: b"data:image/png;base64,AAAA",
        lambda: 42,
        lambda: {"path": "/etc/passwd"},
    ],
    ids=["bad_base64", "no_payload", "not_an_image", "truncated", "bytes", "int", "file_dict"],
)
def test_bad_data_urls_raise_drawing_error(make):
    with pytest.raises(DrawingError):
        decode_data_url(make())


def test_data_url_of_a_huge_header_is_refused_before_decoding():
    text = data_url(patch_png_size(png_bytes(Image.new("L", (1, 1), 255)), 30_000, 30_000))
    started = time.perf_counter()
    with pytest.raises(DrawingError, match=str(MAX_SIDE)):
        decode_data_url(text)
    assert time.perf_counter() - started < 1.0


def test_overlong_data_url_is_refused_before_decoding():
    text = "data:image/png;base64," + "A" * MAX_DATA_URL_CHARS
    started = time.perf_counter()
    with pytest.raises(DrawingError, match="too large"):
        decode_data_url(text)
    assert time.perf_counter() - started < 1.0


@settings(max_examples=60, deadline=None)
@given(text=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: data_url(b))))
def test_any_text_gives_none_an_image_or_drawing_error(text):
    try:
        result = decode_data_url(text)
    except DrawingError:
        return
    assert result is None or isinstance(result, Image.Image)


# --- canvas-like drawings ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_synthetic_canvases_read_far_better_than_a_naive_resize(digit_reader, mnist_slice):
    count = 300
    rng = np.random.default_rng(2024)
    picks = rng.choice(len(mnist_slice.images), size=count, replace=False)
    labels = mnist_slice.labels[picks].astype(np.int64)
    blank = torch.zeros(1, 28, 28)
    ours, naive, styles = [], [], []
    for index in picks:
        canvas = draw_canvas(mnist_slice.images[index], rng)
        styles.append(canvas.style)
        field = preprocess(canvas.image)
        assert field is not None
        ours.append(field)
        baseline = naive_resize(canvas.image)
        naive.append(blank if baseline is None else baseline)
    ours_hits = digit_reader.probabilities(torch.stack(ours)).argmax(axis=1) == labels
    naive_hits = digit_reader.probabilities(torch.stack(naive)).argmax(axis=1) == labels
    ours_accuracy, naive_accuracy = float(ours_hits.mean()), float(naive_hits.mean())
    per_style = {style: float(ours_hits[np.array(styles) == style].mean()) for style in STYLES if style in set(styles)}
    print(
        f"\n{count} synthetic canvases: MNIST-style preprocess {ours_accuracy:.1%}, naive resize {naive_accuracy:.1%}"
    )
    print("  per style (preprocess): " + ", ".join(f"{k} {v:.0%}" for k, v in per_style.items()))
    assert set(styles) == set(STYLES)
    assert ours_accuracy >= 0.97
    assert ours_accuracy - naive_accuracy >= 0.20
    assert min(per_style.values()) >= 0.90


# --- properties ------------------------------------------------------------------------------------------------------

MODES = ("L", "RGB", "RGBA", "LA", "P", "I;16", "F", "1")


def synthetic_image(mode: str, width: int, height: int, content: str, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    if content == "noise":
        grey = rng.integers(0, 256, (height, width), dtype=np.uint8)
        colour = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    else:
        background = int(rng.integers(0, 256))
        grey = np.full((height, width), background, np.uint8)
        colour = np.full((height, width, 4), rng.integers(0, 256, 4), np.uint8)
        colour[:, :, 3] = rng.choice([0, 255])  # a blank canvas is transparent or opaque
        if content == "rectangles":
            for _ in range(int(rng.integers(1, 6))):
                top, bottom = sorted(rng.integers(0, height + 1, 2))
                left, right = sorted(rng.integers(0, width + 1, 2))
                grey[top:bottom, left:right] = rng.integers(0, 256)
                colour[top:bottom, left:right] = rng.integers(0, 256, 4)
    if mode == "L":
        return Image.fromarray(grey)
    if mode == "RGB":
        return Image.fromarray(np.ascontiguousarray(colour[:, :, :3]))
    if mode == "RGBA":
        return Image.fromarray(colour)
    if mode == "LA":
        return Image.merge("LA", (Image.fromarray(grey), Image.fromarray(np.ascontiguousarray(colour[:, :, 3]))))
    if mode == "P":
        return Image.fromarray(np.ascontiguousarray(colour[:, :, :3])).convert("P", dither=Image.Dither.NONE)
    if mode == "I;16":
        return Image.fromarray(grey.astype(np.uint16) * int(rng.integers(1, 258)))
    if mode == "F":
        return Image.fromarray((grey.astype(np.float32) - 100) * float(rng.uniform(-1e3, 1e3)))
    return Image.fromarray(grey).convert("1", dither=Image.Dither.NONE)


def check_result(result) -> None:
    if result is None:
        return
    assert isinstance(result, torch.Tensor)
    assert result.dtype == torch.float32 and tuple(result.shape) == (1, 28, 28)
    assert torch.isfinite(result).all()
    assert result.min() >= 0 and result.max() <= 1


@settings(max_examples=60, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    width=st.integers(1, 300),
    height=st.integers(1, 300),
    content=st.sampled_from(["noise", "blank", "rectangles"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_pil_image_gives_none_or_a_valid_field(mode, width, height, content, seed):
    image = synthetic_image(mode, width, height, content, seed)
    assert image.mode == mode and image.size == (width, height)
    try:
        result = preprocess(image)
    except DrawingError:
        return
    check_result(result)
    if content == "blank":
        assert result is None
    if result is not None:
        assert result.max() == 1


@settings(max_examples=60, deadline=None)
@given(
    shape=st.one_of(
        st.tuples(st.integers(0, 120), st.integers(0, 120)),
        st.tuples(st.integers(0, 120), st.integers(0, 120), st.sampled_from([1, 2, 3, 4, 5])),
        st.tuples(st.integers(1, 5)),
        st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
    ),
    dtype=st.sampled_from([np.uint8, np.uint16, np.int32, np.int64, np.float32, np.float64, np.bool_]),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1.0, 255.0, 65535.0, -1.0]),
)
def test_any_numpy_array_gives_none_a_valid_field_or_drawing_error(shape, dtype, seed, scale):
    rng = np.random.default_rng(seed)
    array = (rng.random(shape) * scale).astype(dtype)
    valid = len(shape) == 2 or (len(shape) == 3 and shape[2] in (1, 3, 4))
    if valid and min(shape[:2]) > 0:
        check_result(preprocess(array))
    else:
        with pytest.raises(DrawingError):
            preprocess(array)


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".png", ".jpg", ".gif", ".bmp", ".webp"]))
def test_random_bytes_on_disk_never_raise_anything_but_drawing_error(data, suffix, tmp_path_factory):
    path = tmp_path_factory.mktemp("bytes") / f"file{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(DrawingError):
        check_result(preprocess(str(path)))


@settings(max_examples=30, deadline=None)
@given(cut=st.integers(0, 2000), seed=st.integers(0, 1000))
def test_truncated_or_corrupted_png_never_raises_anything_but_drawing_error(cut, seed, tmp_path_factory):
    rng = np.random.default_rng(seed)
    data = bytearray(png_bytes(Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8))))
    data = data[: min(cut, len(data))] if cut % 2 else data
    if not cut % 2 and len(data) > 40:
        position = int(rng.integers(33, len(data)))
        data[position] ^= 0xFF
    path = tmp_path_factory.mktemp("png") / "corrupt.png"
    path.write_bytes(bytes(data))
    with contextlib.suppress(DrawingError):
        check_result(preprocess(str(path)))
