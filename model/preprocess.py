"""Turn any drawing into what MNIST looks like: a white digit on black, 20 px on its longer side, centred by mass.

MNIST's digits were made by cropping the ink, scaling it so the longer side is 20 px (keeping the aspect ratio,
anti-aliased) and placing it in a 28×28 field so that its centre of mass sits in the middle. A canvas drawing is
nothing like that until it goes through the same steps, which is why a naive resize of the whole canvas misreads.

Accepted: a Gradio Sketchpad/ImageEditor dict (``background``, ``layers``, ``composite``, any of them missing), a PIL
image of any mode (transparent with the ink only in alpha, dark on light, light on dark, coloured, palette, 16-bit,
CMYK, ...), a numpy array, or a path to an image file.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from model.photo import looks_like_photo, photo_ink

MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE
DIGIT_BOX = 20  # MNIST: the longer side of the digit's bounding box
FIELD = 28
WORKING_SIDE = 448  # larger drawings are box-averaged down to about this before the rest of the work
INK_THRESHOLD = 0.12  # below this (after the background is removed) a pixel counts as paper, not ink


#: Every DrawingError's English message, by key; the page shows them in its own language (ui/words/: drawing_* keys).
DRAWING_ERRORS = {
    "empty_image": "The image is empty ({width}×{height} px).",
    "image_too_big": "The image is {width}×{height} px; the limit is {limit} px a side.",
    "decompression_bomb": "The image is too large to decode safely (limit {limit} px a side).",
    "not_an_image": "The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...).",
    "not_a_data_url": "The drawing must arrive as a data:image/...;base64 URL.",
    "data_url_too_long": "The drawing is too large ({chars:,} characters; the limit is {limit:,}).",
    "bad_base64": "The drawing's data URL is not valid base64.",
    "array_shape": "An image array must be H×W, H×W×3 or H×W×4, not {shape}.",
    "array_dtype": "An image array must hold numbers, not {dtype}.",
    "no_local_path": "The image reference has no local path.",
    "not_an_image_value": "Expected an image, not {kind}.",
    "canvas_keys": "Unexpected canvas keys: {keys}; expected background, layers, composite.",
    "layers_not_a_list": "The canvas's layers must be a list of images.",
}


class DrawingError(ValueError):
    """The input cannot be read as a drawing. ``str()`` is the English message; ``key`` and ``params`` name the
    problem so that a page can say it in its own language."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(DRAWING_ERRORS[key].format(**params))


def check_size(width: int, height: int) -> None:
    """Refuse absurd images from their header alone, before any pixel is decoded."""
    if width < 1 or height < 1:
        raise DrawingError("empty_image", width=width, height=height)
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise DrawingError("image_too_big", width=width, height=height, limit=MAX_SIDE)


