locals {
  # an existing role (var.role_arn) is used as is: no role or policy is created
  role_arn  = coalesce(var.role_arn, one(aws_iam_role.this[*].arn))
  role_name = coalesce(var.role_name, "${var.name}-sfn")

  glue_statement = {
    Sid      = "RunGlueJobs"
    Effect   = "Allow"
    Action   = ["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"]
    Resource = var.glue_job_arns
  }

  # Vended log delivery APIs do not support resource-level permissions: AWS documents Resource "*".
  logs_statement = {
    Sid    = "DeliverExecutionLogs"
    Effect = "Allow"
    Action = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]
    Resource = "*"
  }

  xray_statement = {
    Sid      = "WriteTraces"
    Effect   = "Allow"
    Action   = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    Resource = "*"
  }

  policy = {
    Version   = "2012-10-17"
    Statement = concat([local.glue_statement, local.logs_statement], var.tracing_enabled ? [local.xray_statement] : [])
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_group_kms_key_arn

  tags = var.tags
}

resource "aws_iam_role" "this" {
  count = var.role_arn == null ? 1 : 0

  name                 = local.role_name
  description          = "Step Functions role of ${var.name}"
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "StatesAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.role_arn == null ? 1 : 0

  name   = "run-glue-jobs"
  role   = aws_iam_role.this[0].id
  policy = jsonencode(local.policy)
}

resource "aws_sfn_state_machine" "this" {
  name       = var.name
  type       = var.type
  role_arn   = local.role_arn
  definition = var.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = var.include_execution_data
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  tags = var.tags

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
