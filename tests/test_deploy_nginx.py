"""The nginx example (deploy/nginx.conf.example): valid for `nginx -t`, HSTS in every block that adds headers."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
EXAMPLE = DEPLOY / "nginx.conf.example"


def blocks(text: str) -> list[tuple[str, str]]:
    """Every block as (its header, e.g. "location /static/", its own directives without nested blocks)."""
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    found: list[tuple[str, str]] = []
    stack = [["", ""]]
    for token in re.split(r"([{}])", text):
        if token == "{":
            # The header is what follows the enclosing block's last directive.
            before, _, header = stack[-1][1].rpartition(";")
            stack[-1][1] = before + ";"
            stack.append([" ".join(header.split()), ""])
        elif token == "}":
            header, own = stack.pop()
            found.append((header, own))
        else:
            stack[-1][1] += token
    return found


def add_headers(directives: str) -> list[str]:
    return [s.split(None, 2)[1] for s in directives.split(";") if s.split()[:1] == ["add_header"]]


def test_the_parser_sees_the_blocks_of_a_small_example():
    found = dict(blocks("http { add_header A 1; server { add_header B 2; location / { add_header C 3; } } }"))
    assert add_headers(found["location /"]) == ["C"]
    assert add_headers(found["server"]) == ["B"]
    assert add_headers(found["http"]) == ["A"]


def test_every_block_that_adds_headers_repeats_hsts():
    """nginx inherits add_header only into blocks with none of their own: the static files'
    location had Cache-Control and nosniff, and so lost the server's Strict-Transport-Security."""
    found = blocks(EXAMPLE.read_text())
    with_headers = [(header, add_headers(own)) for header, own in found if add_headers(own)]
    assert any(header.startswith("location") for header, _ in with_headers)
    tls_servers = [own for header, own in found if header == "server" and "ssl_certificate " in own]
    assert tls_servers and all("Strict-Transport-Security" in add_headers(own) for own in tls_servers)
    for header, names in with_headers:
        assert "Strict-Transport-Security" in names, f"{header} adds {names} but not HSTS"


def test_nginx_accepts_the_example():
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (make check-nginx installs it)")
    result = subprocess.run([str(DEPLOY / "check-nginx-config"), str(EXAMPLE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
