"""The first page of a packet, rendered in a helper process while the GUI process starts (issue 16).

The GUI process starts this module (``python -m reviewer.first_page PATH``, or the built app with
``--first-page-helper PATH``) before it imports Qt, so that importing PyMuPDF and opening the PDF here runs on the
other core while the GUI imports Qt and builds its window. The PDF is opened with the checks of every opener
(:func:`reviewer.document.open_pdf`); the page geometry goes back at once; then the helper waits for one request
(the scale and the pages on screen, which only the laid-out window knows) and sends those pages as raw RGB, drawn
exactly as the page view's render worker draws them. Whatever it does not serve (a password, a damaged or non-PDF
file, a too complex page) it answers with ``fallback``: the GUI then takes its own path, which reports it as always.

Protocol, one JSON line before each payload:
    helper → GUI: ``{"status": "ok", "sizes": [[w, h], ...], "rotations": {"3": [a, b, c, d, e, f]}}``
                  or ``{"status": "fallback", "reason": "..."}``
    GUI → helper: ``{"scale": s, "pages": [p, ...]}`` (an empty line or end of file: nothing wanted)
    helper → GUI, per page: ``{"page": p, "width": w, "height": h, "stride": n}`` then ``n * h`` bytes of RGB,
                  or, with memory shared with the GUI (a forked helper), ``{..., "shared": offset}`` and the bytes
                  written there instead of into the pipe (a page is a few MB: ~8 ms less before it shows),
                  or ``{"page": p, "fallback": "..."}``
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO

Matrix = tuple[float, float, float, float, float, float]
Geometry = tuple[list[tuple[float, float]], dict[int, Matrix]]

HELPER_FLAG = "--first-page-helper"  # the built app's argument that makes it this helper
MAX_PAGE_PIXELS = 40_000_000  # beyond this a page renders at a lower scale (RGB32: 160 MB)


def page_geometry(doc: Any) -> Geometry:
    """Displayed page sizes and the rotation matrices of rotated pages of an open document.

    Read from the page objects as MuPDF bounds a loaded page (a third of the time for 600 pages); a damaged page
    tree falls back to loading each page, which fails or repairs the same way the pages do later."""
    try:
        return _geometry_from_page_objects(doc)
    except Exception:  # noqa: BLE001 - any damage: the slow way decides
        return _geometry_from_loaded_pages(doc)


def _geometry_from_page_objects(doc: Any) -> Geometry:
    """Each page's box as MuPDF bounds a loaded page (media box ∩ crop box, rotated), read from the page objects
    without loading the pages; only rotated pages are loaded, for their rotation matrix."""
    import pymupdf

    mupdf = pymupdf.mupdf
    pdf = mupdf.pdf_document_from_fz_document(doc.this)
    if not pdf.m_internal:  # not a PDF inside (a damaged file MuPDF opened another way): its calls would crash
        raise ValueError("no PDF document")
    box, ctm = mupdf.FzRect(), mupdf.FzMatrix()
    sizes: list[tuple[float, float]] = []
    rotations: dict[int, Matrix] = {}
    for index in range(int(doc.page_count)):
        page_object = mupdf.pdf_lookup_page_obj(pdf, index)
        mupdf.pdf_page_obj_transform(page_object, box, ctm)
        bounds = mupdf.fz_transform_rect(box, ctm)
        sizes.append((float(bounds.x1 - bounds.x0), float(bounds.y1 - bounds.y0)))
        if mupdf.pdf_to_int(mupdf.pdf_dict_get_inheritable(page_object, mupdf.PDF_ENUM_NAME_Rotate)) % 360:
            page = doc[index]
            if page.rotation:
                rotations[index] = _matrix(page.rotation_matrix)
    return sizes, rotations


A4 = (595.0, 842.0)  # points: the place of a page that cannot be loaded, when no page before it could


def _geometry_from_loaded_pages(doc: Any) -> Geometry:
    """Each page loaded. A page that cannot be loaded (a damaged page tree: 「cannot find page 3」, a cycle) keeps
    its place with the size of the page before it, so that the readable pages still open (its render then fails
    on its own); ValueError when no page loads at all."""
    sizes: list[tuple[float, float]] = []
    rotations: dict[int, Matrix] = {}
    readable = False
    for index in range(int(doc.page_count)):
        try:
            page = doc[index]
            rect = page.rect
            rotation = page.rotation_matrix if page.rotation else None
        except Exception:  # noqa: BLE001 - MuPDF's errors of a damaged page are of many types
            sizes.append(sizes[-1] if sizes else A4)
            continue
        readable = True
        sizes.append((float(rect.width), float(rect.height)))
        if rotation is not None:
            rotations[index] = _matrix(rotation)
    if not readable:
        raise ValueError("no page of the document can be loaded")
    return sizes, rotations


def _matrix(values: Any) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def render_scale(width: float, height: float, scale: float) -> float:
    """``scale``, lowered so that a page of ``width`` × ``height`` points stays within ``MAX_PAGE_PIXELS``."""
    pixels = width * height * scale * scale
    return scale * (MAX_PAGE_PIXELS / pixels) ** 0.5 if pixels > MAX_PAGE_PIXELS else scale


def display_list(doc: Any, index: int) -> Any:
    """What the render worker draws page ``index`` from; None for a too complex page, which the worker sets aside
    first."""
    from reviewer.document import page_work
    from reviewer.limits import MAX_PAGE_WORK_BYTES

    if page_work(doc, index) > MAX_PAGE_WORK_BYTES:
        return None
    return doc[index].get_displaylist(annots=True)


def render_rgb(doc: Any, index: int, scale: float, prepared: Any = None) -> Any:
    """Page ``index`` at ``scale`` as an RGB pixmap, the pixels the render worker draws (its strips of the same
    display list give the same bytes); None for a too complex page. ``prepared``: that page's display list."""
    import pymupdf

    listed = prepared if prepared is not None else display_list(doc, index)
    if listed is None:
        return None
    rect = listed.rect
    scale = render_scale(rect.width, rect.height, scale)
    return listed.get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)


