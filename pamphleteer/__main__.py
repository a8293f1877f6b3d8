"""Allow ``python -m pamphleteer``."""

from pamphleteer.cli import main

main()
