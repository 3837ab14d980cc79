"""comms.platform.mail: MIME structure, header injection (docs/design/security.md item 21), SMTP and outbox."""

import pytest

from comms.platform.mail import MailError, OutboxMailer, OutgoingMessage, SMTPMailer, build_message, make_mailer

from support.smtp_server import SMTPServer


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
    from support.ports import free_port

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


# --- MessageTemplate: built once, recipients' values put into the bytes ---------------------------------------------

import email  # noqa: E402
import email.utils  # noqa: E402
from email.header import decode_header, make_header  # noqa: E402
from email.policy import default as default_policy  # noqa: E402

from comms.platform.mail import MessageTemplate, PreparedMessage  # noqa: E402

UNSUBSCRIBE = "https://press.example/unsubscribe/tok123?list=4&src=email"
TEXT_PARTS = ("EMBARGOED UNTIL 14 December 2026 = 10:00\n\nBody with caf\u00e9 and a long line " + "word " * 30
              + "\n-- \n", "recipient", "\nUnsubscribe: ", "unsubscribe_url", "\n")
HTML_PARTS = ("<!DOCTYPE html><html><body><p style=\"margin: 0\">Caf\u00e9 " + "x" * 300 + "</p><p>", "recipient",
              '</p><a href="', "unsubscribe_url", '">Unsubscribe</a></body></html>\n')


def template(subject="Statement \u00e9t\u00e9"):
    return MessageTemplate(subject=subject, text_parts=TEXT_PARTS, html_parts=HTML_PARTS, mail_from="press@isu.example",
                           from_name="ISU press office",
                           headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                    "List-Id": "ISU press releases <press-releases.isu.example>"})


def render(tpl=None, name="News Desk", to_email="desk@example.org", message_id="<m1@isu.example>",
           unsubscribe_url=UNSUBSCRIBE):
    sentence = f"This release was sent to {name}."
    return (tpl or template()).render(
        to_email=to_email, to_name=name, message_id=message_id, unsubscribe_url=unsubscribe_url,
        text_values={"recipient": sentence, "unsubscribe_url": unsubscribe_url},
        html_values={"recipient": sentence.replace("&", "&amp;").replace("<", "&lt;"),
                     "unsubscribe_url": unsubscribe_url.replace("&", "&amp;")})


def parsed(prepared) -> email.message.EmailMessage:
    return email.message_from_bytes(prepared.as_bytes(), policy=default_policy)


def display_name(raw_to: str) -> str:
    """The To header's display name: encoded words decoded as RFC 2047 says (adjacent ones joined),
    a quoted string unquoted."""
    if "=?" in raw_to:
        return str(make_header(decode_header(raw_to))).rsplit(" <", 1)[0]
    return email.utils.parseaddr(raw_to)[0]


