"""The photo path of the preprocessing: find the ink of a digit written on paper, in a photo or a scan.

A canvas drawing's paper is one flat colour, so ``model/preprocess.py`` takes the paper's colour from the image's
border and calls everything else ink. A photo breaks that: a shadow, a vignette, the table along an edge, a desk
around the sheet, a printed frame or the lines of ruled and graph paper all differ from the border's colour. Here
the paper is found locally instead, with OpenCV (``opencv-python-headless``):

1. the light field: the paper's brightness everywhere, from a small copy closed (max then min filter) wider than any
   stroke, so the ink goes and the shadows, the vignette and the table stay;
2. ink is how much darker than its own local paper a pixel is (``1 − grey / light``); where the "paper" is far
   darker than the sheet (a table, a desk) there is no ink;
3. a threshold above the paper's own noise (adaptive: from the median absolute deviation);
4. long thin straight lines go (ruled and graph paper, a printed frame): morphological openings with long
   horizontal and vertical kernels, tolerant of a few degrees of tilt, sparing where a stroke crosses a line;
5. connected components that touch the picture's edge go (a table's or sheet's edge, the desk), and so do
   closed frames around the digit and specks; what is left is the digit, with its own grey levels.

:func:`looks_like_photo` decides when this applies: an opaque, light picture whose paper is not flat, or that has
long printed lines. Everything else (the canvas, a clean upload) keeps the flat-paper path unchanged.
All arrays are at the preprocessing's working scale (at most ``WORKING_SIDE`` a side), values in [0, 1].
"""

from __future__ import annotations

import cv2
import numpy as np

SHEET_AREA = 0.35  # a photo of paper: the light sheet covers at least this fraction of the picture
DECISION_SIDE = 128  # printed lines and frames are looked for on a copy of the ink this large (longer side)
MIN_SIDE = 96  # smaller pictures (an 8×8 or 32×32 digit, an icon) are never photos of paper
LIGHT_SIDE = 128  # the light field is estimated on a copy this large (longer side)
LIGHT_WINDOW = 21  # the closing's window on that copy: 1/6 of the picture, wider than any pen's stroke
FLAT_TOLERANCE = 0.08  # the paper differs from the border's colour by more than this → not flat ...
BORDER_RUN = 0.25  # ... along at least this fraction of one side of the picture
GRADED = 0.1  # border pixels differing from their neighbour: a drawing's border is flat but for strokes
MOSTLY_INK = 0.45  # more of the picture than this differs from the border's colour: not a drawing on flat paper
NOT_PAPER = 0.5  # local light below this fraction of the sheet's: a table or desk, not paper
LINE_LENGTH = 0.15  # straight runs at least this fraction of the picture's side are looked at as lines
CROSSING = 5  # px: a stroke crossing (or running along) a printed line makes it at least this thick there
LINE_TILT = 2  # px each side: a line tilted up to ~3° still has straight runs that long
MIN_THRESHOLD = 0.1  # ink is at least this much darker than its local paper


def grey_of(pixels: np.ndarray) -> np.ndarray:
    """H×W×3 RGB in [0, 1] → H×W luminance (float32)."""
    return cv2.cvtColor(np.ascontiguousarray(pixels, dtype=np.float32), cv2.COLOR_RGB2GRAY)


