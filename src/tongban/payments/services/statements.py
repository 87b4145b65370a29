"""Channel statements (对账单): the file format, the simulator's writer, fetching and import.

Format (UTF-8 CSV, bank-like; every data value is prefixed with a backquote as WeChat Pay's
bills do, so spreadsheets keep leading zeros)::

    # 通办支付渠道对账单
    渠道,wechat
    账单日期,2026-11-22
    交易时间,平台交易号,渠道交易号,缴款码,交易类型,金额(分),手续费(分)
    `2026-11-22 10:01:02,`T2026112200000001,`4200001234,`44010026000000000017,`PAY,`6000,`36
    `2026-11-22 15:20:00,`RF20261122A1B2C3D4E5F6,`50300001,`44010026000000000017,`REFUND,`2000,`0
    总交易笔数,支付总额(分),退款总额(分),手续费总额(分)
    `2,`6000,`2000,`36

- ``交易类型``: ``PAY`` (the platform trade number is ``Payment.trade_no``) or ``REFUND``
  (the platform number is ``Refund.refund_no``); times are Beijing time.
- The summary must agree with the rows (count, sums); any deviation refuses the whole file
  (``statement_malformed`` with the line number) and nothing is stored.

Where statements come from: a channel adapter may offer ``fetch_statement(day) -> bytes``
(a real channel's download API). Without one, while ``SIMULATORS_ENABLED``, the built-in
simulator writes the day's file from what it charged (``write_simulated_statement``) into
``PAYMENTS_STATEMENT_DIR`` and the platform reads it from there. Finance staff may also upload
a file (bank counters often deliver statements by e-mail).

Demo discrepancies (``PAYMENTS_STATEMENT_DEMO_DISCREPANCIES`` or the ``discrepancies``
argument): ``missing_at_channel`` drops one payment row, ``missing_at_platform`` adds a row the
platform never saw, ``amount_mismatch`` adds 1 元 to one payment row.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tongban.core import audit
from tongban.core.crypto import sm3
from tongban.core.exceptions import DomainError
from tongban.payments.errors_finance import FinanceError, error
from tongban.payments.models import Channel, Payment, Refund, StatementFile, StatementLine

TITLE = "# 通办支付渠道对账单"
COLUMNS = ["交易时间", "平台交易号", "渠道交易号", "缴款码", "交易类型", "金额(分)", "手续费(分)"]
SUMMARY_COLUMNS = ["总交易笔数", "支付总额(分)", "退款总额(分)", "手续费总额(分)"]
KINDS = ("PAY", "REFUND")
# Simulated merchant fee in basis points of the amount (rounded half up); refunds cost nothing.
FEE_BASIS_POINTS = {"wechat": 60, "alipay": 60, "unionpay": 30}
DISCREPANCIES = ("missing_at_channel", "missing_at_platform", "amount_mismatch")
MAX_FIELD = 64


@dataclass
class ParsedLine:
    line_no: int
    occurred_at: datetime
    trade_no: str
    channel_trade_no: str
    payment_code: str
    kind: str
    amount: int
    fee: int


@dataclass
class ParsedStatement:
    channel: str
    statement_date: date
    lines: list[ParsedLine] = field(default_factory=list)
    paid_total: int = 0
    refunded_total: int = 0
    fee_total: int = 0


# --- time helpers ------------------------------------------------------------------------------
def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Beijing calendar day as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def fee_for(channel: str, amount: int) -> int:
    return (amount * FEE_BASIS_POINTS.get(channel, 0) + 5000) // 10000


# --- format ------------------------------------------------------------------------------------
def _cell(value) -> str:
    return f"`{value}"


def render_statement(channel: str, day: date, rows: list[dict]) -> bytes:
    """The file for ``rows`` (dicts with occurred_at, trade_no, channel_trade_no, payment_code,
    kind, amount, fee)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(TITLE + "\n")
    writer.writerow(["渠道", channel])
    writer.writerow(["账单日期", day.isoformat()])
    writer.writerow(COLUMNS)
    tz = timezone.get_default_timezone()
    paid = refunded = fees = 0
    for row in rows:
        writer.writerow(
            [
                _cell(timezone.localtime(row["occurred_at"], tz).strftime("%Y-%m-%d %H:%M:%S")),
                _cell(row["trade_no"]),
                _cell(row["channel_trade_no"]),
                _cell(row["payment_code"]),
                _cell(row["kind"]),
                _cell(row["amount"]),
                _cell(row["fee"]),
            ]
        )
        if row["kind"] == "PAY":
            paid += row["amount"]
        else:
            refunded += row["amount"]
        fees += row["fee"]
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerow([_cell(len(rows)), _cell(paid), _cell(refunded), _cell(fees)])
    return out.getvalue().encode("utf-8")


