"""The impact feature's periodic jobs: the questions put to supporters about replies."""

from sqlalchemy.orm import Session

from app.impact.questionnaires import ask_due_questions, send_due_reminders
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def questions(session: Session, settings: Settings) -> Pass:
    asked, more = ask_due_questions(session)
    reminded, more_reminders = send_due_reminders(session)
    return Pass(asked + reminded, more or more_reminders)


# Hourly is soon enough for a question asked after days; a full batch is followed at once.
JOBS = [PeriodicJob("reply-questionnaires", 3600.0, questions)]
