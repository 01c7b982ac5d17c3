"""declutter: separate the article of a scraped web page from the menus, link lists and other junk.

>>> import declutter
>>> doc = declutter.clean("<html><body><p>Some article text.</p></body></html>")
"""

from declutter.core import clean, extract
from declutter.document import Block, Document
from declutter.errors import DeclutterError, DecodeError
from declutter.settings import Options

__version__ = "0.1.0"

__all__ = ["Block", "DeclutterError", "DecodeError", "Document", "Options", "__version__", "clean", "extract"]
