/* token.c — key material (see token.h). */
#include "keys/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of n bytes; out must hold 4*ceil(n/3) bytes. Returns the length. */
static size_t b64url(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
        out[o++] = B64URL[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
    }
    return o;
}

int rg_key_make(char out[RG_KEY_LEN + 1])
{
    unsigned char raw[RG_KEY_RAW_BYTES];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return -1;
    memcpy(out, "sk-", 3);
    size_t n = b64url(raw, sizeof(raw), out + 3);
    out[3 + n] = '\0';
    OPENSSL_cleanse(raw, sizeof(raw));
    return 0;
}

void rg_key_hash(const char *key, size_t len, char hex[RG_TOKEN_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (EVP_Digest(key, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        memset(md, 0, sizeof(md)); /* cannot happen with a working libcrypto; never matches a stored token */
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[RG_TOKEN_HEX] = '\0';
}

int rg_key_is_token(const char *s, size_t len)
{
    if (len != RG_TOKEN_HEX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

void rg_key_name(const char *key, size_t len, char out[RG_KEY_NAME_LEN + 1])
{
    memcpy(out, "sk-...", 6);
    size_t tail = len < 4 ? len : 4;
    memcpy(out + 6, key + len - tail, tail);
    out[6 + tail] = '\0';
}
