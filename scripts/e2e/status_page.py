#!/usr/bin/env python3
"""Drives Debian's chromium with Playwright against clusterpki serve's /ui/ (called by status-page.sh).

usage: status_page.py URL ADMIN_CRT ADMIN_KEY SCREENSHOT EXPECT_DUE TOKEN_SECRET
Prints one "PASS name" / "FAIL name: detail" line per check and exits 1 if any failed.
"""
import shutil
import sys

from playwright.sync_api import sync_playwright

url, admin_crt, admin_key, screenshot, expect_due, token_secret = sys.argv[1:7]
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    if not ok:
        failures += 1


with sync_playwright() as p:
    # Playwright's own browser download is not reachable here: launch the system chromium (root needs --no-sandbox).
    browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
    origin = url.rstrip("/")
    # The serving certificate is checked against ca.crt by curl in the shell script; here the point is the page.
    admin = browser.new_context(
        ignore_https_errors=True,
        client_certificates=[{"origin": origin, "certPath": admin_crt, "keyPath": admin_key}],
        java_script_enabled=False,
    )
    page = admin.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(origin + "/ui/")
    check("admin certificate: /ui/ answers 200", response is not None and response.status == 200, response and response.status)
    headers = response.headers if response else {}
    check("Content-Security-Policy is strict",
          headers.get("content-security-policy", "").startswith("default-src 'none'; style-src 'self'; img-src data:"),
          headers.get("content-security-policy"))
    check("X-Content-Type-Options: nosniff", headers.get("x-content-type-options") == "nosniff", headers.get("x-content-type-options"))

    rows = page.locator("#certificates tr.cert")
    names = [rows.nth(i).get_attribute("data-name") for i in range(rows.count())]
    for name in ["ca", "front-proxy-ca", "etcd-ca", "apiserver", "etcd-server", "admin.conf", "kubelet.conf", "clusterpki-server"]:
        check(f"certificate row {name}", name in names, names)
    check("one SVG timeline per certificate", page.locator("#certificates svg.timeline").count() == rows.count(),
          f"{page.locator('#certificates svg.timeline').count()} timelines, {rows.count()} rows")
    check("timelines have coloured bars and a now mark",
          page.locator("#certificates svg rect").count() >= rows.count() and page.locator("#certificates svg line.tl-now").count() == rows.count())
    due = page.locator(f'#certificates tr.cert[data-name="{expect_due}"]')
    check(f"{expect_due} is marked inside its renewal window", due.count() == 1 and due.get_attribute("data-state") == "due",
          due.count() and due.get_attribute("data-state"))
    check("the window part of its bar is drawn", due.locator("rect.tl-window").count() == 1)
    ca_phase = page.locator('#rotation tr.rotation[data-subject="ca"] td.phase').inner_text()
    check("the CA rotation phase is shown (prepared)", ca_phase == "prepared", ca_phase)
    check("the rotation summary says one is in progress", "in progress" in page.locator("#rotation-summary").inner_text())
    findings = page.locator("#findings tr.finding")
    severities = [findings.nth(i).get_attribute("data-severity") for i in range(findings.count())]
    check("the doctor's findings are listed", findings.count() >= 5, severities)
    check("the due certificate is a warning finding", "warning" in severities, severities)
    tokens = page.locator("#tokens tr.token")
    check("bootstrap tokens listed", tokens.count() >= 2, tokens.count())
    html = page.content()
    check("no token secret anywhere in the page", token_secret not in html)
    check("a description with <script> is shown as text, not run",
          "<script>alert(1)</script>" in page.locator("#tokens").inner_text() and "<script" not in html.split("<body", 1)[1],
          "")
    check("the ledger lists admin.conf's client certificate", "kubernetes-admin" in page.locator("#ledger").inner_text())
    check("the audit tail is shown", page.locator("#audit tr.audit").count() > 0)
    audit = page.locator("#audit").inner_text()
    check("nothing swept a token (doctor 400 days later and /ui/ only read)", "token.expire" not in audit, audit[:400])
    rotate_report = [findings.nth(i) for i in range(findings.count()) if findings.nth(i).locator("td").first.inner_text() == "rotate-report"]
    check("the rotate report serve was pointed at is read (ok)",
          len(rotate_report) == 1 and rotate_report[0].get_attribute("data-severity") == "ok",
          [f.inner_text() for f in rotate_report])
    check("the stylesheet applied (CSP allows 'self')",
          page.evaluate("() => getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(31, 45, 61)")
    check("no CSP violation reported", not any("Content Security Policy" in m for m in console), console)
    page.screenshot(path=screenshot, full_page=True)
    print(f"screenshot: {screenshot}", flush=True)
    admin.close()

    anonymous = browser.new_context(ignore_https_errors=True)
    page = anonymous.new_page()
    response = page.goto(origin + "/ui/")
    check("without a client certificate: /ui/ is refused (403)", response is not None and response.status == 403, response and response.status)
    check("the refusal shows no page", "Certificates" not in page.content())
    anonymous.close()
    browser.close()

sys.exit(1 if failures else 0)
