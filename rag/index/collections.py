"""Named collections: separate document sets, each with its own folders, index and settings (docs/collections.md).

`default` is today's layout and is never recorded anywhere: its documents are in `data_dir` (data/) and its index
in `index_dir` (vectorstore/) or the `pg_schema` schema. Any other collection NAME lives beside it:

    vectorstore/collections/NAME/collection.toml   its source folders and the settings recorded for it
    vectorstore/collections/NAME/CURRENT, v-*/     its FAISS index (store = faiss)
    PostgreSQL schema <pg_schema>_<name>            its index (store = pgvector; '-' becomes '_')

`settings_for(settings, name)` gives the Settings every stage then uses unchanged (data_dir = the first folder,
index_dir and pg_schema the collection's, its recorded settings applied); `create`, `add_folders`, `drop`,
`names` and `describe` manage them. Names are checked (`check_name`); an unknown one is a UserError.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rag.config import Settings
from rag.errors import UserError

DEFAULT = "default"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
FOLDER = "collections"  # under the default index_dir
RECORD = "collection.toml"
DOCS = "docs/collections.md"
# Settings a collection may keep for itself (given with --collection at ingest, or edited in collection.toml).
RECORDED = ("store", "ocr", "ocr_lang", "ocr_dpi", "chunk_size", "chunk_overlap", "chunk_context", "tables")


@dataclass
class Collection:
    name: str
    folders: list[Path] = field(default_factory=list)
    settings: dict = field(default_factory=dict)  # of RECORDED
    home: Path | None = None  # vectorstore/collections/NAME (None for default)


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise UserError(f"collection name {name!r}: use 1-63 lower-case letters, digits, '-' or '_', starting with "
                        "a letter or digit (e.g. legal, hr-2024)", exit_code=2)
    return name


def root(settings: Settings) -> Path:
    """The folder that holds every collection but `default` (vectorstore/collections)."""
    return Path(settings.index_dir) / FOLDER


def pg_schema_for(base_schema: str, name: str) -> str:
    """The PostgreSQL schema of a collection: `docqa_legal` (at most 63 characters, a hash when longer)."""
    if name == DEFAULT:
        return base_schema
    schema = f"{base_schema}_{name.replace('-', '_')}"
    if len(schema) > 63:
        import hashlib

        schema = f"{base_schema}_{hashlib.sha256(name.encode()).hexdigest()[:16]}"[:63]
    return schema


def exists(settings: Settings, name: str) -> bool:
    return name == DEFAULT or (root(settings) / check_name(name) / RECORD).is_file()


def names(settings: Settings) -> list[str]:
    """`default` and every recorded collection, sorted."""
    folder = root(settings)
    found = sorted(p.parent.name for p in folder.glob(f"*/{RECORD}") if NAME_PATTERN.match(p.parent.name)) \
        if folder.is_dir() else []
    return [DEFAULT, *found]


def load(settings: Settings, name: str) -> Collection:
    """The collection `name`; a UserError naming the command that creates it when there is none."""
    check_name(name)
    if name == DEFAULT:
        return Collection(DEFAULT, [Path(settings.data_dir)])
    record = root(settings) / name / RECORD
    if not record.is_file():
        raise UserError(f"no collection named {name!r}; create it with `python -m rag.ingest --collection {name} "
                        f"FOLDER` (list them with `python -m rag.ingest --list`)")
    try:
        raw = tomllib.loads(record.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{record}: cannot read it ({exc}); fix or delete the file") from None
    folders = [Path(f) for f in raw.get("folders", [])]
    recorded = {k: v for k, v in dict(raw.get("settings", {})).items() if k in RECORDED}
    return Collection(name, folders, recorded, record.parent)


def settings_for(settings: Settings, name: str | None, given: dict | None = None) -> Settings:
    """The settings of collection `name` (None or default: `settings` itself). Its recorded settings apply over
    `settings`, and `given` (the flags of this command) over those."""
    if name is None or name == DEFAULT:
        return settings
    collection = load(settings, name)
    values = {**settings.model_dump(), **collection.settings,
              **{k: v for k, v in (given or {}).items() if v is not None}}
    values.update(data_dir=collection.folders[0] if collection.folders else default_folder(settings, name),
                  index_dir=collection.home, pg_schema=pg_schema_for(settings.pg_schema, name))
    try:
        return Settings(**values)
    except Exception as exc:  # pydantic ValidationError: a bad value written into collection.toml
        raise UserError(f"{collection.home / RECORD}: invalid setting ({exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0]}); fix the file") from None


def default_folder(settings: Settings, name: str) -> Path:
    """Where a collection created without a folder keeps its documents (uploads): collections/NAME beside data/.
    Never inside data/, whose files belong to the default collection."""
    return Path(settings.data_dir).resolve().parent / FOLDER / name


def create(settings: Settings, name: str, folders: list[Path], recorded: dict | None = None) -> Collection:
    """Record a new collection (its folders, or collections/NAME when none is given, and its settings)."""
    check_name(name)
    if name == DEFAULT:
        raise UserError("the default collection always exists (data/ and vectorstore/)", exit_code=2)
    home = root(settings) / name
    if (home / RECORD).is_file():
        return add_folders(settings, name, folders, recorded)
    schema = pg_schema_for(settings.pg_schema, name)
    for other in names(settings)[1:]:
        if pg_schema_for(settings.pg_schema, other) == schema:
            raise UserError(f"collection name {name!r} would share the PostgreSQL schema {schema} with {other!r}; "
                            "choose another name", exit_code=2)
    folders = [Path(f).resolve() for f in folders] or [default_folder(settings, name)]
    folders[0].mkdir(parents=True, exist_ok=True)
    collection = Collection(name, folders, {k: v for k, v in (recorded or {}).items() if k in RECORDED and v is not None},
                            home)
    save(collection)
    return collection


def add_folders(settings: Settings, name: str, folders: list[Path], recorded: dict | None = None) -> Collection:
    """Add folders to a collection's record and update its recorded settings with `recorded`."""
    collection = load(settings, name)
    changed = False
    for folder in (Path(f).resolve() for f in folders):
        if folder not in collection.folders:
            collection.folders.append(folder)
            changed = True
    for key, value in (recorded or {}).items():
        if key in RECORDED and value is not None and collection.settings.get(key) != value:
            collection.settings[key] = value
            changed = True
    if changed and name != DEFAULT:
        save(collection)
    return collection


