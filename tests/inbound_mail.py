"""Real-shaped mail that comes back to a letter's return path: the forms Postfix, Exim
and Exchange write, built around the headers of the message that was actually sent."""

from email.utils import format_datetime

from app.db import utcnow


def headers_of(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").replace("\r\n", "\n")


def postfix_dsn(return_path: str, recipient: str, original: bytes, permanent: bool = True) -> bytes:
    """A Postfix non-delivery (or delay) report, RFC 3464, as Postfix writes it."""
    action, status = ("failed", "5.1.1") if permanent else ("delayed", "4.4.1")
    diagnostic = (
        f"smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown in\n"
        "    local recipient table"
        if permanent
        else "smtp; 451 4.4.1 connection timed out"
    )
    subject = (
        "Undelivered Mail Returned to Sender" if permanent else "Delayed Mail (still being retried)"
    )
    return f"""Return-Path: <>
Received: by mail.parl.gc.ca (Postfix) id 4F1A23C0B2; Mon, 30 Nov 2026 08:00:01 +0000 (UTC)
Date: {format_datetime(utcnow())}
From: MAILER-DAEMON@mail.parl.gc.ca (Mail Delivery System)
Subject: {subject}
To: {return_path}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F1A23C0B2.1764489601/mail.parl.gc.ca"
Message-Id: <20261130080001.4F1A23C0B2@mail.parl.gc.ca>

This is a MIME-encapsulated message.

--4F1A23C0B2.1764489601/mail.parl.gc.ca
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.parl.gc.ca.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{recipient}>: host 127.0.0.1[127.0.0.1] said: {diagnostic[6:]}

--4F1A23C0B2.1764489601/mail.parl.gc.ca
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.parl.gc.ca
X-Postfix-Queue-ID: 4F1A23C0B2
X-Postfix-Sender: rfc822; {return_path}
Arrival-Date: Mon, 30 Nov 2026 08:00:00 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; 127.0.0.1
Diagnostic-Code: {diagnostic}

--4F1A23C0B2.1764489601/mail.parl.gc.ca
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{headers_of(original)}

--4F1A23C0B2.1764489601/mail.parl.gc.ca--
""".replace("\n", "\r\n").encode()


def exim_bounce(return_path: str, recipient: str, original: bytes) -> bytes:
    """Exim's own format: no report, an X-Failed-Recipients header and the reason in text."""
    return f"""Return-path: <>
Received: from Debian-exim by mx.example.gc.ca with local (Exim 4.97)
\tid 1vP9xQ-0003Zb-2k; Mon, 30 Nov 2026 08:00:02 +0000
X-Failed-Recipients: {recipient}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mx.example.gc.ca>
To: {return_path}
Content-Type: text/plain; charset=us-ascii
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1vP9xQ-0003Zb-2k@mx.example.gc.ca>
Date: {format_datetime(utcnow())}

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {recipient}
    mailbox is full: retry timeout exceeded

------ This is a copy of the message's headers. ------

{headers_of(original)}
""".replace("\n", "\r\n").encode()


def out_of_office(
    return_path: str, sender: str, header: str, subject: str = "Re: your letter"
) -> bytes:
    """An Exchange-style automatic reply, with `header` as its sign of being one; its text
    says things a bounce says."""
    return f"""Return-Path: <>
From: Marc Miller <{sender}>
To: {return_path}
Subject: {subject}
{header}
Date: {format_datetime(utcnow())}
Message-ID: <oof@parl.gc.ca>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

I am away from the office until December 7. Your message could not be delivered to me
in person; it will be read on my return. / Je suis absent du bureau jusqu'au 7 décembre.
""".replace("\n", "\r\n").encode()
