"""Who may do each action in the outbound notices (notices/rules.py), persona by persona."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_the_notice_channels_are_the_offices_alone(personas):
    assert who_may(personas, "notices.view_channel_list") == {"office"}
