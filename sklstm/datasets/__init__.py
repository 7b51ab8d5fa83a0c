"""Datasets shipped with sklstm (no download needed)."""

from ._airline import load_airline

__all__ = ["load_airline"]
