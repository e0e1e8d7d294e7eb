locals {
  role_name           = coalesce(var.role_name, "${var.name}-maintenance")
  scheduler_role_name = "${var.name}-maintenance-scheduler"

  # One Athena task per statement, in order; each waits for its query (.sync). Every task has the
  # same shape (Next, then a final Succeed state), so Terraform keeps the types as written.
  states = {
    for index, statement in var.statements : format("Statement%03d", index) => {
      Type     = "Task"
      Resource = "arn:aws:states:::athena:startQueryExecution.sync"
      Parameters = {
        QueryString           = statement
        WorkGroup             = var.workgroup
        QueryExecutionContext = { Catalog = "AwsDataCatalog" }
        ResultConfiguration   = { OutputLocation = var.output_location }
      }
      Retry = [{
        ErrorEquals     = ["States.TaskFailed"]
        IntervalSeconds = 60
        MaxAttempts     = var.retry_attempts
        BackoffRate     = 2
      }]
      Next = index == length(var.statements) - 1 ? "Done" : format("Statement%03d", index + 1)
    }
  }

  definition = jsonencode({
    Comment = "ContractForge table maintenance: Athena OPTIMIZE and VACUUM of target and evidence tables"
    StartAt = "Statement000"
    States  = merge(local.states, { Done = { Type = "Succeed" } })
  })

  policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RunAthenaQueries"
        Effect   = "Allow"
        Action   = ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution", "athena:StopQueryExecution"]
        Resource = "arn:aws:athena:*:*:workgroup/${var.workgroup}"
      },
      {
        Sid      = "ReadAndUpdateTables"
        Effect   = "Allow"
        Action   = ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable", "glue:UpdateTable"]
        Resource = var.glue_resource_arns
      },
      {
        Sid      = "RewriteTableFiles"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]
        Resource = var.s3_resource_arns
      },
      {
        Sid      = "LakeFormationDataAccess"
        Effect   = "Allow"
        Action   = ["lakeformation:GetDataAccess"]
        Resource = "*"
      },
    ]
  }
}

resource "aws_iam_role" "this" {
  name                 = local.role_name
  description          = "Step Functions role of the table maintenance of ${var.name}"
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
  name   = "run-athena-maintenance"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.policy)
}

resource "aws_sfn_state_machine" "this" {
  #checkov:skip=CKV_AWS_284:a scheduled Athena OPTIMIZE/VACUUM runner; its outcome is the Athena query history, X-Ray adds nothing
  #checkov:skip=CKV_AWS_285:execution history of a two-state maintenance machine is kept by Step Functions itself (90 days)
  name       = "${var.name}-maintenance"
  role_arn   = aws_iam_role.this.arn
  definition = local.definition

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_iam_role" "scheduler" {
  name                 = local.scheduler_role_name
  description          = "EventBridge Scheduler role of the table maintenance of ${var.name}"
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

resource "aws_iam_role_policy" "scheduler" {
  name = "start-maintenance"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StartExecution"
      Effect   = "Allow"
      Action   = "states:StartExecution"
      Resource = aws_sfn_state_machine.this.arn
    }]
  })
}

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:the schedule carries no data (a state machine ARN and an empty input); a CMK is an account decision
  name        = "${var.name}-maintenance"
  description = "ContractForge table maintenance of ${var.name}"
  state       = var.state

  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_expression_timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.this.arn
    role_arn = aws_iam_role.scheduler.arn
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
