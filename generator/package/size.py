"""What `render` packages, once the package stage (generator/package/stage.py) built the zips (their
size is unknown before): a zip above 5 MiB is a WARNING for cold starts (SLS504, documented in
docs/scale-and-observability.md); a package Lambda refuses is an ERROR (SLS317): above 50 MiB zipped
(a direct upload, which `filename` is) or 250 MiB unzipped, measured from the sizes its zip entries
declare (a jar is a zip too).
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic

ZIP_WARN_BYTES = 5 * 1024 * 1024  # 5 MiB zipped
ZIP_UPLOAD_MAX = 50 * 1024 * 1024  # Lambda: 50 MB zipped for a direct upload
UNZIPPED_MAX = 250 * 1024 * 1024  # Lambda: 262144000 bytes unzipped, layers included (stage.py adds this blueprint's)


def zip_size_warning(doc, function: str, code_dir: str, size: int) -> Diagnostic | None:
    if size <= ZIP_WARN_BYTES:
        return None
    return doc.diag(
        "SLS504",
        ("functions", function),
        f"the package of {code_dir} is {size / 1048576:.1f} MiB zipped (above 5 MiB): every cold start downloads "
        "and unpacks it",
        hint="keep only runtime code in the code dir; move large dependencies to a layer or trim them",
        severity="warning",
    )


def unzipped_size(data: bytes) -> int | None:
    """The total size the zip's entries declare (what Lambda unpacks), or None when it is no zip."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def package_limit_errors(doc, function: str, source: str, data: bytes, where: tuple | None = None,
                         what: str = "package", uploaded: bool = False) -> list[Diagnostic]:
    """SLS317 for a package Lambda refuses: `data` is the zip (or jar) of `source` (a code dir or artifact,
    or a layer's folder: `where` its blueprint path, `what` "layer"). `uploaded`: it goes through S3
    (`artifacts:`), where only the unzipped limit applies."""
    found = []
    where = where or ("functions", function)
    hint = "move dependencies to a layer or a container image, or trim them; AWS does not raise these limits"
    if len(data) > ZIP_UPLOAD_MAX and not uploaded:
        hint_upload = ("upload it through S3 with `artifacts: {bucket: NAME}` (a bucket under buckets: or an existing "
                       "one), or " + hint[0].lower() + hint[1:])
        found.append(doc.diag("SLS317", where, f"the {what} of {source} is {len(data) / 1048576:.1f} MiB zipped; "
                              f"Lambda accepts at most {ZIP_UPLOAD_MAX // 1048576} MiB uploaded directly", hint=hint_upload))
    unzipped = unzipped_size(data)
    if unzipped is not None and unzipped > UNZIPPED_MAX:
        found.append(doc.diag("SLS317", where, f"the {what} of {source} unzips to {unzipped / 1048576:.1f} MiB; "
                              f"Lambda accepts at most {UNZIPPED_MAX // 1048576} MiB unzipped", hint=hint))
    return found
