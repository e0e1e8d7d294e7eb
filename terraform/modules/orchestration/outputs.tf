output "state_machine_arn" {
  description = "State machine ARN."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "State machine name."
  value       = aws_sfn_state_machine.this.name
}

output "role_arn" {
  description = "ARN of the role in use (created, or the given role_arn)."
  value       = local.role_arn
}

output "role_name" {
  description = "Name of the created role (null when role_arn was given)."
  value       = one(aws_iam_role.this[*].name)
}

output "log_group_name" {
  description = "CloudWatch log group receiving execution logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the execution log group."
  value       = aws_cloudwatch_log_group.this.arn
}
