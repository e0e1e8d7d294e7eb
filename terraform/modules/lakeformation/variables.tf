variable "principal_arn" {
  description = "IAM principal (the Glue runner role ARN) receiving the grants."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::", var.principal_arn))
    error_message = "principal_arn must be an IAM ARN."
  }
}

variable "databases" {
  description = "Glue databases (target databases and the evidence database) the principal writes to."
  type        = list(string)

  validation {
    condition     = length(var.databases) > 0
    error_message = "databases must not be empty."
  }
}

variable "database_permissions" {
  description = "Lake Formation permissions granted on each database."
  type        = list(string)
  default     = ["ALTER", "CREATE_TABLE", "DESCRIBE"]

  validation {
    condition     = alltrue([for p in var.database_permissions : contains(["ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"], p)])
    error_message = "database_permissions entries must be ALL, ALTER, CREATE_TABLE, DESCRIBE or DROP."
  }
}

variable "table_permissions" {
  description = "Lake Formation permissions granted on all tables (wildcard) of each database."
  type        = list(string)
  default     = ["ALTER", "DELETE", "DESCRIBE", "INSERT", "SELECT"]

  validation {
    condition     = alltrue([for p in var.table_permissions : contains(["ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"], p)])
    error_message = "table_permissions entries must be ALL, ALTER, DELETE, DESCRIBE, DROP, INSERT or SELECT."
  }
}

variable "catalog_id" {
  description = "Data Catalog ID (AWS account ID); null = the provider's account."
  type        = string
  default     = null
}
