"""ContractForge for AWS: YAML data contracts compiled to Terraform and run on Glue + Iceberg."""

__version__ = "0.1.0"
