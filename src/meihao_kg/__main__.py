"""``python -m meihao_kg`` runs the command line."""

from meihao_kg.cli import cli

cli()