def light_field(grey: np.ndarray) -> np.ndarray:
    """The paper's brightness under the light at every pixel (H×W): a closing on a small copy, smoothed, upscaled.

    The closing's window (about 1/9 of the picture) is wider than pen strokes, so they vanish, while a table strip
    or a shadow, wider than the window, stays where it is.
    """
    height, width = grey.shape
    scale = LIGHT_SIDE / max(height, width)
    size = (max(LIGHT_WINDOW, round(width * scale)), max(LIGHT_WINDOW, round(height * scale)))
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (LIGHT_WINDOW, LIGHT_WINDOW))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    smooth = cv2.GaussianBlur(closed, (0, 0), 0.7, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(smooth, (width, height), interpolation=cv2.INTER_LINEAR)


def _printed(line: np.ndarray, strokes: np.ndarray, horizontal: bool, strict: bool) -> np.ndarray:
    """Of the straight runs found (H×W uint8), the pieces that are printed lines (H×W bool): thin where no stroke
    crosses them (``strokes``, H×W bool), and either spanning 90 % of the picture or reaching its edge (a line faint
    in places breaks into pieces). A digit's straight stroke (a 1, a 4's stem) stays inside the picture, short of
    its edges. ``strict``: only the 90 % ones (how a drawing's flat paper is told from ruled or graph paper)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(line, connectivity=8)
    height, width = line.shape
    side = width if horizontal else height
    start = stats[:, 0] if horizontal else stats[:, 1]
    extent = stats[:, 2] if horizontal else stats[:, 3]
    bare = np.bincount(labels[(line > 0) & ~strokes], minlength=count)
    thickness = bare / np.maximum(extent, 1)
    reaches_edge = (start <= 1) | (start + extent >= side - 1)
    long_enough = (extent >= 0.9 * side) | (reaches_edge & (extent >= LINE_LENGTH * side) & (not strict))
    printed = long_enough & (thickness <= max(2 * LINE_TILT + 3, 0.012 * side))
    printed[0] = False
    return printed[labels]


def long_lines(mask: np.ndarray, strict: bool = False) -> np.ndarray:
    """The pixels of ``mask`` (H×W uint8 0/1) on printed horizontal or vertical lines (ruled and graph paper, long
    frames), spared where a stroke crosses them (H×W bool). ``strict``: only lines across 90 % of the picture."""
    height, width = mask.shape
    lines = np.zeros(mask.shape, bool)
    for horizontal in (True, False):
        length = max(15, round(LINE_LENGTH * (width if horizontal else height)))
        along = (length, 1) if horizontal else (1, length)
        across = (1, 2 * LINE_TILT + 1) if horizontal else (2 * LINE_TILT + 1, 1)
        thick = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        line = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        line = cv2.dilate(line, cv2.getStructuringElement(cv2.MORPH_RECT, across)) & mask
        if not line.any():
            continue
        # A stroke crossing the line runs far across it; the line itself is only a few pixels thick.
        crossing = (1, CROSSING) if horizontal else (CROSSING, 1)
        strokes = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, crossing)) > 0
        lines |= _printed(line, strokes, horizontal, strict) & ~strokes
    return lines


def _longest_run(flags: np.ndarray) -> int:
    """The longest run of True in a 1-D bool array."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return int((ends - starts).max()) if starts.size else 0


def _uneven_border(ink: np.ndarray, run: float) -> bool:
    """Whether the flat-paper path's ink (H×W) runs along ``run`` of a side of the picture: a table, a shadow, a
    vignette's corners. A stroke that leaves the picture crosses its edge only briefly."""
    sides = (ink[:3].mean(0), ink[-3:].mean(0), ink[:, :3].mean(1), ink[:, -3:].mean(1))
    return any(_longest_run(side > FLAT_TOLERANCE) >= run * side.size for side in sides)


def _graded(edge: np.ndarray) -> bool:
    """Whether the picture's border (its grey values all around, in order) changes from pixel to pixel (a
    camera's noise, a shadow's or a vignette's gradient) rather than being one flat colour broken only where a
    stroke crosses it (a drawing)."""
    return float((np.abs(np.diff(edge)) > 1e-4).mean()) > GRADED


def _spans(mask: np.ndarray, horizontal: bool) -> bool:
    """Whether some band of ``8·LINE_TILT + 1`` rows (or columns) of ``mask`` is inked across 90 % of the
    picture: what a printed line needs (tilted a little), cheap to rule out."""
    lines = mask if horizontal else mask.T
    reach = 4 * LINE_TILT
    padded = np.pad(lines, ((reach, reach), (0, 0)))
    band = np.zeros_like(lines)
    for shift in range(2 * reach + 1):
        band |= padded[shift : shift + lines.shape[0]]
    return bool(band.sum(1).max() >= 0.9 * lines.shape[1])


def has_printed_structure(mask: np.ndarray) -> bool:
    """Whether a binary ink mask (H×W uint8) holds printed lines (ruled or graph paper) or a printed frame apart
    from the digit."""
    if (_spans(mask, True) or _spans(mask, False)) and (
        cv2.connectedComponents(long_lines(mask, strict=True).astype(np.uint8))[0] > 2  # 2 lines + the ground
    ):
        return True
    labels, stats, keep = _components(mask)
    if keep.sum() < 2:  # a frame apart from the digit is a piece of its own
        return False
    keep &= stats[:, 4] >= 0.03 * stats[keep, 4].max()
    return bool((without_frames(mask.copy(), labels, stats, keep) != mask).any())


def looks_like_photo(pixels: np.ndarray, ink: np.ndarray) -> bool:
    """Whether an opaque picture (H×W×3 RGB in [0, 1]) needs the photo path, given the flat-paper path's ink
    (H×W, the distance from the border's colour): dark writing on light paper, and the paper is not flat (a table
    or a shadow along an edge, a vignette, a sheet on a desk, most of the picture "ink") or carries printed lines
    or a frame. A canvas drawing or a clean scan is none of these and keeps the flat-paper path."""
    if min(ink.shape) < MIN_SIDE:
        return False
    edge = grey_of(np.concatenate([pixels[0], pixels[:, -1], pixels[-1, ::-1], pixels[::-1, 0]])[None])[0]
    border = float(np.median(edge))
    grey, sparse = grey_of(pixels[::4, ::4]), ink[::4, ::4] > MIN_THRESHOLD  # a sixteenth is plenty for areas
    # A light sheet inside a dark border (a desk, tables on two edges): much of the picture is lighter than it,
    # in one solid piece (a light-on-dark drawing's strokes fill little of their box).
    if border < 0.5 and _solid_sheet(sparse & (grey > border)):
        return True
    if float(np.median(grey)) < 0.35:  # light writing on a dark ground: a canvas, a blackboard
        return False
    if _graded(edge):  # a photo's paper: an edge-long band of "ink", or "ink" over most of the picture
        if _uneven_border(ink, BORDER_RUN) or float(sparse.mean()) >= MOSTLY_INK:
            return True
    elif _uneven_border(ink, 0.95):  # flat colours: only a band along a whole side (a table) is not the drawing
        return True
    return has_printed_structure(_small(ink > MIN_THRESHOLD))


def _solid_sheet(light: np.ndarray) -> bool:
    """Whether the light pixels (H×W bool) cover ``SHEET_AREA`` of the picture and 70 % of their own box."""
    rows, cols = np.nonzero(light)
    if rows.size < SHEET_AREA * light.size:
        return False
    return rows.size >= 0.7 * (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)


def _small(mask: np.ndarray) -> np.ndarray:
    """A bool mask (H×W) at most ``DECISION_SIDE`` a side (uint8): a pixel is set where a fifth of its block is, so
    a thin printed line stays; the decision's structure test is then cheap for any picture."""
    scale = DECISION_SIDE / max(mask.shape)
    if scale >= 1:
        return mask.astype(np.uint8)
    size = (max(1, round(mask.shape[1] * scale)), max(1, round(mask.shape[0] * scale)))
    return (cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.2).astype(np.uint8)


def paper_region(light: np.ndarray, sheet: float) -> np.ndarray:
    """Where the sheet is (H×W bool): light at least ``NOT_PAPER`` of the sheet's, shrunk by the light field's
    blur (the band where the field is neither the table's nor the paper's would otherwise read as ink)."""
    region = (light >= NOT_PAPER * sheet).astype(np.uint8)
    margin = 2 * round(2 * max(light.shape) / LIGHT_SIDE) + 1
    return cv2.erode(region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (margin, margin))) > 0


