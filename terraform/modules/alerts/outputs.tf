output "topic_arn" {
  description = "ARN of the SNS topic alerts go to (created or given)."
  value       = local.topic_arn
}

output "event_rule_names" {
  description = "Names of the EventBridge failure rules (Glue jobs, state machines)."
  value       = concat(aws_cloudwatch_event_rule.glue_job_failed[*].name, aws_cloudwatch_event_rule.state_machine_failed[*].name)
}

output "alarm_names" {
  description = "Names of the freshness and quality CloudWatch alarms (sorted)."
  value       = sort(concat([for a in aws_cloudwatch_metric_alarm.freshness : a.alarm_name], [for a in aws_cloudwatch_metric_alarm.quality : a.alarm_name]))
}
