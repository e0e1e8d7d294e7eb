variable "lf_tags" {
  description = "LF-tag key => the values the project uses (annotation tags, PII type/sensitivity, contractforge_dataset)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.lf_tags : length(v) > 0 && length(v) <= 1000 && can(regex("^[a-z0-9_.:/=+@%-]{1,128}$", k))])
    error_message = "lf_tags keys must be 1-128 lower-case characters from [a-z0-9_.:/=+@%-], each with 1-1000 values."
  }
}

variable "tag_associators" {
  description = "Key => principal (the Glue job roles) allowed to read and attach every tag of lf_tags (ASSOCIATE, DESCRIBE)."
  type        = map(string)
  default     = {}
}

variable "tag_grants" {
  description = "Key => a grant on a tag expression: principal, table permissions and expression (tag key => values, all must match)."
  type = map(object({
    principal   = string
    permissions = list(string)
    expression  = map(list(string))
  }))
  default = {}

  validation {
    condition     = alltrue([for g in values(var.tag_grants) : length(g.permissions) > 0 && alltrue([for p in g.permissions : contains(["ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"], p)])])
    error_message = "tag_grants[].permissions must be table permissions: ALL, ALTER, DELETE, DESCRIBE, DROP, INSERT or SELECT."
  }
}

variable "data_cells_filters" {
  description = "Filter name => table, PartiQL row-filter predicate, columns hidden from it and the principals granted SELECT on it."
  type = map(object({
    database_name     = string
    table_name        = string
    filter_expression = string
    excluded_columns  = list(string)
    principals        = list(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for name, f in var.data_cells_filters : can(regex("^[A-Za-z0-9_-]{1,255}$", name)) && length(trimspace(f.filter_expression)) > 0])
    error_message = "data_cells_filters names must be 1-255 characters from [A-Za-z0-9_-] and each needs a filter_expression."
  }
}

variable "catalog_id" {
  description = "Data Catalog ID (AWS account ID) of the tags and tables; null = the provider's account."
  type        = string
  default     = null
}
