"""`make run` prints mail in the terminal readably: decoded headers, the text part as text."""

import io

from django.core.mail import EmailMultiAlternatives

from core.mail_console import EmailBackend


def test_chinese_mail_is_printed_as_text_not_base64():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="請確認訂閱",
        body="如需確認，請打開此連結：\nhttp://127.0.0.1:8000/zh-hant/alerts/confirm/abc/\n",
        from_email="newsroom@localhost",
        to=["reader@example.org"],
        headers={"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/>"},
    )
    message.attach_alternative("<p>如需確認</p>", "text/html")

    assert EmailBackend(stream=stream).send_messages([message]) == 1

    printed = stream.getvalue()
    assert "Subject: 請確認訂閱" in printed
    assert "To: reader@example.org" in printed
    assert "List-Unsubscribe: <http://127.0.0.1:8000/unsubscribe/>" in printed
    assert "http://127.0.0.1:8000/zh-hant/alerts/confirm/abc/" in printed
    assert "Parts: text/plain, text/html" in printed
