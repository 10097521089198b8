"""Exchanging comments: W3C Web Annotation packages, XFDF, annotations inside PDFs, imports into the Store."""

from __future__ import annotations

from reviewer.errors import ReviewerError


class PackageError(ReviewerError):
    """A file to import is malformed, tampered with, or meant for another PDF; it is refused whole."""


__all__ = ["PackageError"]
