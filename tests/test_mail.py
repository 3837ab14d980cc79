"""comms.mail: MIME structure, header injection (SECURITY.md 21), SMTP and outbox."""

import pytest

from comms.mail import MailError, OutboxMailer, OutgoingMessage, SMTPMailer, build_message, make_mailer
from smtp_server import SMTPServer


def message(**overrides):
    values = dict(to_email="desk@example.org", to_name="News Desk", subject="Statement", text="Plain", html="<p>Rich</p>")
    values.update(overrides)
    return OutgoingMessage(**values)


def test_multipart_alternative_with_text_first():
    mime = build_message(message(), "press@isu.example")
    assert mime.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in mime.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert mime["Message-ID"].endswith("@isu.example>")
    assert mime["From"] == "Pressroom <press@isu.example>"


@pytest.mark.parametrize("field,value", [
    ("subject", "Hello\r\nBcc: victim@evil.example"),
    ("subject", "Hello\nBcc: victim@evil.example"),
    ("to_name", "Editor\r\nBcc: victim@evil.example"),
    ("to_email", "desk@example.org\r\nBcc: victim@evil.example"),
])
def test_header_injection_is_refused(field, value):
    with pytest.raises(MailError) as caught:
        build_message(message(**{field: value}), "press@isu.example")
    assert caught.value.permanent


@pytest.mark.parametrize("field", ["subject", "to_name"])
def test_encoded_newlines_are_refused(field):
    """The stdlib decodes RFC 2047 words on the way in and would emit a real CRLF."""
    with pytest.raises(MailError):
        build_message(message(**{field: "=?utf-8?q?Hi=0D=0ABcc=3A_victim=40evil.example?="}), "press@isu.example")


def test_encoded_words_without_newlines_are_fine():
    mime = build_message(message(subject="=?utf-8?q?Caf=C3=A9?="), "press@isu.example")
    assert b"\nBcc:" not in mime.as_bytes()


def test_smtp_delivery_and_connection_reuse():
    with SMTPServer() as smtp:
        mailer = SMTPMailer(smtp.url)
        for number in range(3):
            mailer.send(build_message(message(to_email=f"r{number}@example.org"), "press@isu.example"))
        connection = mailer._connection
        assert connection is not None
        mailer.close()
        assert [r.rcpt_tos for r in smtp.received] == [["r0@example.org"], ["r1@example.org"], ["r2@example.org"]]
        assert smtp.received[0].message["Subject"] == "Statement"


def test_smtp_refusals_are_classified():
    with SMTPServer() as smtp:
        smtp.handler.refuse["busy@example.org"] = "451 4.3.0 Try again later"
        smtp.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
        mailer = SMTPMailer(smtp.url)
        with pytest.raises(MailError) as temporary:
            mailer.send(build_message(message(to_email="busy@example.org"), "press@isu.example"))
        assert not temporary.value.permanent and temporary.value.code == 451
        with pytest.raises(MailError) as permanent:
            mailer.send(build_message(message(to_email="gone@example.org"), "press@isu.example"))
        assert permanent.value.permanent and permanent.value.code == 550
        mailer.send(build_message(message(), "press@isu.example"))
        mailer.close()
        assert [r.rcpt_tos for r in smtp.received] == [["desk@example.org"]]


def test_unreachable_smtp_server_is_a_temporary_error():
    from conftest import free_port

    mailer = SMTPMailer(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(MailError) as caught:
        mailer.send(build_message(message(), "press@isu.example"))
    assert not caught.value.permanent


def test_outbox_writes_eml_files(tmp_path):
    mailer = make_mailer(None, tmp_path / "outbox")
    assert isinstance(mailer, OutboxMailer)
    message_id = mailer.send(build_message(message(), "press@isu.example"))
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and message_id.encode() in files[0].read_bytes()
    assert not list((tmp_path / "outbox").glob("*.tmp"))


def test_smtp_url_is_validated():
    with pytest.raises(MailError):
        SMTPMailer("http://mail.example.org")
    mailer = SMTPMailer("smtps://user%40x:p%3Ass@mail.example.org")
    assert (mailer.host, mailer.port, mailer.username, mailer.password) == ("mail.example.org", 465, "user@x", "p:ss")
