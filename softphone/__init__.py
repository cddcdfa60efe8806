"""softphone: the desktop phone for Mediatel contact-center agents."""

__version__ = "0.1.0"