def _send(out: BinaryIO, header: dict[str, Any], payload: Any = None) -> None:
    out.write(json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n")
    if payload is not None:
        out.write(payload)
    out.flush()


def serve(path: str, requests: BinaryIO, out: BinaryIO, shared: Any = None) -> int:
    """Open ``path``, send its geometry, then render the one request's pages (see the module docstring); into
    ``shared`` (a writable buffer the GUI process sees too) where they fit."""
    try:
        from reviewer.document import open_pdf

        doc = open_pdf(path, None)
    except Exception as exc:  # noqa: BLE001 - every failure is the GUI's own path to report
        _send(out, {"status": "fallback", "reason": type(exc).__name__})
        return 0
    try:
        try:
            sizes, rotations = page_geometry(doc)
        except Exception as exc:  # noqa: BLE001
            _send(out, {"status": "fallback", "reason": type(exc).__name__})
            return 0
        _send(out, {"status": "ok", "sizes": sizes, "rotations": {str(k): v for k, v in rotations.items()}})
        try:  # page 1, the page most starts show, is prepared while the GUI builds its window
            prepared = {0: display_list(doc, 0)}
        except Exception:  # noqa: BLE001 - tried again (and answered) when asked for
            prepared = {}
        line = requests.readline()
        if not line.strip():
            return 0
        request = json.loads(line)
        scale = float(request["scale"])
        offset = 0
        for index in request["pages"]:
            page = int(index)
            try:
                pix = render_rgb(doc, page, scale, prepared.get(page)) if 0 <= page < len(sizes) else None
            except Exception as exc:  # noqa: BLE001
                _send(out, {"page": page, "fallback": type(exc).__name__})
                continue
            if pix is None:
                _send(out, {"page": page, "fallback": "not rendered here"})
                continue
            header = {"page": page, "width": pix.width, "height": pix.height, "stride": pix.stride}
            size = pix.stride * pix.height
            if shared is not None and offset + size <= len(shared):
                shared[offset:offset + size] = pix.samples_mv
                _send(out, {**header, "shared": offset})
                offset += size
            else:
                _send(out, header, pix.samples_mv)
            del pix
        return 0
    finally:
        doc.close()


def main(argv: list[str]) -> int:
    """The helper process: ``argv`` is the PDF's path. The protocol goes through the original stdout; anything
    else written there (MuPDF's messages, a print) goes to stderr instead."""
    import logging

    logging.getLogger().addHandler(logging.NullHandler())  # the GUI's own open logs what matters
    if len(argv) != 1:
        sys.stderr.write(f"usage: {HELPER_FLAG} PDF\n")
        return 2
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        return serve(argv[0], sys.stdin.buffer, protocol)
    except (BrokenPipeError, ConnectionResetError):  # the GUI went away or gave up waiting
        return 0
    finally:
        try:
            protocol.close()
        except OSError:
            pass


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
