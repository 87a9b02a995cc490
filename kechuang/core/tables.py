"""What every list page and its export share around django-tables2: pagination and sorting from the request
(a fixed page size the URL cannot raise), and a table's export columns as an Excel/CSV sheet."""

from __future__ import annotations

import hashlib
from html import escape as html_escape

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import Table

from .fingerprint import cached, tracked
from .xlsx import Sheet

TEMPLATE = "tables/table.html"


def configure(table: Table, request, per_page: int | None = None):
    """Sort by ``?sort=`` (names the table does not offer are ignored) and show page ``?page=`` of
    ``per_page`` rows (out of range: the last page, as Django's ``Paginator.get_page``)."""
    sort = request.GET.get(table.prefixed_order_by_field)
    if sort and table.orderable:
        table.order_by = sort
    if per_page:
        queryset = getattr(table.data, "data", None)
        if isinstance(queryset, QuerySet) and tracked(queryset.model):
            # The page count of a large registry (COUNT over 100,000 enterprises: 10 ms on PostgreSQL) is kept
            # under the data fingerprint of the shared tables and registries: the same list and filter for the
            # same user's row scope (the SQL) count again only after a change of those tables.
            table.data._length = cached_count(queryset)  # django-tables2 TableQuerysetData's cached len()
        try:
            table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=per_page)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
    return table


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()`` cached under the fingerprint of the shared tables and the registries (the tables a
    tracked model without a plan is recorded under; see ``tracked``)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    key = hashlib.sha1(repr((sql, params)).encode()).hexdigest()
    return cached(f"tables:count:{queryset.model._meta.label_lower}:{key}", queryset.count, plan=0)


def sheet(table: Table, title: str, *, note: str = "", exclude=()) -> Sheet:
    """The table's export columns (``exclude_from_export`` honoured) and every row (not one page), with the
    ``value_*`` of each column: the same declaration as the page, without its links and badges."""
    values = table.as_values(exclude_columns=exclude)
    return Sheet(title, next(values), values, note=note)


def page_rows(table: Table):
    """The rows of the shown page for ``tables/table.html``, each one ``<tr>…</tr>`` as safe HTML.

    django-tables2 renders each cell through ``inspect.signature`` and computed attributes, which doubled the
    time of a 50-row registry page; a column that defines ``cell(record)`` (plain display code, the same as its
    ``render``) is rendered by that directly. Every other column goes the library's way (``BoundRow.get_cell``).
    The ``<td>`` markup is joined here rather than looped over in the template (a 50 × 7 page spent more time in
    the template's per-cell ``for``/``if`` than in the cells); each cell is localized and escaped exactly as
    ``{{ cell }}`` would be (``_cell_html``).
    """
    columns = [(bc, getattr(bc.column, "cell", None), bool(bc.column.attrs.get("td"))) for bc in table.columns]
    for row in table.paginated_rows:
        attrs = ""
        if table.row_attrs:
            attrs = format_html_join("", ' {}="{}"', ((k, v) for k, v in row.attrs.items()
                                                      if not (k == "class" and v in ("even", "odd"))))
        html = [f"<tr{attrs}>"]
        for bc, fast, has_td in columns:
            cell = fast(row.record) if fast else row.get_cell(bc.name)
            css = ""
            if has_td:
                bc.current_value, bc.current_record = cell, row.record  # as BoundRow.items() does
                css = bc.attrs["td"].get("class", "")
            html.append(f'<td class="{escape(css)}">' if css else "<td>")
            html.append(_cell_html(cell))
            html.append("</td>")
        html.append("</tr>")
        yield mark_safe("".join(html))  # noqa: S308 - every part above is escaped or fixed markup


def _cell_html(value) -> str:
    """One cell as the template's ``{{ value }}`` renders it: local time, localized (dates, numbers), escaped
    unless already safe (links, badges)."""
    if isinstance(value, str) and not isinstance(value, SafeData):  # most cells: text, which neither step changes
        return html_escape(value)  # what django.utils.html.escape does, without its lazy-text wrapper
    return conditional_escape(localize(template_localtime(value)))
