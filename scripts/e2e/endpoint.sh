#!/usr/bin/env bash
# One endpoint, said the same everywhere (issue 14 item 6): `init` records where `clusterpki serve` listens and what
# it advertises; `serve` started with nothing but --kubernetes-dir and --db uses it (and says so at start);
# cluster-info, `token create --print-join-command` and the exact `clusterpki join` line init printed all reach it;
# the kubeadm line names the API server; kubeconfigs serve mints point at the API server admin.conf names.
#
#   CLUSTERPKI=/path/to/clusterpki scripts/e2e/endpoint.sh        (ends with "N passed, N failed")
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
require_cmd curl openssl python3
BIN="$(clusterpki_bin)"
mktemp_dir W endpoint

# run_cluster NAME [init flags...]: init, serve with only the directory and the database, then the printed join line.
run_cluster() {
    local name="$1"; shift
    local K="$W/$name/k" DB="$W/$name/state.db" out serve_pid port line url
    out="$("$BIN" init --kubernetes-dir "$K" --db "$DB" --node-name cp1 --apiserver-advertise-address 127.0.0.1 \
           --encryption-algorithm ECDSA-P256 "$@" 2>&1)" || { fail "$name: clusterpki init" "$out"; return 0; }
    printf '%s\n' "$out" >"$W/$name/init.log"
    port="$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["listen"].rsplit(":",1)[1])' "$K/clusterpki-serve.yaml")"
    url="https://127.0.0.1:$port"
    check "$name: init says where serve will listen and what it advertises" \
        grep -qF "[serve] clusterpki serve will listen on 127.0.0.1:$port and advertise $url" "$W/$name/init.log"
    line="$(sed -n 's/^  clusterpki join //p' "$W/$name/init.log" | tail -1)"
    check_eq "$name: the printed clusterpki join line goes to serve" "127.0.0.1:$port" "${line%% *}"
    check "$name: the kubeadm join line goes to the API server (admin.conf's 127.0.0.1:6443)" \
        grep -q "kubeadm join 127.0.0.1:6443 --token" "$W/$name/init.log"

    spawn serve_pid "$W/$name/serve.log" "$BIN" serve --kubernetes-dir "$K" --db "$DB"
    check "$name: serve with no flags but the directory listens on 127.0.0.1:$port" wait_port 127.0.0.1 "$port" 30 "$serve_pid"
    check "$name: serve printed what it advertises and where that comes from" \
        grep -qF "[serve] Listening on 127.0.0.1:$port, advertising $url to joining nodes (recorded by clusterpki init in $K/clusterpki-serve.yaml)" "$W/$name/serve.log"
    server_of_cluster_info() {
        curl -sf --cacert "$K/pki/ca.crt" "$url/api/v1/namespaces/kube-public/configmaps/cluster-info" \
            | python3 -c 'import json,sys,yaml; print(yaml.safe_load(json.load(sys.stdin)["data"]["kubeconfig"])["clusters"][0]["cluster"]["server"])'
    }
    check_eq "$name: cluster-info names serve's advertised URL" "$url" "$(server_of_cluster_info)"
    check_eq "$name: token create --print-join-command goes to the same endpoint" "127.0.0.1:$port" \
        "$("$BIN" token create --print-join-command --db "$DB" --kubernetes-dir "$K" | sed -n 's/^clusterpki join \([^ ]*\) .*/\1/p')"

    # The exact printed line, plus where this test node keeps its files (it shares the machine with the control plane).
    # shellcheck disable=SC2086
    check "$name: the printed clusterpki join line joins worker-1" bash -c \
        "'$BIN' join $line --node-name worker-1 --kubernetes-dir '$W/$name/worker-1/etc' --kubelet-dir '$W/$name/worker-1/kubelet' --timeout 60s >'$W/$name/join.log' 2>&1"
    check "$name: worker-1's client certificate verifies against the cluster CA" \
        openssl verify -CAfile "$K/pki/ca.crt" "$W/$name/worker-1/kubelet/pki/kubelet-client-current.pem"

    # A kubeconfig serve mints for a person names the API server of admin.conf, not a guessed interface address.
    admin_pem() { sed -n "s/^ *$1: //p" "$K/admin.conf" | base64 -d >"$W/$name/admin-$2.pem"; }
    admin_pem client-certificate-data crt
    admin_pem client-key-data key
    minted="$(curl -sf --cacert "$K/pki/ca.crt" --cert "$W/$name/admin-crt.pem" --key "$W/$name/admin-key.pem" \
        -H 'Content-Type: application/json' -d '{"apiVersion":"clusterpki.io/v1alpha1","kind":"UserKubeconfig","metadata":{"name":"alice"},"spec":{"username":"alice"}}' \
        "$url/apis/clusterpki.io/v1alpha1/userkubeconfigs" | python3 -c '
import base64, json, sys, yaml
text = json.load(sys.stdin)["status"]["kubeconfig"]
doc = yaml.safe_load(text)
doc = doc if isinstance(doc, dict) else yaml.safe_load(base64.b64decode(text))
print(doc["clusters"][0]["cluster"]["server"])')"
    check_eq "$name: a kubeconfig minted by serve names admin.conf's server" \
        "$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["clusters"][0]["cluster"]["server"])' "$K/admin.conf")" "$minted"
    stop_pid "$serve_pid"
}

PORT="$(free_port)"
run_cluster listen-flag --serve-listen "127.0.0.1:$PORT"
# serve's own default, when this machine has 127.0.0.1:9443 free (others may be using it).
if port_free 127.0.0.1 9443; then run_cluster defaults; else info "127.0.0.1:9443 is taken on this machine; the all-defaults run is skipped"; fi

# Listening on every address with nothing recorded and no --advertise-url: an error, never a guessed address.
mkdir -p "$W/bare"
check "certs for a tree without a record" "$BIN" certs generate ca --kubernetes-dir "$W/bare/k" --encryption-algorithm ECDSA-P256
err="$("$BIN" serve --kubernetes-dir "$W/bare/k" --db "$W/bare/state.db" --listen "0.0.0.0:$(free_port)" 2>&1)" && rc=0 || rc=$?
check_eq "serve --listen 0.0.0.0:PORT with nothing recorded refuses to start" 1 "$rc"
check "  ... asking for --advertise-url" grep -q -- "--advertise-url" <<<"$err"
finish
