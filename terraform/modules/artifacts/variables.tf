variable "bucket" {
  description = "Name of the existing S3 bucket that receives the artifacts (run plans, runner script, runtime zip)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "bucket must be a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)."
  }
}

variable "key_prefix" {
  description = "Prefix prepended to every artifact key, e.g. \"contractforge/orders/\". Empty or ending with \"/\"; no leading \"/\"."
  type        = string
  default     = ""

  validation {
    condition     = var.key_prefix == "" || (can(regex("/$", var.key_prefix)) && !startswith(var.key_prefix, "/"))
    error_message = "key_prefix must be empty or end with \"/\", and must not start with \"/\"."
  }
}

variable "artifacts" {
  description = "Artifacts to upload: map of object key (relative to key_prefix) => { source = local file path, content_type }."
  type = map(object({
    source       = string
    content_type = optional(string, "application/octet-stream")
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.artifacts) : !startswith(k, "/") && length(k) > 0])
    error_message = "artifact keys must be non-empty and must not start with \"/\"."
  }
}

variable "server_side_encryption" {
  description = "Server-side encryption of the objects: \"AES256\" (SSE-S3) or \"aws:kms\" (SSE-KMS, with kms_key_id or the AWS managed key)."
  type        = string
  default     = "AES256"

  validation {
    condition     = contains(["AES256", "aws:kms"], var.server_side_encryption)
    error_message = "server_side_encryption must be \"AES256\" or \"aws:kms\"."
  }
}

variable "kms_key_id" {
  description = "ARN of the KMS key used when server_side_encryption = \"aws:kms\" (null = the AWS managed aws/s3 key)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every object."
  type        = map(string)
  default     = {}
}
