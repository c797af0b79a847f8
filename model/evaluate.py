"""Print the shipped model's figures: MNIST, canvas drawings, the world's handwriting styles, and "not sure".

    python -m model.evaluate --data-dir ../shared/data
    python -m model.evaluate --data-dir ../shared/data --per-style 1000 --write-card

Printed, each beside the others:
- MNIST test accuracy, and how often its digits are refused ("?", see ``model/unsure.py``);
- canvas drawings made from MNIST test digits (``model/canvas_synth.py``), through our MNIST-style preprocessing and
  through a naive "resize the whole canvas to 28×28" for contrast, and how often they are refused;
- each handwriting style of ``model/styles.py``, made from MNIST *test* digits with evaluation seeds (training used
  MNIST training digits and seed 0): accuracy, and accuracy counting a refusal as wrong;
- the non-digits of ``model/nondigits.py`` (evaluation seeds, test digits for pairs, two letters training never
  draws, symbols drawn with other pens and shakier strokes): how often each kind, and each symbol, is refused;
- real handwriting the project never trains on: scikit-learn's ``load_digits`` (UCI optdigits: 1,797 digits by 43
  writers, 8×8) read through the app's preprocessing, all of them and the ones a person can read (those judged
  unreadable by eye are listed in ``model/load_digits_unreadable.json``). Needs ``pip install scikit-learn``;
  skipped with a note if not.
- the refusal threshold's trade-off, and MNIST's stroke width (what the preprocessing aims at).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from model.canvas_synth import draw_canvas
from model.evaluate_photos import evaluate_photos
from model.inference import WEIGHTS_PATH, DigitReader
from model.nondigits import KINDS, SYMBOLS, nondigit_set, symbol
from model.preprocess import WIDTH_SCALE, naive_resize, preprocess, stroke_width
from model.styles import STYLES, on_canvas, style_set
from model.unsure import UNSURE_BELOW, unsure_mask

EVALUATION_SEED = 1000  # styles and non-digits for evaluation use seeds from here on; training uses 0
#: Non-digits also evaluated as training never draws them: letters R and Y, symbols with other pens and shakier.
HELD_OUT_RUNS = {"letter": (False, True), "symbol": (True,)}
HELD_OUT_NAMES = {"letter": "letter (R, Y: never trained on)", "symbol": "symbol (other pens, shakier)"}
#: The ``load_digits`` digits judged unreadable by eye, blind (before their labels were looked at), with reasons.
UNREADABLE_PATH = Path(__file__).resolve().parent / "load_digits_unreadable.json"


def probabilities_of(reader: DigitReader, fields: np.ndarray) -> np.ndarray:
    """``N×28×28`` fields (uint8, or float in [0, 1]) → ``N×10`` probabilities."""
    images = torch.from_numpy(np.asarray(fields)).float()
    if np.asarray(fields).dtype == np.uint8:
        images = images / 255
    return reader.probabilities(images.unsqueeze(1))


def mnist_probabilities(reader: DigitReader, images: torch.Tensor) -> np.ndarray:
    return reader.probabilities(images.float().unsqueeze(1) / 255)


def canvas_fields(images: torch.Tensor, labels: torch.Tensor, count: int, seed: int) -> dict[str, list]:
    """``count`` canvas drawings made from ``images``, through both pipelines: fields, labels and styles."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(images), size=count, replace=count > len(images))
    made: dict[str, list] = defaultdict(list)
    for index in picks:
        canvas = draw_canvas(images[index].numpy(), rng)
        for name, pipeline in (("preprocess", preprocess), ("naive", naive_resize)):
            field = pipeline(canvas.image)
            made[name].append(np.zeros((28, 28), np.float32) if field is None else field[0].numpy())
        made["labels"].append(int(labels[index]))
        made["styles"].append(canvas.style)
    return made


