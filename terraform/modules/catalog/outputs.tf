output "database_names" {
  description = "Names of the created databases (sorted)."
  value       = sort(keys(aws_glue_catalog_database.this))
}

output "database_arns" {
  description = "Map of database name => ARN."
  value       = { for name, db in aws_glue_catalog_database.this : name => db.arn }
}

output "location_uris" {
  description = "Map of database name => location URI."
  value       = { for name, db in aws_glue_catalog_database.this : name => db.location_uri }
}
