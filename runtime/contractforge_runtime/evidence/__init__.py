"""Evidence (``ctrl_ingestion_*``) tables: column definitions (``schema``) and the writer (``store``)."""
