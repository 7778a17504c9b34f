"""The intake pipeline: the one path every submission takes (DESIGN.md)."""

from app.intake.pipeline import Submission, intake

__all__ = ["Submission", "intake"]
