"""The Train tab's views of the facts (ui/train_tab.py), in both languages, without a server."""

from __future__ import annotations

import pytest

from model.quickstart import TrainConfig, TrainInputError
from ui import train_tab
from ui.i18n import LANGUAGES, TEXTS, text

FACTS = {  # what quickstart.run yields for a Compare, trimmed
    "settings": TrainConfig(steps=20).__dict__,
    "step": 20,
    "steps": 20,
    "chunks": 1,
    "device": "cpu",
    "gpu_unavailable": "quota",
    "examples_per_s": 1234.5,
    "train_seconds": 1.0,
    "data": {"source": "shipped", "train": 10_000, "test": 2_000},
    "networks": {
        "fixed": {"network": "fixed", "loss": [[10, 2.0], [20, 1.0]], "test_accuracy": [[20, 0.9]],
                  "dead_classes": [], "never_predicted": []},
        "relu_on_logits": {"network": "relu_on_logits", "loss": [[10, 2.2], [20, 1.9]], "test_accuracy": [[20, 0.5]],
                           "dead_classes": [3, 8], "never_predicted": [3, 8]},
    },
}  # fmt: skip


@pytest.mark.parametrize(
    "settings", [{"steps": 0}, {"lr": -1}, {"optimizer": "x"}, {"network": "x"}, {"batch_size": 0}, {"seed": -1}]
)
def test_every_refusal_has_words_in_both_languages(settings):
    with pytest.raises(TrainInputError) as refused:
        TrainConfig(**settings).checked()
    for language in LANGUAGES:
        words = TEXTS[language][f"train_err_{refused.value.key}"].format(**refused.value.params)
        assert "{" not in words and len(words) > 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_views_say_the_facts_in_the_pages_language(language):
    status = train_tab.status_html(FACTS, language, done=True, asked=12)
    assert "1,234" in status and text("train_done", language) in status
    assert text("gpu_reason_quota", language) in status  # the CPU fallback, with its reason
    other = train_tab.status_html({**FACTS, "gpu_unavailable": "no GPU free"}, language, True)
    assert text("gpu_reason_no_gpu_free", language) in other and "(GPU unavailable" not in other
    assert "assets/train/mnist_train_10k.npz" in status and "12" in status
    results = train_tab.results_html(FACTS, language)
    assert 'data-dead="3,8"' in results and "90.0%" in results and "50.0%" in results
    curve = train_tab.curve_svg(FACTS, language)
    assert 'data-testid="train-loss-fixed" data-points="2"' in curve
    assert 'data-testid="train-loss-relu_on_logits" data-points="2"' in curve


def test_the_seed_as_given_is_shown_with_pytorchs_error_on_its_line():
    code = train_tab.code_html("as_given", "en")
    marked = code.split('<mark data-testid="train-marked-line">')[1].split("</mark>")[0]
    assert marked.startswith(" 6") and "(28*28, 512)," in marked
    assert "TypeError: tuple is not a Module subclass" in code and "nn.Linear(28*28, 512)," in code
    relu = train_tab.code_html("relu_on_logits", "zh-CN")
    assert "nn.ReLU()" in relu.split('<mark data-testid="train-marked-line">')[1].split("</mark>")[0]
    assert "<mark" not in train_tab.code_html("fixed", "en")
