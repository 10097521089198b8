"""Read the pixels of an X screen (Xvfb) through libX11 with ctypes: no Qt, no extra Python package.

Used to time a viewer's start-up the way a user sees it: the clock stops when a marker painted on the packet's
first page is on the screen (see ``screen_bench.py``). The screen is read through the MIT-SHM extension
(``XShmGetImage``: the server copies the pixels into shared memory, a few ms for 1600×1000) so that it can be polled
about every 10 ms; plain ``XGetImage`` (pixels sent over the socket, ~30 ms) is the fallback.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF

# The marker: a solid block of pure magenta (R=255, G=0, B=255) painted on page 1. No viewer chrome uses it and no
# colour management changes it. Pixels are tested channel by channel (bytes sliced with step 4 from each row's
# start), so the padding byte, whatever a window left in it, cannot make a match across pixels.
MARKER_RGB = (1.0, 0.0, 1.0)
MIN_MARKER_PIXELS = 16  # a few stray pixels of the colour (anti-aliasing) are not the page
ROW_STEP = 8  # rows looked at when polling: the block is ~80 px tall or more on any viewer's first page
_IS_FF = bytes(255) + b"\x01"
_IS_00 = b"\x01" + bytes(255)

class _XImage(ctypes.Structure):
    """The leading fields of Xlib's XImage (all this module reads)."""

    _fields_ = [
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int), ("format", ctypes.c_int),
        ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int),
    ]


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _ignore(_display: int | None, _event: int | None) -> int:
    return 0  # a failed XGetImage returns NULL; Xlib's default handler would exit the process


_ignore_x_errors = _ERROR_HANDLER(_ignore)  # kept alive at module level: Xlib holds the pointer


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the screen, in pixels."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left + 1

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1


class _ShmSegmentInfo(ctypes.Structure):
    _fields_ = [("shmseg", ctypes.c_ulong), ("shmid", ctypes.c_int), ("shmaddr", ctypes.c_void_p),
                ("readOnly", ctypes.c_int)]


IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0