def load_optdigits() -> tuple[np.ndarray, np.ndarray] | None:
    """scikit-learn's ``load_digits`` as 28×28 fields made by the app's preprocessing, or None without scikit-learn."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        return None
    digits = load_digits()
    fields = []
    for image in digits.images:  # 8×8 counts 0–16 of a 32×32 bitmap's 4×4 blocks
        # Back to the bitmap's 32×32 as a picture (dark ink on white paper), then the app's whole preprocessing.
        paper = Image.fromarray(np.round(255 - image * (255 / 16)).astype(np.uint8))
        tensor = preprocess(paper.resize((32, 32), Image.Resampling.BILINEAR))
        fields.append(np.zeros((28, 28), np.float32) if tensor is None else tensor[0].numpy())
    return np.stack(fields), digits.target.astype(np.int64)


def readable_mask(count: int) -> np.ndarray:
    """True for the ``load_digits`` digits a person can read: all but those listed in ``UNREADABLE_PATH``."""
    readable = np.ones(count, dtype=bool)
    readable[[entry["index"] for entry in json.loads(UNREADABLE_PATH.read_text())["digits"]]] = False
    return readable


def symbol_refusals(reader: DigitReader, per_kind: int) -> dict[str, float]:
    """Print and return how often each symbol of ``model/nondigits.py`` is answered "?", drawn as evaluation draws
    them (other pens, more rotation and slant, shakier strokes; seeds training never uses)."""
    each = max(50, per_kind // len(SYMBOLS))
    print(f"\nSymbols ({each} of each, other pens and shakier strokes than training, seed {EVALUATION_SEED + 200}):")
    rng = np.random.default_rng(EVALUATION_SEED + 200)
    refusals = {}
    for name in SYMBOLS:
        fields = []
        while len(fields) < each:
            field = symbol(rng, held_out=True, name=name)
            if field is not None:
                fields.append(field)
        probabilities = probabilities_of(reader, np.stack(fields))
        refused = unsure_mask(probabilities)
        refusals[name] = float(refused.mean())
        reads = np.bincount(probabilities.argmax(1)[~refused], minlength=10)
        misread = ", ".join(f"{digit} ×{n}" for digit, n in enumerate(reads) if n)
        print(f"  {name:14s} refused {refused.mean():7.2%}" + (f"   read as {misread}" if misread else ""))
    refusals["all"] = float(np.mean([refusals[name] for name in SYMBOLS]))
    print(f"  {'all':14s} refused {refusals['all']:7.2%}")
    return refusals


def mnist_stroke_width(images: torch.Tensor, count: int = 2000) -> np.ndarray:
    """Stroke width of MNIST digits, measured like the preprocessing does (the digit box scaled to 80 px)."""
    widths = []
    for digit in images[:count].numpy():
        rows, cols = np.nonzero(digit > 30)
        crop = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32) / 255
        scale = 20 * WIDTH_SCALE / max(crop.shape)
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        widths.append(stroke_width(np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.BILINEAR))) / 4)
    return np.array(widths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--weights", default=str(WEIGHTS_PATH))
    parser.add_argument("--canvases", type=int, default=2000, help="how many canvas drawings to make")
    parser.add_argument("--per-style", type=int, default=500, help="evaluation images in each handwriting style")
    parser.add_argument("--per-kind", type=int, default=500, help="evaluation non-digits of each kind")
    parser.add_argument("--seed", type=int, default=0, help="seed of the canvas drawings")
    parser.add_argument("--write-card", action="store_true", help="store the figures in the weights' model card")
    args = parser.parse_args()

    from model.train import load_mnist  # torchvision is only needed here, not for serving

    started = time.perf_counter()
    reader = DigitReader.load(args.weights)
    figures: dict = {"unsure_below": UNSURE_BELOW}
    images, labels = load_mnist(args.data_dir, train=False)
    mnist = mnist_probabilities(reader, images)
    figures["mnist_test_accuracy"] = float((mnist.argmax(1) == labels.numpy()).mean())
    figures["mnist_test_refused"] = float(unsure_mask(mnist).mean())
    print(f"MNIST test set (10,000): {figures['mnist_test_accuracy']:.2%} read right")
    print(f'  refused ("?", top probability < {UNSURE_BELOW}): {figures["mnist_test_refused"]:.2%}')

    made = canvas_fields(images, labels, args.canvases, args.seed)
    canvas_labels = np.array(made["labels"])
    print(f"\nCanvas drawings ({args.canvases}, 280–1024 px, seed {args.seed}):")
    print(f"{'canvas style':24s} {'MNIST-style preprocess':>24s} {'naive resize':>14s}")
    canvas_probabilities = {}
    for name in ("preprocess", "naive"):
        canvas_probabilities[name] = probabilities_of(reader, np.stack(made[name]))
    hits = {name: canvas_probabilities[name].argmax(1) == canvas_labels for name in canvas_probabilities}
    styles = np.array(made["styles"])
    for style in sorted(set(made["styles"])) + ["all"]:
        chosen = styles == style if style != "all" else np.ones(len(styles), bool)
        print(f"{style:24s} {hits['preprocess'][chosen].mean():>24.2%} {hits['naive'][chosen].mean():>14.2%}")
    figures["canvas_accuracy"] = float(hits["preprocess"].mean())
    figures["canvas_refused"] = float(unsure_mask(canvas_probabilities["preprocess"]).mean())
    print(f"  refused (preprocess): {figures['canvas_refused']:.2%}")

    print(f"\nHandwriting styles ({args.per_style} each, from MNIST test digits, seeds {EVALUATION_SEED}+):")
    print(f"{'style':22s} {'read right':>10s} {'right, not ?':>13s}  what")
    figures["styles"] = {}
    style_probabilities = []
    test_images_np, test_labels_np = images.numpy(), labels.numpy()
    for offset, (name, (_, what, _)) in enumerate(STYLES.items()):
        fields, truth = style_set(name, test_images_np, test_labels_np, args.per_style, EVALUATION_SEED + offset)
        probabilities = probabilities_of(reader, fields)
        style_probabilities.append(probabilities)
        right = probabilities.argmax(1) == truth
        answered_right = right & ~unsure_mask(probabilities)
        figures["styles"][name] = {"what": what, "count": len(truth), "accuracy": float(right.mean())}
        figures["styles"][name]["accuracy_not_refused"] = float(answered_right.mean())
        print(f"{name:22s} {right.mean():>10.2%} {answered_right.mean():>13.2%}  {what}")

    print("\nThick, by the height the digit is drawn at with the 22 px brush (300 MNIST test digits each):")
    rng = np.random.default_rng(EVALUATION_SEED)
    chosen = rng.choice(len(test_labels_np), 300, replace=False)
    figures["thick_by_height"] = {}
    for height in (50, 65, 80, 95, 110):
        drawn = [(on_canvas(test_images_np[i], rng, True, height), test_labels_np[i]) for i in chosen]
        fields = np.stack([field for field, _ in drawn if field is not None])
        truth = np.array([label for field, label in drawn if field is not None])
        right = float((probabilities_of(reader, fields).argmax(1) == truth).mean())
        figures["thick_by_height"][height] = right
        print(f"  {height:3d} px tall: {right:.2%}")

    print(f"\nNon-digits ({args.per_kind} each, seeds {EVALUATION_SEED + 100}+, pairs from test digits):")
    figures["nondigits_refused"] = {}
    refused_all = []
    for offset, kind in enumerate(KINDS):
        for held_out in HELD_OUT_RUNS.get(kind, (False,)):
            seed = EVALUATION_SEED + 100 + offset + (50 if held_out else 0)
            fields = nondigit_set(kind, args.per_kind, seed, test_images_np, held_out)
            refused = unsure_mask(probabilities_of(reader, fields))
            name = HELD_OUT_NAMES[kind] if held_out else kind
            figures["nondigits_refused"][name] = float(refused.mean())
            refused_all.append(refused)
            print(f"  {name:32s} refused {refused.mean():.2%}")
    figures["nondigits_refused_all"] = float(np.concatenate(refused_all).mean())
    print(f"  {'all':32s} refused {figures['nondigits_refused_all']:.2%}")
    figures["symbols_refused"] = symbol_refusals(reader, args.per_kind)

    optdigits = load_optdigits()
    if optdigits is None:
        print("\nReal handwriting outside MNIST: skipped (pip install scikit-learn for its load_digits set).")
    else:
        fields, truth = optdigits
        probabilities = probabilities_of(reader, fields)
        right = probabilities.argmax(1) == truth
        figures["optdigits_accuracy"] = float(right.mean())
        figures["optdigits_refused"] = float(unsure_mask(probabilities).mean())
        print(f"\nReal handwriting outside MNIST: scikit-learn load_digits (UCI optdigits, {len(truth)} digits, 8×8):")
        print(f"  read right {right.mean():.2%}, refused {figures['optdigits_refused']:.2%}")
        readable = readable_mask(len(truth))
        figures["optdigits_readable_accuracy"] = float(right[readable].mean())
        print(
            f"  the {readable.sum()} a person can read ({(~readable).sum()} judged unreadable by eye, "
            f"{UNREADABLE_PATH.name}): read right {right[readable].mean():.2%}"
        )
        confusions = defaultdict(int)
        for true, read in zip(truth[~right], probabilities.argmax(1)[~right]):
            confusions[f"{true}→{read}"] += 1
        print("  misreads: " + ", ".join(f"{k} ×{v}" for k, v in sorted(confusions.items(), key=lambda kv: -kv[1])))

    figures["photos"] = evaluate_photos(reader)  # the photo set, per condition (model/evaluate_photos.py)

    print('\nRefusal threshold trade-off (top probability below the threshold → "?"):')
    print(f"{'threshold':>9s} {'MNIST test':>11s} {'canvas':>8s} {'styles':>8s} {'non-digits':>11s}")
    all_styles = np.concatenate(style_probabilities)
    nondigit_fields = [
        nondigit_set(kind, args.per_kind // 2, EVALUATION_SEED + 100 + offset, test_images_np)
        for offset, kind in enumerate(KINDS)
    ]
    nondigit_probabilities = probabilities_of(reader, np.concatenate(nondigit_fields))
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        rates = [
            unsure_mask(p, threshold).mean()
            for p in (mnist, canvas_probabilities["preprocess"], all_styles, nondigit_probabilities)
        ]
        marker = "  ← used" if abs(threshold - UNSURE_BELOW) < 1e-9 else ""
        print(f"{threshold:>9.2f} " + " ".join(f"{r:>10.2%}" for r in rates) + marker)

    widths = mnist_stroke_width(images)
    figures["mnist_stroke_width_px"] = {
        "median": float(np.median(widths)),
        "p10": float(np.percentile(widths, 10)),
        "p90": float(np.percentile(widths, 90)),
    }
    print(
        f"\nMNIST stroke width at 28×28 (2000 test digits): median {np.median(widths):.2f} px, "
        f"10–90 % {np.percentile(widths, 10):.2f}–{np.percentile(widths, 90):.2f} px"
    )
    print(f"({time.perf_counter() - started:.0f} s on {reader.device})")

    if args.write_card:
        card_path = Path(args.weights).with_name("model_card.json")
        card = json.loads(card_path.read_text())
        card["evaluation"] = figures
        card_path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote the figures into {card_path}")


if __name__ == "__main__":
    main()
