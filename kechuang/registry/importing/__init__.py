"""Excel import/export for every registry, on django-import-export with python-calamine reading.

- ``cells``: the template's columns (from ``RegistryConfig``) and the Chinese cell parsers;
- ``reading``: the upload guard, then the data sheet read with python-calamine into a dataset;
- ``keys``: natural keys and foreign keys (USCC, unit names) resolved in bulk;
- ``resource``: one ``ModelResource`` per registry; its dry run validates every row and is the preview;
- ``run``: ``run_import`` — read, validate, and commit an error-free file in one transaction;
- ``template``: the template and the re-importable export.
"""

from ..models import encrypt_pii
from .cells import Column, columns_for, parse_bool, parse_date, parse_number
from .reading import MAX_ROWS, MAX_UNCOMPRESSED, check_archive
from .resource import RegistryResource, resource_for
from .results import CellError, ImportRefused, ImportResult
from .run import run_import
from .template import TEMPLATE_VERSION, build_template, export_rows

__all__ = [
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "TEMPLATE_VERSION",
    "CellError",
    "Column",
    "ImportRefused",
    "ImportResult",
    "RegistryResource",
    "build_template",
    "check_archive",
    "columns_for",
    "encrypt_pii",
    "export_rows",
    "parse_bool",
    "parse_date",
    "parse_number",
    "resource_for",
    "run_import",
]
