"""Entry point of ``python -m matching`` (see matching/cli.py)."""

from matching.cli import main

raise SystemExit(main())
