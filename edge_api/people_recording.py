"""Recording the demo page's signals, to check a model against the operator's own people.

The shared training data is people on remote desktop; nobody has measured the model on
trackpads, phones or a given office's mice. With ``PALISADE_RECORD_PEOPLE=<file>`` (dev
mode only) each first submit of the demo site appends its signals payload, as one line
of the JSON that ``python -m scoring score`` and ``python -m scoring people`` read.
Colleagues use the demo page on their own devices, one file per kind of device, and
``python -m scoring people mouse.jsonl trackpad.jsonl`` says how many of them the model
would challenge, and why (docs/scoring.md, "Checking a model on your own people").
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import msgspec

from edge_api._exceptions import ConfigError
from scoring import Signals

__all__ = ["PeopleRecording"]

logger = logging.getLogger("palisade.people")
_encoder = msgspec.json.Encoder()


class PeopleRecording:
    """Appends the signals of one site's first submits to a JSONL file."""

    def __init__(self, path: Path, sitekey: str) -> None:
        try:
            # One unbuffered append per line: a line is whole or absent, even with
            # several workers on one file, and nothing waits in a buffer at a crash.
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(f"PALISADE_RECORD_PEOPLE: cannot append to {path}: {exc}") from None
        self.path = path
        self.sitekey = sitekey

    def record(self, sitekey: str, signals: Signals) -> None:
        """Append ``signals`` when they were sent to the recorded site."""
        if sitekey != self.sitekey:
            return
        try:
            # A few KB to a local file, in dev mode only: not worth a thread hop.
            os.write(self._fd, _encoder.encode(signals) + b"\n")
        except OSError as exc:
            logger.warning("could not record the demo page's signals to %s: %s", self.path, exc)

    def close(self) -> None:
        os.close(self._fd)