def _malformed(line_no: int, detail: str):
    return error(
        FinanceError.STATEMENT_MALFORMED,
        field="file",
        message=f"{error.messages[FinanceError.STATEMENT_MALFORMED]}（第 {line_no} 行）：{detail}",
    )


def _value(raw: str) -> str:
    raw = raw.strip()
    return raw[1:] if raw.startswith("`") else raw


def _integer(raw: str, line_no: int, name: str, *, minimum: int = 0) -> int:
    text = _value(raw)
    if not text.isdigit() or len(text) > 15:
        raise _malformed(line_no, f"{name}须为非负整数（分）")
    number = int(text)
    if number < minimum:
        raise _malformed(line_no, f"{name}须大于 0")
    return number


def _text(raw: str, line_no: int, name: str) -> str:
    text = _value(raw)
    if not text or len(text) > MAX_FIELD or not text.isascii() or not text.isprintable():
        raise _malformed(line_no, f"{name}为空或格式错误")
    return text


def parse_statement(content: bytes, *, channel: str | None = None, statement_date=None):
    """Parse and check a statement file; ``statement_malformed`` on any deviation."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _malformed(1, "文件不是 UTF-8 编码") from None
    rows = list(csv.reader(io.StringIO(text)))
    # drop blank lines at the end only
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if len(rows) < 6 or (rows[0][:1] or [""])[0].strip() != TITLE:
        raise _malformed(1, "缺少对账单标题")
    if len(rows[1]) != 2 or rows[1][0].strip() != "渠道" or rows[1][1].strip() not in Channel:
        raise _malformed(2, "渠道行错误")
    file_channel = rows[1][1].strip()
    if len(rows[2]) != 2 or rows[2][0].strip() != "账单日期":
        raise _malformed(3, "账单日期行错误")
    try:
        file_date = date.fromisoformat(rows[2][1].strip())
    except ValueError:
        raise _malformed(3, "账单日期格式错误") from None
    if channel is not None and file_channel != channel:
        raise _malformed(2, f"渠道为 {file_channel}，应为 {channel}")
    if statement_date is not None and file_date != statement_date:
        raise _malformed(3, f"账单日期为 {file_date}，应为 {statement_date}")
    if [cell.strip() for cell in rows[3]] != COLUMNS:
        raise _malformed(4, "表头与约定格式不符")
    if [cell.strip() for cell in rows[-2]] != SUMMARY_COLUMNS:
        raise _malformed(len(rows) - 1, "缺少汇总行")
    parsed = ParsedStatement(channel=file_channel, statement_date=file_date)
    tz = timezone.get_default_timezone()
    start, end = day_bounds(file_date)
    for index, row in enumerate(rows[4:-2], start=5):
        if len(row) != len(COLUMNS):
            raise _malformed(index, f"应有 {len(COLUMNS)} 列，实际 {len(row)} 列")
        try:
            occurred = timezone.make_aware(
                datetime.strptime(_value(row[0]), "%Y-%m-%d %H:%M:%S"), tz
            )
        except ValueError:
            raise _malformed(index, "交易时间格式错误") from None
        if not start <= occurred < end:
            raise _malformed(index, "交易时间不在账单日期内")
        kind = _value(row[4])
        if kind not in KINDS:
            raise _malformed(index, "交易类型须为 PAY 或 REFUND")
        line = ParsedLine(
            line_no=index,
            occurred_at=occurred,
            trade_no=_text(row[1], index, "平台交易号"),
            channel_trade_no=_text(row[2], index, "渠道交易号"),
            payment_code=_text(row[3], index, "缴款码"),
            kind=kind,
            amount=_integer(row[5], index, "金额", minimum=1),
            fee=_integer(row[6], index, "手续费"),
        )
        if line.kind == "PAY":
            parsed.paid_total += line.amount
        else:
            parsed.refunded_total += line.amount
        parsed.fee_total += line.fee
        parsed.lines.append(line)
    summary_no = len(rows)
    summary = rows[-1]
    if len(summary) != len(SUMMARY_COLUMNS):
        raise _malformed(summary_no, "汇总行列数错误")
    count, paid, refunded, fees = (
        _integer(cell, summary_no, name)
        for cell, name in zip(summary, SUMMARY_COLUMNS, strict=True)
    )
    if count != len(parsed.lines):
        raise _malformed(summary_no, f"汇总笔数 {count} 与明细 {len(parsed.lines)} 笔不符")
    if (paid, refunded, fees) != (parsed.paid_total, parsed.refunded_total, parsed.fee_total):
        raise _malformed(summary_no, "汇总金额与明细合计不符")
    return parsed


# --- the simulator's side ------------------------------------------------------------------------
def statement_dir() -> Path:
    return Path(getattr(settings, "PAYMENTS_STATEMENT_DIR", Path(settings.VAR_DIR) / "statements"))


def statement_path(channel: str, day: date) -> Path:
    return statement_dir() / channel / f"{channel}-{day:%Y%m%d}.csv"


def payments_of_day(channel: str, start, end):
    """Payments of ``channel`` whose money arrived in [start, end): booked successes (by
    ``paid_at``) and payments flagged ``amount_mismatch`` — the channel took another amount
    than asked, so the platform did not book them (by the time of that callback)."""
    return Payment.objects.filter(
        Q(status=Payment.Status.SUCCESS, paid_at__gte=start, paid_at__lt=end)
        | Q(
            flag=Payment.Flag.AMOUNT_MISMATCH,
            paid_at__isnull=True,
            updated_at__gte=start,
            updated_at__lt=end,
        ),
        channel=channel,
    )


def simulated_rows(channel: str, day: date) -> list[dict]:
    """What the simulated channel took and gave back that day."""
    start, end = day_bounds(day)
    rows = []
    payments = payments_of_day(channel, start, end).select_related("order").order_by("pk")
    for payment in payments:
        charged = payment.amount if payment.reported_amount is None else payment.reported_amount
        if charged <= 0:
            continue
        rows.append(
            {
                "occurred_at": payment.paid_at or payment.updated_at,
                "trade_no": payment.trade_no,
                "channel_trade_no": payment.channel_trade_no or f"SIM{payment.pk:012d}",
                "payment_code": payment.order.code,
                "kind": "PAY",
                "amount": int(charged),
                "fee": fee_for(channel, int(charged)),
            }
        )
    refunds = (
        Refund.objects.filter(
            payment__channel=channel,
            status=Refund.Status.SUCCEEDED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .select_related("order")
        .order_by("completed_at", "pk")
    )
    for refund in refunds:
        rows.append(
            {
                "occurred_at": refund.completed_at,
                "trade_no": refund.refund_no,
                "channel_trade_no": refund.channel_refund_no or f"SIMRF{refund.pk:010d}",
                "payment_code": refund.order.code,
                "kind": "REFUND",
                "amount": int(refund.amount),
                "fee": 0,
            }
        )
    rows.sort(key=lambda row: row["occurred_at"])
    return rows


def inject_discrepancies(rows: list[dict], day: date, discrepancies) -> list[dict]:
    """Demo only: make the channel's file disagree with the platform in the named ways."""
    rows = [dict(row) for row in rows]
    wanted = [name for name in discrepancies if name]
    unknown = set(wanted) - set(DISCREPANCIES)
    if unknown:
        raise ValueError(f"unknown discrepancies: {sorted(unknown)}")
    payments = [row for row in rows if row["kind"] == "PAY"]
    if "amount_mismatch" in wanted and payments:
        target = payments[-1]
        target["amount"] += 100
    if "missing_at_channel" in wanted and len(payments) > 1:
        rows.remove(payments[0])
    if "missing_at_platform" in wanted:
        start, _end = day_bounds(day)
        code = payments[0]["payment_code"] if payments else "44010026000000000000"
        rows.append(
            {
                "occurred_at": start + timedelta(hours=23, minutes=59),
                "trade_no": f"X{day:%Y%m%d}UNKNOWN",
                "channel_trade_no": f"SIMX{day:%Y%m%d}",
                "payment_code": code,
                "kind": "PAY",
                "amount": 1000,
                "fee": 0,
            }
        )
    return rows


