variable "name" {
  description = "Prefix of the state machine, schedule and roles (the project name)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z_-]{1,40}$", var.name))
    error_message = "name must be 1-40 characters from [0-9A-Za-z_-]."
  }
}

variable "statements" {
  description = "Athena statements run in order (ALTER TABLE ... SET TBLPROPERTIES, OPTIMIZE, VACUUM)."
  type        = list(string)

  validation {
    condition     = length(var.statements) > 0
    error_message = "statements must hold at least one statement."
  }
}

variable "workgroup" {
  description = "Athena workgroup the statements run in (engine version 3)."
  type        = string
  default     = "primary"
}

variable "output_location" {
  description = "S3 URI (s3://bucket/prefix/) for the Athena query results."
  type        = string

  validation {
    condition     = can(regex("^s3://", var.output_location))
    error_message = "output_location must be an s3:// URI."
  }
}

variable "glue_resource_arns" {
  description = "Glue catalog, database and table ARNs the statements read and update."
  type        = list(string)
}

variable "s3_resource_arns" {
  description = "S3 bucket and object ARNs of the tables' data and of the query results."
  type        = list(string)
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression of the maintenance run, e.g. cron(0 3 ? * SUN *)."
  type        = string

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must look like cron(...) or rate(...)."
  }
}

variable "schedule_expression_timezone" {
  description = "IANA time zone the expression is evaluated in."
  type        = string
  default     = "UTC"
}

variable "state" {
  description = "ENABLED or DISABLED."
  type        = string
  default     = "ENABLED"

  validation {
    condition     = contains(["ENABLED", "DISABLED"], var.state)
    error_message = "state must be ENABLED or DISABLED."
  }
}

variable "retry_attempts" {
  description = "Retries of a failed statement (VACUUM of a large table may need several runs)."
  type        = number
  default     = 2
}

variable "role_name" {
  description = "Name of the Step Functions role; null derives it from name."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of both roles, if the account requires one."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
