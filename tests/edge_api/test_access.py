"""The access log's line writer: one write per turn of the event loop, in order."""

from __future__ import annotations

import asyncio
import io
import sys
from contextlib import redirect_stderr

from edge_api.access import MAX_BUFFERED, AccessLines


class CountingStderr(io.TextIOWrapper):
    """A text stderr over bytes that counts the writes reaching its buffer."""

    def __init__(self) -> None:
        self.raw_bytes = io.BytesIO()
        super().__init__(self.raw_bytes, encoding="utf-8")
        self.writes = 0
        original = self.raw_bytes.write

        def write(data: bytes) -> int:  # type: ignore[override]
            self.writes += 1
            return original(data)

        self.raw_bytes.write = write  # type: ignore[method-assign]


def test_lines_of_one_loop_turn_are_one_write() -> None:
    stderr = CountingStderr()

    async def main() -> None:
        lines = AccessLines()
        for n in range(3):
            lines.add(b'{"n":%d}\n' % n)
        assert stderr.writes == 0  # gathered, not yet written
        await asyncio.sleep(0)  # the loop's turn ends
        assert stderr.writes == 1
        lines.add(b'{"n":3}\n')
        await asyncio.sleep(0)
        assert stderr.writes == 2

    with redirect_stderr(stderr):
        asyncio.run(main())
    assert stderr.raw_bytes.getvalue() == b'{"n":0}\n{"n":1}\n{"n":2}\n{"n":3}\n'


def test_a_full_buffer_is_written_at_once() -> None:
    stderr = CountingStderr()

    async def main() -> None:
        lines = AccessLines()
        line = b"x" * 1023 + b"\n"
        for _ in range(MAX_BUFFERED // len(line) + 1):
            lines.add(line)
        assert stderr.writes == 1  # past the cap, without waiting for the turn to end

    with redirect_stderr(stderr):
        asyncio.run(main())


def test_without_a_loop_lines_are_written_at_once() -> None:
    stderr = CountingStderr()
    with redirect_stderr(stderr):
        AccessLines().add(b"one\n")
        assert stderr.raw_bytes.getvalue() == b"one\n"


def test_flush_keeps_order_with_text_already_on_stderr() -> None:
    stderr = CountingStderr()
    with redirect_stderr(stderr):
        sys.stderr.write("warning first\n")
        AccessLines().add(b"then the line\n")
    assert stderr.raw_bytes.getvalue() == b"warning first\nthen the line\n"
