variable "root_name" {
  description = "Name of the root state machine (a key of machines): the one the schedule starts."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.root_name))
    error_message = "root_name must be 1-80 characters from [A-Za-z0-9_-]."
  }
}

variable "machines" {
  description = "State machine name => definition (ASL JSON), role name, Glue job ARNs (or ARN patterns) it starts and names of the child state machines it starts."
  type = map(object({
    definition    = string
    role_name     = string
    glue_job_arns = list(string)
    child_names   = list(string)
  }))

  validation {
    condition     = alltrue([for name, m in var.machines : can(regex("^[A-Za-z0-9_-]{1,80}$", name)) && length(m.role_name) <= 64])
    error_message = "machine names must be 1-80 characters from [A-Za-z0-9_-]; role names at most 64 characters."
  }

  validation {
    condition     = alltrue([for m in var.machines : alltrue([for a in m.glue_job_arns : can(regex("^arn:aws[a-z-]*:glue:", a))])])
    error_message = "glue_job_arns must be Glue job ARNs (a trailing * pattern is allowed)."
  }
}

variable "arn_prefix" {
  description = "State machine ARN prefix arn:<partition>:states:<region>:<account>:stateMachine: (child machine ARNs are this plus their name)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]*:[0-9]*:stateMachine:$", var.arn_prefix))
    error_message = "arn_prefix must look like arn:aws:states:<region>:<account>:stateMachine:."
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

variable "log_retention_days" {
  description = "Retention of every state machine's CloudWatch log group, in days."
  type        = number
  default     = 365

  validation {
    condition = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "log_group_kms_key_arn" {
  description = "KMS key ARN encrypting the log groups (null = CloudWatch Logs default encryption)."
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

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the state machines' roles (null = none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the state machines, their roles and their log groups."
  type        = map(string)
  default     = {}
}

variable "role_arn" {
  description = "Existing IAM role every state machine (root and children) uses (null = create one role per machine with exactly its policy)."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "role_arn must be an IAM role ARN."
  }
}
