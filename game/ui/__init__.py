"""The desktop app: every PySide6 widget and window.

The only package that imports QtWidgets. Widgets take the objects they show
in ``__init__`` and subscribe to them; the engine is reached only through
:class:`game.ui.controller.SessionController`.
"""
