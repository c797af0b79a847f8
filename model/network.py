"""The network from PyTorch's Quickstart tutorial, with the two bugs of the copy we were given fixed.

The copy we were given started ``linear_relu_stack`` with a bare ``nn.ReLU()`` (the ``nn.Linear(28*28, 512)`` was
missing) and ended it with a ReLU on the logits. Both are fixed here; the module names and the state-dict keys
(``linear_relu_stack.{0,2,4}.{weight,bias}``) are exactly the tutorial's, so its class loads our weights unchanged.
"""

from torch import Tensor, nn

INPUT_SIDE = 28
NUM_CLASSES = 10


class NeuralNetwork(nn.Module):
    """Flatten, then 784→512, ReLU, 512→512, ReLU, 512→10.

    Input: ``N×1×28×28`` floats, a white digit on black, normalised as ``(x/255 - 0.1307) / 0.3081``.
    Output: ``N×10`` logits.

    There is no ReLU after the last layer. A ReLU there clamps every negative logit to 0, so the softmax can no
    longer tell "a bit unlikely" from "very unlikely" and the gradient of those classes vanishes; PyTorch's own
    Quickstart removed it in 2021.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(INPUT_SIDE * INPUT_SIDE, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, NUM_CLASSES),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

    # Named parts of the tutorial's stack, so no caller indexes ``linear_relu_stack`` (whose keys stay the tutorial's).

    @property
    def body(self) -> nn.Sequential:
        """Flatten and both hidden layers (784 → 512 → 512, each with its ReLU): the 512 features the head reads.

        A new ``Sequential`` over the model's own modules: it shares their tensors and adds no state-dict keys.
        """
        return nn.Sequential(self.flatten, *self.linear_relu_stack[:4])

    @property
    def head(self) -> nn.Linear:
        """The last layer, 512 features → 10 logits (what a visitor's teaching retrains)."""
        return self.linear_relu_stack[4]

    def hidden_layers(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Both hidden layers' activations (after each ReLU) for a flattened ``N×784`` input."""
        stack = self.linear_relu_stack
        first = stack[1](stack[0](x))
        return first, stack[3](stack[2](first))
