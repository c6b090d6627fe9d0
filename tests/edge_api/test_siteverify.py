"""The siteverify form reader agrees with the standard library's parser."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl

import pytest

from edge_api.siteverify import form_pairs


def _library(text: str) -> list[tuple[str, str]] | str:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return "ValueError"


def _ours(text: str) -> list[tuple[str, str]] | str:
    try:
        return form_pairs(text)
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize(
    "text",
    [
        "secret=0xabc&response=p1.k1.YWJj.ZGVm",
        "secret=&response=",
        "=x",
        "a=b=c",
        "a",
        "a=1&",
        "&a=1",
        "a=1&&b=2",
        "a=1;b=2",
        "a=%41&b=c+d",
        "a=caf\u00e9",
    ],
)
def test_known_bodies_read_as_the_library_reads_them(text: str) -> None:
    assert _ours(text) == _library(text)


def test_random_bodies_read_as_the_library_reads_them() -> None:
    rng = random.Random(7)
    alphabet = "ab=&.-_;"  # nothing escaped: our own split
    escaped = alphabet + "%+2F"  # the library's path
    for letters in (alphabet, escaped):
        for _ in range(3000):
            text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 14)))
            assert _ours(text) == _library(text), text
