"""What every list page and its export share around django-tables2: pagination and sorting from the request
(a fixed page size the URL cannot raise), and a table's export columns as an Excel/CSV sheet."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django_tables2 import Table

from .xlsx import Sheet

TEMPLATE = "tables/table.html"


def configure(table: Table, request, per_page: int | None = None):
    """Sort by ``?sort=`` (names the table does not offer are ignored) and show page ``?page=`` of
    ``per_page`` rows (out of range: the last page, as Django's ``Paginator.get_page``)."""
    sort = request.GET.get(table.prefixed_order_by_field)
    if sort and table.orderable:
        table.order_by = sort
    if per_page:
        try:
            table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=per_page)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
    return table


def sheet(table: Table, title: str, *, note: str = "", exclude=()) -> Sheet:
    """The table's export columns (``exclude_from_export`` honoured) and every row (not one page), with the
    ``value_*`` of each column: the same declaration as the page, without its links and badges."""
    values = table.as_values(exclude_columns=exclude)
    return Sheet(title, next(values), values, note=note)
