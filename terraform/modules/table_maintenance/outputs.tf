output "state_machine_arn" {
  description = "ARN of the maintenance state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "schedule_arn" {
  description = "ARN of the maintenance schedule."
  value       = aws_scheduler_schedule.this.arn
}

output "role_arn" {
  description = "ARN of the role the maintenance state machine assumes."
  value       = aws_iam_role.this.arn
}
