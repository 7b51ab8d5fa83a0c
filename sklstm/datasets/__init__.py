"""Datasets shipped with sklstm (no download needed)."""

from ._airline import load_airline
from ._airquality import load_airquality
from ._employment import load_employment

__all__ = ["load_airline", "load_airquality", "load_employment"]
