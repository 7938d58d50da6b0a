"""The command line: `reader` opens the TUI; subcommands fetch, list, show, search, edit feeds."""
