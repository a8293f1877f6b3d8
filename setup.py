"""Packaging hook: the wheel carries the built-in theme (templates/ and assets/) inside the
package, as pamphleteer/theme/, so that an installed pamphleteer builds any campaign folder
that has only campaign.toml and content/. (An editable install reads them where they are.)"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEME = ("templates", "assets")


class BuildWithTheme(build_py):
    """``build_py`` that also copies the theme's folders into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        here = Path(__file__).resolve().parent
        for name in THEME:
            target = Path(self.build_lib) / "pamphleteer" / "theme" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(here / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithTheme})
