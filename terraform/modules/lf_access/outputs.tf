output "lf_tag_keys" {
  description = "LF-tag keys this module manages (sorted)."
  value       = sort(keys(aws_lakeformation_lf_tag.this))
}

output "tag_grant_keys" {
  description = "Keys of the tag-expression grants (sorted)."
  value       = sort(keys(aws_lakeformation_permissions.tag_grant))
}

output "data_cells_filter_names" {
  description = "Names of the data-cells filters (sorted)."
  value       = sort(keys(aws_lakeformation_data_cells_filter.this))
}
