"""The Qt user interface of PIA Reviewer. Only this package imports Qt."""
