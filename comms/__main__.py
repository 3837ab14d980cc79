"""``python -m comms`` runs the pressroom command line."""

from comms.cli import main

main()
