output "bucket" {
  description = "Bucket holding the artifacts."
  value       = var.bucket
}

output "object_keys" {
  description = "Map of artifact key (as given) => full S3 object key (key_prefix included)."
  value       = { for k, o in aws_s3_object.this : k => o.key }
}

output "object_uris" {
  description = "Map of artifact key (as given) => s3://bucket/key URI."
  value       = { for k, o in aws_s3_object.this : k => "s3://${o.bucket}/${o.key}" }
}

output "object_etags" {
  description = "Map of artifact key (as given) => object ETag (changes when the content changes)."
  value       = { for k, o in aws_s3_object.this : k => o.etag }
}
