"""The sandbox's HTTP layer: ``create_app(settings)`` builds the FastAPI app.

Every failure answers ``{"error": {"code", "message"}}`` with a catalogue code and that entry's
HTTP status (field errors add ``fields``); a request FastAPI cannot parse is F101 (A106 on the
login endpoints), and an unexpected exception is G199 — the handlers below make a 500 from bad
input impossible by construction. Only this package imports FastAPI.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from .. import __version__, errors
from ..api import models
from ..ids import MAX_ROW_ID
from . import appqr, db, files, records, renewals, service
from .demo import REFERENCES
from .errors_http import error_response
from .passwords import hash_password
from .runtime import Runtime
from .settings import SandboxSettings

log = logging.getLogger(__name__)

API = "/api/v1"
CLIENT_COOKIE = "hy_client"
MAX_JSON_BODY = 256 * 1024
MAX_UPLOAD_BODY = files.MAX_SIZE + 64 * 1024
_AUTH_PATHS = (f"{API}/auth/token-login", f"{API}/activations")
_UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "title": "Upload",
        "properties": {"file": {"type": "string", "format": "binary", "title": "File"}}}}}}}
_ERRORS: dict[int | str, dict[str, Any]] = {"4XX": {"model": models.ErrorBody,
                                                    "description": "a catalogue error"}}


def _field_errors(exc: RequestValidationError) -> list[errors.FieldError]:
    out = []
    for item in exc.errors()[:50]:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        out.append(errors.FieldError(".".join(loc) or "body", "格式不正确"))
    return out


def _peer(request: Request) -> str:
    return request.client.host if request.client else "?"


def _cookie_mac(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def _issued_cookie(request: Request) -> str:
    """The ``hy_client`` cookie if this server issued it (``random.mac``), else ''."""
    cookie = request.cookies.get(CLIENT_COOKIE, "")
    value, _, mac = cookie.partition(".")
    if not value or len(cookie) > 80:
        return ""
    expected = _cookie_mac(_runtime(request).secret, value)
    # bytes: compare_digest refuses a str with non-ASCII characters (a made-up cookie may)
    return cookie if hmac.compare_digest(mac.encode(), expected.encode()) else ""


def client_id(request: Request) -> str:
    """Who asked: the peer address plus the server-issued ``hy_client`` cookie (a cookie the
    client made up counts as none)."""
    return f"{_peer(request)}|{_issued_cookie(request)}"


def _ensure_client_cookie(request: Request, response: Response, secure: bool) -> str:
    cookie = _issued_cookie(request)
    if not cookie:
        value = secrets.token_urlsafe(16)
        cookie = f"{value}.{_cookie_mac(_runtime(request).secret, value)}"
        response.set_cookie(CLIENT_COOKIE, cookie, httponly=True, samesite="strict",
                            secure=secure, path=API)
    return f"{_peer(request)}|{cookie}"


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route offers for this path (the router reports only the first route)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        for method in getattr(route, "methods", None) or ():
            if route.matches({**request.scope, "method": method})[0] == Match.FULL:
                methods.add(method)
    return sorted(methods)


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class _BodyTooLarge(StarletteHTTPException):
    def __init__(self, info: errors.ErrorInfo) -> None:
        super().__init__(413)
        self.info = info


class BodyLimit:
    """Every route's body limit, counted on the bytes as they arrive (chunked or not), so no
    more than the limit is ever read, buffered or spooled; a Content-Length above it is refused
    before reading at all. Pure ASGI: no per-request task."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] == f"{API}/attachments"
        limit = MAX_UPLOAD_BODY if upload else MAX_JSON_BODY
        info = errors.ATTACHMENT_TOO_LARGE if upload else errors.REQUEST_TOO_LARGE
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            response = error_response(errors.HyError(info), headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        received, started = 0, False

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(info)
            return message

        async def tracking_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge as exc:  # raised where no handler saw it (e.g. a stream reader)
            if not started:
                await error_response(errors.HyError(exc.info),
                                     headers={"Connection": "close"})(scope, receive, send)


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_conn(request: Request) -> AsyncIterator[sqlite3.Connection]:
    with _runtime(request).pool.connection() as conn:
        yield conn


Conn = Annotated[sqlite3.Connection, Depends(get_conn)]
# A row id as SQLite can hold it (int64, ids start at 1): a larger number is refused here with
# F101 instead of overflowing inside the database driver.
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


async def get_account(request: Request, conn: Conn,
                authorization: Annotated[str | None, Header()] = None) -> service.AccountRow:
    return service.session_account(conn, _runtime(request).ctx, _bearer(authorization))


Me = Annotated[service.AccountRow, Depends(get_account)]


def idempotent(conn: sqlite3.Connection, scope: str, key: str | None, request: Request,
               body: Any, status: int, produce: Callable[[], BaseModel]) -> Response:
    """Run ``produce`` in one write transaction, or replay the stored answer for the key.

    The stored fingerprint covers method, path and body: the same key on another request is a
    different body (P109). It is an HMAC with the instance's secret, so the stored value cannot
    be tested against guesses; callers leave passwords out of ``body``."""
    digest = hmac.new(_runtime(request).secret, json.dumps(
        [request.method, request.url.path, body], sort_keys=True, ensure_ascii=False,
        default=str).encode(), hashlib.sha256).hexdigest()
    with db.write(conn):
        if key:
            row = conn.execute("SELECT * FROM idempotency WHERE scope = ? AND key = ?",
                               (scope, key)).fetchone()
            if row is not None:
                if row["body_hash"] != digest:
                    raise errors.HyError(errors.IDEMPOTENCY_MISMATCH)
                return Response(row["answer"], status_code=row["status"],
                                media_type="application/json")
        answer = produce().model_dump_json()
        if key:
            conn.execute("INSERT INTO idempotency (scope, key, body_hash, status, answer,"
                         " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (scope, key, digest, status, answer,
                          db.ts(_runtime(request).ctx.now())))
    return Response(answer, status_code=status, media_type="application/json")


