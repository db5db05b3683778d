"""Command-line groups of the ``hotline`` CLI that need only the core and the ports.

The composition root (``hotline.py``) builds the root group and hands every command a
``Wiring`` (``ctx.obj``) that opens stores and adapters; these modules never import backends.
"""
