"""PIA Reviewer core: documents, structure, annotations, storage, search and export.

This package never imports Qt; the GUI lives in ``ui``.
"""

__version__ = "0.1.0"
APP_NAME = "PIA Reviewer"
APP_ID = "pia-reviewer"
