"""No models: the module makes `migrate` send this app post_migrate (api/apps.py)."""
