"""Stage 1, loader: YAML files → validated, frozen contract models.

Takes a path (a contract file or directory, a project directory or project.yaml); returns a
``LoadedBundle`` (one contract with its section files, defaults applied) or a ``LoadedProject``
(project.yaml, its environment, every step's bundle, resolved table refs). Every malformed input
raises one ``ContractForgeError`` naming file, line and field. Next stage: ``contractforge.validation``.
"""

from contractforge.loader.bundle import LoadedBundle
from contractforge.loader.from_path import load_contract, load_project
from contractforge.loader.project import LoadedProject, LoadedStep

__all__ = ["LoadedBundle", "LoadedProject", "LoadedStep", "load_contract", "load_project"]
