output "schedule_arn" {
  description = "Schedule ARN."
  value       = aws_scheduler_schedule.this.arn
}

output "schedule_name" {
  description = "Schedule name."
  value       = aws_scheduler_schedule.this.name
}

output "role_arn" {
  description = "ARN of the role in use (created, or the given role_arn)."
  value       = local.role_arn
}

output "role_name" {
  description = "Name of the created role (null when role_arn was given)."
  value       = one(aws_iam_role.this[*].name)
}
