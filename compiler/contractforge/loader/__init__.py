"""YAML → validated contract models: source maps, bundles, defaults, projects. Public entry points
live in ``contractforge.api``."""
