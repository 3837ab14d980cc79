"""Text from PDF and office files, read once at upload, in a child process with limits.

A hostile PDF (JavaScript, a page tree claiming millions of pages, a broken
cross-reference table, a decompression bomb) must neither crash nor hang the
upload: the parsing runs in a forked child with a memory limit (MEMORY_BYTES beyond what
the parent already maps) and is killed
after ``TIMEOUT`` seconds; at most ``MAX_PAGES`` pages and ``MAX_CHARS``
characters are read. pypdf never runs a PDF's JavaScript. A PDF whose pages
hold no text (a scan) is marked ``no_text``.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import zipfile
from dataclasses import dataclass

import docx
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load
from pypdf import PdfReader

MAX_PAGES = 300
MAX_CHARS = 200_000
TIMEOUT = 20.0
MEMORY_BYTES = 768 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
# text: words were found; no_text: a readable file without text (a scan); failed: unreadable or
# over the limits; unsupported: a format we do not read (spreadsheets, slides, legacy Word).
STATUSES = ("text", "no_text", "failed", "unsupported")


@dataclass(frozen=True)
class Extracted:
    """The text of a file, its status and how many pages were read."""

    text: str
    status: str
    pages: int = 0


def _pdf(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    parts, size, read = [], 0, 0
    for number in range(min(len(reader.pages), MAX_PAGES)):
        page_text = reader.pages[number].extract_text() or ""
        read += 1
        parts.append(page_text)
        size += len(page_text)
        if size >= MAX_CHARS:
            break
    return "\n".join(parts), read


def _docx(data: bytes) -> tuple[str, int]:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts), 0


def _odt(data: bytes) -> tuple[str, int]:
    document = load(io.BytesIO(data))
    parts = [teletype.extractText(p) for p in document.getElementsByType(odf_text.P)]
    return "\n".join(parts), 0


READERS = {"application/pdf": _pdf, DOCX: _docx, ODT: _odt}


def extract_here(data: bytes, content_type: str) -> Extracted:
    """Read the text in this process (the bench and the child use it); never raises."""
    reader = READERS.get(content_type)
    if reader is None:
        return Extracted("", "unsupported")
    if content_type != "application/pdf" and not _small_zip(data):
        return Extracted("", "failed")
    try:
        found, pages = reader(data)
    except Exception:  # noqa: BLE001 - any parser failure means "no text", never a failed upload
        return Extracted("", "failed")
    found = found[:MAX_CHARS].replace("\x00", "")
    return Extracted(found, "text" if found.strip() else "no_text", pages)


def _small_zip(data: bytes) -> bool:
    """An office file whose parts inflate to a sane size (no zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= 200 * 1024 * 1024
    except (zipfile.BadZipFile, ValueError):
        return False


def _address_space() -> int:
    """This process's virtual size in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def child_memory_limit() -> int:
    """The address-space cap for a parsing child forked from this process now, in bytes.

    The child is a fork of a web or worker process that may already map more than MEMORY_BYTES
    (threads' stacks, fonts, libraries; 1.3 GB was seen): the cap is MEMORY_BYTES more than it
    maps, else any parse that needs fresh memory fails and uploads read as "failed".
    """
    return _address_space() + MEMORY_BYTES


def _child(data: bytes, content_type: str, pipe) -> None:
    limit = child_memory_limit()
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    result = extract_here(data, content_type)
    pipe.send((result.text, result.status, result.pages))
    pipe.close()


def extract(data: bytes, content_type: str, *, timeout: float = TIMEOUT) -> Extracted:
    """The text of an uploaded file, read in a child process killed after ``timeout`` seconds."""
    if content_type not in READERS:
        return Extracted("", "unsupported")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(data, content_type, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(timeout):
            text, status, pages = receiver.recv()
            return Extracted(text, status, pages)
        return Extracted("", "failed")
    except (EOFError, OSError):
        return Extracted("", "failed")  # the child died (memory limit, crash)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
