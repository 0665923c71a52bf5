"""`python -m tui` runs the same entry point as the `shortlist` command."""

from tui.cli import main

raise SystemExit(main())
