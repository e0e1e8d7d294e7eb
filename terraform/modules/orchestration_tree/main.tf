locals {
  # an existing role (var.role_arn) is used by every machine as is: no role or policy is created
  created_roles = var.role_arn == null ? var.machines : {}

  # arn:<partition>:states:<region>:<account>:stateMachine:
  arn_parts       = split(":", var.arn_prefix)
  execution_arn   = replace(var.arn_prefix, ":stateMachine:", ":execution:")
  events_rule_arn = "arn:${local.arn_parts[1]}:events:${local.arn_parts[3]}:${local.arn_parts[4]}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"

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

  policies = {
    for name, machine in var.machines : name => {
      Version = "2012-10-17"
      Statement = concat(
        length(machine.glue_job_arns) == 0 ? [] : [{
          Sid      = "RunGlueJobs"
          Effect   = "Allow"
          Action   = ["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"]
          Resource = machine.glue_job_arns
        }],
        length(machine.child_names) == 0 ? [] : [
          {
            Sid      = "StartChildStateMachines"
            Effect   = "Allow"
            Action   = ["states:StartExecution"]
            Resource = [for child in machine.child_names : "${var.arn_prefix}${child}"]
          },
          {
            Sid      = "WatchChildExecutions"
            Effect   = "Allow"
            Action   = ["states:DescribeExecution", "states:StopExecution"]
            Resource = [for child in machine.child_names : "${local.execution_arn}${child}:*"]
          },
          {
            Sid      = "ReceiveChildCompletion"
            Effect   = "Allow"
            Action   = ["events:DescribeRule", "events:PutRule", "events:PutTargets"]
            Resource = [local.events_rule_arn]
          },
        ],
        [local.logs_statement],
        var.tracing_enabled ? [local.xray_statement] : [],
      )
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.machines

  name              = "/aws/vendedlogs/states/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_group_kms_key_arn

  tags = var.tags
}

resource "aws_iam_role" "this" {
  for_each = local.created_roles

  name                 = each.value.role_name
  description          = "Step Functions role of ${each.key}"
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
  for_each = local.created_roles

  name   = "run-glue-jobs-and-child-machines"
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode(local.policies[each.key])
}

resource "aws_sfn_state_machine" "this" {
  for_each = var.machines

  name       = each.key
  type       = var.type
  role_arn   = coalesce(var.role_arn, try(aws_iam_role.this[each.key].arn, null))
  definition = each.value.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this[each.key].arn}:*"
    include_execution_data = var.include_execution_data
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
