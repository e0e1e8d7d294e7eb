locals {
  location_uris = {
    for name, db in var.databases :
    name => db.location_uri != null ? db.location_uri : "${var.warehouse_uri}${name}.db/"
  }
}

resource "aws_glue_catalog_database" "this" {
  for_each = var.databases

  name         = each.key
  description  = each.value.description
  location_uri = local.location_uris[each.key]
  catalog_id   = var.catalog_id

  tags = var.tags
}
