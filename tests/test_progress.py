"""The progress line of long runs: on a terminal only, overwritten in place, cleared at the end."""

from __future__ import annotations

import io
import time

from generator.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_stage_and_the_line_is_cleared_at_the_end() -> None:
    stream = Terminal()
    with Progress(stream, delay=0) as progress:
        progress.stage("reading spec.json")
        deadline = time.monotonic() + 5
        while "reading spec.json" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        progress.stage("formatting 12 files")
    text = stream.getvalue()
    assert "\rreading spec.json… " in text.replace("\x1b[K", "")
    assert "formatting 12 files… " in text
    assert text.endswith("\r\x1b[K")
    assert "\n" not in text


def test_lines_printed_above_it_start_on_a_clean_line() -> None:
    stream = Terminal()
    with Progress(stream, delay=0) as progress:
        progress.stage("rendering")
        progress._draw()
        with progress.above():
            stream.write("warning: something\n")
    assert "\r\x1b[Kwarning: something\n" in stream.getvalue()


def test_nothing_is_written_where_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(stream, delay=0) as progress:
        progress.stage("reading")
        time.sleep(0.05)
    assert stream.getvalue() == ""


def test_a_short_run_shows_nothing() -> None:
    stream = Terminal()
    with Progress(stream, delay=10) as progress:
        progress.stage("reading")
    assert stream.getvalue() == ""
