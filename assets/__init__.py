"""Icons and themes: built into the package as ``game.assets`` (see setup.py).

This file only makes the folder a package, so importlib.resources can find the
files in an installed Hotline and in a checkout alike.
"""
