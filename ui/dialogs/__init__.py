"""Dialogs: password, go to page, settings, member's name."""
