"""Profile, qualification and personnel flows: local draft first, then the platform.

Every change is saved to the local DraftStore before anything goes over the network, so a
crash or a platform that stops mid-submit loses nothing. Writes that create something carry a
key derived from the draft's Idempotency-Key (``<key>:create``, ``<key>:submit``): the
platform fingerprints method + path + body per key, so one key per kind of write keeps a retry
— after a restart, too — answering with the first result instead of a second record.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from . import errors, forms
from .api import models
from .api.client import PlatformClient, RecordKind
from .api.upload import CancelToken, Progress
from .drafts import AccountDrafts, Draft, DraftStore, identity_differs

Kind = Literal["profile", "qualification", "personnel"]
KINDS: tuple[Kind, ...] = ("profile", "qualification", "personnel")
log = logging.getLogger(__name__)
_PATHS: dict[str, RecordKind] = {"qualification": "qualifications", "personnel": "personnel"}


# --- what a record's state allows: the platform's rule, which the sandbox applies too
# (draft/rejected editable and submittable, approved editable only as a change that goes back
# to review, submitted frozen)
Action = Literal["edit", "attach", "detach", "submit"]
EDITABLE: tuple[models.ReviewStatus, ...] = ("draft", "approved", "rejected")
SUBMITTABLE: tuple[models.ReviewStatus, ...] = ("draft", "rejected")
RESUBMIT_NOTE_ZH = "修改后需重新提交审核"
RESUBMIT_NOTE_EN = "After a change the record must be submitted for review again"


def refusal(status: str | None, action: Action) -> tuple[str, str] | None:
    """Why ``action`` is not allowed on a record in ``status`` (zh, en), or None (None: not on
    the platform yet). The GUI disables the action showing this; the CLI refuses with it before
    any request."""
    if status is None or status in (SUBMITTABLE if action == "submit" else EDITABLE):
        return None
    if status in EDITABLE:  # approved: a change is possible, a second submission is not
        return ("已审核通过，无需再次提交；如需修改，请先点“修改”",
                "Approved: nothing to submit; choose Change to modify it")
    return ("审核中：请等待审核结果，期间不能修改、添加电子件或重复提交",
            "Under review: wait for the result; it cannot be changed or resubmitted")


def needs_resubmit(status: str | None, action: Action) -> bool:
    """Changing an approved record (editable, not submittable) turns it back into a draft on
    the platform: the user confirms that explicitly ("修改后需重新提交审核") before the first
    change is sent."""
    return action != "submit" and status in EDITABLE and status not in SUBMITTABLE


def human_size(size: int) -> str:
    """``1.2 MB``, ``35 KB``, ``512 B`` (1 KB = 1024 B), as file sizes read elsewhere."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def save_to_temp(attachment: models.Attachment, content: bytes) -> Path:
    """The downloaded 电子件 in a fresh private temp folder under its own (sanitised) name, for
    the system viewer; the folder is the OS's to clean."""
    folder = Path(tempfile.mkdtemp(prefix="hy-attachment-"))
    name = Path(attachment.filename.replace("\\", "/")).name.strip(" .") or attachment.id
    path = folder / name
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return path


def form_key(kind: Kind, record_id: int | None = None) -> str:
    """``profile``, ``qualification:12``; a record not yet on the platform: ``…:new-<uuid>``."""
    if kind == "profile":
        return "profile"
    return f"{kind}:{record_id}" if record_id is not None else f"{kind}:new-{uuid.uuid4().hex}"


def kind_of(key: str) -> Kind:
    kind = key.split(":", 1)[0]
    if kind not in KINDS:
        raise ValueError(f"not a record form key: {key!r}")
    return kind


def spec_name_for(kind: Kind, account_kind: models.AccountKind) -> str:
    """The forms spec of a record: the profile's depends on unit or natural person."""
    return f"profile_{account_kind}" if kind == "profile" else kind


@dataclass(frozen=True)
class FormState:
    """What an editor opens: the local draft (unsent changes) and/or the platform's record."""

    form_key: str
    spec_name: str
    data: dict[str, str]
    record: models.Record | None
    draft: Draft | None

    @property
    def has_draft(self) -> bool:
        return self.draft is not None

    @property
    def foreign_identity(self) -> list[str]:
        """Identity fields where the local profile draft names another unit or person than the
        account's own profile: restoring or submitting it must be confirmed first."""
        if self.draft is None or self.record is None or kind_of(self.form_key) != "profile":
            return []
        return identity_differs(self.draft.data, self.record.data)


