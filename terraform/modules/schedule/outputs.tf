output "schedule_arn" {
  description = "Schedule ARN."
  value       = aws_scheduler_schedule.this.arn
}

output "schedule_name" {
  description = "Schedule name."
  value       = aws_scheduler_schedule.this.name
}

output "role_arn" {
  description = "ARN of the role the scheduler assumes to start executions."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the scheduler's role."
  value       = aws_iam_role.this.name
}
