"""Train the Quickstart MLP on MNIST and write ``weights/mnist_mlp.safetensors`` plus a model card.

    python -m model.train                          # downloads MNIST into ./data on first use
    python -m model.train --data-dir ../shared/data

The defaults reproduce the shipped weights: fixed seed, AdamW with a one-cycle schedule, label smoothing, and every
batch warped on the fly (random affine + smooth elastic distortion + stroke-width jitter) so the network learns to
read drawings, not only MNIST's scans. About 10 minutes on 2 CPU cores; a GPU is used when present.
"""

import argparse
import json
import math
import platform
import time
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision
from safetensors.torch import save_file
from tqdm import tqdm

from model.device import pick_device
from model.inference import normalise
from model.network import NeuralNetwork

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"


def load_mnist(data_dir: str, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as ``(N×28×28 uint8 images, N int64 labels)``, downloading into ``data_dir`` if it is missing."""
    try:
        dataset = torchvision.datasets.MNIST(data_dir, train=train, download=False)
    except RuntimeError:
        dataset = torchvision.datasets.MNIST(data_dir, train=train, download=True)
    return dataset.data, dataset.targets


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Warp a batch of ``N×1×28×28`` images in [0, 1]: rotation, anisotropic scale, shear, shift, elastic, width."""
    n, device = images.shape[0], images.device

    def uniform(low: float, high: float) -> torch.Tensor:
        return torch.rand(n, generator=generator, device=device) * (high - low) + low

    angle = uniform(-15, 15) * math.pi / 180
    shear = uniform(-0.3, 0.3)
    scale_x, scale_y = uniform(0.8, 1.15), uniform(0.8, 1.15)
    shift_x, shift_y = uniform(-0.15, 0.15), uniform(-0.15, 0.15)  # ±2 px in affine_grid's [-1, 1] units
    cos, sin = torch.cos(angle), torch.sin(angle)
    # theta maps output coordinates to input coordinates: rotate · shear · scale⁻¹.
    theta = torch.stack(
        [
            torch.stack([cos / scale_x, (cos * shear - sin) / scale_y, shift_x], dim=1),
            torch.stack([sin / scale_x, (sin * shear + cos) / scale_y, shift_y], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    # Elastic distortion: a random 2×4×4 displacement field, smoothly upsampled (≈1 px std).
    coarse = torch.randn(n, 2, 4, 4, generator=generator, device=device) * 0.07
    field = F.interpolate(coarse, size=(28, 28), mode="bicubic", align_corners=True)
    warped = F.grid_sample(images, grid + field.permute(0, 2, 3, 1), align_corners=False, padding_mode="zeros")
    # Stroke-width jitter: thicken a quarter of the batch, thin another quarter.
    choice = torch.rand(n, 1, 1, 1, generator=generator, device=device)
    thick = F.max_pool2d(warped, 3, stride=1, padding=1)
    thin = -F.max_pool2d(-warped, 2, stride=1, padding=0)
    thin = F.pad(thin, (0, 1, 0, 1))
    blended_thick = 0.5 * (warped + thick)
    warped = torch.where(
        choice < 0.25, blended_thick, torch.where(choice > 0.85, torch.maximum(thin, 0.6 * warped), warped)
    )
    return warped.clamp(0, 1)


@torch.inference_mode()
def accuracy(model: NeuralNetwork, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 2000) -> float:
    """Top-1 accuracy of ``model`` on uint8 ``images`` (N×28×28) with ``labels``."""
    model.eval()
    device = next(model.parameters()).device
    correct = 0
    for start in range(0, len(images), batch_size):
        batch = normalise(images[start : start + batch_size].to(device).float().unsqueeze(1) / 255)
        predicted = model(batch).argmax(1).cpu()
        correct += (predicted == labels[start : start + batch_size]).sum().item()
    return correct / len(images)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="data", help="where MNIST is, or is downloaded to")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate of the one-cycle schedule")
    parser.add_argument("--weight-decay", type=float, default=0.05)
    parser.add_argument("--label-smoothing", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default=None, help="cuda, mps or cpu (default: the best available)")
    parser.add_argument("--out-dir", default=str(WEIGHTS_DIR))
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    device = pick_device(args.device)
    train_images, train_labels = load_mnist(args.data_dir, train=True)
    test_images, test_labels = load_mnist(args.data_dir, train=False)
    train_x = (train_images.float().unsqueeze(1) / 255).to(device)
    train_y = train_labels.to(device)

    model = NeuralNetwork().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(train_x) / args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch
    )
    aug_generator = generator if device.type == "cpu" else torch.Generator(device).manual_seed(args.seed)

    history = []
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train_x), generator=generator).to(device)
        total_loss = 0.0
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{args.epochs}", leave=False)
        for step in bar:
            index = order[step * args.batch_size : (step + 1) * args.batch_size]
            batch = normalise(augment(train_x[index], aug_generator))
            loss = F.cross_entropy(model(batch), train_y[index], label_smoothing=args.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item()
            if step % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
        test_accuracy = accuracy(model, test_images, test_labels)
        history.append({"epoch": epoch, "train_loss": total_loss / steps_per_epoch, "test_accuracy": test_accuracy})
        tqdm.write(f"epoch {epoch:3d}  loss {total_loss / steps_per_epoch:.4f}  test {test_accuracy:.2%}")
    seconds = time.perf_counter() - started

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().cpu().contiguous() for key, value in model.state_dict().items()}
    save_file(
        state, out_dir / "mnist_mlp.safetensors", metadata={"test_accuracy": f"{history[-1]['test_accuracy']:.4f}"}
    )
    card = {
        "architecture": "Flatten, Linear(784, 512), ReLU, Linear(512, 512), ReLU, Linear(512, 10)",
        "parameters": sum(p.numel() for p in model.parameters()),
        "test_accuracy": history[-1]["test_accuracy"],
        "test_set": "official MNIST test set, 10,000 images",
        "epochs": args.epochs,
        "training_seconds": round(seconds, 1),
        "device": str(device),
        "cpu_threads": torch.get_num_threads(),
        "hyperparameters": {k: v for k, v in vars(args).items() if k not in ("data_dir", "out_dir", "device")},
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
        },
        "history": history,
    }
    (out_dir / "model_card.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"test accuracy {card['test_accuracy']:.2%} after {args.epochs} epochs in {seconds:.0f} s on {device}")
    print(f"wrote {out_dir / 'mnist_mlp.safetensors'} and {out_dir / 'model_card.json'}")


if __name__ == "__main__":
    main()
