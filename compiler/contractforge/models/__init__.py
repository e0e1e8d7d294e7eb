"""Contract language models (pydantic v2, frozen, unknown keys forbidden). See docs/contract-language.md.

The first layer of the pipeline: takes a YAML-shaped mapping (the loader validates each file
against its root model) and gives frozen models that later stages read instead of raw dicts.
One root model per file kind; ``FILE_KINDS`` maps the kind names used by ``contractforge schema``
and the loader to them. Below it sits only ``contractforge.source_families``.
"""

from __future__ import annotations

from contractforge.models.aws_extension import AwsExtension, AwsParameters, Extensions
from contractforge.models.base import NameList, StrictModel, split_list
from contractforge.models.connection import ConnectionFile
from contractforge.models.environment import Environment
from contractforge.models.governance import Access, Annotations, Operations
from contractforge.models.ingestion import IngestionContract, Target
from contractforge.models.project import Project, ProjectDefaults, Schedule, Step
from contractforge.models.quality import QualityRules
from contractforge.models.source import ConnectorSource, GenericSource, TableRef
from contractforge.models.transform import Shape, Transform
from contractforge.models.write_modes import CANONICAL_MODES, KEYED_MODES, MODE_ALIASES, canonical_mode

FILE_KINDS = {
    "ingestion": IngestionContract,
    "annotations": Annotations,
    "operations": Operations,
    "access": Access,
    "environment": Environment,
    "project": Project,
    "connection": ConnectionFile,
}

__all__ = [
    "Access",
    "Annotations",
    "AwsExtension",
    "AwsParameters",
    "CANONICAL_MODES",
    "ConnectionFile",
    "ConnectorSource",
    "Environment",
    "Extensions",
    "FILE_KINDS",
    "GenericSource",
    "IngestionContract",
    "KEYED_MODES",
    "MODE_ALIASES",
    "NameList",
    "Operations",
    "Project",
    "ProjectDefaults",
    "QualityRules",
    "Schedule",
    "Shape",
    "Step",
    "StrictModel",
    "TableRef",
    "Target",
    "Transform",
    "canonical_mode",
    "split_list",
]
