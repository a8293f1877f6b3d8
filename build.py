"""What organizers run: ``python build.py build``; the same CLI as ``pamphleteer``."""

from pamphleteer.cli import main

if __name__ == "__main__":
    main()
