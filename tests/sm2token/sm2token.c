/*
 * sm2token: a small PKCS#11 module with SM2 keys, for tests only (never shipped).
 *
 * No packaged PKCS#11 module implements SM2, and every vendor defines its own mechanism
 * (CKM_VENDOR_DEFINED + n). This module plays such a vendor on OpenSSL's libcrypto so the
 * client's SM2 path runs against a real PKCS#11 ABI loaded by python-pkcs11.
 *
 * Tokens live in a directory named by SM2TOKEN_DIR: one subdirectory per slot (sorted by name),
 * read at C_Initialize, each holding
 *   token.conf       label=, serial=, pin_sha256= (hex), tries= (left), max_tries=,
 *                    sig_encoding=raw|der, mechanisms=hash,digest,encrypt (what it offers)
 *   cert-<id>.der    an X.509 certificate (CKA_ID = <id> in hex), label in cert-<id>.label
 *   key-<id>.pem     the SM2 private key (PKCS#8 PEM), a private object visible after login
 * A wrong PIN decrements `tries` in token.conf (0 = locked); a right one restores max_tries.
 *
 * Vendor mechanisms (see the mechanism values below and docs/sm2.md):
 *   SM2TOKEN_CKM_SM2_SM3    input: the message; the token computes Z_A (ID from the mechanism
 *                           parameter, default "1234567812345678") and e = SM3(Z_A || M)
 *   SM2TOKEN_CKM_SM2        input: the 32-byte digest e, computed by the caller
 *   SM2TOKEN_CKM_SM2_ENCRYPT  C_Decrypt of a GM/T 0009 SM2Cipher (DER, C1 C3 C2)
 * Signatures are raw r||s (64 bytes) unless sig_encoding=der.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <p11-kit/pkcs11.h>

#define SM2TOKEN_CKM_SM2_SM3 (CKM_VENDOR_DEFINED + 0x5301UL)
#define SM2TOKEN_CKM_SM2 (CKM_VENDOR_DEFINED + 0x5302UL)
#define SM2TOKEN_CKM_SM2_ENCRYPT (CKM_VENDOR_DEFINED + 0x5303UL)

#define MAX_SLOTS 8
#define MAX_OBJECTS 16
#define MAX_SESSIONS 64
#define DEFAULT_ID "1234567812345678"

static const unsigned char SM2_OID_DER[] = {0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf,
                                            0x55, 0x01, 0x82, 0x2d};

typedef struct {
    CK_OBJECT_CLASS klass;
    unsigned char id[64];
    size_t id_len;
    char label[128];
    unsigned char *value; /* certificate DER */
    size_t value_len;
    EVP_PKEY *pkey; /* private key */
} object_t;

typedef struct {
    char dir[1024];
    char label[33];
    char serial[17];
    char pin_sha256[65];
    int tries, max_tries;
    int der_signatures;
    int offer_hash, offer_digest, offer_encrypt;
    int logged_in;
    object_t objects[MAX_OBJECTS];
    int n_objects;
} slot_t;

typedef struct {
    int open;
    CK_SLOT_ID slot;
    CK_FLAGS flags;
    /* find */
    int finding;
    CK_ULONG found[MAX_OBJECTS];
    int n_found, pos;
    /* sign / decrypt */
    CK_MECHANISM_TYPE sign_mech, decrypt_mech;
    CK_OBJECT_HANDLE sign_key, decrypt_key;
    unsigned char id[64];
    size_t id_len;
} session_t;

static int initialized;
static slot_t slots[MAX_SLOTS];
static int n_slots;
static session_t sessions[MAX_SESSIONS + 1];

static void pad(unsigned char *dst, const char *src, size_t n) {
    size_t len = strlen(src);
    memset(dst, ' ', n);
    memcpy(dst, src, len < n ? len : n);
}

