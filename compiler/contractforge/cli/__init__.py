"""Command-line interface: one ``command_<verb>`` module per verb, thin over the library API."""
