"""docs/design/security.md items 21 and 29 for contacts: no header injection through contact data,
and no personal data in the logs."""

import email
import logging


from support.web import bearer, csrf_from

ADDRESS = "lina.haddad@annahar.example"


def test_no_address_reaches_any_log(client, runtime, token_for, caplog):
    officer = bearer(token_for("officer"))
    with caplog.at_level(logging.DEBUG):
        created = client.post("/api/v1/contacts", json={"name": "Lina Haddad", "email": ADDRESS}, headers=officer)
        contact_id = created.get_json()["id"]
        client.get(f"/api/v1/contacts?q={ADDRESS}", headers=officer)
        client.post("/api/v1/contacts/import", data=f"name,email\r\nLina,{ADDRESS}\r\nBad,nope\r\n",
                    content_type="text/csv", headers=officer)
        client.get(f"/api/v1/contacts/{contact_id}/export", headers=officer)
        page = client.get("/subscribe")
        client.post("/subscribe", data={"name": "Someone", "email": "someone.else@annahar.example", "consent": "yes",
                                        "csrf_token": csrf_from(page.get_data(as_text=True))})
        runtime.queue.join()
        client.delete(f"/api/v1/contacts/{contact_id}?erase=true", headers=officer)
    logged = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("mail.log"))
    assert "path=/api/v1/contacts" in logged  # the requests were logged...
    assert "annahar" not in logged and "lina" not in logged.lower()  # ...without the addresses


def test_newlines_in_a_subscriber_name_never_become_headers(client, runtime):
    page = client.get("/subscribe")
    response = client.post("/subscribe", data={
        "name": "Eve\r\nBcc: victim@evil.example", "email": "eve@example.org", "consent": "yes",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 400 and "control characters" in response.get_data(as_text=True)
    runtime.queue.join()
    assert not runtime.config.outbox_path.exists() or not list(runtime.config.outbox_path.glob("*.eml"))


def test_a_name_with_markup_stays_text_in_the_emails(client, runtime):
    page = client.get("/subscribe")
    client.post("/subscribe", data={"name": "<b>Bold</b> & Co", "email": "bold@example.org", "consent": "yes",
                                    "csrf_token": csrf_from(page.get_data(as_text=True))})
    runtime.queue.join()
    [path] = runtime.config.outbox_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert message.get_all("Bcc") is None
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold</b>" not in html
    # The text part is plain text, not HTML (docs/design/security.md item 12): the name reads as typed, with no entities.
    assert "Hello <b>Bold</b> & Co," in text and "&lt;" not in text and "&amp;" not in text
