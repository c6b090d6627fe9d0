"""``python -m scoring score [--model PATH]``: see :mod:`scoring.cli`."""

from scoring.cli import main

raise SystemExit(main())
