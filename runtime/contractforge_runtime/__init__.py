"""The stable runner executed inside AWS Glue (and locally): one compiled run plan in, Iceberg out.

Only PySpark, boto3 and the standard library may be imported here (never the compiler,
pydantic or PyYAML); ``awsglue`` is imported lazily inside Glue only.
"""

__version__ = "0.1.0"
