"""The one AWS client seam: region, endpoint, retries with backoff and jitter, operator errors.

Everything in ``contractforge.ops`` talks to AWS through :meth:`AwsSession.call` (boto3) or
:meth:`AwsSession.athena_connection` (pyathena). botocore failures become
``ContractForgeError``s with a message an operator can act on — never a traceback:

- missing credentials / region, missing job or state machine (not applied yet) → exit 2;
- access denied, throttling that outlasts the retries, any other AWS error → exit 1.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from contractforge.errors import ContractForgeError, Problem

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}
)
NOT_FOUND_CODES = frozenset(
    {
        "EntityNotFoundException",
        "JobNotFoundException",
        "StateMachineDoesNotExist",
        "ExecutionDoesNotExist",
        "ResourceNotFoundException",
        "NoSuchBucket",
    }
)


@dataclass(frozen=True)
class RetryPolicy:
    """Which error codes to retry, and for how long.

    ``deadline_seconds`` bounds the total time; ``max_attempts`` bounds the count (None = only the
    deadline). The n-th wait is ``min(max_delay, base_delay * 2**n)`` with full jitter, or
    ``fixed_delay`` (± 10 % jitter) when set — e.g. ``--poll-interval-seconds``.
    """

    codes: frozenset[str] = THROTTLING_CODES
    max_attempts: int | None = 6
    deadline_seconds: float | None = None
    base_delay: float = 0.5
    max_delay: float = 20.0
    fixed_delay: float | None = None

    def delay(self, attempt: int, rng: random.Random) -> float:
        if self.fixed_delay is not None:
            return max(0.0, self.fixed_delay * rng.uniform(0.9, 1.1))
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


DEFAULT_RETRY = RetryPolicy()


class AwsCallError(ContractForgeError):
    """An AWS call failed; ``code`` is the AWS error code ("" when not a service error)."""

    code: str = ""


def aws_error(
    message: str, *, where: str, exit_code: int = 1, suggestion: str | None = None, code: str = ""
) -> AwsCallError:
    error = AwsCallError([Problem(message=message, file=where, suggestion=suggestion)], exit_code=exit_code)
    error.code = code
    return error


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


class AwsSession:
    """boto3 clients for one region (and optional endpoint, e.g. moto), behind one ``call``."""

    def __init__(
        self,
        region: str,
        endpoint_url: str | None = None,
        *,
        profile: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ):
        self.region = region
        self.endpoint_url = endpoint_url
        self.sleep = sleep
        self.clock = clock
        self._rng = random.Random(seed)
        try:
            self._boto = boto3.session.Session(region_name=region, profile_name=profile)
        except BotoCoreError as exc:  # unknown profile
            raise aws_error(str(exc), where="aws", exit_code=2) from None
        self._clients: dict[str, Any] = {}
        # Retries are ours (codes, deadline, jitter); botocore makes one attempt per call.
        self._config = Config(
            retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=60
        )

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._boto.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=self._config
            )
        return self._clients[service]

    def call(
        self, service: str, operation: str, *, retry: RetryPolicy = DEFAULT_RETRY, **params: Any
    ) -> dict:
        """``client(service).<operation>(**params)`` with retries and operator-friendly errors."""
        where = f"{service}.{_camel(operation)}"
        started = self.clock()
        attempt = 0
        while True:
            try:
                return getattr(self.client(service), operation)(**params)
            except ClientError as exc:
                code = error_code(exc)
                if code in retry.codes and self._may_retry(retry, attempt, started):
                    self.sleep(self._bounded_delay(retry, attempt, started))
                    attempt += 1
                    continue
                raise translate_client_error(exc, where) from None
            except (NoCredentialsError, PartialCredentialsError):
                raise aws_error(
                    "no AWS credentials found",
                    where=where,
                    exit_code=2,
                    suggestion="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`",
                ) from None
            except NoRegionError:
                raise aws_error(
                    "no AWS region configured",
                    where=where,
                    exit_code=2,
                    suggestion="pass --region or set AWS_REGION",
                ) from None
            except EndpointConnectionError as exc:
                raise aws_error(f"cannot reach the AWS endpoint: {exc}", where=where) from None

    def paginate(self, service: str, operation: str, result_key: str, **params: Any) -> Iterable[Any]:
        """Items of ``result_key`` over every page (NextToken loop through :meth:`call`)."""
        token_names = ("NextToken", "nextToken")
        while True:
            page = self.call(service, operation, **params)
            yield from page.get(result_key, []) or []
            token = next((page[name] for name in token_names if page.get(name)), None)
            if not token:
                return
            params = {**params, ("nextToken" if "nextToken" in page else "NextToken"): token}

    def account_id(self) -> str:
        return self.call("sts", "get_caller_identity")["Account"]

    def athena_connection(self, *, output_location: str | None, workgroup: str | None, database: str | None):
        """A pyathena connection (default cursor) on this session's credentials and endpoint."""
        from pyathena import connect

        kwargs: dict[str, Any] = {
            "s3_staging_dir": output_location or "",
            "work_group": workgroup or "",
            "region_name": self.region,
            "session": self._boto,
            "poll_interval": 0.2,
        }
        if database:
            kwargs["schema_name"] = database
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        return connect(**kwargs)

    def _may_retry(self, retry: RetryPolicy, attempt: int, started: float) -> bool:
        if retry.max_attempts is not None and attempt + 1 >= retry.max_attempts:
            return False
        if retry.deadline_seconds is not None and self.clock() - started >= retry.deadline_seconds:
            return False
        return True

    def _bounded_delay(self, retry: RetryPolicy, attempt: int, started: float) -> float:
        delay = retry.delay(attempt, self._rng)
        if retry.deadline_seconds is not None:
            delay = min(delay, max(0.0, retry.deadline_seconds - (self.clock() - started)))
        return delay