def _json(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


def create_app(settings: SandboxSettings, *, prepare: bool = True) -> FastAPI:
    """The sandbox platform for ``settings``; first use creates its database, CA and demo data
    (``prepare=False``: only the routes, e.g. to print the OpenAPI document)."""
    rt = Runtime(settings, REFERENCES)
    if prepare:
        rt.prepare()
    app = FastAPI(title="衡阳市公共资源交易系统 平台接口 (sandbox)", version=models.API_VERSION,
                  description="The platform API hy-client speaks; see docs/api/ENDPOINTS.md.",
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)
    app.state.runtime = rt
    secure_cookie = settings.origin.startswith("https:")

    # --- errors -------------------------------------------------------------------------
    @app.exception_handler(errors.HyError)
    async def _hy_error(request: Request, exc: errors.HyError) -> JSONResponse:
        fields = exc.errors if isinstance(exc, errors.ValidationError) else None
        return error_response(exc, fields)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path in _AUTH_PATHS:
            return error_response(errors.HyError(errors.AUTH_TOKEN_MALFORMED))
        return error_response(errors.HyError(errors.VALIDATION_FAILED), _field_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, _BodyTooLarge):
            return error_response(errors.HyError(exc.info), headers={"Connection": "close"})
        info = {404: errors.NOT_FOUND, 405: errors.METHOD_NOT_ALLOWED,
                413: errors.REQUEST_TOO_LARGE}.get(
            exc.status_code, errors.VALIDATION_FAILED if exc.status_code < 500 else errors.INTERNAL)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(errors.HyError(info), headers=headers)

    @app.exception_handler(Exception)
    async def _last_resort(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(errors.HyError(errors.INTERNAL))

    app.add_middleware(BodyLimit)

    # --- health and reference -----------------------------------------------------------
    @app.get(f"{API}/health", response_model=models.Health, tags=["platform"])
    async def health() -> models.Health:
        return models.Health(status="ok", api=models.API_VERSION, version=__version__,
                             server_time=rt.ctx.now())

    @app.get(f"{API}/reference", response_model=models.ReferenceLists, tags=["platform"],
             responses=_ERRORS)
    async def reference() -> models.ReferenceLists:
        return REFERENCES

    # --- accounts -----------------------------------------------------------------------
    @app.post(f"{API}/accounts/register", response_model=models.Account, status_code=201,
              tags=["accounts"], responses=_ERRORS)
    def register(body: models.Registration, request: Request, conn: Conn,
                 idempotency_key: IdemKey = None) -> Response:
        password_hash = hash_password(body.password)  # before, not inside, the write lock
        fingerprint = _json(body)
        del fingerprint["password"]  # never a digest over a password, keyed or not
        return idempotent(conn, f"register:{_peer(request)}", idempotency_key, request,
                          fingerprint, 201,
                          lambda: service.register(conn, rt.ctx, body, password_hash).model())

    @app.post(f"{API}/auth/login", response_model=models.Session, tags=["accounts"],
              responses=_ERRORS)
    def login(body: models.PasswordLogin, request: Request, conn: Conn) -> models.Session:
        return service.password_login(conn, rt.ctx, _peer(request), body)

    @app.post(f"{API}/auth/logout", status_code=204, tags=["accounts"], responses=_ERRORS)
    async def logout(conn: Conn, account: Me,
               authorization: Annotated[str | None, Header()] = None) -> Response:
        with db.write(conn):
            service.logout(conn, _bearer(authorization) or "")
        return Response(status_code=204)

    @app.post(f"{API}/auth/password", status_code=204, tags=["accounts"], responses=_ERRORS)
    def change_password(body: models.PasswordChange, conn: Conn, account: Me,
                        authorization: Annotated[str | None, Header()] = None) -> Response:
        service.change_password(conn, account, _bearer(authorization) or "", body)
        return Response(status_code=204)

    @app.get(f"{API}/me", response_model=models.Account, tags=["accounts"], responses=_ERRORS)
    async def me(account: Me) -> models.Account:
        return account.model()

    # --- hy-auth:1 ----------------------------------------------------------------------
    @app.post(f"{API}/auth/challenge", response_model=models.Challenge, tags=["auth"],
              responses=_ERRORS)
    async def challenge(request: Request, response: Response, conn: Conn) -> models.Challenge:
        client = _ensure_client_cookie(request, response, secure_cookie)
        with db.write(conn):
            return service.challenge(conn, rt.ctx, client)

    @app.post(f"{API}/auth/token-login", response_model=models.Session, tags=["auth"],
              responses=_ERRORS)
    def token_login(body: models.TokenLogin, request: Request, conn: Conn) -> models.Session:
        return service.token_login(conn, rt.ctx, client_id(request), body)

    @app.get(f"{API}/activations", response_model=list[models.Activation], tags=["auth"],
             responses=_ERRORS)
    async def list_activations(conn: Conn, account: Me) -> list[models.Activation]:
        return service.activations(conn, account)

    @app.post(f"{API}/activations", response_model=models.Activation, status_code=201,
              tags=["auth"], responses=_ERRORS)
    async def activate(body: models.ActivationRequest, request: Request, conn: Conn, account: Me,
                 idempotency_key: IdemKey = None) -> Response:
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, _json(body),
                          201, lambda: service.activate(conn, rt.ctx, client_id(request),
                                                        account, body))

    @app.delete(f"{API}/activations/{{activation_id}}", status_code=204, tags=["auth"],
                responses=_ERRORS)
    async def unbind_activation(activation_id: RowId, conn: Conn, account: Me) -> Response:
        with db.write(conn):
            service.unbind(conn, account, activation_id)
        return Response(status_code=204)

    # --- certificate renewal (在线延期) -------------------------------------------------------
    @app.post(f"{API}/renewals", response_model=models.Renewal, status_code=201,
              tags=["renewal"], responses=_ERRORS)
    def request_renewal(body: models.RenewalRequest, request: Request, conn: Conn, account: Me,
                        idempotency_key: IdemKey = None) -> Response:
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, _json(body),
                          201, lambda: renewals.request(
                              conn, rt.ctx, client_id(request), account, body, ca=rt.ca(),
                              review=settings.renewal_review))

    @app.get(f"{API}/renewals/{{renewal_id}}", response_model=models.Renewal, tags=["renewal"],
             responses=_ERRORS)
    def get_renewal(renewal_id: RowId, conn: Conn, account: Me) -> models.Renewal:
        return renewals.get(conn, account, renewal_id, rt.ca())

    @app.post(f"{API}/renewals/{{renewal_id}}/activate", response_model=models.Activation,
              tags=["renewal"], responses=_ERRORS)
    def activate_renewal(renewal_id: RowId, body: models.RenewalActivation, request: Request,
                         conn: Conn, account: Me) -> models.Activation:
        with db.write(conn):
            return renewals.activate(conn, rt.ctx, client_id(request), account, renewal_id,
                                     body)

    # --- 标证通 --------------------------------------------------------------------------
    @app.post(f"{API}/app/qr", response_model=models.QrCode, tags=["app"], responses=_ERRORS)
    async def create_qr(body: models.QrRequest, request: Request, response: Response, conn: Conn,
                  authorization: Annotated[str | None, Header()] = None) -> models.QrCode:
        client = _ensure_client_cookie(request, response, secure_cookie)
        with db.write(conn):
            account = (service.session_account(conn, rt.ctx, _bearer(authorization))
                       if body.kind == "bind" else None)
            return appqr.create(conn, rt.ctx, body.kind, client, account, body.username)

    @app.post(f"{API}/app/qr/{{qr_id}}/confirm", response_model=models.QrStatus, tags=["app"],
              responses=_ERRORS)
    async def confirm_qr(qr_id: str, body: models.QrConfirm, request: Request, conn: Conn,
                         account: Me) -> models.QrStatus:
        with db.write(conn):
            return appqr.confirm(conn, rt.ctx, qr_id, client_id(request), account, body.approve)

    @app.get(f"{API}/app/qr/{{qr_id}}", response_model=models.QrStatus, tags=["app"],
             responses=_ERRORS)
    async def qr_status(qr_id: str, request: Request, conn: Conn) -> models.QrStatus:
        with db.write(conn):
            return appqr.status(conn, rt.ctx, qr_id, client_id(request))

    @app.post(f"{API}/app/bind", response_model=models.Device, tags=["app"], responses=_ERRORS)
    async def app_bind(body: models.AppBindComplete, conn: Conn) -> models.Device:
        with db.write(conn):
            return appqr.bind(conn, rt.ctx, body)

    @app.post(f"{API}/app/scan", response_model=models.QrStatus, tags=["app"],
              responses=_ERRORS)
    async def app_scan(body: models.AppScan, conn: Conn) -> models.QrStatus:
        with db.write(conn):
            return appqr.scan(conn, rt.ctx, body)

    @app.post(f"{API}/app/decide", response_model=models.QrStatus, tags=["app"],
              responses=_ERRORS)
    async def app_decide(body: models.AppDecision, conn: Conn) -> models.QrStatus:
        with db.write(conn):
            return appqr.decide(conn, rt.ctx, body)

    @app.get(f"{API}/app/devices", response_model=list[models.Device], tags=["app"],
             responses=_ERRORS)
    async def list_devices(conn: Conn, account: Me) -> list[models.Device]:
        return appqr.devices(conn, account)

    @app.delete(f"{API}/app/devices/{{device_id}}", status_code=204, tags=["app"],
                responses=_ERRORS)
    async def delete_device(device_id: str, conn: Conn, account: Me) -> Response:
        with db.write(conn):
            appqr.unbind(conn, account, device_id)
        return Response(status_code=204)

    # --- profile, qualifications, personnel ---------------------------------------------
    @app.get(f"{API}/profile", response_model=models.Record, tags=["records"],
             responses=_ERRORS)
    async def get_profile(conn: Conn, account: Me) -> models.Record:
        return records.get(conn, account, "profile")

    @app.put(f"{API}/profile", response_model=models.Record, tags=["records"],
             responses=_ERRORS)
    async def save_profile(body: models.RecordWrite, conn: Conn, account: Me) -> models.Record:
        with db.write(conn):
            return records.save(conn, rt.ctx, account, "profile", None, body)

    @app.post(f"{API}/profile/submit", response_model=models.Record, tags=["records"],
              responses=_ERRORS)
    async def submit_profile(request: Request, conn: Conn, account: Me,
                       idempotency_key: IdemKey = None) -> Response:
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, None, 200,
                          lambda: records.submit(conn, rt.ctx, account, "profile", None))

    for kind, path in (("qualification", "qualifications"), ("personnel", "personnel")):
        _record_routes(app, rt, kind, path)  # type: ignore[arg-type]

    # --- attachments --------------------------------------------------------------------
    uploads = files.UploadSlots(settings.upload_concurrency)

    @app.post(f"{API}/attachments", response_model=models.Attachment, status_code=201,
              tags=["attachments"], responses=_ERRORS, openapi_extra=_UPLOAD_BODY)
    async def upload(request: Request, conn: Conn, account: Me,
                     idempotency_key: IdemKey = None) -> Response:
        # The body is read here, after the session was checked and an upload slot taken:
        # an anonymous or over-busy client gets its answer before a byte is spooled.
        with uploads.slot(account.id):
            files.check_quota(conn, account, 0, settings.upload_quota)
            try:
                form = await request.form(max_files=1, max_fields=4)
            except StarletteHTTPException:
                raise
            except Exception:  # malformed multipart
                raise errors.ValidationError([errors.FieldError("file", "格式不正确")]) from None
            try:
                file = form.get("file")
                if not isinstance(file, StarletteUploadFile):
                    raise errors.ValidationError([errors.FieldError("file", "缺少文件")])
                content = await file.read(files.MAX_SIZE + 1)
                name = files.check_filename(file.filename or "")
            finally:
                await form.close()
        body = [name, hashlib.sha256(content).hexdigest()]
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, body, 201,
                          lambda: files.store(conn, rt.ctx, settings.attachments_dir, account,
                                              name, content, settings.upload_quota))

    @app.get(f"{API}/attachments/{{attachment_id}}", response_model=models.Attachment,
             tags=["attachments"], responses=_ERRORS)
    async def attachment(attachment_id: str, conn: Conn, account: Me) -> models.Attachment:
        return files.get(conn, account, attachment_id)

    @app.get(f"{API}/attachments/{{attachment_id}}/content", tags=["attachments"],
             responses={**_ERRORS, 200: {"content": {"application/octet-stream": {}},
                                         "description": "the file's bytes"}},
             response_class=Response)
    async def attachment_content(attachment_id: str, conn: Conn, account: Me) -> Response:
        found = files.get(conn, account, attachment_id)
        return FileResponse(files.content_path(settings.attachments_dir, found),
                            media_type=found.content_type, filename=found.filename)

    # --- bids and drivers ---------------------------------------------------------------
    @app.get(f"{API}/bids", response_model=list[models.Bid], tags=["bids"], responses=_ERRORS)
    async def list_bids(conn: Conn, account: Me) -> list[models.Bid]:
        return service.bids(conn, account)

    from .drivers_http import add_driver_routes

    add_driver_routes(app, rt, API, _ERRORS)
    return app


