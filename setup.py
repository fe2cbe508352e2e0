"""Build layout that pyproject.toml cannot say on its own.

The scenarios and assets stay at the top of the repository (``scenarios/``,
``assets/``), where authors and the Studio expect them, but an installed
Hotline must carry them: the build maps them into the package as
``game.scenarios`` and ``game.assets`` (package data), and the code finds
them with importlib.resources (see game/paths.py). pyproject.toml cannot
combine "find every game.* package" with such a mapping, hence this file;
everything else about the build is in pyproject.toml.
"""

from setuptools import find_packages, setup

BUNDLED = {"game.scenarios": "scenarios", "game.assets": "assets"}

# What each bundled folder carries. Subfolders are listed as (data-only)
# packages too, so setuptools neither drops nor warns about them; a new
# subfolder needs a line here (tests/test_install.py compares the wheel with
# the folders and names any file left out).
DATA = {
    "game.scenarios": ["*.yaml", "*.yml", "*.json"],
    "game.scenarios.templates": ["*.yaml", "*.yml"],
    "game.assets": [],
    "game.assets.icons": ["*"],
    "game.assets.themes": ["*"],
}

setup(
    packages=[*find_packages(include=["game", "game.*"]), *DATA],
    package_dir=BUNDLED,
    package_data={name: globs for name, globs in DATA.items() if globs},
)
