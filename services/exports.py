"""ARS exports: any table as CSV (French spreadsheet conventions), the period as Excel.

Both stream: rows come from server-side cursors (``yield_per``) and go out as they are read,
so a year of a large region never sits in memory. CSV: UTF-8 with BOM, ``;`` separator,
decimal comma. Excel: XlsxWriter in ``constant_memory`` mode, written to a temporary file
that is then sent in chunks and deleted.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

import xlsxwriter
from babel.dates import format_date
from sqlalchemy.orm import Session

from models import User
from models.enums import EstablishmentType, LabelledEnum
from services import stats, stats_dashboard, stats_drill
from services.audit import record
from services.stats import Scope

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 1000
CHUNK = 64 * 1024

BREAKDOWN_HEADER = ["Code", "Libellé", "Postes publiés", "Postes pourvus", "Taux de pourvoi (%)",
                    "Besoins commencés", "Besoins non pourvus à leur début"]
NEEDS_HEADER = ["N° du besoin", "Établissement", "Département", "Qualification", "Type de besoin",
                "Début du premier créneau", "Postes", "Postes pourvus", "Délai de pourvoi (heures)"]
ESTABLISHMENTS_HEADER = ["N° de l'établissement", "Établissement", "Département", "Type d'établissement",
                         "Postes publiés", "Postes pourvus", "Taux de pourvoi (%)", "Besoins commencés",
                         "Besoins non pourvus à leur début"]
TABLES = {
    "departement": "Par département", "qualification": "Par qualification", "type": "Par type d'établissement",
    "kind": "Par type de besoin", "period": "Par période", "besoins": "Besoins", "etablissements": "Établissements",
}


def french_number(value, digits: int = 1) -> str:
    """'72,7' — what French spreadsheet software reads as a number."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}".replace(".", ",")


def percent(rate: float | None):
    return None if rate is None else rate * 100


def _label(value) -> str:
    return value.label if isinstance(value, LabelledEnum) else ("" if value is None else str(value))


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")


def breakdown_rows(session: Session, scope: Scope, dimension: str) -> Iterator[list]:
    table = stats_dashboard.table(session, scope, dimension, stats_dashboard.Sort())
    for row in table["rows"]:
        yield [row["key"], row["label"], row["posted"], row["filled"], percent(row["rate"]), row["needs"],
               row["unfilled"]]


def _stream(session: Session, query) -> Iterator:
    """Rows of a query read through a server-side cursor, a batch at a time."""
    yield from session.execute(query.execution_options(yield_per=BATCH))


def need_rows(session: Session, scope: Scope, figure: str, now_utc: datetime) -> Iterator[list]:
    qualifications = stats.labels(session, "qualification")
    for row in _stream(session, stats_drill.needs_query(scope, figure, now_utc)):
        yield [row.need_id, row.establishment, row.departement, qualifications.get(row.qualification, row.qualification),
               _label(row.kind), row.first_start, row.posted, row.filled, row.hours]


def establishment_rows(session: Session, scope: Scope) -> Iterator[list]:
    for row in _stream(session, stats_drill.establishments_query(scope)):
        yield [row.establishment_id, row.establishment, row.departement, EstablishmentType.label_of(row.type),
               row.posted, row.filled, percent(row.rate), row.needs, row.unfilled]


def table_rows(session: Session, scope: Scope, name: str, figure: str, now_utc: datetime) -> tuple[list, Iterable]:
    if name == "besoins":
        if figure not in stats_drill.NEED_FIGURES:
            figure = "posted"
        return NEEDS_HEADER, need_rows(session, scope, figure, now_utc)
    if name == "etablissements":
        return ESTABLISHMENTS_HEADER, establishment_rows(session, scope)
    return BREAKDOWN_HEADER, breakdown_rows(session, scope, name)


def _csv_cell(value) -> str:
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, float):
        return french_number(value)
    return "" if value is None else str(value)


def csv_stream(session: Session, scope: Scope, name: str, figure: str, now_utc: datetime) -> Iterator[str]:
    """The CSV text, one line at a time, starting with the byte order mark."""
    header, rows = table_rows(session, scope, name, figure, now_utc)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for row in rows:
        yield line([_csv_cell(v) for v in row])


def _write_sheet(workbook, formats, title: str, header: list, rows: Iterable, percent_columns=()) -> None:
    sheet = workbook.add_worksheet(title[:31])
    sheet.write_row(0, 0, header, formats["header"])
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(index, column, value, formats["datetime"])
            elif column in percent_columns and value is not None:
                sheet.write_number(index, column, value / 100, formats["percent"])
            elif value is None:
                sheet.write_blank(index, column, None)
            else:
                sheet.write(index, column, value)


def _summary_rows(figures: stats.KeyFigures) -> list[list]:
    return [
        ["Postes publiés", figures.posted, stats.DEFINITIONS["posted"]],
        ["Postes pourvus", figures.filled, stats.DEFINITIONS["filled"]],
        ["Taux de pourvoi (%)", percent(figures.rate), stats.DEFINITIONS["rate"]],
        ["Délai médian de pourvoi (heures)", figures.median_hours, stats.DEFINITIONS["time_to_fill"]],
        ["Besoins non pourvus à leur début", figures.unfilled, stats.DEFINITIONS["unfilled"]],
        ["Besoins urgents encore ouverts", figures.urgent, stats.DEFINITIONS["urgent"]],
        ["Besoins annulés", figures.cancelled, stats.DEFINITIONS["cancelled"]],
        ["Établissements actifs", figures.establishments, stats.DEFINITIONS["establishments"]],
        ["Candidats actifs", figures.candidates, stats.DEFINITIONS["candidates"]],
    ]


def write_workbook(path: str, session: Session, scope: Scope, now_utc: datetime) -> None:
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    formats = {
        "header": workbook.add_format({"bold": True}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
    }
    period = f"Du {format_date(scope.start, 'd MMMM yyyy', locale='fr')} au {format_date(scope.end, 'd MMMM yyyy', locale='fr')}"
    figures = stats.key_figures(session, scope, now_utc)
    _write_sheet(workbook, formats, "Indicateurs", ["Indicateur", period, "Définition"], _summary_rows(figures))
    for dimension in stats.DIMENSIONS:
        _write_sheet(workbook, formats, TABLES[dimension], BREAKDOWN_HEADER, breakdown_rows(session, scope, dimension),
                     percent_columns=(4,))
    _write_sheet(workbook, formats, "Établissements", ESTABLISHMENTS_HEADER, establishment_rows(session, scope),
                 percent_columns=(6,))
    _write_sheet(workbook, formats, "Besoins", NEEDS_HEADER, need_rows(session, scope, "posted", now_utc))
    workbook.close()


def xlsx_stream(session: Session, scope: Scope, now_utc: datetime) -> Iterator[bytes]:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_workbook(path, session, scope, now_utc)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def filename(scope: Scope, name: str, extension: str) -> str:
    return f"releve-{name}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{extension}"


def audit_export(session: Session, user: User, name: str, extension: str, scope: Scope) -> None:
    """Trace every export (who, which table, which period and filter) before it is sent."""
    record(session, user, "data_export", "ars_table", name, format=extension, start=scope.start.isoformat(),
           end=scope.end.isoformat(), region=scope.region_code, dimension=scope.dimension,
           value=None if scope.value is None else str(scope.value))
    session.commit()
