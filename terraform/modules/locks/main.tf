# One item per locked target (key "target"); the runtime writes it with conditional PutItem /
# UpdateItem / DeleteItem. "expires_at" (epoch seconds) is the TTL attribute: DynamoDB removes a
# lock some time after its holder's TTL passed (the runtime's conditions never wait for that).
resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "target"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "target"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
