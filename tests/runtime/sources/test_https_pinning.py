"""HTTPS through the address-pinned connection: certificate and host name are still verified.

A real TLS server on loopback with a throw-away self-signed certificate (openssl) for ``localhost``.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest
from contractforge_runtime.sources.http_client import HttpClient, HttpLimits, HttpSourceError
from http_stub import StubHandler, StubState

pytestmark = pytest.mark.usefixtures("allow_loopback")


@pytest.fixture(scope="module")
def tls_stub(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    home = tmp_path_factory.mktemp("tls")
    cert, key = home / "cert.pem", home / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    handler = type("Handler", (StubHandler,), {"state": StubState()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1], cert
    server.shutdown()
    server.server_close()


def test_https_to_the_pinned_address_verifies_the_certificate_for_the_host_name(tls_stub):
    port, cert = tls_stub
    client = HttpClient(
        HttpLimits(), allow_private=True, ssl_context=ssl.create_default_context(cafile=str(cert))
    )
    response = client.request("GET", f"https://localhost:{port}/page", params={"page": 1})
    assert response.status == 200 and b'"page": 1' in response.body


def test_an_untrusted_certificate_fails_without_retries(tls_stub):
    port, _ = tls_stub
    client = HttpClient(HttpLimits(retry_attempts=3), allow_private=True, sleep=lambda s: None)
    with pytest.raises(HttpSourceError, match="CERTIFICATE_VERIFY_FAILED"):
        client.request("GET", f"https://localhost:{port}/page")
    assert client.stats.requests == 1


def test_a_certificate_for_another_name_is_refused(tls_stub):
    port, cert = tls_stub
    client = HttpClient(
        HttpLimits(), allow_private=True, ssl_context=ssl.create_default_context(cafile=str(cert))
    )
    with pytest.raises(HttpSourceError, match="TLS failure"):
        client.request("GET", f"https://127.0.0.1:{port}/page")  # the certificate only names localhost
