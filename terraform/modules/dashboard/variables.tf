variable "dashboard_name" {
  description = "CloudWatch dashboard name (letters, digits, '-' and '_'; at most 255 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.dashboard_name))
    error_message = "dashboard_name may hold only letters, digits, '-' and '_' (1 to 255 characters)."
  }
}

variable "region" {
  description = "Region whose metrics the widgets show (the project's region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "glue_job_names" {
  description = "Glue jobs of the project, one per step (Glue job metrics: elapsed time, failed tasks)."
  type        = list(string)

  validation {
    condition     = length(var.glue_job_names) > 0 && alltrue([for name in var.glue_job_names : length(name) > 0 && length(name) <= 255])
    error_message = "glue_job_names needs at least one job name of 1 to 255 characters."
  }
}

variable "state_machine_arn" {
  description = "ARN of the project's Step Functions state machine; null when the project has none."
  type        = string
  default     = null

  validation {
    condition     = var.state_machine_arn == null || can(regex("^arn:aws[a-z-]*:states:", var.state_machine_arn))
    error_message = "state_machine_arn must be a Step Functions state machine ARN (arn:aws:states:...)."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace the runner publishes its per-target metrics to."
  type        = string

  validation {
    condition     = length(var.metric_namespace) > 0 && length(var.metric_namespace) <= 255 && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be 1 to 255 characters and not start with AWS/."
  }
}

variable "metric_names" {
  description = "Names of the runner's per-target metrics: success (1 or 0 per run), rows written, rows quarantined, duration."
  type = object({
    succeeded        = string
    rows_written     = string
    rows_quarantined = string
    duration_seconds = string
  })

  validation {
    condition     = alltrue([for name in values(var.metric_names) : length(name) > 0])
    error_message = "every metric name must be non-empty."
  }
}

variable "targets" {
  description = "One entry per target table: a label for the legend and the metric dimensions (name => value) the runner publishes with."
  type = list(object({
    label      = string
    dimensions = map(string)
  }))

  validation {
    condition     = length(var.targets) > 0 && alltrue([for t in var.targets : length(t.dimensions) > 0])
    error_message = "targets needs at least one target, each with at least one dimension."
  }
}

variable "period_seconds" {
  description = "Aggregation period of the metric widgets, in seconds (a multiple of 60)."
  type        = number
  default     = 300

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be a multiple of 60, at least 60."
  }
}