def _threshold(ink: np.ndarray, paper: np.ndarray) -> float:
    """Ink starts this far above the paper's own noise and grain (median + 6 MADs of the paper's ink values)."""
    values = ink[paper]
    if values.size < 100:
        return MIN_THRESHOLD
    median = float(np.median(values))
    spread = float(np.median(np.abs(values - median))) * 1.4826
    return max(MIN_THRESHOLD, median + 6 * spread)


def _boxes_inside(stats: np.ndarray, index: int) -> np.ndarray:
    """Which components' boxes lie strictly inside component ``index``'s box (bool per component)."""
    left, top, width, height = stats[index, :4]
    return (
        (stats[:, 0] > left)
        & (stats[:, 1] > top)
        & (stats[:, 0] + stats[:, 2] < left + width)
        & (stats[:, 1] + stats[:, 3] < top + height)
    )


def _rectangle_band(piece: np.ndarray) -> np.ndarray | None:
    """For one component's mask inside its own box (h×w bool): its pixels along the box's four sides when they
    are inked along most of each side (a printed frame, perhaps touched by the digit), else ``None``."""
    height, width = piece.shape
    band = max(3, round(0.03 * max(height, width)))
    if min(height, width) < 4 * band:
        return None
    sides = (piece[:band].any(0), piece[-band:].any(0), piece[:, :band].any(1), piece[:, -band:].any(1))
    if min(float(side.mean()) for side in sides) < 0.8:
        return None
    edge = np.zeros_like(piece)
    edge[:band], edge[-band:], edge[:, :band], edge[:, -band:] = True, True, True, True
    return piece & edge


