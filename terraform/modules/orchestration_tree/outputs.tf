output "state_machine_arn" {
  description = "ARN of the root state machine."
  value       = aws_sfn_state_machine.this[var.root_name].arn
}

output "state_machine_name" {
  description = "Name of the root state machine."
  value       = aws_sfn_state_machine.this[var.root_name].name
}

output "state_machine_arns" {
  description = "State machine name => ARN (root and children)."
  value       = { for name, machine in aws_sfn_state_machine.this : name => machine.arn }
}

output "role_arns" {
  description = "State machine name => ARN of its IAM role (created, or the given role_arn)."
  value       = var.role_arn == null ? { for name, role in aws_iam_role.this : name => role.arn } : { for name in keys(var.machines) : name => var.role_arn }
}
