"""The version, on its own: the modules below the package's face take it from here."""

__version__ = "0.1.0"
