"""MSK IAM access control of a Glue job's stream source (kept apart from iam.py for size)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MSK_CONNECT_ACTIONS = ("kafka-cluster:Connect", "kafka-cluster:DescribeCluster")
MSK_TOPIC_ACTIONS = ("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData")
MSK_GROUP_ACTIONS = ("kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup")


def msk_iam_statements(run_plan: dict[str, Any], context, statement: Callable[..., dict]) -> list[dict]:
    """MSK IAM access control for ``auth.type: msk_iam`` streams: connect to the cluster, read its
    topics (subscribe/assign), and manage the consumer groups Spark creates for the query."""
    source = run_plan.get("source") or {}
    auth = source.get("auth") or {}
    if source.get("family") != "stream" or str(auth.get("type", "")).lower() not in {
        "msk_iam",
        "aws_msk_iam",
        "iam",
    }:
        return []
    cluster_arn = str(auth.get("cluster_arn") or "")
    prefix = f"arn:{context.partition}:kafka:{context.region}:{context.account_id}"
    if cluster_arn.startswith("arn:"):
        prefix, _, rest = cluster_arn.partition(":cluster/")
        cluster = rest or "*/*"
    else:
        cluster = "*/*"
    options = source.get("options") or {}
    topics = str(options.get("subscribe") or source.get("topic") or "").split(",")
    topics = [t.strip() for t in topics if t.strip()] or ["*"]
    return [
        statement("MskIamConnect", MSK_CONNECT_ACTIONS, [f"{prefix}:cluster/{cluster}"]),
        statement("MskIamReadTopics", MSK_TOPIC_ACTIONS, [f"{prefix}:topic/{cluster}/{t}" for t in topics]),
        statement("MskIamConsumerGroups", MSK_GROUP_ACTIONS, [f"{prefix}:group/{cluster}/*"]),
    ]
