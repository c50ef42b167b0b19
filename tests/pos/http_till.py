"""A till speaking HTTP to a real server, as the browser does (cookies, CSRF header, JSON)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class HttpTill:
    def __init__(self, base_url: str, till_code: str, timeout: float = 30) -> None:
        self.base_url, self.till_code, self.timeout = base_url, till_code, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = ""

    def _page_token(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=self.timeout) as response:
            return TOKEN.search(response.read().decode()).group(1)

    def login(self, badge: str, pin: str) -> None:
        token = self._page_token("/login/badge")
        data = urllib.parse.urlencode({"badge": badge, "pin": pin, "csrf_token": token})
        self.opener.open(self.base_url + "/login/badge", data.encode(), timeout=self.timeout)
        self.token = self._page_token(f"/pos/till?till={self.till_code}")

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """One call as the browser till makes it: a busy server (503, Retry-After) is asked
        again with the same body (the same UUID) until it answers, as the till does; a busy
        machine slows a test down, it does not fail it."""
        data = None if body is None else json.dumps(body).encode()
        deadline = time.monotonic() + self.timeout * 4
        while True:
            request = urllib.request.Request(
                self.base_url + path,
                data=data,
                method=method,
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "X-CSRFToken": self.token,
                },
            )
            try:
                with self.opener.open(request, timeout=self.timeout) as response:
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                answer = json.loads(error.read() or b"{}")
                if error.code != 503 or time.monotonic() > deadline:
                    return error.code, answer
                time.sleep(min(float(error.headers.get("Retry-After") or 1), 2))
