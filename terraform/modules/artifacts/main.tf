resource "aws_s3_object" "this" {
  for_each = var.artifacts

  bucket       = var.bucket
  key          = "${var.key_prefix}${each.key}"
  source       = each.value.source
  source_hash  = filemd5(each.value.source)
  content_type = each.value.content_type

  server_side_encryption = var.server_side_encryption
  kms_key_id             = var.server_side_encryption == "aws:kms" ? var.kms_key_id : null

  tags = var.tags
}
