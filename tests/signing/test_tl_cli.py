"""``python -m signing trusted-list fetch`` and ``validate --trusted-list``."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from signing.__main__ import main
from signing.seal import XadesSigner
from tests.signing.conftest import shared_path
from tests.signing.tlmaker import (
    GRANTED,
    LOTL_TYPE,
    ListSpec,
    Pointer,
    Service,
    Status,
    World,
    make_world,
    signed_list,
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A loopback HTTP server over a folder; yields (folder, base URL)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pem(tmp_path: Path, name: str, cert: x509.Certificate) -> str:
    path = tmp_path / f"{name}.pem"
    path.write_bytes(cert.public_bytes(Encoding.PEM))
    return str(path)


def pl_list(world: World) -> bytes:
    service = Service(
        "Test QTSP Qualified CA",
        (world.qtsp_ca.certificate,),
        (Status(GRANTED, world.now - timedelta(days=400)),),
    )
    spec = ListSpec(
        "PL",
        42,
        world.now - timedelta(hours=1),
        world.now + timedelta(days=180),
        services=(service,),
    )
    return signed_list(spec, world.pl_signer, world.now - timedelta(minutes=30))


def lotl(world: World, pl_location: str) -> bytes:
    pointer = Pointer(pl_location, "PL", (world.pl_signer.certificate,))
    spec = ListSpec(
        "EU",
        300,
        world.now - timedelta(hours=1),
        world.now + timedelta(days=180),
        tsl_type=LOTL_TYPE,
        pointers=(pointer,),
    )
    return signed_list(spec, world.lotl_signer, world.now - timedelta(minutes=30))


def test_fetch_lotl_and_national_list_from_files_stores_both(
    world: World, tmp_path: Path
) -> None:
    (tmp_path / "lotl.xml").write_bytes(lotl(world, "http://127.0.0.1:9/PL.xml"))
    (tmp_path / "pl.xml").write_bytes(pl_list(world))
    out = tmp_path / "lists"

    code = main(
        [
            "trusted-list", "fetch", str(tmp_path / "lotl.xml"),
            "--pinned", pem(tmp_path, "lotl", world.lotl_signer.certificate),
            "--out", str(out),
            "--follow", f"PL={tmp_path / 'pl.xml'}",
            "--at", world.now.isoformat(),
        ]
    )  # fmt: skip

    assert code == 0
    assert (out / "PL.xml").read_bytes() == (tmp_path / "pl.xml").read_bytes()
    summary = json.loads((out / "EU.json").read_text())
    assert summary["pointers"] == [
        {"territory": "PL", "location": "http://127.0.0.1:9/PL.xml"}
    ]


def test_fetch_lotl_over_loopback_http_follows_the_pointer(
    world: World, tmp_path: Path, served: tuple[Path, str]
) -> None:
    folder, base = served
    (folder / "lotl.xml").write_bytes(lotl(world, f"{base}/PL.xml"))
    (folder / "PL.xml").write_bytes(pl_list(world))
    out = tmp_path / "lists"

    code = main(
        [
            "trusted-list", "fetch", f"{base}/lotl.xml",
            "--pinned", pem(tmp_path, "lotl", world.lotl_signer.certificate),
            "--out", str(out),
            "--follow", "PL",
            "--at", world.now.isoformat(),
        ]
    )  # fmt: skip

    assert code == 0
    assert json.loads((out / "PL.json").read_text())["sequence_number"] == 42
    assert json.loads((out / "PL.json").read_text())["source"] == f"{base}/PL.xml"


def test_fetch_with_the_wrong_pinned_certificate_is_refused_and_stores_nothing(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pl.xml").write_bytes(pl_list(world))
    out = tmp_path / "lists"

    code = main(
        [
            "trusted-list", "fetch", str(tmp_path / "pl.xml"),
            "--pinned", pem(tmp_path, "wrong", world.lotl_signer.certificate),
            "--out", str(out),
        ]
    )  # fmt: skip

    assert code == 1
    assert "tl-signer-not-pinned" in capsys.readouterr().err
    assert not out.exists()


def test_fetch_the_real_danish_list_at_a_time_inside_its_validity(
    tmp_path: Path,
) -> None:
    folder = shared_path("corpus", "dss", "xades")

    code = main(
        [
            "trusted-list", "fetch", str(folder / "dk_tl-sn21.xml"),
            "--pinned", str(folder / "dk_tl-sn21.trust-anchor.cer"),
            "--out", str(tmp_path),
            "--at", "2019-08-05T12:00:00",
        ]
    )  # fmt: skip

    assert code == 0
    assert json.loads((tmp_path / "DK.json").read_text())["sequence_number"] == 21


@pytest.fixture()
def signed_form(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "form.xml"
    path.write_bytes(XadesSigner.from_issued(world.citizen).sign_enveloped(b"<f/>"))
    return path


def test_validate_with_a_trusted_list_trusts_its_qualified_ca(
    world: World, tmp_path: Path, signed_form: Path
) -> None:
    (tmp_path / "pl.xml").write_bytes(pl_list(world))

    code = main(
        [
            "validate", str(signed_form),
            "--trusted-list", str(tmp_path / "pl.xml"),
            "--tl-pinned", pem(tmp_path, "pl", world.pl_signer.certificate),
            "--at", world.now.isoformat(),
        ]
    )  # fmt: skip

    assert code == 0


def test_validate_without_a_trusted_list_is_indeterminate(
    world: World, signed_form: Path
) -> None:
    assert main(["validate", str(signed_form), "--at", world.now.isoformat()]) == 2


def test_validate_with_a_refused_trusted_list_exits_3(
    world: World, tmp_path: Path, signed_form: Path
) -> None:
    (tmp_path / "pl.xml").write_bytes(pl_list(world))

    code = main(
        [
            "validate", str(signed_form),
            "--trusted-list", str(tmp_path / "pl.xml"),
            "--tl-pinned", pem(tmp_path, "wrong", world.lotl_signer.certificate),
        ]
    )  # fmt: skip

    assert code == 3
