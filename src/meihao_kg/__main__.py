"""``python -m meihao_kg`` runs the command line."""

from .cli import cli

cli()
