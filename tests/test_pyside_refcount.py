"""The Qt binding must not drop references to None (PySide6 6.12.0 on Python 3.11 did).

Every call of a method that returns nothing took one reference from None;
after a few thousand calls (one PDF export, or an hour in the app) the
interpreter aborted with "none_dealloc: deallocating None". pyproject.toml
excludes that version.
"""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_none_alive(qapp: object) -> None:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    before = sys.getrefcount(None)
    for _ in range(2000):
        doc.setTextWidth(100)
    assert sys.getrefcount(None) - before > -100  # a few references come and go, not 2000
