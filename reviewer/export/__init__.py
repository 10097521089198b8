"""Exports: the collated comment sheet (xlsx, docx, pdf, csv) and an annotated copy of the PDF."""
