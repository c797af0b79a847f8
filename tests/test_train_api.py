"""/train through the real Gradio server and gradio_client: the report, the seed's error, refusals in both languages."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server_url: str) -> Client:
    return Client(server_url, verbose=False)


def test_train_is_listed_with_named_parameters(client: Client) -> None:
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/train"]
    names = [parameter["parameter_name"] for parameter in info["parameters"]]
    assert names == ["network", "optimizer", "lr", "batch_size", "steps", "seed"]


def test_a_short_run_reports_its_curve_accuracy_speed_and_device(client: Client) -> None:
    settings = dict(network="fixed", optimizer="SGD", lr=0.05, batch_size=32, steps=40, seed=3)
    report = client.predict(**settings, api_name="/train")
    assert report["settings"] == settings
    assert len(report["loss"]) == len(report["loss_steps"]) == 40 and report["loss_steps"][-1] == 40
    assert report["loss"][-1] < report["loss"][0]
    assert 0.3 < report["test_accuracy"] <= 1 and report["checkpoints"] == [[40, report["test_accuracy"]]]
    assert report["dead_classes"] == [] and report["device"] == "cpu" and report["examples_per_s"] > 0
    assert report["gpu_seconds_requested"] is None  # no ZeroGPU here
    assert report["data"] == {"source": "shipped", "train": 10_000, "test": 2_000}
    assert "torch.optim.SGD(model.parameters(), lr=0.05)" in report["program"] and "error" not in report
    again = client.predict(**settings, api_name="/train")
    assert again["loss"] == report["loss"]  # the same seed and settings: the same curve


def test_as_given_reports_the_error_pytorch_raised(client: Client) -> None:
    report = client.predict(network="as_given", api_name="/train")
    assert report["error"]["type"] == "TypeError"
    assert report["error"]["message"] == "tuple is not a Module subclass"
    assert report["error"]["code"] == "(28*28, 512)," and report["error"]["fix"] == "nn.Linear(28*28, 512),"
    assert report["loss"] == [] and report["test_accuracy"] is None


def test_relu_on_logits_reports_its_dead_classes(client: Client) -> None:
    report = client.predict(
        network="relu_on_logits", optimizer="SGD", lr=0.1, batch_size=100, steps=120, seed=2, api_name="/train"
    )
    assert report["dead_classes"] and set(report["dead_classes"]) <= set(report["never_predicted"])


@pytest.mark.parametrize(
    ("settings", "english", "chinese"),
    [
        ({"steps": 0}, "number of steps must be a whole number from 1 to 2000", "步数必须是 1 到 2000 之间的整数"),
        ({"steps": 5000}, "number of steps must be a whole number from 1 to 2000", "步数必须是"),
        ({"lr": -0.1}, "learning rate must be a number above 0", "学习率必须是大于 0"),
        ({"lr": "nan"}, "learning rate must be a number above 0", "学习率必须是大于 0"),
        ({"optimizer": "RMSprop"}, "Unknown optimiser 'RMSprop': choose one of SGD, Adam", "未知的优化器"),
        ({"network": "resnet"}, "Unknown network 'resnet'", "未知的网络"),
    ],
)
def test_bad_settings_are_refused_in_the_callers_language(server_url, client, settings, english, chinese) -> None:
    with pytest.raises(AppError, match=english):
        client.predict(**settings, api_name="/train")
    chinese_client = Client(server_url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(AppError, match=chinese):
        chinese_client.predict(**settings, api_name="/train")
