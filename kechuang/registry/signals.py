"""Signals other apps may listen to without the registry importing them."""

from django.dispatch import Signal

# Sent after an Excel import has been committed (kwargs: registry, user, result).
import_committed = Signal()
