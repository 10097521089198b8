"""Background page rendering: a worker thread that owns its own PyMuPDF document, and a byte-bounded cache.

The GUI thread never touches the worker's document. It tells the worker what it wants, most urgent first
(:meth:`RenderWorker.set_wanted` replaces the whole queue, so pages scrolled out of view are dropped), and
receives results through a queued Qt signal. Each GIL-holding call is kept short: a page is rasterised from its
display list in horizontal strips, checking between strips whether it is still wanted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPainter

from reviewer.errors import ReviewerError
from reviewer.first_page import page_geometry, render_scale
from reviewer.limits import MAX_PAGE_WORK_BYTES
from ui.page_view.text import Link, Matrix, PageText, drop_overprinted, reading_order

if TYPE_CHECKING:
    from reviewer.document import Packet
    from ui.first_page import EarlyPage

# The records below are NamedTuples: a frozen dataclass costs about 1.5 ms to create, at import before the first frame.
# PyMuPDF (with reviewer.document) is imported where a document is first opened: at start-up that is after the
# first page is painted, when the helper process drew it (ui.first_page).

log = logging.getLogger("ui.page_view.renderer")

STRIP_PIXELS = 250_000  # pixels rasterised per GIL-holding call (a few ms even on dense tables)
FIRST_TASK_WAIT_S = 0.2  # the view asks for its first pages right after starting the worker
FIRST_PAINT_WAIT_S = 0.5  # the longest the document check waits for the first page to be painted
# After the helper's page is painted, how long PyMuPDF's import (0.1-0.2 s holding the GIL) waits for the view to ask
# for something new: meanwhile the steps after the first paint (a packet seen before shows its cached outline)
# run without it. Scrolling, thumbnails or a text request end the wait at once.
IMPORT_GRACE_S = 0.6


class RenderTask(NamedTuple):
    kind: str  # "render" | "text"
    page: int
    scale: float = 0.0

    @property
    def key(self) -> tuple[str, int, float]:
        return (self.kind, self.page, round(self.scale, 4))


class ImageResult(NamedTuple):
    generation: int
    page: int
    scale: float
    image: QImage
    seconds: float


class ThumbResult(NamedTuple):
    generation: int
    page: int
    image: QImage


class TextResult(NamedTuple):
    generation: int
    text: PageText


class MetaResult(NamedTuple):
    generation: int
    rotations: dict[int, Matrix]


class PageFailed(NamedTuple):
    """A page MuPDF cannot draw (damaged beyond repair): the view says so on it and stops asking for it."""

    generation: int
    page: int


class ErrorResult(NamedTuple):
    generation: int
    message: str


class ResultBridge(QObject):
    """Lives in the GUI thread; the worker emits on it, so delivery is queued onto the GUI thread."""

    delivered = Signal(object)


def read_page_geometry(path: Path, password: str | None) -> tuple[list[tuple[float, float]], dict[int, Matrix]]:
    """Displayed page sizes and the rotation matrices of rotated pages: from the start-up helper process when it
    opened this file (:mod:`ui.first_page`), else from a short-lived document.

    Opened with the packet's checks but not as a :class:`Packet`: setting aside too complex pages (tens of ms on
    the GUI thread before the first frame) changes their content, never their size or rotation."""
    from ui import first_page

    early = first_page.geometry_for(path, password)
    if early is not None:
        return early
    from reviewer.document import open_pdf
    from reviewer.errors import PdfOpenError

    doc = open_pdf(path, password)
    try:
        return page_geometry(doc)
    except Exception as exc:  # noqa: BLE001 - a page tree damaged beyond what MuPDF repairs
        log.warning("cannot read the pages of %s: %s", path.name, type(exc).__name__)
        raise PdfOpenError(f"PDFのページを読み取れません（ファイルが壊れています）: {path.name}",
                           f"The pages of this PDF cannot be read (the file is damaged): {path.name}.") from exc
    finally:
        doc.close()


def _link_from(raw: dict[str, object], page_count: int) -> Link | None:
    import pymupdf

    rect_obj = raw.get("from")
    if rect_obj is None:
        return None
    r = pymupdf.Rect(rect_obj)
    rect = (float(r.x0), float(r.y0), float(r.x1), float(r.y1))
    kind = raw.get("kind")
    if kind == pymupdf.LINK_GOTO:
        target_page = raw.get("page", -1)
        if not isinstance(target_page, int) or not 0 <= target_page < page_count:
            return None
        to = raw.get("to")
        y = float(to.y) if isinstance(to, pymupdf.Point) else None
        return Link(rect, "goto", target_page, y)
    if kind == pymupdf.LINK_URI:
        return Link(rect, "uri", target=str(raw.get("uri", "")))
    if kind in (pymupdf.LINK_LAUNCH, pymupdf.LINK_GOTOR):
        return Link(rect, "launch", target=str(raw.get("file", "") or raw.get("uri", "")))
    if kind == pymupdf.LINK_NAMED:
        target_page = raw.get("page", -1)
        name = str(raw.get("name", "") or raw.get("nameddest", ""))
        if isinstance(target_page, int) and 0 <= target_page < page_count:
            return Link(rect, "goto", target_page, None, name)
        return Link(rect, "named", target=name)
    return None


class RenderWorker:
    """A thread that owns one PyMuPDF document and serves render/text tasks, most urgent first."""

    def __init__(
        self,
        path: Path,
        password: str | None,
        generation: int,
        deliver: Callable[[object], None],
        send_rotations: bool = False,
        early: EarlyPage | None = None,
    ) -> None:
        self.path = path
        self.generation = generation
        self._password = password
        self._deliver = deliver
        self._send_rotations = send_rotations
        self._cond = threading.Condition()
        self._pending: list[RenderTask] = []
        self._thumbs: list[int] = []  # thumbnail pages, rendered only when no page of the view waits
        self._thumb_width = 96
        self._current: tuple[str, int, float] | None = None
        self._stopping = False
        self._drop_current = False
        self._thread = threading.Thread(target=self._run, name=f"page-render-{generation}", daemon=True)
        self._first_image_shown = threading.Event()
        self._asked_after_first_image = threading.Event()
        self._early = early  # the start-up helper process that opened this file (ui.first_page)
        self._early_released = threading.Event()
        self.pages_rendered = 0
        self.render_seconds = 0.0
        self.longest_call = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._pending.clear()
            self._cond.notify_all()
        self._first_image_shown.set()
        self._asked_after_first_image.set()
        self._early_released.set()
        if wait > 0 and self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    def first_image_shown(self) -> None:
        """The view painted the first image: the document check may take the GIL now."""
        self._first_image_shown.set()

    def release_early(self) -> None:
        """The view's pages and scale are settled (the opening, with its restored reading position, is done):
        the start-up helper may be asked for the pages on screen now."""
        self._early_released.set()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def set_wanted(self, tasks: list[RenderTask]) -> None:
        """Replace the queue with ``tasks`` (most urgent first); anything not listed is dropped, including
        a render in progress."""
        with self._cond:
            keys = {task.key for task in tasks}
            if self._first_image_shown.is_set() and keys - {task.key for task in self._pending}:
                self._asked_after_first_image.set()  # something new (scrolling, a text request): PyMuPDF now
            self._drop_current = self._current is not None and self._current not in keys
            seen: set[tuple[str, int, float]] = set()
            queue: list[RenderTask] = []
            for task in tasks:
                key = task.key
                if key in seen or key == self._current:
                    continue
                seen.add(key)
                queue.append(task)
            self._pending = queue
            if queue:
                self._cond.notify_all()

    def set_thumbnails(self, pages: list[int], width_px: int) -> None:
        """Replace the thumbnail queue (first = most urgent); thumbnails wait for the view's own pages."""
        with self._cond:
            self._thumbs = list(dict.fromkeys(pages))
            self._thumb_width = max(16, int(width_px))
            if self._thumbs:
                self._asked_after_first_image.set()
                self._cond.notify_all()

    def _run(self) -> None:
        early_sent = self._serve_early(self._early) if self._early is not None else False
        if early_sent is None:
            return
        if early_sent:
            # Importing PyMuPDF holds the GIL for 0.1-0.2 s: let the GUI thread paint the helper's page first, and
            # do its next steps, until the view wants more (IMPORT_GRACE_S).
            self._first_image_shown.wait(FIRST_PAINT_WAIT_S)
            self._asked_after_first_image.wait(IMPORT_GRACE_S)
        from reviewer.document import Packet, open_pdf

        try:
            doc = open_pdf(self.path, self._password)
        except ReviewerError as exc:
            self._emit(ErrorResult(self.generation, exc.message_ja))
            return
        except Exception as exc:  # a damaged file must not kill the app
            log.exception("render worker could not open %s", self.path)
            self._emit(ErrorResult(self.generation, str(exc)))
            return
        try:
            sent = True if early_sent else self._render_first_page(doc)
            if sent is None:
                doc.close()
                return
            if sent and not early_sent:
                # The check below holds the GIL for tens of ms: let the GUI thread paint that page first.
                self._first_image_shown.wait(FIRST_PAINT_WAIT_S)
            packet = Packet(self.path, doc, "")
        except Exception as exc:
            log.exception("render worker could not read %s", self.path)
            doc.close()
            self._emit(ErrorResult(self.generation, str(exc)))
            return
        try:
            self._loop(packet)
        except Exception:
            log.exception("render worker failed")
        finally:
            packet.close()

    def _serve_early(self, early: EarlyPage) -> bool | None:
        """The pages on screen from the start-up helper process, before this thread imports PyMuPDF: waits until
        the view has settled what it wants, asks the helper for the leading render tasks and delivers their
        images. True when an image was sent, False when the helper served none (the usual path follows), None
        when the view is gone."""
        from ui import first_page

        try:
            self._early_released.wait(first_page.WAIT_S)
            deadline = time.monotonic() + first_page.WAIT_S
            with self._cond:
                # A restored reading position first scrolls; the view asks for its pages when that settles.
                while not self._stopping and not any(t.kind == "render" for t in self._pending):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                if self._stopping:
                    return None
                tasks: list[RenderTask] = []
                for task in self._pending:
                    if task.kind != "render" or (tasks and task.scale != tasks[0].scale):
                        if tasks:
                            break
                        continue
                    tasks.append(task)
                    if len(tasks) == first_page.MAX_PAGES:
                        break
            if not tasks or not early.request(tasks[0].scale, [task.page for task in tasks]):
                return False
            sent = False
            for task in tasks:
                began = time.perf_counter()
                raw = early.read_page()
                if raw is None:
                    if early.failed:
                        break
                    continue
                page, width, height, stride, data = raw
                if page != task.page:
                    break
                image = QImage(data, width, height, stride, QImage.Format.Format_RGB888).convertToFormat(
                    QImage.Format.Format_RGB32)
                del data
                with self._cond:
                    if self._stopping:
                        return None
                    self._pending = [t for t in self._pending if t.key != task.key]
                if not self._emit(ImageResult(self.generation, page, task.scale, image, time.perf_counter() - began)):
                    return None
                sent = True
            return sent
        finally:
            early.close()

    def _render_first_page(self, doc: Any) -> bool | None:
        """Render the first wanted page before the whole document is checked for too complex pages (a scan of
        every page, tens of ms before the first frame); that page alone is checked first, and when it is too
        complex it waits for the :class:`Packet`, which sets it aside. True when an image was sent, None when
        the view is gone."""
        with self._cond:
            if not self._pending and not self._stopping:
                self._cond.wait(FIRST_TASK_WAIT_S)
            if self._stopping or not self._pending or self._pending[0].kind != "render":
                return None if self._stopping else False
            task = self._pending[0]
        from reviewer.document import page_work

        if page_work(doc, task.page) > MAX_PAGE_WORK_BYTES:
            return False
        with self._cond:
            if self._stopping or not self._pending or self._pending[0] is not task:
                return None if self._stopping else False
            self._pending.pop(0)
            self._current = task.key
            self._drop_current = False
        try:
            result: object = self._render(doc, task)
        except Exception as exc:
            log.warning("page %d: render failed: %s", task.page + 1, exc)
            result = PageFailed(self.generation, task.page)
        with self._cond:
            self._current = None
        if result is None:
            return False
        if not self._emit(result):
            return None
        return isinstance(result, ImageResult)

    def _loop(self, packet: Packet) -> None:
        rotations_sent = not self._send_rotations
        while True:
            with self._cond:
                while not self._pending and not self._thumbs and not self._stopping:
                    if not rotations_sent:
                        break
                    self._cond.wait()
                if self._stopping:
                    return
                task = self._pending.pop(0) if self._pending else None
                thumb = self._thumbs.pop(0) if task is None and self._thumbs and rotations_sent else None
                self._current = task.key if task else None
                self._drop_current = False
            if thumb is not None:
                image = self._thumbnail(packet, thumb)
                if image is not None and not self._emit(ThumbResult(self.generation, thumb, image)):
                    return
                time.sleep(0)
                continue
            if task is None:
                rotations_sent = True
                if not self._emit(MetaResult(self.generation, self._rotations(packet))):
                    return
                continue
            try:
                if task.kind == "render":
                    result: object = self._render(packet.doc, task)
                else:
                    result = self._text(packet, task.page)
            except Exception as exc:
                log.warning("page %d: %s failed: %s", task.page + 1, task.kind, exc)
                result = PageFailed(self.generation, task.page) if task.kind == "render" else None
            with self._cond:
                self._current = None
            if result is not None and not self._emit(result):
                return
            time.sleep(0)  # let the GUI thread take the GIL between tasks

    def _emit(self, result: object) -> bool:
        try:
            self._deliver(result)
        except RuntimeError:  # the receiving widget is gone
            with self._cond:
                self._stopping = True
            return False
        return True

    def _rotations(self, packet: Packet) -> dict[int, Matrix]:
        rotations: dict[int, Matrix] = {}
        for index in range(packet.page_count):
            page = packet.doc[index]
            if page.rotation:
                rotations[index] = tuple(float(v) for v in page.rotation_matrix)  # type: ignore[assignment]
        return rotations

    def _timed(self, started: float) -> float:
        now = time.perf_counter()
        self.longest_call = max(self.longest_call, now - started)
        return now

    def _render(self, doc: Any, task: RenderTask) -> ImageResult | None:
        import pymupdf

        began = time.perf_counter()
        t0 = began
        page = doc[task.page]
        display_list = page.get_displaylist(annots=True)
        t0 = self._timed(t0)
        rect = display_list.rect
        scale = task.scale
        scale = render_scale(rect.width, rect.height, scale)
        matrix = pymupdf.Matrix(scale, scale)
        full = (rect * matrix).irect
        width, height = max(1, full.width), max(1, full.height)
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        rows = max(32, STRIP_PIXELS // width)
        painter = QPainter(image)
        try:
            y = 0
            while y < height:
                time.sleep(0)
                if y and self._stale():
                    return None
                t0 = time.perf_counter()
                clip = pymupdf.Rect(rect.x0, rect.y0 + y / scale, rect.x1, rect.y0 + min(height, y + rows) / scale)
                pix = display_list.get_pixmap(matrix=matrix, clip=clip, alpha=False)
                strip = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888)
                painter.drawImage(pix.x - full.x0, pix.y - full.y0, strip)
                del strip, pix
                t0 = self._timed(t0)
                y += rows
        finally:
            painter.end()
        seconds = time.perf_counter() - began
        self.pages_rendered += 1
        self.render_seconds += seconds
        return ImageResult(self.generation, task.page, task.scale, image, seconds)

    def _thumbnail(self, packet: Packet, page_index: int) -> QImage | None:
        import pymupdf

        if not 0 <= page_index < packet.page_count:
            return None
        try:
            page = packet.doc[page_index]
            zoom = self._thumb_width / max(page.rect.width, 1.0)
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            # Copied into an image we own before the pixmap's memory goes.
            image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888).copy()
            del pix
            return image
        except Exception as exc:
            log.warning("thumbnail of page %d failed: %s", page_index + 1, type(exc).__name__)
            return None

    def _stale(self) -> bool:
        """Whether a newer queue from the GUI dropped the task in progress (scrolled away or re-zoomed)."""
        with self._cond:
            return self._stopping or self._drop_current

    def _text(self, packet: Packet, page: int) -> TextResult:
        t0 = time.perf_counter()
        lines = reading_order(drop_overprinted(packet.page_lines(page)))
        t0 = self._timed(t0)
        links: list[Link] = []
        for raw in packet.doc[page].get_links():
            link = _link_from(raw, packet.page_count)
            if link is not None:
                links.append(link)
        self._timed(t0)
        return TextResult(self.generation, PageText(page, lines, links))