def write_simulated_statement(channel: str, day: date, *, discrepancies=None) -> Path:
    """The simulator's daily file for ``channel`` and ``day`` (overwritten if present)."""
    if channel not in Channel.values:
        raise error(FinanceError.CHANNEL_UNKNOWN, field="channel")
    if discrepancies is None:
        discrepancies = getattr(settings, "PAYMENTS_STATEMENT_DEMO_DISCREPANCIES", ())
    rows = inject_discrepancies(simulated_rows(channel, day), day, discrepancies)
    path = statement_path(channel, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    # write then rename, so a reader never sees half a file
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(render_statement(channel, day, rows))
    os.replace(partial, path)
    return path


# --- the platform's side ---------------------------------------------------------------------------
def statement_content(channel: str, day: date) -> tuple[bytes, str]:
    """Download the statement of ``channel`` for ``day``: (content, file name)."""
    if channel not in Channel.values:
        raise error(FinanceError.CHANNEL_UNKNOWN, field="channel")
    try:
        from tongban.payments.channels.base import get_adapter

        adapter = get_adapter(channel)
    except (ImportError, LookupError, ValueError, DomainError):  # no adapter: simulator only
        adapter = None
    fetch = getattr(adapter, "fetch_statement", None)
    if fetch is not None:
        content = fetch(day)
        if content:
            return content, f"{channel}-{day:%Y%m%d}.csv"
    if settings.SIMULATORS_ENABLED:
        path = statement_path(channel, day)
        if not path.exists():
            write_simulated_statement(channel, day)
        return path.read_bytes(), path.name
    raise error(FinanceError.STATEMENT_UNAVAILABLE)


def import_statement(
    channel: str, day: date, content: bytes, *, file_name: str, actor
) -> StatementFile:
    """Store a statement (parsed and checked first: a malformed file changes nothing).
    The same file again returns the stored one; a different file for the same day is refused."""
    parsed = parse_statement(content, channel=channel, statement_date=day)
    digest = sm3.hexdigest(content)
    existing = StatementFile.objects.filter(channel=channel, statement_date=day).first()
    if existing is not None:
        if existing.sm3 == digest:
            return existing
        raise error(FinanceError.STATEMENT_CONFLICT)
    try:
        with transaction.atomic():
            statement = StatementFile.objects.create(
                channel=channel,
                statement_date=day,
                file_name=(file_name or f"{channel}-{day:%Y%m%d}.csv")[:200],
                content=content,
                sm3=digest,
                row_count=len(parsed.lines),
                total_amount=parsed.paid_total - parsed.refunded_total,
                total_fee=parsed.fee_total,
                fetched_at=timezone.now(),
            )
            batch = []
            for line in parsed.lines:
                batch.append(
                    StatementLine(
                        statement=statement,
                        line_no=line.line_no,
                        kind=line.kind,
                        occurred_at=line.occurred_at,
                        trade_no=line.trade_no,
                        channel_trade_no=line.channel_trade_no,
                        payment_code=line.payment_code,
                        amount=line.amount,
                        fee=line.fee,
                    )
                )
                if len(batch) >= 5000:
                    StatementLine.objects.bulk_create(batch)
                    batch = []
            StatementLine.objects.bulk_create(batch)
            audit.record(
                "payments.statement_imported",
                actor=actor,
                target=statement,
                data={
                    "channel": channel,
                    "date": day.isoformat(),
                    "rows": len(parsed.lines),
                    "paid_total": parsed.paid_total,
                    "refunded_total": parsed.refunded_total,
                    "fee_total": parsed.fee_total,
                    "sm3": digest,
                },
            )
    except IntegrityError:  # the same day stored concurrently: same file, same answer
        existing = StatementFile.objects.filter(channel=channel, statement_date=day).first()
        if existing is None:
            raise
        if existing.sm3 != digest:
            raise error(FinanceError.STATEMENT_CONFLICT) from None
        return existing
    return statement


def fetch_statement(channel: str, day: date, *, actor) -> StatementFile:
    """The stored statement of the day, downloading and importing it first if needed."""
    existing = StatementFile.objects.filter(channel=channel, statement_date=day).first()
    if existing is not None:
        return existing
    content, file_name = statement_content(channel, day)
    return import_statement(channel, day, content, file_name=file_name, actor=actor)
