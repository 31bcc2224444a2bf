"""``python -m orgkit`` runs the command line."""

from .cli import main

main()
