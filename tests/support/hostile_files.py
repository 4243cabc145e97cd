"""Hostile files made at test time, for what is too big (or too odd) to commit.

The committed corpus, one file per case, is ``tests/reliability/hostile/``; this
module writes the rest, once for every suite that needs them.
"""

from __future__ import annotations

from pathlib import Path


def write_huge_spec(folder: Path) -> Path:
    """50 MiB: a valid spec whose description is one 50 MiB line (``huge.yaml``)."""
    path = folder / "huge.yaml"
    with open(path, "wb") as handle:
        handle.write(b"name: Huge\nslug: huge\nmodel: m\nbackend: vllm\ndescription: ")
        chunk = b"x" * (1024 * 1024)
        for _ in range(50):
            handle.write(chunk)
        handle.write(b"\n")
    return path


def write_many_unknown_keys(folder: Path, keys: int = 180_000) -> Path:
    """A valid spec followed by ``keys`` unknown keys (1.9 MB, under the size cap): ``keys.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "keys.yaml"
    path.write_text("name: x\nslug: x\nmodel: m\nbackend: vllm\n" + "".join(f"k{i}: 1\n" for i in range(keys)),
                    encoding="utf-8")
    return path


BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]" for a, b in zip("abcdefghi", "bcdefghij")]
)


def hostile_folder(folder: Path) -> Path:
    """Eleven files ``validate`` must refuse each with one clear error at 1:1 (or the
    alias bomb's or the nesting's line), written at test time: two of them cannot be
    committed (50 MiB, a sparse 8 GiB)."""
    (folder / "empty.yaml").write_bytes(b"")
    (folder / "blank.yml").write_bytes(b"  \n\n\t\n")
    (folder / "comments.yaml").write_bytes(b"# nothing but a comment\n")
    (folder / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    (folder / "latin1.yaml").write_bytes("name: caf\u00e9\n".encode("latin-1"))
    (folder / "utf16.json").write_bytes('{"name": "x"}'.encode("utf-16"))
    (folder / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    (folder / "deep.yaml").write_text("a: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    (folder / "deep.json").write_text('{"a": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    write_huge_spec(folder)
    with open(folder / "sparse.yaml", "wb") as handle:
        handle.truncate(8 * 1024 ** 3)  # 8 GiB that take no disk: reading it would not end well
    return folder
