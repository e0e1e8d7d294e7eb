output "granted_databases" {
  description = "Databases on which the principal received database and table grants (sorted)."
  value       = sort(keys(aws_lakeformation_permissions.database))
}

output "principal_arn" {
  description = "Principal that received the grants."
  value       = var.principal_arn
}
