locals {
  create_topic = var.topic_arn == null
  topic_arn    = local.create_topic ? aws_sns_topic.this[0].arn : var.topic_arn

  failed_glue_states = ["FAILED", "TIMEOUT", "ERROR", "STOPPED"]
  failed_sfn_states  = ["FAILED", "TIMED_OUT", "ABORTED"]

  # CloudWatch evaluates at most one day of 1-minute..1-day periods, or 7 days of hourly periods.
  freshness = {
    for key, alarm in var.freshness_alarms : key => {
      target             = alarm.target
      period             = alarm.freshness_sla_minutes <= 1440 ? alarm.freshness_sla_minutes * 60 : 3600
      evaluation_periods = alarm.freshness_sla_minutes <= 1440 ? 1 : ceil(alarm.freshness_sla_minutes / 60)
      sla                = alarm.freshness_sla_minutes
    }
  }
}

resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-alerts"
  kms_master_key_id = var.kms_master_key_id

  tags = var.tags
}

# EventBridge and CloudWatch alarms publish to the topic this module creates (an existing topic keeps
# the policy its owner gave it).
resource "aws_sns_topic_policy" "this" {
  count = local.create_topic ? 1 : 0

  arn = aws_sns_topic.this[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AlertSources"
      Effect    = "Allow"
      Principal = { Service = ["events.amazonaws.com", "cloudwatch.amazonaws.com"] }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this[0].arn
    }]
  })
}

resource "aws_sns_topic_subscription" "this" {
  for_each = { for s in var.subscriptions : "${s.protocol}:${s.endpoint}" => s }

  topic_arn = local.topic_arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_event_rule" "glue_job_failed" {
  count = length(var.glue_job_names) > 0 ? 1 : 0

  name        = "${var.name}-glue-job-failed"
  description = "A Glue job of ContractForge project ${var.project} ended ${join("/", local.failed_glue_states)}."
  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail        = { jobName = var.glue_job_names, state = local.failed_glue_states }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "glue_job_failed" {
  count = length(var.glue_job_names) > 0 ? 1 : 0

  rule = aws_cloudwatch_event_rule.glue_job_failed[0].name
  arn  = local.topic_arn
}

resource "aws_cloudwatch_event_rule" "state_machine_failed" {
  count = length(var.state_machine_arns) > 0 ? 1 : 0

  name        = "${var.name}-state-machine-failed"
  description = "A Step Functions execution of ContractForge project ${var.project} ended ${join("/", local.failed_sfn_states)}."
  event_pattern = jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail        = { stateMachineArn = var.state_machine_arns, status = local.failed_sfn_states }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "state_machine_failed" {
  count = length(var.state_machine_arns) > 0 ? 1 : 0

  rule = aws_cloudwatch_event_rule.state_machine_failed[0].name
  arn  = local.topic_arn
}

# The runner publishes TargetSucceeded = 1 per successful run; no datapoint for the SLA window
# (missing data) is as late as a zero.
resource "aws_cloudwatch_metric_alarm" "freshness" {
  for_each = local.freshness

  alarm_name          = "${var.name}-freshness-${each.key}"
  alarm_description   = "No successful ContractForge run of ${each.value.target} within ${each.value.sla} minutes."
  namespace           = var.metric_namespace
  metric_name         = "TargetSucceeded"
  dimensions          = { Project = var.project, Target = each.value.target }
  statistic           = "Sum"
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  treat_missing_data  = "breaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]

  tags = var.tags
}

# The runner publishes QualityFailed = 1 for a run whose quality rules failed, warned or quarantined.
resource "aws_cloudwatch_metric_alarm" "quality" {
  for_each = var.quality_alarms

  alarm_name          = "${var.name}-quality-${each.key}"
  alarm_description   = "Quality rules of ${each.value} failed in a ContractForge run."
  namespace           = var.metric_namespace
  metric_name         = "QualityFailed"
  dimensions          = { Project = var.project, Target = each.value }
  statistic           = "Maximum"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  period              = 300
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]

  tags = var.tags
}
