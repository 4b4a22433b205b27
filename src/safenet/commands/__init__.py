"""CLI subcommands, one module per command group (see ``safenet.cli``)."""