def test_template_message_parses_back_as_multipart_alternative_text_first():
    prepared = render()
    assert isinstance(prepared, PreparedMessage) and prepared.to_email == "desk@example.org"
    mime = parsed(prepared)
    assert mime.get_content_type() == "multipart/alternative"
    text, html = mime.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    expected_text = "".join(TEXT_PARTS).replace("recipient", "This release was sent to News Desk.", 1)
    expected_text = expected_text.replace("unsubscribe_url", UNSUBSCRIBE, 1)
    assert text.get_content().replace("\r\n", "\n") == expected_text
    assert html.get_content().replace("\r\n", "\n") == "".join(HTML_PARTS).replace(
        "recipient", "This release was sent to News Desk.", 1).replace("unsubscribe_url", UNSUBSCRIBE.replace(
            "&", "&amp;"), 1)
    assert mime["To"] == "News Desk <desk@example.org>" and mime["Subject"] == "Statement \u00e9t\u00e9"
    assert mime["From"] == "ISU press office <press@isu.example>" and mime["Message-ID"] == "<m1@isu.example>"
    assert mime["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and mime["Date"]
    raw = prepared.as_bytes()
    assert raw.decode("ascii") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_template_headers_match_build_message():
    """The same headers, in the same order, as the stdlib path writes."""
    prepared = parsed(render())
    classic = build_message(OutgoingMessage(
        to_email="desk@example.org", to_name="News Desk", subject="Statement \u00e9t\u00e9", text="t", html="h",
        headers={"Message-ID": "<m1@isu.example>", "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "List-Id": "ISU press releases <press-releases.isu.example>"}), "press@isu.example", "ISU press office")
    assert prepared.keys() == classic.keys()
    for name in ("From", "To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"):
        assert str(prepared[name]) == str(classic[name]), name


@pytest.mark.parametrize("name", [
    "Editor\r\nBcc: victim@evil.example",
    "Editor\nBcc: victim@evil.example",
    "=?utf-8?q?Hi=0D=0ABcc=3A_victim=40evil.example?=",
    "Desk =?utf-8?b?SGkNCkJjYzogdmljdGltQGV2aWwuZXhhbXBsZQ==?=",
    "Desk =?utf-8?b?x?=",  # an encoded word that cannot be decoded is refused too
])
def test_template_refuses_line_breaks_in_names_raw_or_encoded(name):
    with pytest.raises(MailError) as caught:
        render(name=name)
    assert caught.value.permanent


@pytest.mark.parametrize("field,value", [
    ("to_email", "desk@example.org\r\nBcc: victim@evil.example"),
    ("message_id", "<m1@isu.example>\r\nBcc: victim@evil.example"),
    ("unsubscribe_url", "https://press.example/u/t\r\nBcc: victim@evil.example"),
    ("unsubscribe_url", "https://press.example/u/t>, <mailto:x@evil.example"),
    ("message_id", "no-angle-brackets@isu.example"),
])
def test_template_refuses_unsafe_addresses_ids_and_urls(field, value):
    with pytest.raises(MailError) as caught:
        render(**{field: value})
    assert caught.value.permanent


def test_an_encoded_word_in_a_name_is_shown_as_typed_never_decoded():
    mime = parsed(render(name="=?utf-8?q?Caf=C3=A9?= Desk"))
    raw_to = email.message_from_bytes(render(name="=?utf-8?q?Caf=C3=A9?= Desk").as_bytes())["To"]
    assert display_name(raw_to) == "=?utf-8?q?Caf=C3=A9?= Desk"
    assert len(mime.get_all("To")) == 1 and "Bcc" not in mime


@pytest.mark.parametrize("name", ["\u00c9milie Durand", "\u674e\u534e", "\u0639\u0644\u064a \u062d\u0633\u0646",
                                  "Maria de los \u00c1ngeles " * 8, "O'Brien, Jane \"JB\" (Reuters)", "x" * 300])
def test_non_ascii_and_long_names_survive_exactly(name):
    prepared = render(name=name)
    raw = prepared.as_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n")[1:] if not line.startswith(b"Content-Type"))
    raw_to = email.message_from_bytes(raw)["To"]
    assert display_name(raw_to) == " ".join(name.split())
    mime = parsed(prepared)
    assert mime["To"].addresses[0].addr_spec == "desk@example.org" and len(mime.get_all("To")) == 1
    text, html = mime.iter_parts()
    assert f"This release was sent to {name}." in text.get_content().replace("\r\n", "\n")


def test_a_name_holding_the_boundary_or_qp_syntax_cannot_split_the_body():
    tpl = template()
    name = f"--{tpl._boundary} =3D= =?utf-8?q?x?="
    mime = parsed(render(tpl, name=name))
    assert [part.get_content_type() for part in mime.iter_parts()] == ["text/plain", "text/html"]
    text, html = (part.get_content() for part in mime.iter_parts())
    assert f"sent to {name}." in text and f"sent to {name}." in html


def test_an_address_outside_the_fast_path_is_built_by_the_stdlib():
    message = render(to_email="desk@[192.0.2.1]")
    assert not isinstance(message, PreparedMessage)
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"].addresses[0].addr_spec == "desk@[192.0.2.1]"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>" and message["List-Id"]


def test_prepared_messages_go_through_smtp_and_the_outbox(tmp_path):
    with SMTPServer() as smtp:
        mailer = SMTPMailer(smtp.url)
        assert mailer.send(render(message_id="<m1@isu.example>")) == "<m1@isu.example>"
        mailer.send(render(name="\u00c9milie", to_email="emilie@example.org", message_id="<m2@isu.example>"))
        mailer.close()
        assert [r.rcpt_tos for r in smtp.received] == [["desk@example.org"], ["emilie@example.org"]]
        assert smtp.received[1].message["Message-ID"] == "<m2@isu.example>"
    outbox = OutboxMailer(tmp_path)
    assert outbox.send(render()) == "<m1@isu.example>"
    assert b"List-Unsubscribe: <" + UNSUBSCRIBE.encode() + b">" in next(tmp_path.glob("*.eml")).read_bytes()
