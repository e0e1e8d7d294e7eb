"""A reusable fake AWS for tests: moto's server in process, plus the few patches it needs.

Import it from any conftest::

    from tests.aws_fixtures import moto_server_fixtures
    moto_server, moto = moto_server_fixtures()

``moto_server`` (session) is the process's one ``ThreadedMotoServer`` on 127.0.0.1 (``MOTO_PORT`` set,
the patches below applied; shared by every conftest that binds these fixtures); ``moto`` (function) resets every backend, points the AWS environment
variables at dummy credentials and returns a :class:`FakeAws` handle.

The patches change *the fake AWS*, never the code under test:
- appendix B of local-stack.md: ``glue:startJobRun.sync`` in Step Functions (a ``None`` callback
  endpoint, and datetimes reaching ``json.dumps``);
- a job whose name contains ``fail`` ends FAILED (moto only knows STARTING → RUNNING → SUCCEEDED);
- ``FakeAws.reject_job_starts`` makes the next StartJobRun calls of a job answer with an error
  (ConcurrentRunsExceededException, ThrottlingException) before starting for real.
"""

from __future__ import annotations

import atexit
import inspect
import json
import os
import socket
import textwrap
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


def _shared() -> dict[str, Any]:
    """Process-wide state kept on the moto package itself, so that importing this file under two
    module names (``aws_fixtures`` and ``tests.aws_fixtures``) still means one server, one set of
    patches and one queue of injected rejections."""
    import moto

    return moto.__dict__.setdefault(
        "_contractforge_fake_aws",
        {"patched": False, "rejections": {}, "lock": threading.Lock(), "server": None, "fake": None},
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _patch_sfn_sync_callback() -> None:
    """Guard ``callback_endpoint.interrupt_all()`` against ``None`` (moto 5.2.5 bug)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback as module,
    )

    cls = module.StateTaskServiceCallback
    source = textwrap.dedent(inspect.getsource(cls._eval_integration_pattern))
    old = "callback_endpoint.interrupt_all()"
    if old not in source:  # already fixed upstream
        return
    source = source.replace(old, "callback_endpoint is not None and callback_endpoint.interrupt_all()")
    namespace: dict[str, Any] = {}
    exec(compile(source, module.__file__, "exec"), module.__dict__, namespace)  # noqa: S102
    cls._eval_integration_pattern = namespace["_eval_integration_pattern"]


def _patch_sfn_datetime_output() -> None:
    """describe_execution ``json.dumps`` a GetJobRun output holding datetimes: use ``default=str``."""
    import types

    from moto.stepfunctions import responses

    if getattr(responses.json, "_contractforge_patched", False):
        return
    shim = types.ModuleType("json_default_str")
    shim.__dict__.update({k: getattr(json, k) for k in dir(json) if not k.startswith("__")})
    shim.dumps = lambda obj, *args, **kwargs: json.dumps(obj, *args, **{"default": str, **kwargs})
    shim._contractforge_patched = True
    responses.json = shim


def _patch_glue_failures_and_rejections() -> None:
    from moto.glue import models
    from moto.glue.exceptions import ConcurrentRunsExceededException, JsonRESTError

    original_init = models.FakeJobRun.__init__

    def init(self: Any, job_name: str, *args: Any, **kwargs: Any) -> None:
        original_init(self, job_name, *args, **kwargs)
        if "fail" in job_name:
            self._transitions = [("STARTING", "RUNNING"), ("RUNNING", "FAILED")]

    original_as_dict = models.FakeJobRun.as_dict

    def as_dict(self: Any) -> dict[str, Any]:
        result = original_as_dict(self)
        if result.get("JobRunState") == "FAILED":
            result["ErrorMessage"] = f"fake failure of {self.job_name}"
        return result

    original_start = models.FakeJob.start_job_run

    def start_job_run(self: Any, *args: Any, **kwargs: Any) -> str:
        state = _shared()
        with state["lock"]:
            pending = state["rejections"].get(self.name) or []
            code = pending.pop(0) if pending else None
        if code == "ConcurrentRunsExceededException":
            raise ConcurrentRunsExceededException(f"Job with name {self.name} already running")
        if code:
            raise JsonRESTError(code, f"injected {code}")
        return original_start(self, *args, **kwargs)

    models.FakeJobRun.__init__ = init
    models.FakeJobRun.as_dict = as_dict
    models.FakeJob.start_job_run = start_job_run


def apply_fake_aws_patches() -> None:
    state = _shared()
    with state["lock"]:
        if state["patched"]:
            return
        _patch_sfn_sync_callback()
        _patch_sfn_datetime_output()
        _patch_glue_failures_and_rejections()
        state["patched"] = True


class FakeAws:
    """Handle on the running moto server: endpoint and the /moto-api controls."""

    region = REGION
    account_id = ACCOUNT_ID

    def __init__(self, port: int):
        self.port = port
        self.endpoint_url = f"http://127.0.0.1:{port}"

    def post(self, path: str, payload: Any | None = None) -> Any:
        data = json.dumps(payload if payload is not None else {}).encode()
        request = urllib.request.Request(f"{self.endpoint_url}{path}", data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def reset(self) -> None:
        self.post("/moto-api/reset")
        state = _shared()
        with state["lock"]:
            state["rejections"].clear()
        self.set_glue_transition("immediate")
        self.post("/moto-api/config", {"stepfunctions": {"execute_state_machine": False}})

    def set_glue_transition(self, progression: str = "manual", times: int = 2, seconds: int = 1) -> None:
        transition: dict[str, Any] = {"progression": progression}
        if progression == "manual":
            transition["times"] = times
        elif progression == "time":
            transition["seconds"] = seconds
        self.post(
            "/moto-api/state-manager/set-transition",
            {"model_name": "glue::job_run", "transition": transition},
        )

    def enable_stepfunctions_execution(self) -> None:
        self.post("/moto-api/config", {"stepfunctions": {"execute_state_machine": True}})

    def inject_athena_results(self, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
        """Queue one result set, bound to the next query whose results are first fetched."""
        header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
        data = [{"Data": [{"VarCharValue": None if v is None else str(v)} for v in row]} for row in rows]
        column_info = [
            {
                "CatalogName": "hive",
                "SchemaName": "",
                "TableName": "",
                "Name": name,
                "Label": name,
                "Type": type_,
                "Precision": 0,
                "Scale": 0,
                "Nullable": "UNKNOWN",
                "CaseSensitive": False,
            }
            for name, type_ in columns
        ]
        self.post(
            "/moto-api/static/athena/query-results",
            {"region": self.region, "results": [{"rows": [header, *data], "column_info": column_info}]},
        )

    def reject_job_starts(self, job_name: str, *codes: str) -> None:
        """The next len(codes) StartJobRun calls for job_name fail with these error codes."""
        state = _shared()
        with state["lock"]:
            state["rejections"].setdefault(job_name, []).extend(codes)

    def athena_queries(self, client: Any) -> list[str]:
        """Every query text Athena received, oldest first."""
        ids: list[str] = []
        for page in client.get_paginator("list_query_executions").paginate():
            ids.extend(page.get("QueryExecutionIds", []))
        texts = []
        for qid in ids:
            execution = client.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            texts.append((execution["Status"].get("SubmissionDateTime"), execution["Query"]))
        return [text for _, text in sorted(texts, key=lambda item: str(item[0]))]


def shared_fake_aws() -> FakeAws:
    """The one in-process moto server of this test process (started on first use, stopped at exit).

    ``MOTO_PORT`` is set for the whole process: Step Functions' interpreter calls Glue through it.
    """
    state = _shared()
    with state["lock"]:
        if state["fake"] is not None:
            return state["fake"]
    from moto.server import ThreadedMotoServer

    apply_fake_aws_patches()
    port = _free_port()
    os.environ["MOTO_PORT"] = str(port)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    atexit.register(server.stop)
    with state["lock"]:
        state["server"], state["fake"] = server, FakeAws(port)
        return state["fake"]


def moto_server_fixtures() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """Return the (session) ``moto_server`` and (function) ``moto`` fixtures to bind in a conftest."""

    @pytest.fixture(scope="session")
    def moto_server():
        try:
            import moto.server  # noqa: F401
        except ImportError:  # pragma: no cover
            pytest.skip("moto[server] is not installed")
        return shared_fake_aws()

    @pytest.fixture
    def moto(moto_server, monkeypatch):
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        moto_server.reset()
        yield moto_server
        moto_server.reset()

    return moto_server, moto