def save(collection: Collection) -> None:
    """Write collection.toml atomically (a temporary file renamed over it)."""
    lines = [f"# docqa collection {collection.name!r}; docs: {DOCS}",
             "folders = [" + ", ".join(_toml_str(str(f)) for f in collection.folders) + "]", "", "[settings]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in sorted(collection.settings.items())]
    collection.home.mkdir(parents=True, exist_ok=True)
    tmp = collection.home / f".{RECORD}.{os.getpid()}.tmp"
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, collection.home / RECORD)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return _toml_str(str(value))


def drop(settings: Settings, name: str) -> str:
    """Delete a collection's index and record (never its documents); returns what was deleted, for the message."""
    check_name(name)
    if name == DEFAULT:
        raise UserError("the default collection cannot be dropped; rebuild it with `python -m rag.ingest --rebuild`",
                        exit_code=2)
    own = settings_for(settings, name)
    deleted = str(own.index_dir)
    if own.store == "pgvector":
        from rag.index.pgvector import PgStore

        PgStore(own).drop()
        deleted += f" and schema {own.pg_schema}"
    shutil.rmtree(own.index_dir)
    return deleted


def describe(settings: Settings, name: str) -> dict:
    """One line of `--list`: folders, store, files, chunks, documents' size and the last update (ISO time)."""
    own = settings_for(settings, name)
    row = {"name": name, "folders": [str(f) for f in (load(settings, name).folders)], "store": own.store,
           "files": 0, "chunks": 0, "bytes": 0, "updated": None}
    try:
        manifest = _manifest(own)
    except UserError as exc:
        row["error"] = str(exc)
        return row
    if manifest is not None:
        row.update(files=len(manifest.files), chunks=sum(e.chunks for e in manifest.files.values()),
                   bytes=sum(e.size for e in manifest.files.values()),
                   updated=datetime.fromtimestamp(manifest.updated_at, timezone.utc).isoformat(timespec="seconds"))
    return row


def _manifest(settings: Settings):
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).manifest()
    from rag.index.store import MANIFEST, Manifest, current_version

    version = current_version(Path(settings.index_dir))
    if version is None:
        return None
    return Manifest.model_validate_json((version / MANIFEST).read_text(encoding="utf-8"))