class RecordFlows:
    """Drafts plus platform calls for the three kinds of reviewed records."""

    def __init__(self, client: PlatformClient, drafts: AccountDrafts) -> None:
        self.client = client
        self.drafts = drafts
        self._references: models.ReferenceLists | None = None

    @classmethod
    def for_account(cls, client: PlatformClient, store: DraftStore,
                    account: models.Account) -> RecordFlows:
        """The flows of the logged-in account: its drafts only, on this platform only."""
        return cls(client, store.for_account(client.origin, account.id))

    def adopt(self, quarantined_id: int) -> Draft:
        """Assign a quarantined draft to this account; the record it named is kept only when
        the platform shows it to this account (else the draft becomes a new record)."""
        found = next((q for q in self.drafts.store.quarantined() if q.id == quarantined_id),
                     None)
        if found is None:
            raise errors.HyError(errors.NOT_FOUND, f"quarantined draft {quarantined_id}")
        keep = False
        if found.record_id is not None and found.form_key != "profile":
            try:
                self.fetch(kind_of(found.form_key), found.record_id)
                keep = True
            except errors.HyError as exc:
                if exc.info.http_status not in (403, 404):
                    raise
        return self.drafts.store.assign_quarantined(quarantined_id, self.drafts, keep_record=keep)

    # --- reading ----------------------------------------------------------------------------
    def references(self) -> models.ReferenceLists:
        if self._references is None:
            self._references = self.client.reference()
        return self._references

    def fetch(self, kind: Kind, record_id: int | None = None) -> models.Record:
        if kind == "profile":
            return self.client.profile()
        if record_id is None:
            raise errors.HyError(errors.NOT_FOUND, "no record id")
        return self.client.record(_PATHS[kind], record_id)

    def list_records(self, kind: Kind) -> list[models.Record]:
        if kind == "profile":
            return [self.client.profile()]
        return self.client.records(_PATHS[kind])

    def open(self, kind: Kind, record_id: int | None = None, *,
             key: str | None = None) -> FormState:
        """The local draft when there is one (it is newer than anything sent), else the record."""
        key = key or form_key(kind, record_id)
        draft = self.drafts.load(key)
        record = None
        if record_id is not None or kind == "profile":
            record = self.fetch(kind, record_id)
        if draft is not None:
            return FormState(key, draft.spec_name, dict(draft.data), record, draft)
        if record is None:
            raise errors.HyError(errors.NOT_FOUND, key)
        return FormState(key, record.spec, dict(record.data), record, None)

    # --- editing --------------------------------------------------------------------------
    def edit(self, key: str, spec_name: str, data: Mapping[str, str], *,
             record_id: int | None = None) -> Draft:
        """Autosave one change locally (call on every change; cheap, durable)."""
        return self.drafts.save(key, spec_name, data, record_id=record_id)

    def save_remote(self, key: str) -> models.Record:
        """Send the draft as the platform's draft (partial data allowed); the draft stays."""
        draft = self._draft(key)
        forms.ensure_valid(draft.spec_name, draft.data, partial=True,
                           references=self.references())
        record, draft = self._push(draft)
        return record

    def submit(self, key: str) -> models.Record:
        """Validate fully, make the platform's copy equal the draft, submit exactly once.

        A failure anywhere leaves the draft and its key as they were: calling again (now or
        after a restart) finishes the same submission rather than starting a second one.
        """
        draft = self._draft(key)
        forms.ensure_valid(draft.spec_name, draft.data, references=self.references())
        record, draft = self._push(draft)
        missing = forms.get_spec(draft.spec_name).attachments_error(len(record.attachments))
        if missing is not None:  # refused here, before the submit request
            raise errors.ValidationError([missing])
        kind = kind_of(key)
        submit_key = f"{draft.idempotency_key}:submit"
        if kind == "profile":
            done = self.client.submit_profile(submit_key)
        else:
            done = self.client.submit_record(_PATHS[kind], record.id, submit_key)
        self.drafts.mark_submitted(key, revision=draft.revision)
        log.info("%s record %d submitted: %s", kind, done.id, done.status)
        return done

    def discard(self, key: str) -> None:
        self.drafts.discard(key)

    def attach(self, key: str, path: str, *, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> models.Record:
        """Upload a file and link it to the record (created first when new)."""
        attachment = self.client.upload_attachment(path, progress=progress, cancel=cancel)
        draft = self._draft(key)
        record, draft = self._push(draft, add=[attachment.id])
        return record

    def open_attachment(self, attachment: models.Attachment) -> Path:
        """Download a 电子件 (checked against its SHA-256) to a temp file to show it."""
        return save_to_temp(attachment, self.client.attachment_content(attachment))

    def detach(self, key: str, attachment_id: str) -> models.Record:
        draft = self._draft(key)
        record, _ = self._push(draft, remove=[attachment_id])
        return record

    # --- the one write path ---------------------------------------------------------------
    def _draft(self, key: str) -> Draft:
        draft = self.drafts.load(key)
        if draft is None:
            # Nothing unsent: the platform's copy is the truth; start a draft from it.
            kind = kind_of(key)
            record_id = record_id_of_key(key)
            record = self.fetch(kind, record_id)
            draft = self.drafts.save(key, record.spec, record.data, record_id=record.id
                                     if kind != "profile" else None)
        return draft

    def _push(self, draft: Draft, *, add: list[str] | None = None,
              remove: list[str] | None = None) -> tuple[models.Record, Draft]:
        """Create or update the platform's copy to match the draft; skip an identical write.

        The skip matters for a retried submit: once submitted the record is frozen, so an
        update would be refused even though nothing changed.
        """
        kind = kind_of(draft.form_key)
        data = forms.payload(draft.spec_name, draft.data)
        if kind != "profile" and draft.record_id is None:
            ids = list(add or [])
            record = self.client.create_record(
                _PATHS[kind], models.RecordWrite(data=data, attachments=ids),
                f"{draft.idempotency_key}:create")
            # Remember the id at once: a retry then updates instead of creating. Only the id:
            # rewriting the data would drop whatever was typed since ``draft`` was read.
            # The draft returned is still the revision that was sent (what a submit marks done).
            self.drafts.link_record(draft.form_key, record.id)
            return record, replace(draft, record_id=record.id)
        record = self.fetch(kind, draft.record_id)
        ids = [a.id for a in record.attachments if a.id not in (remove or [])]
        ids += [i for i in (add or []) if i not in ids]
        if record.data == data and ids == [a.id for a in record.attachments]:
            return record, draft
        body = models.RecordWrite(data=data, attachments=ids)
        if kind == "profile":
            return self.client.save_profile(body), draft
        assert draft.record_id is not None
        return self.client.update_record(_PATHS[kind], draft.record_id, body), draft


def record_id_of_key(key: str) -> int | None:
    """The platform record a draft key names (``qualification:12``), None for a new one."""
    rest = key.split(":", 1)[1] if ":" in key else ""
    return int(rest) if rest.isdecimal() else None

