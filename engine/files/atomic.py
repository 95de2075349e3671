"""Files written to a temporary name beside their destination, then renamed over it.

A failure at any point (a full disk, a cancelled export, a crash) leaves any existing file
as it was and no partial file behind. `Outputs` writes several files that way and renames
them all only when every one is complete.
"""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

# tempfile (with random, some 2 ms) is imported by the first write: `python -m engine
# presets` writes nothing


def _new_file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, encoding: str = "utf-8"):
    """open(path, "w") that only replaces `path` when the block completes."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        try:
            os.replace(tmp, path)
        except OSError as e:  # name the destination, not the temporary file
            raise OSError(e.errno, e.strerror, str(path)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path) as f:
        f.write(text)


class OutputError(OSError):
    """An output that could not be written, named by its destination and the option that gave it."""

    def __init__(self, path, option: str, error: OSError):
        super().__init__(error.errno, error.strerror or str(error), str(path))
        self.path, self.option = str(path), option

    def __str__(self) -> str:
        return f"{self.path}: {self.option}: cannot be written: {self.strerror}"


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Do the paths name one file (through links, hard links included)?"""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist (yet)
        return False


def output_path(path: str | os.PathLike, reads: dict[str, str] | None = None) -> Path:
    """Where an output named `path` is written: a symbolic link is written through (its
    target is replaced, as the user meant). Refused with ValueError: an empty path; a path that
    names a folder (it ends in / or is . or ..: "other.txt/" is not "other.txt"); anything that
    is not a regular file (a device such as /dev/null, a FIFO, a socket, a folder); and a file
    that is read (`reads`: each file read, with what it is as the refusal says it: "the CSV
    file --csv reads")."""
    text = os.fspath(path)
    if not text:
        raise ValueError("an empty path: give the name of a file to write")
    if os.path.basename(text) in ("", ".", ".."):
        raise ValueError("names a folder (it ends in / or is . or ..): give the name of a file to write")
    for source, what in (reads or {}).items():
        if source and same_file(text, source):
            raise ValueError(f"is {what}; give another path")
    path = Path(text)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return path
    except OSError as e:
        raise ValueError(f"cannot be used as an output: {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ValueError("is a folder")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise ValueError(f"is {kind}, not a regular file: give the path of a file to write")
    return path


class Outputs:
    """Several output files written together: each to a temporary name beside its
    destination, and all renamed over their destinations only once every one is complete.
    A failure (or a discard) removes every temporary file and changes no destination."""

    def __init__(self):
        self._pending: list[tuple[str, Path, str]] = []  # (temporary, destination, option)

    @contextlib.contextmanager
    def open(self, path: str | os.PathLike, option: str, encoding: str = "utf-8"):
        """A text file to write, at a temporary name beside `path` (see `reserve`)."""
        with self.reserve(path, option) as tmp:
            with open(tmp, "w", encoding=encoding, newline="") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())

    @contextlib.contextmanager
    def reserve(self, path: str | os.PathLike, option: str, suffix: str = ".part"):
        """The name of a temporary file beside `path` for another program to write (a PDF
        made by a converter): renamed over `path` by `commit` like the others."""
        path = Path(path)
        directory = path.parent if str(path.parent) else Path(".")
        import tempfile
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=directory)
            os.close(fd)
        except OSError as e:
            raise OutputError(path, option, e) from None
        self._pending.append((tmp, path, option))
        try:
            yield tmp
        except OSError as e:
            self.discard()
            raise OutputError(path, option, e) from None
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        pending, self._pending = self._pending, []
        for k, (tmp, path, option) in enumerate(pending):
            try:
                os.chmod(tmp, _new_file_mode(path))
                os.replace(tmp, path)
            except OSError as e:
                for later, _, _ in pending[k:]:
                    with contextlib.suppress(OSError):
                        os.unlink(later)
                raise OutputError(path, option, e) from None

    def discard(self) -> None:
        pending, self._pending = self._pending, []
        for tmp, _, _ in pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
