"""Tongban 通办: integrated digital-government platform."""

__version__ = "0.1.0"
