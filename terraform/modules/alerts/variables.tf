variable "name" {
  description = "Prefix of every resource name (the project's resource name)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 characters from [A-Za-z0-9_-]."
  }
}

variable "project" {
  description = "Project name: the Project dimension of the runner's metrics."
  type        = string
}

variable "topic_arn" {
  description = "Existing SNS topic ARN to alert (null = create <name>-alerts)."
  type        = string
  default     = null

  validation {
    condition     = var.topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "kms_master_key_id" {
  description = "KMS key (id, ARN or alias) encrypting the created topic."
  type        = string
  default     = "alias/aws/sns"
}

variable "subscriptions" {
  description = "Subscriptions of the topic: protocol (email, https, sqs, lambda, sms, ...) and endpoint."
  type        = list(object({ protocol = string, endpoint = string }))
  default     = []

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"], s.protocol)])
    error_message = "subscriptions[].protocol must be application, email, email-json, firehose, http, https, lambda, sms or sqs."
  }
}

variable "glue_job_names" {
  description = "Glue jobs whose FAILED / TIMEOUT / ERROR / STOPPED runs alert (empty = no rule)."
  type        = list(string)
  default     = []
}

variable "state_machine_arns" {
  description = "State machines whose FAILED / TIMED_OUT / ABORTED executions alert (empty = no rule)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.state_machine_arns : can(regex("^arn:aws[a-z-]*:states:", a))])
    error_message = "state_machine_arns must be Step Functions state machine ARNs."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace the runner publishes its per-target metrics to."
  type        = string
  default     = "ContractForge"
}

variable "freshness_alarms" {
  description = "Key => target (the Target metric dimension) and its freshness SLA in minutes (at most 7 days)."
  type        = map(object({ target = string, freshness_sla_minutes = number }))
  default     = {}

  validation {
    condition     = alltrue([for a in values(var.freshness_alarms) : a.freshness_sla_minutes >= 1 && a.freshness_sla_minutes <= 10080 && floor(a.freshness_sla_minutes) == a.freshness_sla_minutes])
    error_message = "freshness_sla_minutes must be a whole number of minutes between 1 and 10080 (7 days)."
  }
}

variable "quality_alarms" {
  description = "Key => target (the Target metric dimension) whose quality failures alert."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags of the created resources."
  type        = map(string)
  default     = {}
}
