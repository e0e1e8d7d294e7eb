data "aws_caller_identity" "current" {}

locals {
  catalog_id = coalesce(var.catalog_id, data.aws_caller_identity.current.account_id)

  # keyed by the associator's key (known at plan time even when the role ARN is not)
  associations = {
    for pair in setproduct(keys(var.tag_associators), keys(var.lf_tags)) : "${pair[0]}|${pair[1]}" => {
      principal = var.tag_associators[pair[0]]
      key       = pair[1]
    }
  }

  filter_grants = merge([
    for name, filter in var.data_cells_filters : {
      for principal in filter.principals : "${name}|${principal}" => { filter = name, principal = principal }
    }
  ]...)
}

# LF-tag keys and the values the project uses (tags of annotations, PII, the dataset key of access).
resource "aws_lakeformation_lf_tag" "this" {
  for_each = var.lf_tags

  catalog_id = local.catalog_id
  key        = each.key
  values     = each.value
}

# Job roles may read and attach the tags: the runner tags its tables and columns after creating them.
resource "aws_lakeformation_permissions" "associate" {
  for_each = local.associations

  principal   = each.value.principal
  permissions = ["ASSOCIATE", "DESCRIBE"]
  catalog_id  = local.catalog_id

  lf_tag {
    key    = each.value.key
    values = aws_lakeformation_lf_tag.this[each.value.key].values
  }
}

# Grants on tag expressions: valid before the tables exist (tag-based access control).
resource "aws_lakeformation_permissions" "tag_grant" {
  for_each = var.tag_grants

  principal   = each.value.principal
  permissions = each.value.permissions
  catalog_id  = local.catalog_id

  lf_tag_policy {
    resource_type = "TABLE"

    dynamic "expression" {
      for_each = each.value.expression
      content {
        key    = expression.key
        values = expression.value
      }
    }
  }

  depends_on = [aws_lakeformation_lf_tag.this]
}

# Row filters: a data-cells filter per declared filter (the table must exist), SELECT for its principals.
resource "aws_lakeformation_data_cells_filter" "this" {
  for_each = var.data_cells_filters

  table_data {
    database_name    = each.value.database_name
    table_name       = each.value.table_name
    name             = each.key
    table_catalog_id = local.catalog_id

    row_filter {
      filter_expression = each.value.filter_expression
    }

    column_wildcard {
      excluded_column_names = each.value.excluded_columns
    }
  }
}

resource "aws_lakeformation_permissions" "filter_grant" {
  for_each = local.filter_grants

  principal   = each.value.principal
  permissions = ["SELECT"]
  catalog_id  = local.catalog_id

  data_cells_filter {
    database_name    = aws_lakeformation_data_cells_filter.this[each.value.filter].table_data[0].database_name
    table_name       = aws_lakeformation_data_cells_filter.this[each.value.filter].table_data[0].table_name
    name             = each.value.filter
    table_catalog_id = local.catalog_id
  }
}
