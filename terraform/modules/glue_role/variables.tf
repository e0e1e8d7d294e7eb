variable "name" {
  description = "IAM role name (at most 64 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters from [A-Za-z0-9+=,.@_-]."
  }
}

variable "description" {
  description = "IAM role description."
  type        = string
  default     = "ContractForge Glue runner role"
}

variable "path" {
  description = "IAM path of the role."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.path, "/") && endswith(var.path, "/")
    error_message = "path must start and end with \"/\"."
  }
}

variable "policy_json" {
  description = "Inline policy document (JSON string) derived by the compiler from every location, table and secret the jobs touch."
  type        = string

  validation {
    condition     = can(jsondecode(var.policy_json).Statement)
    error_message = "policy_json must be a JSON IAM policy document with a Statement."
  }
}

variable "policy_name" {
  description = "Name of the inline policy."
  type        = string
  default     = "contractforge-glue-runner"
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy used as the role's permissions boundary (null = none)."
  type        = string
  default     = null
}

variable "max_session_duration" {
  description = "Maximum session duration in seconds (3600-43200)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200."
  }
}

variable "tags" {
  description = "Tags applied to the role."
  type        = map(string)
  default     = {}
}
