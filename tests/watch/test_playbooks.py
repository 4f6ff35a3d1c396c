"""RFC 7009 and Google sign-out against local servers; the action log detects tampering."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qs

from harguard.watch.playbooks import ActionLog, GoogleSignOut, OAuthRevoke, OktaSessionRevoke, Runner, Target
from tests.harness import KEY
from tests.leaks import assert_no_leak
from tests.watch.support import serve

REFRESH = "0oaRefreshTokenValue_AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def test_rfc7009_revocation_with_client_authentication(tmp_path: Path) -> None:
    with serve(lambda request: (200, {}, b"")) as server:
        playbook = OAuthRevoke(
            revoke_url=f"{server.url}/oauth2/v1/revoke", client_id="0oaClient", client_secret="client-secret-value"
        )
        runner = Runner(log=ActionLog(tmp_path / "a.jsonl"), live=True)
        results = runner.run(playbook.plan(Target(key=KEY, token=REFRESH, token_type_hint="refresh_token")))
        runner.close()
    assert [r.outcome for r in results] == ["done"]
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/oauth2/v1/revoke")
    assert parse_qs(request.body.decode()) == {"token": [REFRESH], "token_type_hint": ["refresh_token"]}
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"0oaClient:client-secret-value").decode()
    assert_no_leak(
        (tmp_path / "a.jsonl").read_text(), {"token": REFRESH, "secret": "client-secret-value"}, where="action log"
    )


def test_public_client_revocation_identifies_by_client_id() -> None:
    (action,) = OAuthRevoke(revoke_url="https://example.okta.com/oauth2/v1/revoke", client_id="0oaPublic").plan(
        Target(key=KEY, token=REFRESH)
    )
    assert action.form == {"token": REFRESH, "token_type_hint": "refresh_token", "client_id": "0oaPublic"}
    assert "Authorization" not in action.headers
    assert_no_leak(repr(action), {"token": REFRESH}, where="repr(action)")


def test_google_sign_out_is_disruptive_and_waits_for_approval(tmp_path: Path) -> None:
    with serve(lambda request: (204, {}, b"")) as server:
        playbook = GoogleSignOut(base_url=server.url, token="google-admin-token")
        target = Target(key=KEY, user_id="it-admin@example.com")
        runner = Runner(log=ActionLog(tmp_path / "a.jsonl"), live=True)
        assert [r.outcome for r in runner.run(playbook.plan(target))] == ["awaiting-approval"]
        assert server.requests == []
        runner.approve = True
        assert [r.outcome for r in runner.run(playbook.plan(target))] == ["done"]
        runner.close()
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/admin/directory/v1/users/it-admin%40example.com/signOut")
    ]


def test_the_action_log_chain_breaks_when_a_line_is_edited(tmp_path: Path) -> None:
    log = ActionLog(tmp_path / "a.jsonl")
    playbook = GoogleSignOut(base_url="https://admin.googleapis.com", token="t")
    runner = Runner(log=log)
    runner.run(playbook.plan(Target(key=KEY, user_id="u1")))
    runner.run(playbook.plan(Target(key=KEY, user_id="u2")))
    runner.close()
    assert log.verify()
    lines = (tmp_path / "a.jsonl").read_text().splitlines()
    edited = json.loads(lines[0])
    edited["outcome"] = "done"
    (tmp_path / "a.jsonl").write_text(json.dumps(edited, sort_keys=True) + "\n" + lines[1] + "\n")
    assert not ActionLog(tmp_path / "a.jsonl").verify()


def test_okta_session_revoke_sends_only_okta_session_cookies_under_their_own_name() -> None:
    playbook = OktaSessionRevoke(org_url="https://example.okta.com")
    value = "102SessionCookieValue0123456789abcd"
    (sid,) = playbook.plan(Target(key=KEY, cookie=value, cookie_name="sid"))
    assert sid.headers["Cookie"] == f"sid={value}" and "sid cookie" in sid.url_template
    (idx,) = playbook.plan(Target(key=KEY, cookie=value))
    assert idx.headers["Cookie"] == f"idx={value}"
    assert playbook.plan(Target(key=KEY, cookie=value, cookie_name="DT")) == []
