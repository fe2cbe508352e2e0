"""The bundled scenarios: built into the package as ``game.scenarios`` (see setup.py).

This file only makes the folder a package, so importlib.resources can find the
scenario files in an installed Hotline and in a checkout alike.
"""
