/*
 * replay_main.c — runs fuzz targets without libFuzzer.
 *
 * Linked with one fuzz_<name>.c and the library (see the Makefile's
 * $(B)/replay/fuzz_% rule), it calls LLVMFuzzerTestOneInput once per input:
 * each argument is a file, or a directory whose regular files are replayed in
 * name order (not recursively). A crash or abort fails the run (after naming
 * the input on stderr); otherwise it prints "replayed N inputs" and exits 0.
 * An unreadable path exits 2.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Present in ASan/UBSan builds (gcc or clang): called after a sanitizer report. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current; /* the input being replayed, for the crash note */

static void say_current(void)
{
    if (current == NULL)
        return;
    static const char pre[] = "replay: crashed on input ";
    ssize_t r = write(2, pre, sizeof(pre) - 1);
    r = write(2, current, strlen(current));
    r = write(2, "\n", 1);
    (void)r;
}

static void on_signal(int sig)
{
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_note(void)
{
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], on_signal);
    if (__sanitizer_set_death_callback != NULL)
        __sanitizer_set_death_callback(say_current);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "replay: %s: out of memory\n", path);
            fclose(f);
            return -1;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(buf);
        return -1;
    }
    /* an exact-size copy, so a sanitizer build catches reads past the input */
    uint8_t *in = malloc(len ? len : 1);
    if (in == NULL) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(in, buf, len);
    free(buf);
    current = path;
    LLVMFuzzerTestOneInput(in, len);
    current = NULL;
    free(in);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file in dir, sorted by name. Returns the count, or -1. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **paths = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t plen = strlen(dir) + 1 + strlen(e->d_name) + 1;
        char *p = malloc(plen);
        if (p == NULL)
            break;
        snprintf(p, plen, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(p);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **np = realloc(paths, cap * sizeof(*np));
            if (np == NULL) {
                free(p);
                break;
            }
            paths = np;
        }
        paths[n++] = p;
    }
    closedir(d);
    if (n)
        qsort(paths, n, sizeof(*paths), cmp_names);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        if (count >= 0 && replay_file(paths[i]) == 0)
            count++;
        else
            count = -1;
        free(paths[i]);
    }
    free(paths);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    install_crash_note();
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        long n;
        if (S_ISDIR(st.st_mode))
            n = replay_dir(argv[i]);
        else
            n = replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 2;
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    return 0;
}
