"""No models: the module makes `migrate` send this app post_migrate (web/apps.py)."""
