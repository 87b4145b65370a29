"""Workbench queue: reach per org unit, filters, search, sort, deadline lights, constant
query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tongban.cases.models import Case, CaseTask, ClockPause
from tongban.cases.selectors import workbench as wb
from tongban.cases.services import lifecycle
from tongban.cases.tests._workbench_setup import make_case, make_item, tax_department
from tongban.core import calendar

S = Case.Status
QUEUE = reverse("workbench_cases:queue")


def numbers(page_or_qs):
    return {c.number for c in page_or_qs}


@pytest.fixture
def gz_item(gz_market_dept):
    return make_item(gz_market_dept)


@pytest.fixture
def sz_item(sz_market_dept):
    return make_item(sz_market_dept, name="食品经营许可")


# --- reach -----------------------------------------------------------------------------------
def test_clerk_sees_own_units_submitted_cases_only(
    citizen, clerk, other_city_clerk, gz_item, sz_item
):
    mine = make_case(citizen, gz_item)
    theirs = make_case(citizen, sz_item)
    draft = make_case(citizen, gz_item, status=S.DRAFT)

    assert numbers(wb.queue(clerk)) == {mine.number}
    assert numbers(wb.queue(other_city_clerk)) == {theirs.number}
    assert draft.number not in numbers(wb.queue(clerk, wb.QueueFilters(view=wb.VIEW_ALL)))


def test_queue_page_lists_cases_of_own_unit_only(client, citizen, other_city_clerk, gz_item):
    case = make_case(citizen, gz_item)
    client.force_login(other_city_clerk)
    response = client.get(QUEUE, {"view": "all"})
    assert response.status_code == 200
    assert case.number not in response.content.decode()


def test_outsider_citizen_gets_403_and_anonymous_is_sent_to_login(client, outsider, gz_item):
    client.force_login(outsider)
    assert client.get(QUEUE).status_code == 403
    client.logout()
    response = client.get(QUEUE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_approver_todo_holds_cases_with_an_active_task_in_their_unit(
    citizen, clerk, approver, gz_item
):
    submitted = make_case(citizen, gz_item)
    in_review = make_case(citizen, gz_item)
    lifecycle.accept_case(in_review, actor=clerk)

    assert numbers(wb.queue(approver)) == {in_review.number}
    assert numbers(wb.queue(clerk)) == {submitted.number}
    everything = wb.queue(approver, wb.QueueFilters(view=wb.VIEW_ALL))
    assert numbers(everything) == {submitted.number, in_review.number}


def test_joint_department_sees_the_case_only_once_its_task_starts(
    citizen, clerk, guangzhou, gz_market_dept
):
    tax_unit, tax_approver = tax_department(guangzhou)
    joint = make_item(gz_market_dept, name="开办企业一件事", joint_department="税务局")
    case = make_case(citizen, joint)
    assert numbers(wb.queue(tax_approver, wb.QueueFilters(view=wb.VIEW_ALL))) == set()

    lifecycle.accept_case(case, actor=clerk)

    assert numbers(wb.queue(tax_approver)) == {case.number}
    task = wb.queue(tax_approver)[0].active_tasks
    assert {t.org_unit_id for t in task} == {tax_unit.pk, gz_market_dept.pk}


def test_dept_admin_sees_all_cases_of_the_unit_with_masked_names(citizen, dept_admin, gz_item):
    case = make_case(citizen, gz_item)
    page = wb.queue_page(dept_admin)
    rows = wb.queue_rows(dept_admin, page.object_list)
    assert [r.case.number for r in rows] == [case.number]
    assert rows[0].applicant_name == "张*"


# --- filters and search ----------------------------------------------------------------------
def test_filters_status_item_channel_dates_and_search(citizen, outsider, clerk, gz_market_dept):
    first = make_item(gz_market_dept)
    second = make_item(gz_market_dept, name="食品经营许可")
    now = timezone.now()
    a = make_case(citizen, first, submitted_at=now - datetime.timedelta(days=10))
    b = make_case(outsider, second, channel=Case.Channel.HALL)
    c = make_case(citizen, first, status=S.NOT_ACCEPTED)

    def q(**kw):
        return numbers(wb.queue(clerk, wb.QueueFilters(view=wb.VIEW_ALL, **kw)))

    assert q() == {a.number, b.number, c.number}
    assert q(status=S.NOT_ACCEPTED) == {c.number}
    assert q(item=second.item_id) == {b.number}
    assert q(channel=Case.Channel.HALL) == {b.number}
    today = timezone.localdate()
    assert q(submitted_from=today - datetime.timedelta(days=1)) == {b.number, c.number}
    assert q(submitted_to=today - datetime.timedelta(days=5)) == {a.number}
    assert q(q="李四") == {b.number}
    assert q(q=a.number) == {a.number}
    assert q(q=a.number[:-1].lower()) == {a.number}
    assert q(q="nobody") == set()


def test_queue_page_filters_through_the_form(client, citizen, outsider, clerk, gz_item):
    a = make_case(citizen, gz_item)
    b = make_case(outsider, gz_item)
    client.force_login(clerk)
    body = client.get(QUEUE, {"q": "李四"}).content.decode()
    assert b.number in body and a.number not in body
    # HTMX: only the results partial
    partial = client.get(
        QUEUE, {"q": "张三"}, headers={"HX-Request": "true", "HX-Target": "queue-results"}
    )
    text = partial.content.decode()
    assert a.number in text and "<html" not in text


def _in_review(applicant, implementation, deadline, *, promised_days=10, status=S.IN_REVIEW):
    case = make_case(applicant, implementation, status=status)
    case.accepted_at = timezone.now() - datetime.timedelta(days=3)
    case.promised_days = promised_days
    case.legal_days = 20
    case.promised_deadline = deadline
    case.save()
    CaseTask.objects.create(
        case=case,
        stage_position=1,
        stage_name="审查",
        name="审查决定",
        org_unit=implementation.org_unit,
        status=CaseTask.Status.ACTIVE,
    )
    return case


def test_light_filter_and_row_lights_agree_with_the_lifecycle(
    citizen, approver, gz_item, monkeypatch
):
    today = datetime.date(2026, 3, 11)  # a Wednesday
    real_localdate = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, **kw: today if value is None else real_localdate(value),
    )
    add = calendar.add_working_days
    cases = [
        _in_review(citizen, gz_item, add(today, -3)),  # overdue
        _in_review(citizen, gz_item, today),  # due today: 0 left
        _in_review(citizen, gz_item, add(today, 2)),  # 2 left of 10: 80 % used
        _in_review(citizen, gz_item, add(today, 3)),  # 3 left: green
        _in_review(citizen, gz_item, add(today, 9)),
        _in_review(citizen, gz_item, add(today, 1), promised_days=3),  # 1 of 3 left: 66 %
        _in_review(citizen, gz_item, add(today, 0), promised_days=3),
    ]
    suspended = _in_review(citizen, gz_item, add(today, 1), status=S.SUSPENDED)
    ClockPause.objects.create(
        case=suspended,
        kind=ClockPause.Kind.SUSPENSION,
        started_at=timezone.make_aware(
            datetime.datetime.combine(add(today, -5), datetime.time(10))
        ),
    )
    cases.append(suspended)

    expected = {c.number: lifecycle.deadline_light(c, today=today) for c in cases}
    assert set(expected.values()) == {"red", "yellow", "green"}
    # the suspended case's clock stands at its pause: 6 working days left → green
    assert expected[suspended.number] == "green"
    for light in ("red", "yellow", "green"):
        got = numbers(wb.queue(approver, wb.QueueFilters(view=wb.VIEW_ALL, light=light)))
        assert got == {n for n, lt in expected.items() if lt == light}, light

    rows = wb.queue_rows(approver, wb.queue(approver, wb.QueueFilters(view=wb.VIEW_ALL)), today)
    for row in rows:
        assert row.light == expected[row.case.number]
        assert row.remaining == lifecycle.remaining_working_days(row.case, today=today)


def test_sort_by_remaining_time_puts_the_most_urgent_first(citizen, approver, gz_item):
    today = timezone.localdate()
    later = _in_review(citizen, gz_item, today + datetime.timedelta(days=20))
    urgent = _in_review(citizen, gz_item, today - datetime.timedelta(days=2))
    middle = _in_review(citizen, gz_item, today + datetime.timedelta(days=5))
    order = [c.number for c in wb.queue(approver)]
    assert order == [urgent.number, middle.number, later.number]


def test_badges_render_in_the_queue(client, citizen, approver, gz_item):
    today = timezone.localdate()
    _in_review(citizen, gz_item, today - datetime.timedelta(days=7))
    client.force_login(approver)
    body = client.get(QUEUE).content.decode()
    assert 'data-light="red"' in body and "已超期" in body


# --- query count -----------------------------------------------------------------------------
def _populate(n, applicant, implementation):
    today = timezone.localdate()
    for i in range(n):
        if i % 3 == 0:
            make_case(applicant, implementation)
        else:
            case = _in_review(applicant, implementation, today + datetime.timedelta(days=i % 9))
            if i % 3 == 2:
                case.status = S.SUSPENDED
                case.save(update_fields=["status"])
                ClockPause.objects.create(
                    case=case, kind=ClockPause.Kind.SUSPENSION, started_at=timezone.now()
                )


def _count_queries(client, url):
    calendar.is_working_day(timezone.localdate())  # warm the process's calendar cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_queue_runs_a_constant_number_of_queries(
    client, citizen, dept_admin, gz_item, django_assert_num_queries
):
    client.force_login(dept_admin)
    url = f"{QUEUE}?view=all&per_page=50"
    _populate(5, citizen, gz_item)
    few, response = _count_queries(client, url)
    assert response.content.decode().count("data-number=") == 5

    _populate(45, citizen, gz_item)
    calendar.is_working_day(timezone.localdate())
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("data-number=") == 50


def test_selector_query_count_is_flat_for_5_and_50_rows(
    citizen, approver, gz_item, django_assert_num_queries
):
    _populate(5, citizen, gz_item)
    calendar.is_working_day(timezone.localdate())
    with CaptureQueriesContext(connection) as ctx:
        page = wb.queue_page(approver, wb.QueueFilters(view=wb.VIEW_ALL), per_page=50)
        wb.queue_rows(approver, page.object_list)
    few = len(ctx.captured_queries)
    _populate(45, citizen, gz_item)
    with django_assert_num_queries(few):
        page = wb.queue_page(approver, wb.QueueFilters(view=wb.VIEW_ALL), per_page=50)
        rows = wb.queue_rows(approver, page.object_list)
    assert len(rows) == 50
