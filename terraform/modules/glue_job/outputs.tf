output "job_name" {
  description = "Glue job name."
  value       = aws_glue_job.this.name
}

output "job_arn" {
  description = "Glue job ARN."
  value       = aws_glue_job.this.arn
}

output "default_arguments" {
  description = "Default arguments the job was created with (runner keys + extras)."
  value       = aws_glue_job.this.default_arguments
}

output "security_configuration_name" {
  description = "Name of the attached security configuration (null when none)."
  value       = local.security_configuration_name
}
