"""Who may do what with the outbound notices (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office

# 通知渠道: the channels' addresses are the office's configuration.
rules.add_perm("notices.view_channel_list", is_office)
