"""Draw the training curves from ``weights/model_card.json`` into ``weights/training_curves.png`` (Pillow only).

python -m model.plot_curves
"""

import json
from pathlib import Path

from PIL import Image, ImageDraw

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"


def plot(
    card_path: Path = WEIGHTS_DIR / "model_card.json", out_path: Path = WEIGHTS_DIR / "training_curves.png"
) -> Path:
    """Training loss and test accuracy per epoch, side by side."""
    history = json.loads(card_path.read_text())["history"]
    epochs = [row["epoch"] for row in history]
    panels = [
        ("training loss", [row["train_loss"] for row in history], (40, 90, 200), None),
        ("test accuracy (%)", [100 * row["test_accuracy"] for row in history], (220, 110, 20), 97.0),
    ]
    width, height, margin = 420, 260, 44
    image = Image.new("RGB", (width * len(panels), height), "white")
    draw = ImageDraw.Draw(image)
    for panel, (title, values, colour, floor) in enumerate(panels):
        left = panel * width + margin
        right, top, bottom = (panel + 1) * width - 16, 28, height - 30
        values = values if floor is None else [max(v, floor) for v in values]  # the first epochs would flatten the rest
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        points = [
            (
                left + (right - left) * (e - epochs[0]) / max(1, epochs[-1] - epochs[0]),
                bottom - (bottom - top) * (v - low) / span,
            )
            for e, v in zip(epochs, values)
        ]
        draw.rectangle([left, top, right, bottom], outline=(180, 180, 180))
        draw.line(points, fill=colour, width=2)
        draw.text((left, 8), f"{title}: {values[-1]:.4g} at epoch {epochs[-1]}", fill=(0, 0, 0))
        draw.text((left - 40, top - 4), f"{high:.4g}", fill=(90, 90, 90))
        draw.text((left - 40, bottom - 8), f"{low:.4g}", fill=(90, 90, 90))
        draw.text((left, bottom + 8), f"epoch {epochs[0]}", fill=(90, 90, 90))
        draw.text((right - 50, bottom + 8), f"epoch {epochs[-1]}", fill=(90, 90, 90))
    image.save(out_path)
    return out_path


if __name__ == "__main__":
    print(f"wrote {plot()}")
