output "table_name" {
  description = "Name of the lock table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the lock table (the job roles may Get/Put/Update/DeleteItem on it, nothing else)."
  value       = aws_dynamodb_table.this.arn
}
