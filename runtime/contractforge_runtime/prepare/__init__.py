"""Preparation stage: ``prepare(df, preparation: PreparationView, layer) -> DataFrame`` applies
the run plan's ``preparation`` steps in reference order (``pipeline``); ``shape`` flattens / explodes nested data."""

from contractforge_runtime.prepare.pipeline import PreparationError, prepare

__all__ = ["PreparationError", "prepare"]
