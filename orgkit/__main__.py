"""``python -m orgkit`` runs the command line."""

from orgkit.cli import main

main()
