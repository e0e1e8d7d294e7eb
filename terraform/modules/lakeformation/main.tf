resource "aws_lakeformation_permissions" "database" {
  for_each = toset(var.databases)

  principal   = var.principal_arn
  permissions = var.database_permissions
  catalog_id  = var.catalog_id

  database {
    name = each.value
  }
}

resource "aws_lakeformation_permissions" "tables" {
  for_each = toset(var.databases)

  principal   = var.principal_arn
  permissions = var.table_permissions
  catalog_id  = var.catalog_id

  table {
    database_name = each.value
    wildcard      = true
  }
}
