"""The background tasks (django-tasks), run by `manage.py worker`. Each is a thin call of a
service; its arguments are ids, never secrets (the task rows keep their arguments)."""

from __future__ import annotations

from django_tasks import task

from journal.services.exports import export_job_run
from journal.services.mail import mail_attempt
from journal.services.outcomes import outcome_report_run
from journal.services.reminders import reminder_push_retry, reminders_deliver


@task()
def send_queued_mail(mail_id: int) -> None:
    mail_attempt(mail_id=mail_id)


@task()
def run_export_job(job_id: int) -> None:
    export_job_run(job_id=job_id)


@task()
def run_outcome_report(report_id: int) -> None:
    outcome_report_run(report_id=report_id)


@task()
def deliver_reminders(mail_ids: list[int], push_ids: list[int]) -> None:
    reminders_deliver(mail_ids=mail_ids, push_ids=push_ids)


@task()
def retry_reminder_push(push_id: int) -> None:
    reminder_push_retry(push_id=push_id)
