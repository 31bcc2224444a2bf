"""Read the exports clients already have into a client folder: ``orgkit import FORMAT SOURCE... -o CLIENT``.

:func:`import_client` reads the files of one platform export, maps them onto orgkit's tables, writes the
client folder with an ``import.log`` and validates it; :func:`read_export` does the reading and mapping
only and returns the tables, for a notebook. ``FORMATS`` lists what can be read (``orgkit import --list``).
"""

from orgkit.importers.base import FORMATS, Format, ImportLog, ImportOptions, Imported, get_format

__all__ = ["FORMATS", "Format", "ImportLog", "ImportOptions", "Imported", "get_format"]
