"""Allow `python -m photoseek`."""

from photoseek.cli import main

main()
