"""Local files the user names on the command line: regular files only, read under the HTTP body cap.

`aikb ingest --article PATH`, `aikb clean`, `aikb extract`, `aikb feeds import PATH` and
`aikb feeds add PATH` read files through here. A device (/dev/zero), a named pipe, a socket or a
directory is refused before it is opened for reading, and a file larger than `IngestOptions.max_bytes`
(the cap fetched bodies have) is refused instead of filling memory. The file is opened without
blocking and checked again on the open descriptor, so a path swapped for a pipe in between cannot
make a read hang.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ingest.errors import InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # IngestOptions.max_bytes' default: 10 MiB


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_mode(path: Path, info: os.stat_result, max_bytes: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is {_kind(info.st_mode)}, not a regular file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(f"{path}: {info.st_size} bytes, body over {max_bytes} bytes (the max_bytes limit)")


def check_local_file(path: str | Path, max_bytes: int | None = None) -> Path:
    """PATH resolved, when it names an existing regular file (no larger than MAX_BYTES, when given).

    Raises:
        InputError: missing, unreadable, a directory, device, pipe or socket, or over the cap.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    _check_mode(path, info, max_bytes)
    return path.resolve()


def read_local_file(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file PATH, at most MAX_BYTES (default: IngestOptions' max_bytes).

    Raises:
        InputError: as check_local_file, or the file grew past the cap while being read.
    """
    cap = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    path = Path(path)
    check_local_file(path, cap)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        _check_mode(path, os.fstat(fd), cap)  # the file actually opened, not the one stat() saw
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise InputError(f"{path}: body over {cap} bytes (the max_bytes limit)")
    return b"".join(chunks)
