// The system OpenSSL libcrypto (libssl-dev), used only for RSA signing with a CA key: its RSA private-key operation
// is about twice as fast as the BoringSSL copy inside swift-crypto (see scripts/bench.sh endpoint and keysign).
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/x509.h>
