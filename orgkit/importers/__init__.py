"""Read the exports clients already have into a client folder: ``orgkit import FORMAT SOURCE... -o CLIENT``.

:func:`import_client` reads the files of one platform export, maps them onto orgkit's tables, writes the
client folder with an ``import.log`` and validates it; :func:`read_export` does the reading and mapping
only and returns the tables, for a notebook. ``FORMATS`` lists what can be read (``orgkit import --list``).
"""

from orgkit.importers.base import FORMATS, Format, ImportLog, ImportOptions, Imported
from orgkit.importers.formats import get_format
from orgkit.importers.write import ImportResult, import_client, read_export

__all__ = ["FORMATS", "Format", "ImportLog", "ImportOptions", "Imported", "ImportResult", "get_format",
           "import_client", "read_export"]
