output "role_arn" {
  description = "ARN of the Glue role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the Glue role."
  value       = aws_iam_role.this.name
}

output "policy_name" {
  description = "Name of the inline policy attached to the role."
  value       = aws_iam_role_policy.this.name
}
