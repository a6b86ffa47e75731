"""The bench's row count of an auditor pack (bench/hr.py): every CSV row of every CSV file,
headers left out, whatever the read blocks cut through."""

from __future__ import annotations

import io
import zipfile

from bench.hr import _csv_rows_in_zip


def test_rows_of_every_csv_are_counted_without_headers():
    # Read in 1 MiB blocks: after the 3-byte header, this cell puts its row's CR in the first
    # block's last byte and the LF in the next block.
    long_cell = "x" * ((1 << 20) - 4)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as pack:
        pack.writestr("a.csv", "h1,h2\r\n1,2\r\n3,4\r\n")
        pack.writestr("evidence/b.csv", "h\r\n" + f"{long_cell}\r\n" * 3)
        pack.writestr("manifest.json", "{}\n\n\n")
        pack.writestr("summary.pdf", b"\n\n")
    assert _csv_rows_in_zip(output) == 2 + 3