static int hex_to_bytes(const char *hex, unsigned char *out, size_t max) {
    size_t n = strlen(hex) / 2;
    if (n > max) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) return -1;
        out[i] = (unsigned char)b;
    }
    return (int)n;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void read_label(const char *dir, const char *name, char *out, size_t n) {
    char path[1200];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *text = read_file(path, &len);
    out[0] = 0;
    if (!text) return;
    if (len >= n) len = n - 1;
    memcpy(out, text, len);
    out[len] = 0;
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r')) out[--len] = 0;
    free(text);
}

static void save_conf(slot_t *s) {
    char path[1100];
    snprintf(path, sizeof path, "%s/token.conf", s->dir);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "label=%s\nserial=%s\npin_sha256=%s\ntries=%d\nmax_tries=%d\n"
               "sig_encoding=%s\nmechanisms=%s%s%s\n",
            s->label, s->serial, s->pin_sha256, s->tries, s->max_tries,
            s->der_signatures ? "der" : "raw", s->offer_hash ? "hash," : "",
            s->offer_digest ? "digest," : "", s->offer_encrypt ? "encrypt" : "");
    fclose(f);
}

static void load_conf(slot_t *s) {
    char path[1100], line[512];
    snprintf(path, sizeof path, "%s/token.conf", s->dir);
    s->tries = s->max_tries = 6;
    s->offer_hash = s->offer_digest = s->offer_encrypt = 1;
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        char *v = eq + 1;
        v[strcspn(v, "\r\n")] = 0;
        if (!strcmp(line, "label")) snprintf(s->label, sizeof s->label, "%s", v);
        else if (!strcmp(line, "serial")) snprintf(s->serial, sizeof s->serial, "%s", v);
        else if (!strcmp(line, "pin_sha256"))
            snprintf(s->pin_sha256, sizeof s->pin_sha256, "%s", v);
        else if (!strcmp(line, "tries")) s->tries = atoi(v);
        else if (!strcmp(line, "max_tries")) s->max_tries = atoi(v);
        else if (!strcmp(line, "sig_encoding")) s->der_signatures = !strcmp(v, "der");
        else if (!strcmp(line, "mechanisms")) {
            s->offer_hash = strstr(v, "hash") != NULL;
            s->offer_digest = strstr(v, "digest") != NULL;
            s->offer_encrypt = strstr(v, "encrypt") != NULL;
        }
    }
    fclose(f);
}

static void load_objects(slot_t *s) {
    DIR *d = opendir(s->dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d)) && s->n_objects < MAX_OBJECTS) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        int cert = !strncmp(name, "cert-", 5) && len > 9 && !strcmp(name + len - 4, ".der");
        int key = !strncmp(name, "key-", 4) && len > 8 && !strcmp(name + len - 4, ".pem");
        if (!cert && !key) continue;
        object_t *o = &s->objects[s->n_objects];
        memset(o, 0, sizeof *o);
        char idhex[130] = {0}, path[1400], labelname[300];
        const char *start = name + (cert ? 5 : 4);
        size_t idlen = (size_t)(name + len - 4 - start);
        if (idlen >= sizeof idhex) continue;
        memcpy(idhex, start, idlen);
        int n = hex_to_bytes(idhex, o->id, sizeof o->id);
        if (n < 0) continue;
        o->id_len = (size_t)n;
        snprintf(path, sizeof path, "%s/%s", s->dir, name);
        snprintf(labelname, sizeof labelname, "%s-%s.label", cert ? "cert" : "key", idhex);
        read_label(s->dir, labelname, o->label, sizeof o->label);
        if (cert) {
            o->klass = CKO_CERTIFICATE;
            o->value = read_file(path, &o->value_len);
            if (!o->value) continue;
        } else {
            o->klass = CKO_PRIVATE_KEY;
            FILE *f = fopen(path, "r");
            if (!f) continue;
            o->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
            fclose(f);
            if (!o->pkey) continue;
        }
        s->n_objects++;
    }
    closedir(d);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_slots(void) {
    for (int i = 0; i < n_slots; i++)
        for (int j = 0; j < slots[i].n_objects; j++) {
            free(slots[i].objects[j].value);
            EVP_PKEY_free(slots[i].objects[j].pkey);
        }
    memset(slots, 0, sizeof slots);
    memset(sessions, 0, sizeof sessions);
    n_slots = 0;
}

