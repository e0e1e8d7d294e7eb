locals {
  catalog_conf = merge(
    {
      "spark.sql.extensions"                               = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
      "spark.sql.catalog.${var.catalog_name}"              = "org.apache.iceberg.spark.SparkCatalog"
      "spark.sql.catalog.${var.catalog_name}.catalog-impl" = "org.apache.iceberg.aws.glue.GlueCatalog"
      "spark.sql.catalog.${var.catalog_name}.io-impl"      = "org.apache.iceberg.aws.s3.S3FileIO"
      "spark.sql.catalog.${var.catalog_name}.warehouse"    = var.warehouse_uri
    },
    var.spark_conf,
  )

  # Glue accepts a single --conf argument: further settings are chained as " --conf k=v".
  conf_order = concat(
    [
      "spark.sql.extensions",
      "spark.sql.catalog.${var.catalog_name}",
      "spark.sql.catalog.${var.catalog_name}.catalog-impl",
      "spark.sql.catalog.${var.catalog_name}.io-impl",
      "spark.sql.catalog.${var.catalog_name}.warehouse",
    ],
    sort([for k in keys(var.spark_conf) : k if !startswith(k, "spark.sql.catalog.${var.catalog_name}") && k != "spark.sql.extensions"]),
  )
  conf_value = join(" --conf ", [for k in local.conf_order : "${k}=${local.catalog_conf[k]}"])

  runner_arguments = {
    "--CONTRACTFORGE_PLAN_URI"           = var.plan_uri
    "--extra-py-files"                   = join(",", concat([var.runtime_zip_uri], var.extra_py_files))
    "--datalake-formats"                 = "iceberg"
    "--conf"                             = local.conf_value
    "--job-language"                     = "python"
    "--job-bookmark-option"              = var.job_bookmarks ? "job-bookmark-enable" : "job-bookmark-disable"
    "--enable-metrics"                   = tostring(var.enable_metrics)
    "--enable-continuous-cloudwatch-log" = tostring(var.enable_continuous_cloudwatch_log)
    "--enable-glue-datacatalog"          = tostring(var.enable_glue_datacatalog)
  }

  optional_arguments = merge(
    length(var.extra_jars) > 0 ? { "--extra-jars" = join(",", var.extra_jars) } : {},
    length(var.additional_python_modules) > 0 ? { "--additional-python-modules" = join(",", var.additional_python_modules) } : {},
    var.temp_dir != null ? { "--TempDir" = var.temp_dir } : {},
  )

  default_arguments = merge(local.runner_arguments, local.optional_arguments, var.default_arguments)

  security_configuration_name = (
    var.create_security_configuration
    ? coalesce(var.security_configuration, "${var.name}-security")
    : var.security_configuration
  )
}

resource "aws_glue_security_configuration" "this" {
  count = var.create_security_configuration ? 1 : 0

  name = local.security_configuration_name

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = var.security_configuration_kms_key_arn != null ? "SSE-KMS" : "DISABLED"
      kms_key_arn                = var.security_configuration_kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = var.security_configuration_kms_key_arn != null ? "CSE-KMS" : "DISABLED"
      kms_key_arn                   = var.security_configuration_kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = var.security_configuration_kms_key_arn != null ? "SSE-KMS" : "SSE-S3"
      kms_key_arn        = var.security_configuration_kms_key_arn
    }
  }
}

resource "aws_glue_job" "this" {
  name        = var.name
  description = var.description
  role_arn    = var.role_arn

  glue_version      = var.glue_version
  worker_type       = var.worker_type
  number_of_workers = var.number_of_workers
  timeout           = var.timeout_minutes
  max_retries       = var.max_retries
  execution_class   = var.execution_class

  command {
    name            = "glueetl"
    script_location = var.script_location
    python_version  = "3"
  }

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  connections = length(var.connections) > 0 ? var.connections : null

  default_arguments      = local.default_arguments
  security_configuration = local.security_configuration_name

  tags = var.tags

  depends_on = [aws_glue_security_configuration.this]
}
