/// The HTML of `/ui/` as a compiled-in swift-mustache template: no file to install beside the binary. Every `{{value}}`
/// is HTML-escaped by swift-mustache (`< > & " '`); the template has no triple mustache, so nothing renders raw. No
/// script, no inline style (the Content-Security-Policy forbids both): colours come from `/ui/style.css` by class.
enum StatusPageTemplate {
    static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>clusterpki: {{cluster}} on {{node}}</title>
        <link rel="stylesheet" href="/ui/style.css">
        </head>
        <body>
        <header>
        <h1>clusterpki <span id="cluster">{{cluster}}</span> on <span id="node">{{node}}</span></h1>
        <p class="meta">policy {{policy}} &middot; generated {{generated}} &middot; worst finding <span id="worst" class="sev sev-{{worst}}">{{worst}}</span> &middot; {{summary}}</p>
        <nav><a href="#findings">Doctor</a> <a href="#certificates">Certificates</a> <a href="#rotation">CA rotation</a> <a href="#tokens">Bootstrap tokens</a> <a href="#csrs">CSRs</a> <a href="#ledger">Ledger</a> <a href="#audit">Audit</a></nav>
        </header>
        <main>
        {{#problems}}<p class="problem">{{.}}</p>{{/problems}}
        <section id="findings">
        <h2>Doctor</h2>
        <table>
        <thead><tr><th>Area</th><th>Severity</th><th>Subject</th><th>Finding</th><th>Fix</th></tr></thead>
        <tbody>
        {{#findings}}<tr class="finding sev-{{severity}}" data-severity="{{severity}}"><td>{{area}}</td><td><span class="sev sev-{{severity}}">{{severity}}</span></td><td>{{subject}}</td><td>{{message}}</td><td>{{#fix}}<code>{{.}}</code>{{/fix}}</td></tr>
        {{/findings}}
        </tbody>
        </table>
        </section>
        <section id="certificates">
        <h2>Certificates</h2>
        <p class="legend"><span class="key key-valid"></span>valid <span class="key key-window"></span>renewal window <span class="key key-expired"></span>expired <span class="key key-now"></span>now</p>
        <table>
        <thead><tr><th>Name</th><th>Kind</th><th>CA</th><th>Subject</th><th>Expires</th><th>Left</th><th>State</th><th>Lifetime</th></tr></thead>
        <tbody>
        {{#certificates}}<tr class="cert state-{{state}}" data-name="{{name}}" data-state="{{state}}"><td title="{{file}}">{{name}}</td><td>{{kind}}</td><td>{{authority}}</td><td>{{commonName}}</td><td>{{notAfter}}</td><td>{{remaining}}</td><td><span class="state state-{{state}}">{{state}}</span></td><td>{{#timeline}}<svg class="timeline" width="240" height="14" viewBox="0 0 240 14" role="img" aria-label="{{title}}"><title>{{title}}</title>{{#shapes}}<rect class="{{cssClass}}" x="{{x}}" y="2" width="{{width}}" height="10"></rect>{{/shapes}}<line class="tl-now" x1="{{nowX}}" x2="{{nowX}}" y1="0" y2="14"></line></svg>{{/timeline}}</td></tr>
        {{/certificates}}
        </tbody>
        </table>
        </section>
        <section id="rotation">
        <h2>CA rotation</h2>
        <p id="rotation-summary">{{#rotationInProgress}}A rotation is in progress.{{/rotationInProgress}}{{^rotationInProgress}}No rotation in progress.{{/rotationInProgress}}</p>
        <table>
        <thead><tr><th>Subject</th><th>Phase</th><th>Recorded</th><th>Waits for</th><th>Next</th></tr></thead>
        <tbody>
        {{#rotations}}<tr class="rotation stage-{{stage}}" data-subject="{{subject}}"><td>{{subject}}</td><td class="phase">{{stage}}</td><td>{{recorded}}</td><td>{{waitsFor}}</td><td>{{#next}}<code>{{.}}</code>{{/next}}</td></tr>
        {{/rotations}}
        </tbody>
        </table>
        </section>
        <section id="tokens">
        <h2>Bootstrap tokens</h2>
        <table>
        <thead><tr><th>ID</th><th>Description</th><th>Usages</th><th>Expires</th><th>TTL left</th><th>Uses</th></tr></thead>
        <tbody>
        {{#tokens}}<tr class="token"><td>{{id}}</td><td>{{description}}</td><td>{{usages}}</td><td>{{expires}}</td><td>{{ttlLeft}}</td><td>{{uses}}</td></tr>
        {{/tokens}}
        {{^tokens}}<tr><td colspan="6">no live bootstrap token</td></tr>{{/tokens}}
        </tbody>
        </table>
        </section>
        <section id="csrs">
        <h2>Recent CertificateSigningRequests</h2>
        <table>
        <thead><tr><th>Name</th><th>Signer</th><th>Requester</th><th>Created</th><th>Decision</th><th>Reason</th></tr></thead>
        <tbody>
        {{#csrs}}<tr class="csr decision-{{decision}}"><td>{{name}}</td><td>{{signer}}</td><td>{{requester}}</td><td>{{created}}</td><td>{{decision}}</td><td>{{reason}}</td></tr>
        {{/csrs}}
        {{^csrs}}<tr><td colspan="6">none</td></tr>{{/csrs}}
        </tbody>
        </table>
        </section>
        <section id="ledger">
        <h2>Ledger of client credentials</h2>
        <table>
        <thead><tr><th>Serial</th><th>Subject</th><th>Groups</th><th>Issued</th><th>Expires</th><th>By</th><th>Revocation</th></tr></thead>
        <tbody>
        {{#ledger}}<tr class="credential{{#isRevoked}} revoked{{/isRevoked}}"><td><code>{{serial}}</code></td><td>{{commonName}}</td><td>{{organizations}}</td><td>{{created}}</td><td>{{notAfter}}</td><td>{{actor}}</td><td>{{revoked}}</td></tr>
        {{/ledger}}
        {{^ledger}}<tr><td colspan="7">none</td></tr>{{/ledger}}
        </tbody>
        </table>
        </section>
        <section id="audit">
        <h2>Audit log (newest first)</h2>
        <table>
        <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Token</th><th>Detail</th></tr></thead>
        <tbody>
        {{#audit}}<tr class="audit"><td>{{time}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{token}}</td><td>{{detail}}</td></tr>
        {{/audit}}
        </tbody>
        </table>
        </section>
        </main>
        <footer>Read-only. Reload the page for a new reading; <code>clusterpki doctor</code> prints the same findings.</footer>
        </body>
        </html>

        """#

    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f23;background:#fafafa}
        header{background:#1f2d3d;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}
        header .meta{margin:4px 0}nav a{color:#cfe3ff;margin-right:12px}
        main{padding:8px 20px}section{margin:18px 0}h2{font-size:16px;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#eef1f4}code{font-size:12px;word-break:break-all}
        .sev,.state{padding:0 6px;border-radius:3px;font-weight:600}
        .sev-ok,.state-valid{background:#e3f4e5;color:#1e6b2a}.sev-info{background:#e5eefc;color:#1d4f9c}
        .sev-warning,.state-due{background:#fff1d1;color:#7a5200}.sev-error,.state-notYetValid{background:#fde2dd;color:#9c2a12}
        .sev-critical,.state-expired,.state-missing{background:#9c1c1c;color:#fff}
        tr.state-due td:first-child{border-left:4px solid #e6a700}tr.state-expired td:first-child{border-left:4px solid #b71c1c}
        tr.revoked{color:#888;text-decoration:line-through}
        .tl-valid{fill:#43a047}.tl-window{fill:#f2b705}.tl-expired{fill:#c62828}.tl-now{stroke:#111;stroke-width:2}
        .legend .key{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px}
        .key-valid{background:#43a047}.key-window{background:#f2b705}.key-expired{background:#c62828}.key-now{background:#111;width:2px}
        .problem{background:#fde2dd;padding:6px}footer{padding:12px 20px;color:#666}

        """
}
