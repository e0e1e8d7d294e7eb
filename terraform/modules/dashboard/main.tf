locals {
  # ["Namespace", "Metric", "Dim1", "Value1", ..., {label}] for one target and one runner metric
  target_metric = {
    for key, metric in var.metric_names : key => [
      for t in var.targets : concat(
        [var.metric_namespace, metric],
        flatten([for name in sort(keys(t.dimensions)) : [name, t.dimensions[name]]]),
        [{ label = t.label }]
      )
    ]
  }

  glue_metrics = {
    elapsed_ms   = [for job in var.glue_job_names : ["Glue", "glue.driver.aggregate.elapsedTime", "JobName", job, "JobRunId", "ALL", "Type", "count", { label = job }]]
    failed_tasks = [for job in var.glue_job_names : ["Glue", "glue.driver.aggregate.numFailedTasks", "JobName", job, "JobRunId", "ALL", "Type", "count", { label = job }]]
  }

  states_metrics = var.state_machine_arn == null ? [] : [
    for metric in ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"] :
    ["AWS/States", metric, "StateMachineArn", var.state_machine_arn, { label = metric }]
  ]

  runner_widgets = [
    { title = "Run succeeded (1) or not (0), per target", metric = "succeeded", stat = "Minimum" },
    { title = "Rows written per target", metric = "rows_written", stat = "Sum" },
    { title = "Rows quarantined per target", metric = "rows_quarantined", stat = "Sum" },
    { title = "Run duration (s) per target", metric = "duration_seconds", stat = "Maximum" },
  ]

  widgets = concat(
    [{
      type       = "text", x = 0, y = 0, width = 24, height = 2,
      properties = { markdown = "## ${var.dashboard_name}\nRunner metrics per target (namespace `${var.metric_namespace}`), Glue job metrics and Step Functions executions. Evidence: `contractforge report`." }
    }],
    [for index, w in local.runner_widgets : {
      type = "metric", x = (index % 2) * 12, y = 2 + floor(index / 2) * 6, width = 12, height = 6,
      properties = {
        title   = w.title, region = var.region, stat = w.stat, period = var.period_seconds, view = "timeSeries",
        metrics = local.target_metric[w.metric]
      }
    }],
    [
      {
        type = "metric", x = 0, y = 14, width = 12, height = 6,
        properties = {
          title = "Glue job elapsed time (ms)", region = var.region, stat = "Maximum", period = var.period_seconds,
          view  = "timeSeries", metrics = local.glue_metrics.elapsed_ms
        }
      },
      {
        type = "metric", x = 12, y = 14, width = 12, height = 6,
        properties = {
          title = "Glue failed tasks", region = var.region, stat = "Sum", period = var.period_seconds,
          view  = "timeSeries", metrics = local.glue_metrics.failed_tasks
        }
      },
    ],
    var.state_machine_arn == null ? [] : [{
      type = "metric", x = 0, y = 20, width = 24, height = 6,
      properties = {
        title = "Step Functions executions", region = var.region, stat = "Sum", period = var.period_seconds,
        view  = "timeSeries", metrics = local.states_metrics
      }
    }],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.dashboard_name
  dashboard_body = jsonencode({ widgets = local.widgets })
}
