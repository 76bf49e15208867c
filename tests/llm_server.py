"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted answers, recorded requests.

The openai 3.x SDK sits on httpx2, which respx cannot intercept, so the tests drive the real client
against this server instead. It speaks just enough of the protocol: `GET /v1/models` and
`POST /v1/chat/completions`. Each completion request takes the next scripted `Reply` (or, when the
script is empty, the `default` reply); every request body is kept in `requests` so a test can assert
what left the PC.

A request with `"stream": true` is answered as the real servers do, with server-sent events, one
chunk per `chunk_chars` of the content; the faults a real server shows are scripted per reply:
`chunk_delay` (a slow model), `byte_delay` (a sender that trickles one byte at a time, which per-read
timeouts never catch), `runaway` (a model that keeps writing after its answer until the client hangs
up) and `ignore_stream` (a plain JSON body although a stream was asked for). `bytes_sent` and
`hangups` let a test see that the client stopped reading.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer. `content` becomes a chat completion; `raw` is sent as the body verbatim."""

    content: str | None = None
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    usage: dict[str, int] | None = field(default_factory=lambda: {"prompt_tokens": 420, "completion_tokens": 80,
                                                                   "total_tokens": 500})
    model: str = "test-model"
    chunk_chars: int = 8  # streamed content per event
    chunk_delay: float = 0.0  # seconds between events
    byte_delay: float = 0.0  # seconds between single bytes of the whole streamed body
    runaway: str | None = None  # written again and again after the content, until the client hangs up
    ignore_stream: bool = False
    stall: float = 0.0  # seconds of silence after the content, before the stream ends
    cut_after: int | None = None  # close the connection after this many events, mid-answer
    finish_reason: str = "stop"
    tool_call: dict[str, Any] | None = None  # {"name": ..., "arguments": {...}}: answered as `tool_calls`

    @classmethod
    def json_insights(cls, bullets: list[str], **kwargs: Any) -> Reply:
        return cls(content=json.dumps({"insights": bullets}, ensure_ascii=False), **kwargs)

    @classmethod
    def tool(cls, name: str, **arguments: Any) -> Reply:
        """A `tools` answer: the model calls function `name` with `arguments` (streamed in pieces when asked)."""
        return cls(content=None, tool_call={"name": name, "arguments": arguments})

    @classmethod
    def error(cls, status: int, message: str = "scripted error", **kwargs: Any) -> Reply:
        body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": None}})
        return cls(status=status, raw=body.encode(), **kwargs)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Responder = Callable[[Recorded], Reply]


class LLMServer:
    """Start with `with LLMServer() as server:`; `server.base_url` is the /v1 root to configure."""

    def __init__(self, models: tuple[str, ...] = ("test-model", "other-model")) -> None:
        self.models = models
        self.script: list[Reply | Responder] = []
        self.default: Reply | Responder = Reply(content="No scripted answer.")
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._release = threading.Event()  # set on close: slow replies stop waiting
        self.bytes_sent = 0  # streamed bytes written, all requests
        self.hangups = 0  # streams the client closed before the server had finished
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="llm-test-server",
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def completions(self) -> list[Recorded]:
        return [request for request in self.requests if request.path.endswith("/chat/completions")]

    def reply(self, *replies: Reply | Responder) -> LLMServer:
        """Queue answers for the next completion requests, in order."""
        with self._lock:
            self.script.extend(replies)
        return self

    def __enter__(self) -> LLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            answer = self.script.pop(0) if self.script else self.default
        return answer(request) if callable(answer) else answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
                pass

            def _record(self) -> Recorded:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                return Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # may fail when the client gave up (timeout): tests provoke that

            def do_GET(self) -> None:
                request = self._record()
                with server._lock:
                    server.requests.append(request)
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": name, "object": "model", "created": 0, "owned_by": "test"}
                            for name in server.models]
                    self._send(200, json.dumps({"object": "list", "data": data}).encode())
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self) -> None:
                request = self._record()
                if not self.path.endswith("/chat/completions"):
                    with server._lock:
                        server.requests.append(request)
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                reply = server._next(request)
                if reply.delay:
                    server._release.wait(reply.delay)
                wants_stream = bool((request.json or {}).get("stream")) if request.body else False
                if wants_stream and reply.raw is None and reply.status == 200 and not reply.ignore_stream:
                    self._stream(reply, request)
                    return
                if reply.raw is not None:
                    body = reply.raw
                else:
                    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
                    finish = "stop"
                    if reply.tool_call is not None:
                        finish = "tool_calls"
                        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {
                            "name": reply.tool_call["name"],
                            "arguments": json.dumps(reply.tool_call["arguments"], ensure_ascii=False)}}]
                    completion = {
                        "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion",
                        "created": int(time.time()), "model": reply.model,
                        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                    }
                    if reply.usage is not None:
                        completion["usage"] = reply.usage
                    body = json.dumps(completion, ensure_ascii=False).encode()
                self._send(reply.status, body, reply.headers)

            def _stream(self, reply: Reply, request: Recorded) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    events = _events(reply, request)
                    content_events = 1 + -(-len(reply.content or "") // reply.chunk_chars)
                    for index, event in enumerate(events):
                        if index == reply.cut_after:
                            return  # the connection closes: no finish, no [DONE]
                        if index == content_events and reply.stall and server._release.wait(reply.stall):
                            raise ConnectionResetError("server closing")
                        self._write(event, reply)
                    if reply.runaway is not None:
                        while not server._release.is_set():
                            self._write(_chunk(reply, {"content": reply.runaway}), reply)
                    self._write(b"data: [DONE]\n\n", reply)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    with server._lock:
                        server.hangups += 1

            def _write(self, data: bytes, reply: Reply) -> None:
                if reply.byte_delay:
                    for index in range(len(data)):
                        if server._release.wait(reply.byte_delay):
                            raise ConnectionResetError("server closing")
                        self.wfile.write(data[index:index + 1])
                        self.wfile.flush()
                        with server._lock:
                            server.bytes_sent += 1
                    return
                if reply.chunk_delay and server._release.wait(reply.chunk_delay):
                    raise ConnectionResetError("server closing")
                self.wfile.write(data)
                self.wfile.flush()
                with server._lock:
                    server.bytes_sent += len(data)

        return Handler


def _chunk(reply: Reply, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    event = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": 0, "model": reply.model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"


def _events(reply: Reply, request: Recorded) -> list[bytes]:
    text = reply.content or ""
    events = [_chunk(reply, {"role": "assistant", "content": ""})]
    size = reply.chunk_chars
    events += [_chunk(reply, {"content": text[i:i + size]}) for i in range(0, len(text), size)]
    finish = reply.finish_reason
    if reply.tool_call is not None:  # as OpenAI streams it: id and name first, then the arguments' JSON in pieces
        call = reply.tool_call
        arguments = json.dumps(call["arguments"], ensure_ascii=False)
        events.append(_chunk(reply, {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                     "function": {"name": call["name"], "arguments": ""}}]}))
        events += [_chunk(reply, {"tool_calls": [{"index": 0, "function": {"arguments": arguments[i:i + size]}}]})
                   for i in range(0, len(arguments), size)]
        finish = "tool_calls"
    if reply.runaway is None:
        events.append(_chunk(reply, {}, finish))
        options = (request.json or {}).get("stream_options") or {}
        if options.get("include_usage") and reply.usage is not None:
            usage = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": 0, "model": reply.model,
                     "choices": [], "usage": reply.usage}
            events.append(b"data: " + json.dumps(usage).encode() + b"\n\n")
    return events
