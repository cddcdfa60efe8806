"""The shared TLS contexts: built once, and still verifying like a fresh default context."""

from __future__ import annotations

import asyncio
import os
import ssl
from pathlib import Path

import pytest

from softphone.net import tls
from tests.net.certificates import self_signed


async def handshake(cert: Path, key: Path, client: ssl.SSLContext) -> None:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=client), 30
        )
        writer.close()
    finally:
        server.close()
        await server.wait_closed()


def test_the_system_context_is_built_once_and_verifies() -> None:
    context = tls.client_context()
    assert tls.client_context() is context
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


async def test_a_server_the_context_does_not_trust_is_refused(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "pbx")
    with pytest.raises(ssl.SSLCertVerificationError):
        await handshake(cert, key, tls.client_context())
    await handshake(cert, key, tls.client_context(cert))  # its CA bundle trusts it
    assert tls.client_context(str(cert)) is tls.client_context(cert)


async def test_a_ca_bundle_replaced_on_disk_is_read_again(tmp_path: Path) -> None:
    old_cert, _ = self_signed(tmp_path, "old")
    new_cert, new_key = self_signed(tmp_path, "new")
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(old_cert.read_bytes())
    before = tls.client_context(bundle)
    with pytest.raises(ssl.SSLCertVerificationError):
        await handshake(new_cert, new_key, before)

    bundle.write_bytes(new_cert.read_bytes())
    stat = bundle.stat()
    os.utime(bundle, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    await handshake(new_cert, new_key, tls.client_context(bundle))


def test_a_missing_ca_bundle_is_an_error_each_time(tmp_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(FileNotFoundError):
            tls.client_context(tmp_path / "absent.pem")


def test_verification_off_only_when_asked() -> None:
    context = tls.unverified_context()
    assert context.verify_mode is ssl.CERT_NONE
    assert not context.check_hostname
    assert tls.client_context() is not context