static void load_slots(void) {
    const char *root = getenv("SM2TOKEN_DIR");
    if (!root) return;
    DIR *d = opendir(root);
    if (!d) return;
    char *names[MAX_SLOTS];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_SLOTS) {
        if (e->d_name[0] == '.') continue;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s/token.conf", root, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        fclose(f);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    for (int i = 0; i < n; i++) {
        slot_t *s = &slots[n_slots++];
        snprintf(s->dir, sizeof s->dir, "%s/%s", root, names[i]);
        free(names[i]);
        load_conf(s);
        load_objects(s);
    }
}

/* --- helpers ---------------------------------------------------------------------------- */

static session_t *get_session(CK_SESSION_HANDLE h) {
    if (!initialized || h == 0 || h > MAX_SESSIONS || !sessions[h].open) return NULL;
    return &sessions[h];
}

static object_t *get_object(session_t *se, CK_OBJECT_HANDLE h) {
    slot_t *s = &slots[se->slot];
    if (h < 1 || h > (CK_OBJECT_HANDLE)s->n_objects) return NULL;
    object_t *o = &s->objects[h - 1];
    if (o->klass == CKO_PRIVATE_KEY && !s->logged_in) return NULL;
    return o;
}

static CK_FLAGS pin_flags(slot_t *s) {
    CK_FLAGS f = 0;
    if (s->tries <= 0) f |= CKF_USER_PIN_LOCKED;
    else if (s->tries == 1) f |= CKF_USER_PIN_FINAL_TRY;
    if (s->tries < s->max_tries && s->tries > 0) f |= CKF_USER_PIN_COUNT_LOW;
    return f;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65]) {
    unsigned char md[32];
    SHA256(data, len, md);
    for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", md[i]);
}

static CK_RV copy_attr(CK_ATTRIBUTE_PTR a, const void *value, CK_ULONG len) {
    if (a->pValue == NULL) {
        a->ulValueLen = len;
        return CKR_OK;
    }
    if (a->ulValueLen < len) {
        a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
        return CKR_BUFFER_TOO_SMALL;
    }
    memcpy(a->pValue, value, len);
    a->ulValueLen = len;
    return CKR_OK;
}

static int object_matches(object_t *o, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ATTRIBUTE_PTR a = &tmpl[i];
        if (a->type == CKA_CLASS) {
            if (a->ulValueLen != sizeof(CK_OBJECT_CLASS) ||
                *(CK_OBJECT_CLASS *)a->pValue != o->klass)
                return 0;
        } else if (a->type == CKA_ID) {
            if (a->ulValueLen != o->id_len || memcmp(a->pValue, o->id, o->id_len)) return 0;
        } else if (a->type == CKA_LABEL) {
            if (a->ulValueLen != strlen(o->label) || memcmp(a->pValue, o->label, a->ulValueLen))
                return 0;
        } else if (a->type == CKA_KEY_TYPE) {
            if (o->klass != CKO_PRIVATE_KEY || *(CK_KEY_TYPE *)a->pValue != CKK_EC) return 0;
        } else if (a->type == CKA_TOKEN) {
            if (!*(CK_BBOOL *)a->pValue) return 0;
        } else {
            return 0; /* an attribute this token does not search by */
        }
    }
    return 1;
}

/* --- general ---------------------------------------------------------------------------- */

static CK_FUNCTION_LIST function_list;

static CK_RV t_Initialize(CK_VOID_PTR args) {
    (void)args;
    if (initialized) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    load_slots();
    initialized = 1;
    return CKR_OK;
}

static CK_RV t_Finalize(CK_VOID_PTR reserved) {
    (void)reserved;
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    free_slots();
    initialized = 0;
    return CKR_OK;
}

