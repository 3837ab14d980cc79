"""``python -m comms`` runs the pressroom command line."""

from comms.console import main

main()