class ImageCache:
    """Rendered page images, least recently used evicted first, bounded by bytes.

    One image per page (the newest scale replaces older ones). Pages passed as ``pinned`` to :meth:`trim`
    (the visible ones) are never evicted, so the bound can be exceeded only by what is on screen.
    """

    def __init__(self, limit_bytes: int = 256 * 1024 * 1024) -> None:
        self.limit_bytes = limit_bytes
        self._images: OrderedDict[int, tuple[float, QImage]] = OrderedDict()
        self.bytes = 0
        self.peak_bytes = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._images)

    def __contains__(self, page: int) -> bool:
        return page in self._images

    def get(self, page: int) -> tuple[float, QImage] | None:
        entry = self._images.get(page)
        if entry is not None:
            self._images.move_to_end(page)
        return entry

    def put(self, page: int, scale: float, image: QImage, pinned: Iterable[int] = ()) -> None:
        old = self._images.pop(page, None)
        if old is not None:
            self.bytes -= old[1].sizeInBytes()
        self._images[page] = (scale, image)
        self.bytes += image.sizeInBytes()
        self.trim(pinned)
        self.peak_bytes = max(self.peak_bytes, self.bytes)

    def trim(self, pinned: Iterable[int] = ()) -> None:
        keep = set(pinned)
        if self.bytes <= self.limit_bytes:
            return
        for page in list(self._images):
            if self.bytes <= self.limit_bytes:
                break
            if page in keep:
                continue
            _, image = self._images.pop(page)
            self.bytes -= image.sizeInBytes()
            self.evictions += 1

    def clear(self) -> None:
        self._images.clear()
        self.bytes = 0

    def pages(self) -> list[int]:
        return list(self._images)