static CK_RV t_GetInfo(CK_INFO_PTR info) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    memset(info, 0, sizeof *info);
    info->cryptokiVersion.major = 2;
    info->cryptokiVersion.minor = 40;
    pad(info->manufacturerID, "hy-client test", 32);
    pad(info->libraryDescription, "SM2 test token", 32);
    info->libraryVersion.major = 1;
    return CKR_OK;
}

static CK_RV t_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    *list = &function_list;
    return CKR_OK;
}

static CK_RV t_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
    (void)present;
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (list == NULL) {
        *count = (CK_ULONG)n_slots;
        return CKR_OK;
    }
    if (*count < (CK_ULONG)n_slots) {
        *count = (CK_ULONG)n_slots;
        return CKR_BUFFER_TOO_SMALL;
    }
    for (int i = 0; i < n_slots; i++) list[i] = (CK_SLOT_ID)i;
    *count = (CK_ULONG)n_slots;
    return CKR_OK;
}

static CK_RV t_GetSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR info) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    memset(info, 0, sizeof *info);
    pad(info->slotDescription, "SM2 test reader", 64);
    pad(info->manufacturerID, "hy-client test", 32);
    info->flags = CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
    return CKR_OK;
}

static CK_RV t_GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    slot_t *s = &slots[id];
    memset(info, 0, sizeof *info);
    pad(info->label, s->label, 32);
    pad(info->manufacturerID, "hy-client test", 32);
    pad(info->model, "SM2 test token", 16);
    pad(info->serialNumber, s->serial, 16);
    info->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED |
                  pin_flags(s);
    info->ulMaxSessionCount = MAX_SESSIONS;
    info->ulMaxPinLen = 16;
    info->ulMinPinLen = 6;
    info->ulTotalPublicMemory = info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->hardwareVersion.major = info->firmwareVersion.major = 1;
    return CKR_OK;
}

static CK_RV t_GetMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    slot_t *s = &slots[id];
    CK_MECHANISM_TYPE all[3];
    CK_ULONG n = 0;
    if (s->offer_hash) all[n++] = SM2TOKEN_CKM_SM2_SM3;
    if (s->offer_digest) all[n++] = SM2TOKEN_CKM_SM2;
    if (s->offer_encrypt) all[n++] = SM2TOKEN_CKM_SM2_ENCRYPT;
    if (list == NULL) {
        *count = n;
        return CKR_OK;
    }
    if (*count < n) {
        *count = n;
        return CKR_BUFFER_TOO_SMALL;
    }
    memcpy(list, all, n * sizeof all[0]);
    *count = n;
    return CKR_OK;
}

static int offered(slot_t *s, CK_MECHANISM_TYPE m) {
    return (m == SM2TOKEN_CKM_SM2_SM3 && s->offer_hash) ||
           (m == SM2TOKEN_CKM_SM2 && s->offer_digest) ||
           (m == SM2TOKEN_CKM_SM2_ENCRYPT && s->offer_encrypt);
}

static CK_RV t_GetMechanismInfo(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR i) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    if (!offered(&slots[id], type)) return CKR_MECHANISM_INVALID;
    i->ulMinKeySize = i->ulMaxKeySize = 256;
    i->flags = CKF_HW | (type == SM2TOKEN_CKM_SM2_ENCRYPT ? CKF_DECRYPT : CKF_SIGN);
    return CKR_OK;
}

/* --- sessions and login ----------------------------------------------------------------- */

static CK_RV t_OpenSession(CK_SLOT_ID id, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                           CK_SESSION_HANDLE_PTR out) {
    (void)app;
    (void)notify;
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    for (CK_SESSION_HANDLE h = 1; h <= MAX_SESSIONS; h++)
        if (!sessions[h].open) {
            memset(&sessions[h], 0, sizeof sessions[h]);
            sessions[h].open = 1;
            sessions[h].slot = id;
            sessions[h].flags = flags;
            *out = h;
            return CKR_OK;
        }
    return CKR_SESSION_COUNT;
}

static int sessions_on(CK_SLOT_ID id) {
    int n = 0;
    for (int h = 1; h <= MAX_SESSIONS; h++) n += sessions[h].open && sessions[h].slot == id;
    return n;
}

