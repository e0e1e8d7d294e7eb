locals {
  # an existing role (var.role_arn) is used as is: no role or policy is created
  role_arn  = coalesce(var.role_arn, one(aws_iam_role.this[*].arn))
  role_name = coalesce(var.role_name, "${var.name}-scheduler")
}

resource "aws_iam_role" "this" {
  count = var.role_arn == null ? 1 : 0

  name                 = local.role_name
  description          = "EventBridge Scheduler role of ${var.name}"
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SchedulerAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.role_arn == null ? 1 : 0

  name = "start-state-machine"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StartExecution"
      Effect   = "Allow"
      Action   = "states:StartExecution"
      Resource = var.state_machine_arn
    }]
  })
}

resource "aws_scheduler_schedule" "this" {
  name        = var.name
  group_name  = var.group_name
  description = var.description
  state       = var.state
  kms_key_arn = var.kms_key_arn

  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_expression_timezone

  flexible_time_window {
    mode                      = var.flexible_time_window_mode
    maximum_window_in_minutes = var.flexible_time_window_mode == "FLEXIBLE" ? var.maximum_window_in_minutes : null
  }

  target {
    arn      = var.state_machine_arn
    role_arn = local.role_arn
    input    = var.input

    retry_policy {
      maximum_event_age_in_seconds = var.retry_maximum_event_age_in_seconds
      maximum_retry_attempts       = var.retry_maximum_retry_attempts
    }
  }

  lifecycle {
    precondition {
      condition     = var.flexible_time_window_mode == "OFF" || var.maximum_window_in_minutes != null
      error_message = "maximum_window_in_minutes is required when flexible_time_window_mode is FLEXIBLE."
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

moved {
  from = aws_iam_role.this
  to   = aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.this
  to   = aws_iam_role_policy.this[0]
}