class Screen:
    """One connection to an X display; :meth:`grab` returns the root window's pixels (32 bits per pixel)."""

    _shm_image: ctypes._Pointer[_XImage] | None = None

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        self._x = ctypes.CDLL(name)
        x = self._x
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XGetImage.restype = ctypes.POINTER(_XImage)
        x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x.XDestroyImage.argtypes = [ctypes.POINTER(_XImage)]
        x.XDisplayWidth.argtypes = x.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSetErrorHandler(_ignore_x_errors)
        self._display = x.XOpenDisplay(display.encode())
        if not self._display:
            raise OSError(f"cannot open X display {display}")
        self._root = x.XDefaultRootWindow(self._display)
        self.width = int(x.XDisplayWidth(self._display, 0))
        self.height = int(x.XDisplayHeight(self._display, 0))
        self.shared_memory = self._attach_shared_memory()

    def _attach_shared_memory(self) -> bool:
        """Set up an MIT-SHM image of the whole screen; False (plain XGetImage) when that is not possible."""
        try:
            xext = ctypes.CDLL(ctypes.util.find_library("Xext") or "libXext.so.6")
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        except OSError:
            return False
        x = self._x
        xext.XShmQueryExtension.argtypes = [ctypes.c_void_p]
        if not xext.XShmQueryExtension(self._display):
            return False
        x.XDefaultVisual.restype = ctypes.c_void_p
        x.XDefaultVisual.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XDefaultDepth.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        xext.XShmCreateImage.restype = ctypes.POINTER(_XImage)
        xext.XShmCreateImage.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                         ctypes.c_void_p, ctypes.POINTER(_ShmSegmentInfo), ctypes.c_uint,
                                         ctypes.c_uint]
        xext.XShmAttach.argtypes = [ctypes.c_void_p, ctypes.POINTER(_ShmSegmentInfo)]
        xext.XShmGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XImage), ctypes.c_int,
                                      ctypes.c_int, ctypes.c_ulong]
        libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        libc.shmctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        self._info = _ShmSegmentInfo()
        image = xext.XShmCreateImage(self._display, x.XDefaultVisual(self._display, 0),
                                     x.XDefaultDepth(self._display, 0), ZPIXMAP, None, ctypes.byref(self._info),
                                     self.width, self.height)
        if not image or image.contents.bits_per_pixel != 32:
            return False
        size = image.contents.bytes_per_line * image.contents.height
        shmid = libc.shmget(IPC_PRIVATE, size, IPC_CREAT | 0o600)
        if shmid < 0:
            return False
        address = libc.shmat(shmid, None, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            libc.shmctl(shmid, IPC_RMID, None)
            return False
        self._info.shmid, self._info.shmaddr, self._info.readOnly = shmid, address, 0
        image.contents.data = address
        attached = xext.XShmAttach(self._display, ctypes.byref(self._info))
        x.XSync(self._display, 0)
        libc.shmctl(shmid, IPC_RMID, None)  # freed once both sides have detached (or exited)
        if not attached:
            return False
        self._xext, self._shm_image, self._shm_size = xext, image, size
        return True

    def grab(self) -> tuple[bytes, int]:
        """The whole screen as (pixels, bytes per line); 4 bytes per pixel, B G R padding on Xvfb."""
        if self._shm_image is not None:
            if not self._xext.XShmGetImage(self._display, self._root, self._shm_image, 0, 0, ALL_PLANES):
                raise OSError("XShmGetImage failed")
            return ctypes.string_at(self._info.shmaddr, self._shm_size), int(self._shm_image.contents.bytes_per_line)
        image = self._x.XGetImage(self._display, self._root, 0, 0, self.width, self.height, ALL_PLANES, ZPIXMAP)
        if not image:
            raise OSError("XGetImage failed")
        try:
            fields = image.contents
            if fields.bits_per_pixel != 32:
                raise OSError(f"unsupported screen depth: {fields.bits_per_pixel} bits per pixel")
            stride = int(fields.bytes_per_line)
            return ctypes.string_at(fields.data, stride * fields.height), stride
        finally:
            self._x.XDestroyImage(image)

    def close(self) -> None:
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = None

    def __enter__(self) -> Screen:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _marker_bits(pixels: bytes, stride: int, step: int) -> tuple[int, int]:
    """Every ``step``-th row as one big integer with a 1 bit at the low end of each byte that stands for a pixel
    of the marker's colour (no NumPy: bytes slicing, ``translate`` and big-integer ANDs); and its pixel count."""
    rows = len(pixels) // stride
    view = memoryview(pixels)
    sampled = b"".join(view[row * stride:(row + 1) * stride] for row in range(0, rows, step))
    blue = int.from_bytes(sampled[0::4].translate(_IS_FF), "big")
    green = int.from_bytes(sampled[1::4].translate(_IS_00), "big")
    red = int.from_bytes(sampled[2::4].translate(_IS_FF), "big")
    return blue & green & red, len(sampled) // 4


def marker_visible(pixels: bytes, stride: int, step: int = ROW_STEP) -> bool:
    """Whether the marker is on the screen (every ``step``-th row looked at: ~3 ms for 1600×1000)."""
    bits, _count = _marker_bits(pixels, stride, step)
    return bits.bit_count() >= MIN_MARKER_PIXELS


def marker_box(pixels: bytes, stride: int, step: int = 1) -> Box | None:
    """The bounding box of the marker's pixels (rows sampled every ``step`` pixels), or None."""
    bits, count = _marker_bits(pixels, stride, step)
    if bits.bit_count() < MIN_MARKER_PIXELS:
        return None
    mask, width = bits.to_bytes(count, "big"), stride // 4
    top = bottom = left = right = -1
    for index in range(len(mask) // width):
        row = mask[index * width:(index + 1) * width]
        first = row.find(1)
        if first < 0:
            continue
        if top < 0:
            top = index * step
        bottom = index * step
        left = first if left < 0 else min(left, first)
        right = max(right, row.rfind(1))
    return Box(left, top, right, bottom)
