"""Small test data built in code: messages, RSA keys for LINE WORKS, a TLS certificate for SMTP."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from dashboard.channels.base import Message

JST = dt.timezone(dt.timedelta(hours=9))
# A directive the mayor might send: Japanese text, a deadline, a signed ack link.
BASE_MESSAGE = Message(
    directive_id=7,
    delivery_id=4242,
    ward_code="27127",
    ward_name="北区",
    title="避難所の開設状況を報告してください",
    body="台風接近に伴い、区内の指定避難所の開設状況を至急報告してください。",
    priority="urgent",
    deadline=dt.datetime(2025, 9, 1, 18, 30, tzinfo=JST),
    ack_url="https://dashboard.example.lg.jp/ack/4242.1756719000.sig",
    language="ja",
)


def make_message(**overrides: object) -> Message:
    return replace(BASE_MESSAGE, **overrides)


def make_rsa_key() -> tuple[str, rsa.RSAPublicKey]:
    """A fresh RSA key: the PKCS#8 PEM text (as LINE WORKS issues it) and the public key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return pem, key.public_key()


def make_tls_files(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "smtp-cert.pem"
    key_path = directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
