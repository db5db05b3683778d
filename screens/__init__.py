"""Textual screens and widgets. They talk to ports and services handed to them, never to backends."""
