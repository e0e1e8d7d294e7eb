variable "name" {
  description = "State machine name (1-80 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 characters from [A-Za-z0-9_-]."
  }
}

variable "definition" {
  description = "Amazon States Language definition as a JSON string (rendered by the compiler)."
  type        = string

  validation {
    condition     = can(jsondecode(var.definition).StartAt) && can(jsondecode(var.definition).States)
    error_message = "definition must be a JSON state machine definition with StartAt and States."
  }
}

variable "type" {
  description = "State machine type: STANDARD or EXPRESS."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "EXPRESS"], var.type)
    error_message = "type must be STANDARD or EXPRESS."
  }
}

variable "glue_job_arns" {
  description = "ARNs of the Glue jobs the state machine starts (glue:StartJobRun/GetJobRun/GetJobRuns/BatchStopJobRun are allowed on exactly these)."
  type        = list(string)

  validation {
    condition     = length(var.glue_job_arns) > 0 && alltrue([for a in var.glue_job_arns : can(regex("^arn:aws[a-z-]*:glue:", a))])
    error_message = "glue_job_arns must be a non-empty list of Glue job ARNs."
  }
}

variable "log_retention_days" {
  description = "Retention of the state machine's CloudWatch log group, in days."
  type        = number
  default     = 365

  validation {
    condition = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "log_group_kms_key_arn" {
  description = "KMS key ARN encrypting the log group (null = CloudWatch Logs default encryption)."
  type        = string
  default     = null
}

variable "log_level" {
  description = "Execution log level: ALL, ERROR, FATAL or OFF."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.log_level)
    error_message = "log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "include_execution_data" {
  description = "Include execution input/output in the logs (run plans carry only secret placeholders, never values)."
  type        = bool
  default     = true
}

variable "tracing_enabled" {
  description = "Enable AWS X-Ray tracing of executions."
  type        = bool
  default     = true
}

variable "role_name" {
  description = "Name of the state machine's IAM role (null = \"<name>-sfn\")."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the state machine's role (null = none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the state machine, its role and its log group."
  type        = map(string)
  default     = {}
}

variable "role_arn" {
  description = "Existing IAM role for the state machine to use (null = create one with exactly the needed policy)."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "role_arn must be an IAM role ARN."
  }
}