def open_image(source: str | os.PathLike | Any) -> Image.Image:
    """Open an image file (path or file object), checking its size before decoding it."""
    try:
        with Image.open(source) as image:
            check_size(*image.size)
            image.load()
            return ImageOps.exif_transpose(image)
    except DrawingError:
        raise
    except Image.DecompressionBombError as error:
        raise DrawingError("decompression_bomb", limit=MAX_SIDE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DrawingError("not_an_image") from error


MAX_DATA_URL_CHARS = 8_000_000  # ≈ 6 MB of image: far above any canvas PNG


def decode_data_url(text: Any) -> Image.Image | None:
    """A ``data:image/...;base64,`` URL (what a browser canvas exports) → image; ``None`` for an empty string.

    Only data URLs are accepted, never paths, so text from a browser cannot make the server open a file.
    """
    if text is None or (isinstance(text, str) and text == ""):
        return None
    if not isinstance(text, str) or not text.startswith("data:image/") or ";base64," not in text[:64]:
        raise DrawingError("not_a_data_url")
    if len(text) > MAX_DATA_URL_CHARS:
        raise DrawingError("data_url_too_long", chars=len(text), limit=MAX_DATA_URL_CHARS)
    try:
        payload = base64.b64decode(text.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as error:
        raise DrawingError("bad_base64") from error
    return open_image(io.BytesIO(payload))


def to_image(value: Any) -> Image.Image | None:
    """One image from whatever a caller sends; ``None`` when nothing was sent."""
    if value is None:
        return None
    if isinstance(value, Image.Image):
        check_size(*value.size)
        return value
    if isinstance(value, np.ndarray):
        if value.ndim not in (2, 3) or (value.ndim == 3 and value.shape[2] not in (1, 3, 4)):
            raise DrawingError("array_shape", shape=str(value.shape))
        if value.dtype.kind not in "biuf":
            raise DrawingError("array_dtype", dtype=str(value.dtype))
        check_size(value.shape[1], value.shape[0])
        if value.ndim == 3 and value.shape[2] == 1:
            value = value[:, :, 0]
        if value.dtype == np.bool_:
            value = value.astype(np.uint8) * 255
        elif value.dtype != np.uint8:
            value = np.nan_to_num(value.astype(np.float64))
            high = value.max() if value.size else 0
            value = (value / high * 255 if high > 1 else value * 255).clip(0, 255).astype(np.uint8)
        return Image.fromarray(np.ascontiguousarray(value))
    if isinstance(value, Mapping) and ("path" in value or "url" in value):
        path = value.get("path")
        if not path:
            raise DrawingError("no_local_path")
        return open_image(path)
    if isinstance(value, (str, os.PathLike)):
        return open_image(value)
    raise DrawingError("not_an_image_value", kind=type(value).__name__)


def drawing_to_image(value: Any) -> Image.Image | None:
    """The picture a Sketchpad dict (or a single image) shows; ``None`` when there is none.

    A Sketchpad sends ``composite`` (background with the layers on top). When it is missing, the layers are laid
    over the background here; an API caller may send only ``background``.
    """
    if not isinstance(value, Mapping) or "path" in value or "url" in value:
        return to_image(value)
    unknown = set(value) - {"background", "layers", "composite", "id"}
    if unknown:
        raise DrawingError("canvas_keys", keys=str(sorted(unknown)))
    composite = to_image(value.get("composite"))
    if composite is not None:
        return composite
    layers = value.get("layers") or []
    if not isinstance(layers, (list, tuple)):
        raise DrawingError("layers_not_a_list")
    layers = [to_image(layer) for layer in layers]
    layers = [layer for layer in layers if layer is not None]
    background = to_image(value.get("background"))
    if not layers:
        return background
    size = background.size if background is not None else layers[0].size
    canvas = background.convert("RGBA") if background is not None else Image.new("RGBA", size, (0, 0, 0, 0))
    for layer in layers:
        layer = layer.convert("RGBA")
        if layer.size != size:
            layer = layer.resize(size, Image.Resampling.BILINEAR)
        canvas = Image.alpha_composite(canvas, layer)
    return canvas


def _shrink(image: Image.Image) -> Image.Image:
    """Box-average a large image down to about WORKING_SIDE: cheap, and far more detail than 20 px needs."""
    factor = -(-max(image.size) // WORKING_SIDE)  # rounded up: the result is at most WORKING_SIDE a side
    return image.reduce(factor) if factor >= 2 else image


def ink_map(image: Image.Image, may_be_photo: bool = True) -> np.ndarray:
    """Ink strength in [0, 1] per pixel (1 = full ink), whatever the image's mode and colours.

    Transparent images: the ink is the alpha channel (a Sketchpad layer has RGB 0 and the strokes in alpha).
    Opaque images: the paper colour is the median of the border; ink is how far each pixel is from it, in any
    channel, so dark-on-light, light-on-dark and coloured ink all read alike. A photo of paper whose paper is not
    one flat colour (a shadow, a vignette, a table or desk around the sheet, printed lines or a frame) goes through
    the photo path instead (``model/photo.py``), unless ``may_be_photo`` is false (the Draw tab's own canvas: white
    paper by construction, so the live reading skips the photo decision's ~2 ms). The map is at the working scale (at
    most ``WORKING_SIDE`` a side).
    """
    return read_ink(image, may_be_photo)[0]


def read_ink(image: Image.Image, may_be_photo: bool = True) -> tuple[np.ndarray, bool]:
    """``(ink_map(image, may_be_photo), whether the photo path made it)``."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        low, high = float(values.min()), float(values.max())
        span = high - low if np.isfinite(high - low) and high > low else 1.0
        grey = np.clip((values - low) / span * 255, 0, 255)
        image = Image.fromarray(grey.astype(np.uint8))
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    image = _shrink(image.convert("RGBA" if has_alpha else "RGB"))
    pixels = np.asarray(image, dtype=np.float32) / 255
    if has_alpha:
        alpha = pixels[:, :, 3]
        if alpha.min() < 0.5:  # a real transparent background: the strokes are where the opacity differs from it
            return np.abs(alpha - _paper(alpha[..., None])[0]), False
        pixels = pixels[:, :, :3]
    distance = np.abs(pixels - _paper(pixels))
    ink = np.maximum(np.maximum(distance[..., 0], distance[..., 1]), distance[..., 2])  # ~50× faster than .max(2)
    if may_be_photo and looks_like_photo(pixels, ink):
        return photo_ink(pixels), True
    return ink, False


def _paper(pixels: np.ndarray) -> np.ndarray:
    """The paper's colour: the median of the image's border, per channel (H×W×C → C)."""
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return np.median(border, axis=0)


def center_of_mass(ink: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass."""
    total = ink.sum()
    rows = np.arange(ink.shape[0], dtype=np.float32)
    cols = np.arange(ink.shape[1], dtype=np.float32)
    return float(ink.sum(axis=1) @ rows / total), float(ink.sum(axis=0) @ cols / total)


# MNIST's stroke width in the 28×28 field, measured by stroke_width() on the test set at 4× (the 20 px digit box
# scaled to 80 px): median 2.5 px, 10th–90th percentile 1.8–3.5 px. Drawings outside that range are brought to
# its edge, so a small digit drawn with the canvas's fat brush does not reach the network as a blob.
MNIST_STROKE_WIDTH = 2.5
STROKE_WIDTH_RANGE = (1.8, 3.5)
WIDTH_SCALE = 4  # stroke width is measured and changed at 4× the digit box: 80 px for MNIST's 20
MAX_WIDTH_CHANGE = 16  # at most this many pixels (at 4×) eroded or added on each side of a stroke


def stroke_width(ink: np.ndarray, threshold: float = 0.5) -> float:
    """A typical stroke's width in pixels: twice the inked area over the number of boundary pixels (2A/P)."""
    mask = ink > threshold
    area = int(mask.sum())
    if area == 0:
        return 0.0
    padded = np.pad(mask, 1)
    interior = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return 2 * area / max(1, area - int(interior.sum()))


def _disc_filter(ink: np.ndarray, radius: int, grow: bool) -> np.ndarray:
    """Grey-level dilation (``grow``) or erosion of ``ink`` by a disc of ``radius`` pixels."""
    padded = np.pad(ink, radius)
    height, width = ink.shape
    result = ink.copy()
    combine = np.maximum if grow else np.minimum
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if (dy or dx) and dy * dy + dx * dx <= radius * radius:
                combine(
                    result, padded[radius + dy : radius + dy + height, radius + dx : radius + dx + width], out=result
                )
    return result


def _crop_ink(ink: np.ndarray) -> np.ndarray | None:
    rows, cols = np.nonzero(ink > 0.2)
    if rows.size == 0:
        return None
    return ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def _resize(ink: np.ndarray, longer_side: int) -> np.ndarray:
    height, width = ink.shape
    scale = longer_side / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.clip(
        np.asarray(Image.fromarray(ink).resize(new_size, Image.Resampling.LANCZOS), dtype=np.float32), 0, None
    )


def normalise_stroke_width(crop: np.ndarray) -> np.ndarray:
    """The cropped digit with its strokes thinned or thickened into MNIST's range, as it will look at 20 px.

    The crop is scaled to 80 px (4× the digit box) and its stroke width measured there. Outside
    ``STROKE_WIDTH_RANGE`` it is eroded or dilated by a disc so that, once cropped again and scaled to 20 px, the
    strokes land at the range's nearest edge. Within the range the crop comes back unchanged.
    """
    side = WIDTH_SCALE * DIGIT_BOX
    work = _resize(crop, side)
    peak = float(work.max())
    if peak <= 0:
        return crop
    work = np.clip(work / peak, 0, 1)
    width = stroke_width(work) / WIDTH_SCALE
    low, high = STROKE_WIDTH_RANGE
    if low <= width <= high:
        return crop
    target = float(np.clip(width, low, high)) * WIDTH_SCALE  # the nearest edge: no jump at the range's edge
    # Eroding by k shrinks both the stroke (W - 2k) and the box (side - 2k); solve (W - 2k)·side/(side - 2k) = target.
    change = side * (width * WIDTH_SCALE - target) / (2 * (side - target))
    radius = int(min(MAX_WIDTH_CHANGE, round(abs(change))))
    if radius < 1:
        return crop
    if change > 0:
        thinned = _disc_filter(work, radius, grow=False)
        # An erosion that wipes out most of the ink (a dot, a very short stroke) is not a stroke-width change.
        if (thinned > 0.5).sum() < 0.15 * (work > 0.5).sum():
            return crop
        work = thinned
    else:
        work = _disc_filter(np.pad(work, radius), radius, grow=True)
    return _crop_ink(work) if _crop_ink(work) is not None else crop


def mnist_field(ink: np.ndarray, normalise_width: bool = True) -> np.ndarray | None:
    """Crop, scale and centre an ink map the way MNIST was made; ``None`` when there is no ink.

    With ``normalise_width`` (the default) strokes far thinner or thicker than MNIST's are brought into its range
    first (see :func:`normalise_stroke_width`).
    """
    if ink.size == 0 or not np.isfinite(ink).all():
        ink = np.nan_to_num(ink, nan=0.0, posinf=1.0, neginf=0.0)
    strongest = float(ink.max()) if ink.size else 0.0
    if strongest < INK_THRESHOLD:
        return None
    ink = np.clip((ink - INK_THRESHOLD) / (strongest - INK_THRESHOLD), 0, 1)  # paper to 0, the darkest ink to 1
    crop = _crop_ink(ink)
    if crop is None:
        return None
    if normalise_width:
        crop = normalise_stroke_width(crop)
    digit = _resize(crop, DIGIT_BOX)
    if digit.max() <= 0:
        return None
    digit = np.clip(digit / digit.max(), 0, 1)  # a thin stroke shrunk a lot is faint; MNIST's strokes peak at 255
    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    com_row, com_col = center_of_mass(digit)
    top = int(np.clip(round(FIELD / 2 - com_row), 0, FIELD - digit.shape[0]))
    left = int(np.clip(round(FIELD / 2 - com_col), 0, FIELD - digit.shape[1]))
    field[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return field


@dataclass(frozen=True)
class Prepared:
    """What the network will read, and where it came from."""

    field: np.ndarray  # 28×28 float32 in [0, 1], white digit on black (mnist_field's result)
    region: tuple[int, int, int, int]  # the ink that was read: (left, top, right, bottom) in the image's pixels
    photo: bool  # made by the photo path (model/photo.py) rather than the flat-paper one


def ink_region(ink: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The box of the ink that :func:`mnist_field` crops (``ink`` at the working scale, H×W), in the pixels of the
    image it came from (``size`` = its width, height): (left, top, right, bottom), right and bottom exclusive."""
    strongest = float(ink.max()) if ink.size else 0.0
    if not np.isfinite(strongest) or strongest < INK_THRESHOLD:
        return None
    rows, cols = np.nonzero((ink - INK_THRESHOLD) / (strongest - INK_THRESHOLD) > 0.2)
    if rows.size == 0:
        return None
    scale_x, scale_y = size[0] / ink.shape[1], size[1] / ink.shape[0]
    return (
        int(cols.min() * scale_x),
        int(rows.min() * scale_y),
        min(size[0], int(np.ceil((cols.max() + 1) * scale_x))),
        min(size[1], int(np.ceil((rows.max() + 1) * scale_y))),
    )


def prepare(image: Image.Image) -> Prepared | None:
    """An opened image → the network's 28×28 input with the region it was read from; ``None`` when there is no
    ink."""
    ink, photo = read_ink(image)
    field = mnist_field(ink)
    region = ink_region(ink, image.size) if field is not None else None
    return None if field is None or region is None else Prepared(field, region, photo)


def preprocess(value: Any) -> torch.Tensor | None:
    """Any drawing → a ``1×28×28`` float tensor in [0, 1], white digit on black; ``None`` when nothing is drawn.

    Raises ``DrawingError`` (with a message for the user) for input that is not a usable image.
    """
    image = drawing_to_image(value)
    if image is None:
        return None
    field = mnist_field(ink_map(image))
    return None if field is None else torch.from_numpy(field).unsqueeze(0)


def naive_resize(value: Any) -> torch.Tensor | None:
    """The baseline many demos use: the whole canvas resized to 28×28 (inverted to white-on-black). For contrast."""
    image = drawing_to_image(value)
    if image is None:
        return None
    ink = ink_map(image)
    small = Image.fromarray(ink).resize((FIELD, FIELD), Image.Resampling.BILINEAR)
    return torch.from_numpy(np.clip(np.asarray(small, dtype=np.float32), 0, 1)).unsqueeze(0)
