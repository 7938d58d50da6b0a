"""reader: a keyboard-driven terminal news reader for Chinese-language news."""

__version__ = "0.1.0"