def without_frames(mask: np.ndarray, labels: np.ndarray, stats: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``mask`` (H×W uint8, changed in place) without printed frames: thin box-shaped components go whole when
    their box holds other kept ink, else (the digit touches the frame) only their four sides. Returns ``mask``."""
    for index in np.nonzero(keep)[0]:
        left, top, width, height, area = stats[index]
        if area > 0.25 * width * height:  # a digit's ink fills more of its box than a frame's thin sides
            continue
        window = (slice(top, top + height), slice(left, left + width))
        piece = labels[window] == index
        band = _rectangle_band(piece)
        if band is not None:  # the whole frame when the digit is apart from it, else only its sides
            mask[window][piece if (keep & _boxes_inside(stats, index)).any() else band] = 0
    return mask


def _near(stats: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Kept components within half the largest piece's size of its box (the digit's other strokes), bool each."""
    largest = int(np.argmax(np.where(keep, stats[:, 4], -1)))
    left, top, width, height = stats[largest, :4]
    reach = 0.5 * max(width, height)
    gap_x = np.maximum(0, np.maximum(left - (stats[:, 0] + stats[:, 2]), stats[:, 0] - (left + width)))
    gap_y = np.maximum(0, np.maximum(top - (stats[:, 1] + stats[:, 3]), stats[:, 1] - (top + height)))
    return keep & (np.maximum(gap_x, gap_y) <= reach)


def _components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Connected pieces of a binary mask (H×W uint8): (labels H×W, stats N×5 as OpenCV's, keep N bool w/o 0)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return labels, stats, np.arange(count) > 0


def without_surroundings(mask: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """``mask`` (H×W uint8) without what touches the paper's edge (the picture's edge, or a table or desk: outside
    ``paper``, H×W bool), unless nothing else is left, and without hollow boxes around other ink (printed
    frames); H×W uint8."""
    labels, stats, keep = _components(mask)
    if not keep.any():
        return mask
    edge = cv2.dilate((~paper).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    edge[:2], edge[-2:], edge[:, :2], edge[:, -2:] = True, True, True, True
    touches = np.zeros(len(keep), bool)
    touches[np.unique(labels[edge & (mask > 0)])] = True
    if (keep & ~touches).any():
        keep &= ~touches
    cleaned = keep[labels].astype(np.uint8)
    keep &= stats[:, 4] >= max(4, 0.03 * int(stats[keep, 4].max()))  # specks inside a loop do not make a frame
    return without_frames(cleaned, labels, stats, keep)


def digit_components(mask: np.ndarray) -> np.ndarray:
    """The digit's pixels in a cleaned ink mask (H×W uint8 → H×W bool): the largest piece and the pieces near it,
    without specks."""
    labels, stats, keep = _components(mask)
    if not keep.any():
        return np.zeros(mask.shape, bool)
    keep &= stats[:, 4] >= max(4, 0.03 * int(stats[keep, 4].max()))
    return _near(stats, keep)[labels]


def photo_ink(pixels: np.ndarray) -> np.ndarray:
    """The digit's ink in a photo of paper: H×W×3 RGB in [0, 1] → H×W in [0, 1] (1 = the darkest ink)."""
    grey = grey_of(pixels)
    light = light_field(grey)
    sheet = float(np.percentile(light, 90))
    ink = np.clip((light - grey) / np.maximum(light, 1e-3), 0, 1)
    paper = paper_region(light, sheet)
    ink[~paper] = 0  # a table or a desk, and the blurred band along the sheet's edge
    smooth = cv2.GaussianBlur(ink, (0, 0), 0.8)
    threshold = _threshold(smooth, smooth < np.percentile(smooth, 80))
    mask = (smooth > threshold).astype(np.uint8)
    mask[long_lines(mask)] = 0
    mask = without_surroundings(mask, paper)
    digit = digit_components(mask)
    if not digit.any():
        return np.zeros_like(ink)
    strongest = float(np.percentile(smooth[digit], 95))
    # Keep the strokes' own grey edges (anti-aliasing) next to the kept pixels, scaled so the ink's body is 1.
    near = cv2.dilate(digit.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return np.where(near, np.clip(smooth / max(strongest, 1e-3), 0, 1), 0).astype(np.float32)
