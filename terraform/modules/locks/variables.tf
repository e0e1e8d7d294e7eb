variable "name" {
  description = "DynamoDB table name (the run plans name it in run.lock_table)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 letters, digits, '_', '.' or '-' (DynamoDB table name)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key ARN encrypting the table (null = the AWS managed key for DynamoDB)."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse to delete the table while it is protected (a destroy then needs this set to false first)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to the table."
  type        = map(string)
  default     = {}
}
