"""Words of the mail about case messages, in the reader's language.

The department reads Polish; a citizen reads the language of the page they
asked from. No mail carries form content or access codes: the department's
mail only points at the case, the citizen's carries the office's answer.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext

from app.cases.models import Case, Department
from app.notifications.mail import Mail

OFFICE_LANG = "pl"


def question_notice(department: Department, case: Case, desk_url: str) -> Mail:
    """Tell a department a citizen asked a question on one of its cases."""
    assert department.email is not None
    with force_locale(OFFICE_LANG):
        subject = gettext("Question on case %(number)s", number=case.number)
        text = gettext(
            "A citizen asked a question on case %(number)s.\n\n"
            "Read and answer it at the desk:\n%(url)s\n",
            number=case.number,
            url=desk_url,
        )
    return Mail(to=department.email, subject=subject, text=text)


def waiting_notice(department: Department, number: str, desk_url: str) -> Mail:
    """Tell a department a citizen asked about a document not yet in a case."""
    assert department.email is not None
    with force_locale(OFFICE_LANG):
        subject = gettext("Question on document %(number)s", number=number)
        text = gettext(
            "A citizen asked a question on document %(number)s, which no case "
            "holds yet. The question moves into the case when you open one for "
            "the document; read it at the desk:\n%(url)s\n",
            number=number,
            url=desk_url,
        )
    return Mail(to=department.email, subject=subject, text=text)


def remedy_notice(case: Case, to: str, lang: str, request: str, page_url: str) -> Mail:
    """Mail the citizen what the office needs to remedy, and how to send it."""
    with force_locale(lang):
        subject = gettext("Case %(number)s: please remedy", number=case.number)
        text = gettext(
            "The office needs more from you before it can decide case "
            "%(number)s:\n\n%(request)s\n\n"
            "Send it as a signed letter on the office's site (Send a document), "
            "naming case %(number)s, or bring it to the office. The deadline for "
            "the decision waits until then. Follow the case at %(url)s with the "
            "registry number and access code from your receipt.\n",
            number=case.number,
            request=request,
            url=page_url,
        )
    return Mail(to=to, subject=subject, text=text)


def reply_notice(case: Case, to: str, lang: str, answer: str, page_url: str) -> Mail:
    """Mail the office's answer to the citizen who asked, in their language."""
    with force_locale(lang):
        subject = gettext("Answer on case %(number)s", number=case.number)
        text = gettext(
            "The office answered your question on case %(number)s:\n\n"
            "%(answer)s\n\n"
            "You can follow the case at %(url)s with the registry number and "
            "access code from your receipt.\n",
            number=case.number,
            answer=answer,
            url=page_url,
        )
    return Mail(to=to, subject=subject, text=text)