def translate_client_error(exc: ClientError, where: str) -> AwsCallError:
    error = _translate(exc, where)
    error.code = error_code(exc)
    return error


def _translate(exc: ClientError, where: str) -> AwsCallError:
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message") or str(exc)
    if code in ACCESS_DENIED_CODES:
        return aws_error(
            f"access denied ({code}): {message}",
            where=where,
            suggestion="check the IAM policy of the caller (contractforge compile writes the policy it needs)",
        )
    if code in NOT_FOUND_CODES:
        return aws_error(
            f"not found ({code}): {message}",
            where=where,
            exit_code=2,
            suggestion="run `terraform apply` on the compiled build first, or check --region/--env",
        )
    if code in THROTTLING_CODES or code == "ConcurrentRunsExceededException":
        return aws_error(
            f"{code} persisted after retrying: {message}",
            where=where,
            suggestion="raise --max-wait-seconds or retry later",
        )
    return aws_error(f"{code or 'error'}: {message}", where=where)


def translate_athena_error(exc: Exception, statement: str) -> ContractForgeError:
    """pyathena wraps botocore errors; unwrap them to the same operator messages."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, ClientError):
        return translate_client_error(cause, "athena.StartQueryExecution")
    if isinstance(cause, (NoCredentialsError, PartialCredentialsError)):
        return aws_error(
            "no AWS credentials found",
            where="athena",
            exit_code=2,
            suggestion="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        )
    lines = [line for line in statement.strip().splitlines() if not line.lstrip().startswith("--")]
    first_line = lines[0][:120] if lines else ""
    text = str(exc)
    suggestion = None
    if "TABLE_NOT_FOUND" in text or "SCHEMA_NOT_FOUND" in text or "does not exist" in text:
        suggestion = "create the evidence tables first: contractforge evidence ensure PROJECT --env aws"
    return aws_error(f"query failed: {text} (statement: {first_line})", where="athena", suggestion=suggestion)


def _camel(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))
