"""A workbook's zip package: checked from its directory before openpyxl opens it, and saved
so that the same workbook always gives the same bytes.

openpyxl executes nothing, but it would unpack whatever a zip file declares. Before it sees
a file, the package is checked from the zip directory alone, without inflating anything: a
file that is not a zip (an old ``.xls``, an encrypted workbook, which Excel stores as an OLE
compound file, or no workbook at all), a zip that is not an Excel workbook, a macro-enabled
workbook, encrypted entries, too many entries, or entries that would unpack to more than
:data:`MAX_UNPACKED_BYTES` (a zip bomb) are refused. Declared sizes bound what is unpacked:
:mod:`zipfile` never inflates an entry past its declared size.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from evalrules.errors import FactsError, FactsProblem

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "FIXED_TIME",
    "MAX_ENTRIES",
    "MAX_UNPACKED_BYTES",
    "check_package",
    "looks_like_workbook",
    "save_workbook",
]

#: The most a workbook may unpack to, all entries together (a form of a few hundred rows
#: unpacks to well under 1 MiB).
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
#: Entries in a real workbook: a few dozen.
MAX_ENTRIES = 2000
#: An entry inflating more than this many times its compressed size is a zip bomb (sheet XML
#: compresses 10 to 30 times).
MAX_RATIO = 200
#: The time written into every saved workbook (its properties and its zip entries), so that
#: the same content gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject")


def looks_like_workbook(data: bytes) -> bool:
    """Whether the bytes look like an Excel file: a zip holding ``xl/workbook.xml`` (the
    local headers carry entry names uncompressed) or an OLE compound file (an old ``.xls``
    or an encrypted workbook, both refused with a message when read)."""
    if data.startswith(_OLE):
        return True
    return data.startswith(_ZIP) and b"xl/workbook.xml" in data[:65536] + data[-65536:]


def _problem(code: str, zh: str, en: str) -> FactsError:
    return FactsError([FactsProblem("<document>", code, zh, en)])


def check_package(data: bytes) -> None:
    """Refuse a file openpyxl must not open, with what to do about it.

    Raises:
        FactsError: if the file is no ``.xlsx`` workbook, is encrypted or macro-enabled,
            or would unpack to too much.
    """
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise _problem(
                "encrypted",
                "工作簿设置了打开密码(已加密),无法读取:请在 Excel 中删除密码(文件 › 信息 › "
                "保护工作簿 › 用密码进行加密,清空)后另存为 .xlsx",
                "the workbook is encrypted (it has a password to open): remove the password in "
                "Excel (File › Info › Protect Workbook › Encrypt with Password, clear it) and "
                "save it as .xlsx",
            )
        raise _problem(
            "not-xlsx",
            "这是旧版 Excel 97-2003 文件(.xls 格式),无法读取:请在 Excel 中另存为 "
            "“Excel 工作簿(*.xlsx)”",
            "this is an Excel 97-2003 file (.xls format), which is not read: save it in Excel "
            "as an “Excel Workbook (*.xlsx)”",
        )
    if not data.startswith(_ZIP):
        raise _problem(
            "not-xlsx",
            "不是 Excel 工作簿(.xlsx):文件不是 zip 格式",
            "not an Excel workbook (.xlsx): the file is not a zip package",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _problem(
            "not-xlsx",
            f"Excel 工作簿已损坏,无法打开:{exc}",
            f"the Excel workbook is damaged and cannot be opened: {exc}",
        ) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _problem(
            "not-xlsx",
            "不是 Excel 工作簿(.xlsx):zip 文件中没有工作簿(可能是 Word 或其他文件)",
            "not an Excel workbook (.xlsx): the zip package holds no workbook (a Word "
            "document, or another kind of file?)",
        )
    if len(infos) > MAX_ENTRIES:
        raise _problem(
            "too-large",
            f"工作簿包含 {len(infos)} 个部件,超过上限 {MAX_ENTRIES}",
            f"the workbook has {len(infos)} parts, more than the limit of {MAX_ENTRIES}",
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise _problem(
            "encrypted",
            "工作簿中有加密的部件,无法读取:请删除密码后另存为 .xlsx",
            "the workbook has encrypted parts: remove the password and save it as .xlsx",
        )
    total = sum(info.file_size for info in infos)
    bomb = any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if total > MAX_UNPACKED_BYTES or bomb:
        raise _problem(
            "too-large",
            f"工作簿解压后共 {total} 字节(或某部件压缩比异常),超过上限 {MAX_UNPACKED_BYTES} "
            "字节:可能是压缩炸弹,未读取",
            f"the workbook would unpack to {total} bytes (or a part inflates suspiciously), over "
            f"the limit of {MAX_UNPACKED_BYTES}: it may be a zip bomb and was not read",
        )
    macro = any(n.lower().endswith("vbaproject.bin") for n in names)
    if not macro:
        with archive.open("[Content_Types].xml") as types:
            head = types.read(256 * 1024)
        macro = any(marker in head for marker in _MACRO_TYPES)
    if macro:
        raise _problem(
            "macro-enabled",
            "这是启用宏的工作簿(.xlsm),evalrules 不读取也不运行宏:请在 Excel 中另存为 "
            "“Excel 工作簿(*.xlsx)”后再提交",
            "this is a macro-enabled workbook (.xlsm); evalrules neither reads nor runs "
            "macros: save it in Excel as an “Excel Workbook (*.xlsx)” and submit that",
        )


def save_workbook(workbook: Workbook, writer: Callable[[Workbook, zipfile.ZipFile], None]) -> bytes:
    """The workbook's bytes, the same for the same content: its properties' times and every
    zip entry's time are :data:`FIXED_TIME`, its author ``evalrules``.

    ``writer(workbook, archive)`` writes the parts (openpyxl's ``ExcelWriter``; passed in so
    this module does not import openpyxl).
    """
    props = workbook.properties
    props.creator = "evalrules"
    props.lastModifiedBy = "evalrules"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        writer(workbook, archive)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
