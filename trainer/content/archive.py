"""A course as a .zip of its files (`<slug>/course.md`, `<slug>/NN-<module>.md`), both ways.

Export streams the same files `trainer courses export` writes. Import refuses anything but
that layout before extracting a byte: path traversal, absolute paths, backslashes, symlinks
and other special files, encrypted entries, anything but the expected .md files, and zip
bombs (too many entries, too much uncompressed data, or a suspicious compression ratio).
What passes is extracted into a temporary folder and imported the normal way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from trainer.audit import Actor
from trainer.content.errors import ContentError, ValidationFailed
from trainer.content.importer import import_courses
from trainer.content.report import ImportReport
from trainer.content.tree import COURSE_FILE, MODULE_NAME, SLUG

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MiB = 1024 * 1024


class ArchiveError(ValueError):
    """The upload is not a course archive Trainer accepts; the message says why."""


@dataclasses.dataclass(frozen=True)
class Limits:
    zip_bytes: int = 5 * MiB  # the upload itself
    total_bytes: int = 20 * MiB  # all files, uncompressed
    entries: int = 200
    ratio: int = 100  # uncompressed : compressed, per file
    ratio_from_bytes: int = 4096  # tiny files may compress well without being bombs


def zip_stream(files: Iterable[tuple[str, str]], when: dt.datetime) -> Iterator[bytes]:
    """The zip of `files` ((name, text) pairs), produced piece by piece."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, text.encode("utf-8"))
            yield sink.take()
    yield sink.take()


class _Sink(io.RawIOBase):
    """A write-only stream without tell(): zipfile then writes a streamable zip."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        return len(chunk)

    def tell(self) -> int:
        raise OSError("not seekable")

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def import_course_archive(session: Session, actor: Actor, data: bytes, *, dry_run: bool,
                          limits: Limits = Limits()) -> ImportReport:
    """Check, extract and import an uploaded course zip (nothing written when `dry_run`).

    Raises ArchiveError for a refused upload and ValidationFailed (paths inside the zip)
    when a file has a problem; nothing is imported then.
    """
    with tempfile.TemporaryDirectory(prefix="trainer-course-") as folder:
        course = unpack_course(data, Path(folder), limits)
        try:
            return import_courses(session, course, actor, dry_run=dry_run, from_files=False)
        except ValidationFailed as failed:
            raise ValidationFailed([_relative(error, folder) for error in failed.errors]) from None


def _relative(error: ContentError, folder: str) -> ContentError:
    return dataclasses.replace(error, path=os.path.relpath(error.path, folder))


def unpack_course(data: bytes, destination: Path, limits: Limits = Limits()) -> Path:
    """Extract one course folder from zip `data` into `destination`; its path is returned."""
    if len(data) > limits.zip_bytes:
        raise ArchiveError(f"The file is larger than {limits.zip_bytes // MiB} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files, slug = _checked_entries(archive, limits)
            folder = destination / slug
            folder.mkdir()
            for info in files:
                target = folder / PurePosixPath(info.filename).name
                target.write_bytes(_read(archive, info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise ArchiveError(f"This is not a readable zip file ({error}).") from None
    return folder


def _checked_entries(archive: zipfile.ZipFile, limits: Limits) -> tuple[list[zipfile.ZipInfo], str]:
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise ArchiveError(f"The zip holds {len(entries)} entries; at most {limits.entries} are accepted.")
    total = sum(info.file_size for info in entries)
    if total > limits.total_bytes:
        raise ArchiveError(f"The files would take {total // MiB} MB unpacked; at most "
                           f"{limits.total_bytes // MiB} MB are accepted.")
    slugs: set[str] = set()
    names: set[str] = set()
    files = []
    for info in entries:
        parts = _checked_name(info, limits)
        slugs.add(parts[0])
        if info.filename in names:
            raise ArchiveError(f"{info.filename}: is in the zip twice.")
        names.add(info.filename)
        if len(parts) == 2:
            files.append(info)
    if len(slugs) != 1:
        raise ArchiveError("The zip must hold exactly one course folder "
                           "(<slug>/course.md, <slug>/NN-name.md).")
    return files, slugs.pop()


def _checked_name(info: zipfile.ZipInfo, limits: Limits) -> list[str]:
    """The entry's path parts, after refusing anything but `<slug>/` and `<slug>/<file>.md`."""
    name = info.filename
    if "\\" in name:
        raise ArchiveError(f"{name}: backslashes are not allowed in names.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"{name}: absolute paths are not allowed.")
    parts = name.rstrip("/").split("/") if info.is_dir() else name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ArchiveError(f"{name}: '..', '.' and empty path parts are not allowed.")
    file_type = stat.S_IFMT(info.external_attr >> 16)  # Unix mode bits; 0 when the zip has none
    if file_type == stat.S_IFLNK:
        raise ArchiveError(f"{name}: symbolic links are not allowed.")
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ArchiveError(f"{name}: only plain files are allowed.")
    if info.flag_bits & 0x1:
        raise ArchiveError(f"{name}: encrypted files are not accepted.")
    if not SLUG.fullmatch(parts[0]) or (info.is_dir() and len(parts) != 1):
        raise ArchiveError(f"{name}: expected one course folder named by its slug (e.g. breach-response/).")
    if not info.is_dir() and (len(parts) != 2 or not _expected_file(parts[1])):
        raise ArchiveError(f"{name}: only course.md and module files named NN-slug.md are accepted, "
                           "directly inside the course folder.")
    ratio_limit = limits.ratio * max(info.compress_size, 1)
    if info.file_size > limits.ratio_from_bytes and info.file_size > ratio_limit:
        raise ArchiveError(f"{name}: compressed more than {limits.ratio}:1, which only a zip bomb does.")
    return parts


def _expected_file(name: str) -> bool:
    return name == COURSE_FILE or MODULE_NAME.fullmatch(name) is not None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Never more than the declared size (already checked against the limits), whatever the stream says.
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ArchiveError(f"{info.filename}: is larger than the zip says.")
    return data
