"""Structure of a packet: the documents in it and, inside each assessment report, its chapters,
sections, risks and judgements."""

from reviewer.structure.model import Document, Location, Node, Outline

__all__ = ["Document", "Location", "Node", "Outline"]
