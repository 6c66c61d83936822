"""mlcycle: keep an ML product project honest about where it stands."""

__version__ = "0.1.0"
