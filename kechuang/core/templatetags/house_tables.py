"""``{{ table|page_rows }}`` for ``tables/table.html`` (see ``kechuang.core.tables.page_rows``)."""

from django import template

from kechuang.core.tables import page_rows as _page_rows

register = template.Library()


@register.filter
def page_rows(table):
    return _page_rows(table)