static CK_RV t_CloseSession(CK_SESSION_HANDLE h) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    se->open = 0;
    if (!sessions_on(se->slot)) slots[se->slot].logged_in = 0;
    return CKR_OK;
}

static CK_RV t_CloseAllSessions(CK_SLOT_ID id) {
    if (!initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (id >= (CK_SLOT_ID)n_slots) return CKR_SLOT_ID_INVALID;
    for (int h = 1; h <= MAX_SESSIONS; h++)
        if (sessions[h].slot == id) sessions[h].open = 0;
    slots[id].logged_in = 0;
    return CKR_OK;
}

static CK_RV t_GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    int rw = (se->flags & CKF_RW_SESSION) != 0;
    info->slotID = se->slot;
    info->flags = se->flags;
    info->ulDeviceError = 0;
    if (slots[se->slot].logged_in) info->state = rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    else info->state = rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
    return CKR_OK;
}

static CK_RV check_pin(slot_t *s, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    char hex[65];
    if (s->tries <= 0) return CKR_PIN_LOCKED;
    sha256_hex(pin, len, hex);
    if (strcmp(hex, s->pin_sha256) != 0) {
        s->tries--;
        save_conf(s);
        return s->tries <= 0 ? CKR_PIN_LOCKED : CKR_PIN_INCORRECT;
    }
    if (s->tries != s->max_tries) {
        s->tries = s->max_tries;
        save_conf(s);
    }
    return CKR_OK;
}

static CK_RV t_Login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (user != CKU_USER) return CKR_USER_TYPE_INVALID;
    slot_t *s = &slots[se->slot];
    if (s->logged_in) return CKR_USER_ALREADY_LOGGED_IN;
    if (pin == NULL) return CKR_ARGUMENTS_BAD; /* no PIN pad */
    CK_RV rv = check_pin(s, pin, len);
    if (rv == CKR_OK) s->logged_in = 1;
    return rv;
}

static CK_RV t_Logout(CK_SESSION_HANDLE h) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (!slots[se->slot].logged_in) return CKR_USER_NOT_LOGGED_IN;
    slots[se->slot].logged_in = 0;
    return CKR_OK;
}

static CK_RV t_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old, CK_ULONG old_len,
                      CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (!(se->flags & CKF_RW_SESSION)) return CKR_SESSION_READ_ONLY;
    if (new_len < 6 || new_len > 16) return CKR_PIN_LEN_RANGE;
    slot_t *s = &slots[se->slot];
    CK_RV rv = check_pin(s, old, old_len);
    if (rv != CKR_OK) return rv;
    sha256_hex(new_pin, new_len, s->pin_sha256);
    save_conf(s);
    return CKR_OK;
}

/* --- objects ---------------------------------------------------------------------------- */

static CK_RV t_FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (se->finding) return CKR_OPERATION_ACTIVE;
    slot_t *s = &slots[se->slot];
    se->n_found = se->pos = 0;
    for (int i = 0; i < s->n_objects; i++) {
        object_t *o = &s->objects[i];
        if (o->klass == CKO_PRIVATE_KEY && !s->logged_in) continue;
        if (object_matches(o, tmpl, n)) se->found[se->n_found++] = (CK_ULONG)i + 1;
    }
    se->finding = 1;
    return CKR_OK;
}

static CK_RV t_FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max,
                           CK_ULONG_PTR count) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (!se->finding) return CKR_OPERATION_NOT_INITIALIZED;
    CK_ULONG n = 0;
    while (n < max && se->pos < se->n_found) out[n++] = se->found[se->pos++];
    *count = n;
    return CKR_OK;
}

static CK_RV t_FindObjectsFinal(CK_SESSION_HANDLE h) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    se->finding = 0;
    return CKR_OK;
}

