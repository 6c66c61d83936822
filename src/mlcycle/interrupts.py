"""One interrupt policy for the whole process: Ctrl-C is exit 130, always.

Libraries catch exceptions broadly (pydantic turns an exception raised inside
validation into a validation error), so a KeyboardInterrupt alone could come
out as a false input error. The SIGINT handler therefore also *records* the
interrupt: whatever a command then returns or raises, a recorded interrupt
means exit 130 and one line, ``mlcycle: interrupted``.

Work that must not be cut in half (init moving files into place, or undoing
that) runs ``shielded()``: the handler only records, and the work calls
``checkpoint()`` where stopping is safe. Once a command has passed its point
of no return it calls ``completed()``: a later Ctrl-C is ignored, so a done
``init`` never reports itself as interrupted.
"""

from __future__ import annotations

# Lean on purpose: the console script installs the handler before anything
# else is imported (no typing, threading or contextlib at run time).
import signal
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~10 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, TracebackType


class _State:
    pending = False  # Ctrl-C was pressed
    shielded = 0  # depth of shielded() blocks
    completed = False  # past the point of no return: Ctrl-C is ignored


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    if _State.completed:
        return
    _State.pending = True
    if not _State.shielded:
        raise KeyboardInterrupt


def install() -> Callable[[], None]:
    """Take over SIGINT for one command; returns what puts the old handler back.
    Only the main thread can (a command run from another thread keeps Python's
    default) and a SIGINT ignored at start (``nohup``, ``&`` in a script) stays
    ignored. Installed twice (the console script does it before its imports), the
    second call only starts afresh."""
    old = signal.getsignal(signal.SIGINT)
    if old is _on_sigint:  # keep an interrupt already recorded (during the imports)
        _State.shielded, _State.completed = 0, False
        return _nothing
    _State.pending, _State.shielded, _State.completed = False, 0, False
    if old is signal.SIG_IGN:
        return _nothing
    try:
        signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread
        return _nothing
    old_hook = sys.unraisablehook
    sys.unraisablehook = _unraisable

    def restore() -> None:
        signal.signal(signal.SIGINT, old)
        sys.unraisablehook = old_hook

    return restore


def _nothing() -> None:
    pass


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Python prints an exception it cannot raise ("Exception ignored in ...",
    e.g. raised inside a regular expression compiled for pydantic) with its
    traceback; our own KeyboardInterrupt is already recorded, so not that one."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _State.pending:
        return
    sys.__unraisablehook__(unraisable)


def pending() -> bool:
    """Ctrl-C was pressed before the command completed."""
    return _State.pending


def checkpoint() -> None:
    """Stop here if Ctrl-C was pressed: a safe point of shielded work, or the
    last moment before a command prints its result."""
    if _State.pending and not _State.completed:
        raise KeyboardInterrupt


def completed() -> None:
    """The command's work is done and cannot be undone: from now on Ctrl-C is
    ignored, and an interrupt recorded before no longer changes the outcome."""
    _State.completed, _State.pending = True, False


class shielded:  # noqa: N801 - used like a function: `with shielded():`
    """Ctrl-C is only recorded inside: the work decides where to stop (``checkpoint``)."""

    def __enter__(self) -> None:
        _State.shielded += 1

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        _State.shielded -= 1


def ignore() -> None:
    """Ignore Ctrl-C from now on, down to the operating system: in a worker process
    (the terminal sends Ctrl-C to it too, but the parent decides what it means),
    and in the console script once the outcome is decided (during the interpreter's
    shutdown Python's own handler is gone, and a Ctrl-C would kill the process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
