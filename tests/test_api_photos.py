"""The photo set (model/photos.py) through the real server: ``python app.py`` and ``gradio_client``'s /classify, as a
script would send phone photos (JPEG files). Four photos per condition, the ten digits spread over the conditions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file

from model.evaluate_photos import PHOTO_SEED
from model.photos import CONDITIONS, photo_set
from model.preprocess import preprocess
from model.unsure import answer
from tests.servers import running_app

PER_CONDITION = 4


@pytest.fixture(scope="module")
def client():
    with running_app() as (url, _):
        yield Client(url, verbose=False)


@pytest.fixture(scope="module")
def photo_files(mnist_slice, tmp_path_factory) -> list[tuple[str, Path, int]]:
    """(condition, JPEG file, digit): for each condition, 4 of its first 10 photos, digits shifted per condition."""
    folder = tmp_path_factory.mktemp("photos")
    labels = mnist_slice.labels.astype(np.int64)
    files = []
    for offset, condition in enumerate(CONDITIONS):
        photos = photo_set(condition, mnist_slice.images, labels, 10, PHOTO_SEED + offset)
        for k in range(PER_CONDITION):
            photo = photos[(offset + 3 * k) % 10]
            path = folder / f"{condition}_{photo.label}.jpg"
            photo.image.save(path, quality=92)
            files.append((condition, path, photo.label))
    return files


@pytest.mark.slow
def test_classify_reads_the_photo_set(client, photo_files, digit_reader):
    """Each answer is the one the app's preprocessing and network give in process (what ``python -m
    model.evaluate`` measures); at least 90 % read right, and at most one reads as a wrong digit."""
    answers, expected = {}, {}
    for condition, path, digit in photo_files:
        answers[(condition, digit)] = client.predict(handle_file(str(path)), api_name="/classify").get("label")
        field = preprocess(str(path))
        expected[(condition, digit)] = "?" if field is None else answer(digit_reader.probabilities(field[None])[0])
    assert answers == expected
    right = [key for key, label in answers.items() if label == str(key[1])]
    wrong = {key: label for key, label in answers.items() if label not in (str(key[1]), "?")}
    assert {digit for _, digit in answers} == set(range(10))
    assert len(right) >= 0.9 * len(answers), answers
    assert len(wrong) <= 1, wrong