static CK_RV t_GetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh,
                                 CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    object_t *o = get_object(se, oh);
    if (!o) return CKR_OBJECT_HANDLE_INVALID;
    CK_RV result = CKR_OK;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_KEY_TYPE kt = CKK_EC;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    int is_key = o->klass == CKO_PRIVATE_KEY;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ATTRIBUTE_PTR a = &tmpl[i];
        CK_RV rv = CKR_OK;
        switch (a->type) {
        case CKA_CLASS: rv = copy_attr(a, &o->klass, sizeof o->klass); break;
        case CKA_TOKEN: rv = copy_attr(a, &yes, sizeof yes); break;
        case CKA_PRIVATE: rv = copy_attr(a, is_key ? &yes : &no, sizeof yes); break;
        case CKA_MODIFIABLE: rv = copy_attr(a, &no, sizeof no); break;
        case CKA_ID: rv = copy_attr(a, o->id, o->id_len); break;
        case CKA_LABEL: rv = copy_attr(a, o->label, strlen(o->label)); break;
        case CKA_VALUE:
            if (is_key) {
                a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
                rv = CKR_ATTRIBUTE_SENSITIVE;
            } else {
                rv = copy_attr(a, o->value, o->value_len);
            }
            break;
        case CKA_CERTIFICATE_TYPE:
            if (is_key) goto invalid;
            rv = copy_attr(a, &ct, sizeof ct);
            break;
        case CKA_KEY_TYPE:
            if (!is_key) goto invalid;
            rv = copy_attr(a, &kt, sizeof kt);
            break;
        case CKA_EC_PARAMS:
            if (!is_key) goto invalid;
            rv = copy_attr(a, SM2_OID_DER, sizeof SM2_OID_DER);
            break;
        case CKA_SIGN: case CKA_DECRYPT: case CKA_SENSITIVE: case CKA_ALWAYS_SENSITIVE:
        case CKA_NEVER_EXTRACTABLE:
            if (!is_key) goto invalid;
            rv = copy_attr(a, &yes, sizeof yes);
            break;
        case CKA_EXTRACTABLE: case CKA_SIGN_RECOVER: case CKA_UNWRAP: case CKA_DERIVE:
        case CKA_ALWAYS_AUTHENTICATE:
            if (!is_key) goto invalid;
            rv = copy_attr(a, &no, sizeof no);
            break;
        default:
        invalid:
            a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_TYPE_INVALID;
        }
        if (rv != CKR_OK) result = rv;
    }
    return result;
}

/* --- SM2 -------------------------------------------------------------------------------- */

static CK_RV t_SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (se->sign_mech) return CKR_OPERATION_ACTIVE;
    slot_t *s = &slots[se->slot];
    if (!s->logged_in) return CKR_USER_NOT_LOGGED_IN;
    if (!offered(s, m->mechanism) || m->mechanism == SM2TOKEN_CKM_SM2_ENCRYPT)
        return CKR_MECHANISM_INVALID;
    object_t *o = get_object(se, key);
    if (!o || o->klass != CKO_PRIVATE_KEY) return CKR_KEY_HANDLE_INVALID;
    if (m->mechanism == SM2TOKEN_CKM_SM2_SM3 && m->ulParameterLen) {
        if (m->ulParameterLen > sizeof se->id) return CKR_MECHANISM_PARAM_INVALID;
        memcpy(se->id, m->pParameter, m->ulParameterLen);
        se->id_len = m->ulParameterLen;
    } else if (m->ulParameterLen) {
        return CKR_MECHANISM_PARAM_INVALID;
    } else {
        memcpy(se->id, DEFAULT_ID, strlen(DEFAULT_ID));
        se->id_len = strlen(DEFAULT_ID);
    }
    se->sign_mech = m->mechanism;
    se->sign_key = key;
    return CKR_OK;
}

