"""The demo site's seeders: tickets and callers (``tickets``), the knowledge base (``kb``).

The content is data in the config folder (``config/demo/seed.yaml``, ``config/demo/kb/*.md``);
``content`` reads and checks the seeder's text.
"""
