#!/usr/bin/env python3
"""A stand-in for chart-lsp in the editor tests (the real server is built elsewhere).

Speaks LSP over stdio: initialize (incremental sync, executeCommandProvider
chart.renderPreview), didOpen/didChange/didClose, didChangeConfiguration,
workspace/executeCommand chart.renderPreview, shutdown/exit. Every message it
receives is appended as one JSON line to the log file given as argv[1], so a
test can check what the editor sent.

"Rendering" is a toy with the semantics the tests rely on: `{{ .Values.key }}`
(optionally `| upper` or `| quote`) is replaced by the top-level scalar `key`
from values.yaml, then the chart's extra values files (initializationOptions /
settings `valuesFiles[<chart dir relative to the workspace>]`) in order, using
the open buffers' unsaved text over the files on disk; `{{ fail "msg" }}` makes
the request fail with msg. The real chart-lsp gives the same answers on the
test chart, which is what makes the test runnable against it.
"""
import json
import os
import re
import sys
from urllib.parse import unquote, urlparse

LOG = open(sys.argv[1], "a", encoding="utf-8") if len(sys.argv) > 1 else None
docs = {}  # uri -> text
workspace_root = None
values_files = {}


def log(msg):
    if LOG:
        LOG.write(json.dumps(msg) + "\n")
        LOG.flush()


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if line == "":
            break
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    body = stream.read(length)
    return json.loads(body.decode("utf-8"))


def send(msg):
    body = json.dumps(msg).encode("utf-8")
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def uri_to_path(uri):
    return unquote(urlparse(uri).path)


def offset(text, pos):
    """Index into `text` of an LSP position (line, UTF-16 character)."""
    lines = text.split("\n")
    line = pos["line"]
    if line >= len(lines):
        return len(text)
    start = sum(len(l) + 1 for l in lines[:line])
    units = 0
    for i, ch in enumerate(lines[line]):
        if units >= pos["character"]:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(lines[line])


def apply_change(text, change):
    if "range" not in change:
        return change["text"]
    r = change["range"]
    return text[: offset(text, r["start"])] + change["text"] + text[offset(text, r["end"]):]


def file_text(path):
    uri_text = next((t for u, t in docs.items() if uri_to_path(u) == path), None)
    if uri_text is not None:
        return uri_text
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def top_level_scalars(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z_][\w-]*):\s*(.*?)\s*(#.*)?$", line)
        if m and m.group(2) != "":
            out[m.group(1)] = m.group(2).strip("\"'")
    return out


def chart_root(path):
    d = os.path.dirname(path)
    while d != os.path.dirname(d):
        if os.path.isfile(os.path.join(d, "Chart.yaml")):
            return d
        d = os.path.dirname(d)
    return None


class RenderError(Exception):
    pass


def render(uri):
    path = uri_to_path(uri)
    root = chart_root(path)
    if root is None:
        raise RenderError("%s is not in a chart" % path)
    values = top_level_scalars(file_text(os.path.join(root, "values.yaml")))
    key = os.path.relpath(root, workspace_root) if workspace_root else "."
    for extra in values_files.get(key, []):
        values.update(top_level_scalars(file_text(os.path.join(root, extra))))
    text = docs.get(uri, file_text(path))

    def action(m):
        expr = m.group(1).strip()
        fail = re.match(r'^fail\s+"(.*)"$', expr)
        if fail:
            raise RenderError('execution error at (%s): %s' % (os.path.relpath(path, os.path.dirname(root)), fail.group(1)))
        parts = [p.strip() for p in expr.split("|")]
        ref = re.match(r"^\.Values\.([\w-]+)$", parts[0])
        if not ref:
            return m.group(0)
        value = values.get(ref.group(1), "")
        for fn in parts[1:]:
            if fn == "upper":
                value = value.upper()
            elif fn == "quote":
                value = '"%s"' % value
        return value

    body = re.sub(r"\{\{-?\s*(.*?)\s*-?\}\}", action, text)
    return "---\n# Source: %s\n%s" % (os.path.relpath(path, os.path.dirname(root)), body)


def main():
    global workspace_root, values_files
    stdin = sys.stdin.buffer
    while True:
        msg = read_message(stdin)
        if msg is None:
            return
        log(msg)
        method = msg.get("method")
        params = msg.get("params") or {}
        if method == "initialize":
            if params.get("rootUri"):
                workspace_root = uri_to_path(params["rootUri"])
            values_files = (params.get("initializationOptions") or {}).get("valuesFiles") or {}
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {
                "capabilities": {
                    "textDocumentSync": {"openClose": True, "change": 2},
                    "executeCommandProvider": {"commands": ["chart.renderPreview"]},
                },
                "serverInfo": {"name": "fake-chart-lsp", "version": "0"},
            }})
        elif method == "workspace/didChangeConfiguration":
            section = (params.get("settings") or {}).get("chartLsp") or {}
            if "valuesFiles" in section:
                values_files = section["valuesFiles"] or {}
        elif method == "textDocument/didOpen":
            docs[params["textDocument"]["uri"]] = params["textDocument"]["text"]
        elif method == "textDocument/didChange":
            uri = params["textDocument"]["uri"]
            text = docs.get(uri, "")
            for change in params["contentChanges"]:
                text = apply_change(text, change)
            docs[uri] = text
        elif method == "textDocument/didClose":
            docs.pop(params["textDocument"]["uri"], None)
        elif method == "workspace/executeCommand":
            args = params.get("arguments") or []
            if params.get("command") != "chart.renderPreview" or len(args) != 1:
                send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32602, "message": "unknown command"}})
                continue
            try:
                send({"jsonrpc": "2.0", "id": msg["id"], "result": render(args[0])})
            except RenderError as err:
                send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32803, "message": str(err)}})
        elif method == "shutdown":
            send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        elif method == "exit":
            return
        elif "id" in msg and method is not None:
            send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "not handled: " + method}})


if __name__ == "__main__":
    main()