/* SM2 signature (DER from OpenSSL) of data with the session's key; 1 on success. */
static int sm2_sign(CK_MECHANISM_TYPE mech, session_t *se, EVP_PKEY *pkey, const unsigned char *data, size_t len,
                    unsigned char *der, size_t *der_len) {
    int ok = 0;
    if (mech == SM2TOKEN_CKM_SM2_SM3) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pkey, NULL);
        if (md && pc && EVP_PKEY_CTX_set1_id(pc, se->id, se->id_len) > 0) {
            EVP_MD_CTX_set_pkey_ctx(md, pc);
            ok = EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, pkey) > 0 &&
                 EVP_DigestSign(md, der, der_len, data, len) > 0;
        }
        EVP_MD_CTX_free(md);
        EVP_PKEY_CTX_free(pc);
    } else {
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pkey, NULL);
        ok = pc && len == 32 && EVP_PKEY_sign_init(pc) > 0 &&
             EVP_PKEY_sign(pc, der, der_len, data, len) > 0;
        EVP_PKEY_CTX_free(pc);
    }
    return ok;
}

static CK_RV t_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                    CK_ULONG_PTR sig_len) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (!se->sign_mech) return CKR_OPERATION_NOT_INITIALIZED;
    slot_t *s = &slots[se->slot];
    CK_ULONG need = s->der_signatures ? 72 : 64;
    if (sig == NULL) {
        *sig_len = need;
        return CKR_OK;
    }
    if (*sig_len < need) {
        *sig_len = need;
        return CKR_BUFFER_TOO_SMALL;
    }
    object_t *o = get_object(se, se->sign_key);
    CK_MECHANISM_TYPE mech = se->sign_mech;
    se->sign_mech = 0; /* C_Sign ends the operation, whatever its outcome */
    if (!o) return CKR_KEY_HANDLE_INVALID;
    if (mech == SM2TOKEN_CKM_SM2 && len != 32) return CKR_DATA_LEN_RANGE;
    unsigned char der[80];
    size_t der_len = sizeof der;
    if (!sm2_sign(mech, se, o->pkey, data, len, der, &der_len)) return CKR_FUNCTION_FAILED;
    if (s->der_signatures) {
        memcpy(sig, der, der_len);
        *sig_len = der_len;
        return CKR_OK;
    }
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (!es) return CKR_FUNCTION_FAILED;
    const BIGNUM *r, *sv;
    ECDSA_SIG_get0(es, &r, &sv);
    int ok = BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(sv, sig + 32, 32) == 32;
    ECDSA_SIG_free(es);
    *sig_len = 64;
    return ok ? CKR_OK : CKR_FUNCTION_FAILED;
}

static CK_RV t_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    slot_t *s = &slots[se->slot];
    if (!s->logged_in) return CKR_USER_NOT_LOGGED_IN;
    if (m->mechanism != SM2TOKEN_CKM_SM2_ENCRYPT || !offered(s, m->mechanism))
        return CKR_MECHANISM_INVALID;
    object_t *o = get_object(se, key);
    if (!o || o->klass != CKO_PRIVATE_KEY) return CKR_KEY_HANDLE_INVALID;
    se->decrypt_mech = m->mechanism;
    se->decrypt_key = key;
    return CKR_OK;
}

static CK_RV t_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
                       CK_ULONG_PTR out_len) {
    session_t *se = get_session(h);
    if (!se) return CKR_SESSION_HANDLE_INVALID;
    if (!se->decrypt_mech) return CKR_OPERATION_NOT_INITIALIZED;
    object_t *o = get_object(se, se->decrypt_key);
    if (!o) return CKR_KEY_HANDLE_INVALID;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(o->pkey, NULL);
    size_t n = 0;
    CK_RV rv = CKR_ENCRYPTED_DATA_INVALID;
    if (pc && EVP_PKEY_decrypt_init(pc) > 0 && EVP_PKEY_decrypt(pc, NULL, &n, in, in_len) > 0) {
        if (out == NULL) {
            *out_len = n;
            EVP_PKEY_CTX_free(pc);
            return CKR_OK;
        }
        unsigned char *buf = malloc(n);
        if (buf && EVP_PKEY_decrypt(pc, buf, &n, in, in_len) > 0) {
            if (*out_len < n) {
                rv = CKR_BUFFER_TOO_SMALL;
            } else {
                memcpy(out, buf, n);
                rv = CKR_OK;
            }
            *out_len = n;
        }
        free(buf);
    }
    EVP_PKEY_CTX_free(pc);
    if (rv != CKR_BUFFER_TOO_SMALL) se->decrypt_mech = 0;
    return rv;
}

