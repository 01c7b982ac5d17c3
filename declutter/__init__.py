"""declutter: separate the article of a scraped web page from the menus, link lists and other junk.

>>> import declutter
>>> doc = declutter.clean("<html><body><p>Some article text.</p></body></html>")
"""

from declutter.batch import BatchStats, clean_records, hf_map_fn
from declutter.core import clean, extract
from declutter.document import Block, Document
from declutter.errors import DeclutterError, DecodeError
from declutter.settings import Options

__version__ = "0.1.0"

__all__ = [
    "BatchStats",
    "Block",
    "DeclutterError",
    "DecodeError",
    "Document",
    "Options",
    "__version__",
    "clean",
    "clean_records",
    "extract",
    "hf_map_fn",
]
