variable "name" {
  description = "Schedule name (1-64 characters)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z_.-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters from [0-9A-Za-z_.-]."
  }
}

variable "description" {
  description = "Schedule description."
  type        = string
  default     = "ContractForge project schedule"
}

variable "group_name" {
  description = "Existing schedule group the schedule belongs to."
  type        = string
  default     = "default"
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression: cron(m h dom mon dow y), rate(n unit) or at(yyyy-mm-ddThh:mm:ss)."
  type        = string

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must look like cron(...), rate(...) or at(...)."
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

variable "flexible_time_window_mode" {
  description = "OFF (fire on time) or FLEXIBLE (fire within maximum_window_in_minutes)."
  type        = string
  default     = "OFF"

  validation {
    condition     = contains(["OFF", "FLEXIBLE"], var.flexible_time_window_mode)
    error_message = "flexible_time_window_mode must be OFF or FLEXIBLE."
  }
}

variable "maximum_window_in_minutes" {
  description = "Width of the flexible window in minutes (1-1440); required with FLEXIBLE, ignored with OFF."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_window_in_minutes == null ? true : (var.maximum_window_in_minutes >= 1 && var.maximum_window_in_minutes <= 1440)
    error_message = "maximum_window_in_minutes must be between 1 and 1440."
  }
}

variable "state_machine_arn" {
  description = "ARN of the Step Functions state machine the schedule starts."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:", var.state_machine_arn))
    error_message = "state_machine_arn must be a Step Functions state machine ARN."
  }
}

variable "input" {
  description = "JSON input passed to each execution."
  type        = string
  default     = "{}"

  validation {
    condition     = can(jsondecode(var.input))
    error_message = "input must be a JSON string."
  }
}

variable "retry_maximum_event_age_in_seconds" {
  description = "How long Scheduler keeps retrying an event that failed to start (60-86400)."
  type        = number
  default     = 3600

  validation {
    condition     = var.retry_maximum_event_age_in_seconds >= 60 && var.retry_maximum_event_age_in_seconds <= 86400
    error_message = "retry_maximum_event_age_in_seconds must be between 60 and 86400."
  }
}

variable "retry_maximum_retry_attempts" {
  description = "Maximum retries of a failed StartExecution call (0-185)."
  type        = number
  default     = 3

  validation {
    condition     = var.retry_maximum_retry_attempts >= 0 && var.retry_maximum_retry_attempts <= 185
    error_message = "retry_maximum_retry_attempts must be between 0 and 185."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key encrypting the schedule's target input (null = AWS owned key)."
  type        = string
  default     = null
}

variable "role_name" {
  description = "Name of the scheduler's IAM role (null = \"<name>-scheduler\")."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the scheduler's role (null = none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the scheduler's role (schedules themselves take no tags)."
  type        = map(string)
  default     = {}
}

variable "role_arn" {
  description = "Existing IAM role for the scheduler to use (null = create one with exactly the needed policy)."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "role_arn must be an IAM role ARN."
  }
}
