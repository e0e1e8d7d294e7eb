variable "name" {
  description = "Glue job name (unique in the account and region, at most 255 characters)."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 255
    error_message = "name must be 1-255 characters long."
  }
}

variable "description" {
  description = "Glue job description."
  type        = string
  default     = "ContractForge runner"
}

variable "role_arn" {
  description = "ARN of the IAM role the job runs as (see the glue_role module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/...)."
  }
}

variable "script_location" {
  description = "s3:// URI of the stable runner script (the Glue entry point)."
  type        = string

  validation {
    condition     = startswith(var.script_location, "s3://")
    error_message = "script_location must be an s3:// URI."
  }
}

variable "plan_uri" {
  description = "s3:// URI of this step's run plan JSON, passed as --CONTRACTFORGE_PLAN_URI."
  type        = string

  validation {
    condition     = startswith(var.plan_uri, "s3://")
    error_message = "plan_uri must be an s3:// URI."
  }
}

variable "runtime_zip_uri" {
  description = "s3:// URI of the contractforge_runtime zip; first entry of --extra-py-files."
  type        = string

  validation {
    condition     = startswith(var.runtime_zip_uri, "s3://")
    error_message = "runtime_zip_uri must be an s3:// URI."
  }
}

variable "extra_py_files" {
  description = "Additional s3:// URIs appended to --extra-py-files after the runtime zip."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for u in var.extra_py_files : startswith(u, "s3://")])
    error_message = "extra_py_files entries must be s3:// URIs."
  }
}

variable "extra_jars" {
  description = "s3:// URIs of extra jars (e.g. JDBC drivers); sets --extra-jars when not empty."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for u in var.extra_jars : startswith(u, "s3://")])
    error_message = "extra_jars entries must be s3:// URIs."
  }
}

variable "additional_python_modules" {
  description = "pip requirement strings; sets --additional-python-modules when not empty."
  type        = list(string)
  default     = []
}

variable "warehouse_uri" {
  description = "Iceberg warehouse root (s3://...) for the Glue catalog registered as catalog_name."
  type        = string

  validation {
    condition     = startswith(var.warehouse_uri, "s3://")
    error_message = "warehouse_uri must be an s3:// URI."
  }
}

variable "catalog_name" {
  description = "Spark catalog name of the Iceberg Glue catalog (the run plans use glue_catalog)."
  type        = string
  default     = "glue_catalog"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.catalog_name))
    error_message = "catalog_name must be a simple identifier."
  }
}

variable "spark_conf" {
  description = "Additional Spark settings chained into the single --conf value after the Iceberg catalog settings (key => value)."
  type        = map(string)
  default     = {}
}

variable "glue_version" {
  description = "Glue version; 5.0 = Spark 3.5 + Python 3.11."
  type        = string
  default     = "5.0"

  validation {
    condition     = contains(["3.0", "4.0", "5.0"], var.glue_version)
    error_message = "glue_version must be one of 3.0, 4.0, 5.0."
  }
}

variable "worker_type" {
  description = "Glue worker type (G.025X is for streaming jobs only)."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"], var.worker_type)
    error_message = "worker_type must be one of G.025X, G.1X, G.2X, G.4X, G.8X."
  }
}

variable "number_of_workers" {
  description = "Number of workers (at least 2 for glueetl jobs)."
  type        = number
  default     = 2

  validation {
    condition     = var.number_of_workers >= 2 && floor(var.number_of_workers) == var.number_of_workers
    error_message = "number_of_workers must be an integer >= 2."
  }
}

variable "timeout_minutes" {
  description = "Job run timeout in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout_minutes >= 1 && var.timeout_minutes <= 10080
    error_message = "timeout_minutes must be between 1 and 10080."
  }
}

variable "max_retries" {
  description = "Maximum number of automatic retries of a failed run."
  type        = number
  default     = 0

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 10
    error_message = "max_retries must be between 0 and 10."
  }
}

variable "execution_class" {
  description = "STANDARD or FLEX. Always sent explicitly (avoids a perpetual diff against APIs that echo STANDARD)."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "FLEX"], var.execution_class)
    error_message = "execution_class must be STANDARD or FLEX."
  }
}

variable "max_concurrent_runs" {
  description = "Maximum number of concurrent runs of the job."
  type        = number
  default     = 1

  validation {
    condition     = var.max_concurrent_runs >= 1
    error_message = "max_concurrent_runs must be >= 1."
  }
}

variable "job_bookmarks" {
  description = "Enable Glue job bookmarks (--job-bookmark-option job-bookmark-enable); on for incremental file sources."
  type        = bool
  default     = false
}

variable "enable_metrics" {
  description = "Sets --enable-metrics (CloudWatch job metrics)."
  type        = bool
  default     = true
}

variable "enable_continuous_cloudwatch_log" {
  description = "Sets --enable-continuous-cloudwatch-log."
  type        = bool
  default     = true
}

variable "enable_glue_datacatalog" {
  description = "Sets --enable-glue-datacatalog (Glue Data Catalog as the Spark metastore)."
  type        = bool
  default     = true
}

variable "temp_dir" {
  description = "s3:// URI for --TempDir; null = not set."
  type        = string
  default     = null

  validation {
    condition     = var.temp_dir == null ? true : startswith(var.temp_dir, "s3://")
    error_message = "temp_dir must be an s3:// URI."
  }
}

variable "default_arguments" {
  description = "Extra default arguments (\"--key\" => value) merged after the runner's own; may not override the reserved runner keys."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([for k in keys(var.default_arguments) : startswith(k, "--") && !contains([
      "--CONTRACTFORGE_PLAN_URI", "--extra-py-files", "--datalake-formats", "--conf", "--job-bookmark-option",
      "--job-language", "--enable-glue-datacatalog",
    ], k)])
    error_message = "default_arguments keys must start with \"--\" and must not be one of the reserved runner keys (--CONTRACTFORGE_PLAN_URI, --extra-py-files, --datalake-formats, --conf, --job-bookmark-option, --job-language, --enable-glue-datacatalog)."
  }
}

variable "connections" {
  description = "Names of Glue connections the job uses (e.g. VPC / JDBC network connections)."
  type        = list(string)
  default     = []
}

variable "security_configuration" {
  description = "Name of the Glue security configuration to attach. With create_security_configuration = true, the name of the one to create (null = \"<name>-security\")."
  type        = string
  default     = null
}

variable "create_security_configuration" {
  description = "Create an aws_glue_security_configuration (S3, CloudWatch and bookmark encryption) and attach it."
  type        = bool
  default     = false
}

variable "security_configuration_kms_key_arn" {
  description = "KMS key ARN for the created security configuration: SSE-KMS for S3, KMS for CloudWatch logs and bookmarks. null = SSE-S3 and no CloudWatch/bookmark encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the job and security configuration."
  type        = map(string)
  default     = {}
}
