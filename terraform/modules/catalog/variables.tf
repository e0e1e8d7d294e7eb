variable "databases" {
  description = "Glue databases to create (every target database and the evidence database): map of name => { description, location_uri }. A null location_uri defaults to \"<warehouse_uri><name>.db/\"."
  type = map(object({
    description  = optional(string, "")
    location_uri = optional(string)
  }))

  validation {
    condition     = alltrue([for name in keys(var.databases) : can(regex("^[a-z0-9_]{1,255}$", name))])
    error_message = "database names must be 1-255 lower-case letters, digits or underscores (Glue/Athena-safe)."
  }

  validation {
    condition     = alltrue([for d in values(var.databases) : d.location_uri == null ? true : startswith(d.location_uri, "s3://")])
    error_message = "location_uri must be an s3:// URI."
  }
}

variable "warehouse_uri" {
  description = "Iceberg warehouse root (s3://bucket/prefix/, trailing slash); database locations default to <warehouse_uri><name>.db/."
  type        = string

  validation {
    condition     = can(regex("^s3://[^/]+/.*/$|^s3://[^/]+/$", var.warehouse_uri))
    error_message = "warehouse_uri must be an s3:// URI ending with \"/\"."
  }
}

variable "catalog_id" {
  description = "Glue Data Catalog ID (AWS account ID); null = the provider's account."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every database."
  type        = map(string)
  default     = {}
}
