"""jianfu (减负): find and end fingertip formalism in government digital tools."""

__version__ = "0.1.0"
