"""Built-in clientela plugins, each loaded through its ``clientela`` entry point."""