def _record_routes(app: FastAPI, rt: Runtime, kind: Literal["qualification", "personnel"],
                   path: str) -> None:
    """List/create/get/update/delete/submit for one kind of reviewed record."""
    base, tag = f"{API}/{path}", kind

    async def list_(conn: Conn, account: Me) -> list[models.Record]:
        return records.list_records(conn, account, kind)

    async def create(body: models.RecordWrite, request: Request, conn: Conn, account: Me,
               idempotency_key: IdemKey = None) -> Response:
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, _json(body),
                          201, lambda: records.create(conn, rt.ctx, account, kind, body))

    async def get(record_id: RowId, conn: Conn, account: Me) -> models.Record:
        return records.get(conn, account, kind, record_id)

    async def update(record_id: RowId, body: models.RecordWrite, conn: Conn,
               account: Me) -> models.Record:
        with db.write(conn):
            return records.save(conn, rt.ctx, account, kind, record_id, body)

    async def delete(record_id: RowId, conn: Conn, account: Me) -> Response:
        with db.write(conn):
            records.delete(conn, account, kind, record_id)
        return Response(status_code=204)

    async def submit(record_id: RowId, request: Request, conn: Conn, account: Me,
               idempotency_key: IdemKey = None) -> Response:
        return idempotent(conn, f"account:{account.id}", idempotency_key, request, None, 200,
                          lambda: records.submit(conn, rt.ctx, account, kind, record_id))

    item = f"{base}/{{record_id}}"
    common: dict[str, Any] = {"tags": [tag], "responses": _ERRORS}
    app.get(base, response_model=list[models.Record], operation_id=f"list_{path}",
            **common)(list_)
    app.post(base, response_model=models.Record, status_code=201,
             operation_id=f"create_{kind}", **common)(create)
    app.get(item, response_model=models.Record, operation_id=f"get_{kind}", **common)(get)
    app.put(item, response_model=models.Record, operation_id=f"update_{kind}",
            **common)(update)
    app.delete(item, status_code=204, operation_id=f"delete_{kind}", **common)(delete)
    app.post(f"{item}/submit", response_model=models.Record, operation_id=f"submit_{kind}",
             **common)(submit)

