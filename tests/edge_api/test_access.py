"""The access log's line writer: one write per turn of the event loop, in order, in
whole lines of at most PIPE_BUF bytes."""

from __future__ import annotations

import asyncio
import io
import select
import sys
from contextlib import redirect_stderr

from edge_api.access import MAX_BUFFERED, AccessLines


class CountingStderr(io.TextIOWrapper):
    """A text stderr over bytes that counts the writes reaching its buffer."""

    def __init__(self) -> None:
        self.raw_bytes = io.BytesIO()
        super().__init__(self.raw_bytes, encoding="utf-8")
        self.chunks: list[bytes] = []
        original = self.raw_bytes.write

        def write(data: bytes) -> int:  # type: ignore[override]
            self.chunks.append(bytes(data))
            return original(data)

        self.raw_bytes.write = write  # type: ignore[method-assign]

    @property
    def writes(self) -> int:
        return len(self.chunks)


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
        assert stderr.writes > 0  # past the cap, without waiting for the turn to end

    with redirect_stderr(stderr):
        asyncio.run(main())


def test_writes_hold_whole_lines_within_pipe_buf() -> None:
    """Workers share stderr; only writes up to PIPE_BUF are atomic on a pipe."""
    stderr = CountingStderr()
    sent = [b'{"n":%d,"pad":"%s"}\n' % (n, b"p" * (n * 37 % 400)) for n in range(200)]

    async def main() -> None:
        lines = AccessLines()
        for line in sent:
            lines.add(line)

    with redirect_stderr(stderr):
        asyncio.run(main())
    assert b"".join(stderr.chunks) == b"".join(sent)
    assert len(stderr.chunks) > 1
    for chunk in stderr.chunks:
        assert len(chunk) <= select.PIPE_BUF
        assert chunk.endswith(b"\n")
    # As few writes as whole lines allow: no two neighbours would have fitted in one.
    for first, second in zip(stderr.chunks, stderr.chunks[1:], strict=False):
        assert len(first) + len(second.split(b"\n", 1)[0]) + 1 > select.PIPE_BUF


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