/* --- everything else is not offered ----------------------------------------------------- */

static CK_RV not_supported(void) { return CKR_FUNCTION_NOT_SUPPORTED; }

#define NS ((void *)not_supported)

__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    function_list.version.major = 2;
    function_list.version.minor = 40;
    function_list.C_Initialize = t_Initialize;
    function_list.C_Finalize = t_Finalize;
    function_list.C_GetInfo = t_GetInfo;
    function_list.C_GetFunctionList = t_GetFunctionList;
    function_list.C_GetSlotList = t_GetSlotList;
    function_list.C_GetSlotInfo = t_GetSlotInfo;
    function_list.C_GetTokenInfo = t_GetTokenInfo;
    function_list.C_GetMechanismList = t_GetMechanismList;
    function_list.C_GetMechanismInfo = t_GetMechanismInfo;
    function_list.C_InitToken = NS;
    function_list.C_InitPIN = NS;
    function_list.C_SetPIN = t_SetPIN;
    function_list.C_OpenSession = t_OpenSession;
    function_list.C_CloseSession = t_CloseSession;
    function_list.C_CloseAllSessions = t_CloseAllSessions;
    function_list.C_GetSessionInfo = t_GetSessionInfo;
    function_list.C_GetOperationState = NS;
    function_list.C_SetOperationState = NS;
    function_list.C_Login = t_Login;
    function_list.C_Logout = t_Logout;
    function_list.C_CreateObject = NS;
    function_list.C_CopyObject = NS;
    function_list.C_DestroyObject = NS;
    function_list.C_GetObjectSize = NS;
    function_list.C_GetAttributeValue = t_GetAttributeValue;
    function_list.C_SetAttributeValue = NS;
    function_list.C_FindObjectsInit = t_FindObjectsInit;
    function_list.C_FindObjects = t_FindObjects;
    function_list.C_FindObjectsFinal = t_FindObjectsFinal;
    function_list.C_EncryptInit = NS;
    function_list.C_Encrypt = NS;
    function_list.C_EncryptUpdate = NS;
    function_list.C_EncryptFinal = NS;
    function_list.C_DecryptInit = t_DecryptInit;
    function_list.C_Decrypt = t_Decrypt;
    function_list.C_DecryptUpdate = NS;
    function_list.C_DecryptFinal = NS;
    function_list.C_DigestInit = NS;
    function_list.C_Digest = NS;
    function_list.C_DigestUpdate = NS;
    function_list.C_DigestKey = NS;
    function_list.C_DigestFinal = NS;
    function_list.C_SignInit = t_SignInit;
    function_list.C_Sign = t_Sign;
    function_list.C_SignUpdate = NS;
    function_list.C_SignFinal = NS;
    function_list.C_SignRecoverInit = NS;
    function_list.C_SignRecover = NS;
    function_list.C_VerifyInit = NS;
    function_list.C_Verify = NS;
    function_list.C_VerifyUpdate = NS;
    function_list.C_VerifyFinal = NS;
    function_list.C_VerifyRecoverInit = NS;
    function_list.C_VerifyRecover = NS;
    function_list.C_DigestEncryptUpdate = NS;
    function_list.C_DecryptDigestUpdate = NS;
    function_list.C_SignEncryptUpdate = NS;
    function_list.C_DecryptVerifyUpdate = NS;
    function_list.C_GenerateKey = NS;
    function_list.C_GenerateKeyPair = NS;
    function_list.C_WrapKey = NS;
    function_list.C_UnwrapKey = NS;
    function_list.C_DeriveKey = NS;
    function_list.C_SeedRandom = NS;
    function_list.C_GenerateRandom = NS;
    function_list.C_GetFunctionStatus = NS;
    function_list.C_CancelFunction = NS;
    function_list.C_WaitForSlotEvent = NS;
    *list = &function_list;
    return CKR_OK;
}
