#!/usr/bin/env bash
# make-dev-certs.sh: make a development CA and a localhost server certificate
# for running poc-relay over HTTPS on one machine. Never use them in production.
#
# Usage: make-dev-certs.sh [--force] [DIR]
#
#   DIR      where to write the files (default: the folder of this script)
#   --force  replace existing files instead of keeping them
#
# Makes, in DIR:
#   dev-ca.pem, dev-ca.key    development CA: EC P-256, 10 years, CA:TRUE,
#                             pathlen:0
#   server.pem, server.key    server certificate: EC P-256, 825 days,
#                             DNS:localhost, IP:127.0.0.1, IP:::1, serverAuth,
#                             signed by the development CA
# Private keys are PKCS#8 PEM ("BEGIN PRIVATE KEY"), mode 0600.
#
# Without --force the script keeps what exists: with all four files present it
# does nothing; with only the CA present it makes a new server certificate
# signed by that CA (delete server.pem and server.key to renew it).

set -euo pipefail

prog=make-dev-certs.sh
ca_days=3650
server_days=825

die() { printf '%s: error: %s\n' "$prog" "$1" >&2; exit 1; }
usage() { sed -n '5,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

force=0
dir=""
while (($#)); do
    case "$1" in
        --force) force=1 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) usage >&2; die "unknown option $1" ;;
        *) [[ -z "$dir" ]] || die "more than one folder given"; dir="$1" ;;
    esac
    shift
done
if (($#)); then
    [[ -z "$dir" && $# -eq 1 ]] || die "more than one folder given"
    dir="$1"
fi

command -v openssl >/dev/null 2>&1 || die "openssl not found in PATH"

if [[ -z "$dir" ]]; then
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
else
    mkdir -p -- "$dir"
    dir="$(cd -- "$dir" && pwd)"
fi

ca_pem="$dir/dev-ca.pem"
ca_key="$dir/dev-ca.key"
srv_pem="$dir/server.pem"
srv_key="$dir/server.key"

# What exists already: 2 = both files of the pair, 1 = only one, 0 = none.
pair_state() { local n=0; [[ -e "$1" ]] && n=$((n + 1)); [[ -e "$2" ]] && n=$((n + 1)); echo "$n"; }

make_ca=1
make_server=1
if ((!force)); then
    ca_state="$(pair_state "$ca_pem" "$ca_key")"
    srv_state="$(pair_state "$srv_pem" "$srv_key")"
    [[ "$ca_state" != 1 ]] || die "only one of dev-ca.pem and dev-ca.key exists in $dir; rerun with --force to make new files"
    [[ "$srv_state" != 1 ]] || die "only one of server.pem and server.key exists in $dir; rerun with --force to make new files"
    if [[ "$ca_state" == 0 && "$srv_state" == 2 ]]; then
        die "server.pem exists but the development CA that signed it does not; rerun with --force to make both anew"
    fi
    [[ "$ca_state" == 2 ]] && make_ca=0
    [[ "$srv_state" == 2 ]] && make_server=0
    if ((!make_ca && !make_server)); then
        echo "$prog: nothing to do: dev-ca.pem, dev-ca.key, server.pem and server.key already exist in $dir (use --force to replace them)"
        exit 0
    fi
fi

# Work in a private folder beside the targets, then move the finished files
# into place, so that a failure never leaves a half-made set behind.
umask 077
work="$(mktemp -d "$dir/.make-dev-certs.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

cat > "$work/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no

[dn]
CN = POC Relay development CA

[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
# No nameConstraints: BoringSSL (swift-nio-ssl, the relay's clients) refuses a chain whose
# CA carries IP-address name constraints, so keep dev-ca.key private instead.

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# EC P-256 private key, written as PKCS#8 ("BEGIN PRIVATE KEY").
new_key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
    chmod 600 "$1"
    grep -q -- '-----BEGIN PRIVATE KEY-----' "$1" || die "openssl did not write a PKCS#8 key"
}

serial() { echo "0x$(openssl rand -hex 16)"; }

if ((make_ca)); then
    new_key "$work/dev-ca.key"
    openssl req -new -x509 -config "$work/openssl.cnf" -extensions ca_ext \
        -key "$work/dev-ca.key" -sha256 -days "$ca_days" -set_serial "$(serial)" \
        -subj "/CN=POC Relay development CA (not for production)" \
        -out "$work/dev-ca.pem"
    ca_for_signing_pem="$work/dev-ca.pem"
    ca_for_signing_key="$work/dev-ca.key"
else
    ca_for_signing_pem="$ca_pem"
    ca_for_signing_key="$ca_key"
fi

if ((make_server)); then
    new_key "$work/server.key"
    openssl req -new -config "$work/openssl.cnf" -key "$work/server.key" \
        -subj "/CN=localhost" -out "$work/server.csr"
    openssl x509 -req -in "$work/server.csr" -sha256 -days "$server_days" \
        -CA "$ca_for_signing_pem" -CAkey "$ca_for_signing_key" -set_serial "$(serial)" \
        -extfile "$work/openssl.cnf" -extensions server_ext \
        -out "$work/server.pem" 2>/dev/null
    openssl verify -CAfile "$ca_for_signing_pem" "$work/server.pem" >/dev/null \
        || die "the new server certificate does not verify against the development CA"
fi

made=()
if ((make_ca)); then
    chmod 644 "$work/dev-ca.pem"
    mv -f -- "$work/dev-ca.key" "$ca_key"
    mv -f -- "$work/dev-ca.pem" "$ca_pem"
    made+=("$ca_pem" "$ca_key")
fi
if ((make_server)); then
    chmod 644 "$work/server.pem"
    mv -f -- "$work/server.key" "$srv_key"
    mv -f -- "$work/server.pem" "$srv_pem"
    made+=("$srv_pem" "$srv_key")
fi

echo "$prog: made in $dir:"
for f in "${made[@]}"; do
    printf '  %-11s %s\n' "$(basename "$f")" "$(ls -l "$f" | cut -d' ' -f1)"
done
describe() {
    echo "$1:"
    openssl x509 -in "$2" -noout -subject -enddate -fingerprint -sha256 | sed 's/^/  /'
}
if ((make_ca)); then
    describe "development CA" "$ca_pem"
fi
if ((make_server)); then
    describe "server certificate (DNS:localhost, IP:127.0.0.1, IP:::1)" "$srv_pem"
fi
if ((make_ca)); then
    echo "clients trust the development CA with: poc init --ca PATH/TO/dev-ca.pem"
fi
echo "never use these files in production"
