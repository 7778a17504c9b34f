"""Run signing software we did not write: xadesjs, xml-crypto, xmlsec1.

The signer scripts live in ../shared/clients (read-only); their npm packages are
our pinned copy in tools/node/node_modules, found through NODE_PATH. A missing
tool is a test failure that names what to install, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_CLIENTS = PROJECT_ROOT.parent / "shared" / "clients"
NODE_MODULES = PROJECT_ROOT / "tools" / "node" / "node_modules"
NODE_PACKAGES = ("xadesjs", "xmldsigjs", "xml-crypto", "@peculiar/webcrypto")
INSTALL_NODE = "apt-get install -y nodejs npm && tools/install-node-deps.sh"
TIMEOUT_S = 60


@dataclass(frozen=True)
class Job:
    """One run of an outside signer: the command and the file it must write."""

    argv: tuple[str, ...]
    output: Path


def require_shared_clients() -> Path:
    """Return ../shared/clients, failing the test when it is absent."""
    if not (SHARED_CLIENTS / "sign-xades-xadesjs.js").is_file():
        pytest.fail(
            f"{SHARED_CLIENTS} is missing: the outside-producer tests need the "
            "shared signing harness checked out as ../shared beside the project"
        )

    return SHARED_CLIENTS


def require_node() -> str:
    """Return the node binary, failing when node or our npm packages are missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not installed: run `{INSTALL_NODE}`")

    missing = [p for p in NODE_PACKAGES if not (NODE_MODULES / p).is_dir()]
    if missing:
        pytest.fail(
            f"npm packages {missing} missing from {NODE_MODULES}: "
            "run `tools/install-node-deps.sh`"
        )

    return node


def require_program(name: str, package: str) -> str:
    """Return the path of a program, failing with the apt package to install."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `apt-get install -y {package}`")

    return found


def xadesjs_job(
    clients: Path, key: Path, cert: Path, src: Path, out: Path, options: dict[str, str]
) -> Job:
    """Describe one xadesjs signing (``options``: mode, signing-cert, ...)."""
    argv = [require_node(), str(clients / "sign-xades-xadesjs.js")]
    argv += _files(key, cert, src, out)
    for name, value in options.items():
        argv += [f"--{name}", value]

    return Job(tuple(argv), out)


def xmlcrypto_job(clients: Path, key: Path, cert: Path, src: Path, out: Path) -> Job:
    """Describe one xml-crypto enveloped XMLDSig signing (RSA only), URI=""."""
    argv = [require_node(), str(clients / "sign-xmldsig-xmlcrypto.js")]
    return Job((*argv, *_files(key, cert, src, out)), out)


def xmlcrypto_id_job(clients: Path, key: Path, cert: Path, src: Path, out: Path) -> Job:
    """Describe xml-crypto signing the root by its Id, unprefixed ds:Signature."""
    job = xmlcrypto_job(clients, key, cert, src, out)
    return Job((*job.argv, "--uri", "id", "--prefix", "none"), out)


def _files(key: Path, cert: Path, src: Path, out: Path) -> list[str]:
    """The key, certificate, input and output options the node signers share."""
    pairs = {"--key": key, "--cert": cert, "--in": src, "--out": out}
    return [part for name, path in pairs.items() for part in (name, str(path))]


def xmlsec1_job(clients: Path, key: Path, cert: Path, src: Path, out: Path) -> Job:
    """Describe one xmlsec1 enveloped XMLDSig signing (RSA or ECDSA)."""
    require_program("xmlsec1", "xmlsec1")
    require_program("openssl", "openssl")
    script = clients / "sign-xmldsig-xmlsec1.sh"
    return Job(("bash", str(script), str(key), str(cert), str(src), str(out)), out)


def tamper_job(clients: Path, how: str, src: Path, out: Path) -> Job:
    """Describe a run of the harness's tamper-xml.py (``content``/``signedprops``)."""
    script = clients / "tamper-xml.py"
    return Job((sys.executable, str(script), how, str(src), str(out)), out)


def run_all(jobs: Iterable[Job]) -> None:
    """Run jobs in parallel, one process each; fail on the first that breaks."""
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run_one, jobs))


def run_one(job: Job) -> None:
    """Run one outside tool and check that it wrote its output."""
    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    done = subprocess.run(
        job.argv, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    if done.returncode != 0 or not job.output.is_file():
        pytest.fail(
            f"{' '.join(job.argv)} exited {done.returncode}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
