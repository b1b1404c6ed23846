#!/usr/bin/env bash
# openssl-CLI helpers shared by the e2e scripts (sourced after lib.sh).

# ext_text CERT EXTNAME -> "critical|<value line(s) joined with ' '>" or "" when absent
ext_text() {
    openssl x509 -in "$1" -noout -ext "$2" 2>/dev/null | awk '
        NR == 1 { crit = ($0 ~ /critical/) ? "critical" : ""; next }
        { sub(/^ +/, ""); v = (v == "" ? $0 : v " " $0) }
        END { if (NR > 0) printf "%s|%s", crit, v }'
}

# subject_field CERT FIELD -> values of FIELD (CN, O), one per line, in order
subject_field() {
    openssl x509 -in "$1" -noout -subject -nameopt sep_multiline,sname,esc_2253 |
        sed -n "s/^ *$2=//p"
}

# san_norm CERT -> SANs normalised ("DNS:x" / "IP:y" with canonical IP text), sorted, one per line
san_norm() {
    ext_text "$1" subjectAltName | cut -d'|' -f2 | python3 -c '
import ipaddress, sys
raw = sys.stdin.read().strip()
out = []
for item in filter(None, (s.strip() for s in raw.split(","))):
    kind, _, val = item.partition(":")
    if kind == "IP Address":
        out.append("IP:" + str(ipaddress.ip_address(val)))
    elif kind == "DNS":
        out.append("DNS:" + val)
    else:
        out.append(item)
print("\n".join(sorted(out)))'
}

# expected_sans "a" "b" ... -> normalised like san_norm (IPs detected by parsing)
expected_sans() {
    python3 -c '
import ipaddress, sys
out = set()
for v in sys.argv[1:]:
    if not v: continue
    try: out.add("IP:" + str(ipaddress.ip_address(v)))
    except ValueError: out.add("DNS:" + v)
print("\n".join(sorted(out)))' "$@"
}

# pem_types FILE -> the PEM BEGIN types in FILE, space-separated
pem_types() { sed -n 's/^-----BEGIN \(.*\)-----$/\1/p' "$1" | paste -sd' ' -; }

# pubkey_match CERT KEY: exit 0 if the cert's public key is the key's public key
pubkey_match() {
    local a b
    a="$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null | sha256sum)" || return 1
    b="$(openssl pkey -in "$2" -pubout -outform DER 2>/dev/null | sha256sum)" || return 1
    [[ "$a" == "$b" && "$a" != "$(printf '' | sha256sum)" ]]
}

# enddate_epoch CERT
enddate_epoch() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s; }
startdate_epoch() { date -u -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s; }

# serial_ok CERT: positive and at most 20 DER content octets (value < 2^159)
serial_ok() {
    local s
    s="$(openssl x509 -in "$1" -noout -serial | cut -d= -f2)"
    python3 -c 'import sys; s=sys.argv[1]; v=int(s,16) if not s.startswith("-") else -1; sys.exit(0 if 0 < v and v.bit_length() <= 159 else 1)' "$s"
}

# file_mode PATH -> octal mode, e.g. 600
file_mode() { stat -c '%a' "$1"; }

# all_pairs_parse PKIDIR: every *.crt / *.key / *.pub outside journal dirs parses completely.
# Prints the offending files; exit 1 if any.
all_files_parse() {
    local dir="$1" f bad=0
    while IFS= read -r f; do
        case "$f" in
            *.crt) openssl x509 -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
            *.key) openssl pkey -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
            *.pub) openssl pkey -pubin -in "$f" -noout >/dev/null 2>&1 || { echo "does not parse: $f"; bad=1; } ;;
        esac
    done < <(find "$dir" -path '*/.clusterpki-txn-*' -prune -o -type f \( -name '*.crt' -o -name '*.key' -o -name '*.pub' \) -print)
    return $bad
}

# all_pairs_match PKIDIR: every X.crt (except a CA cert without key) has X.key whose public key matches; sa.pub matches sa.key.
all_pairs_match() {
    local dir="$1" c k bad=0
    while IFS= read -r c; do
        k="${c%.crt}.key"
        if [[ ! -f "$k" ]]; then
            # a CA cert without its key is the external-CA layout (and the guide's HOST1/HOST2): allowed
            case "${c##*/}" in ca.crt|front-proxy-ca.crt) continue ;; esac
            echo "no key for $c"; bad=1; continue
        fi
        pubkey_match "$c" "$k" || { echo "key does not match cert: $c"; bad=1; }
    done < <(find "$dir" -path '*/.clusterpki-txn-*' -prune -o -type f -name '*.crt' -print)
    if [[ -f "$dir/sa.key" ]]; then
        [[ "$(openssl pkey -in "$dir/sa.key" -pubout -outform DER 2>/dev/null | sha256sum)" == \
           "$(openssl pkey -pubin -in "$dir/sa.pub" -outform DER 2>/dev/null | sha256sum)" ]] ||
            { echo "sa.pub does not match sa.key"; bad=1; }
    fi
    return $bad
}
