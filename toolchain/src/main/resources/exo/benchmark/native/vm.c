/*
 * The host's own Linux, as the real-world anchor of `exo bench --native`: the same operations
 * as guest-programs/bench/mono/vm.s, with mprotect and a SIGSEGV handler, timed with
 * CLOCK_MONOTONIC around the same windows. Usage: vm N VARIANT; prints
 * "bench ns=<ns> ops=<operations>". Variants: 0 null call (getpid), 1 prot1, 2 prot100,
 * 3 unprot100, 4 trap, 5 appel1, 6 appel2 (see docs/benchmarks.md).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGES 100
#define SCRAMBLE 37

static char *base;
static long page;
static volatile long traps;
static int policy;
static volatile int open_page;
static uint32_t seed = 12345;
static long long total_ns;

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void begin(void) { total_ns -= now(); }
static void end(void) { total_ns += now(); }

static int next_random(void) {
    seed = seed * 1103515245u + 12345u;
    return (int) ((seed >> 16) % PAGES);
}

static void protect(int i) {
    if (mprotect(base + i * page, page, PROT_NONE) != 0) abort();
}

static void unprotect(int i) {
    if (mprotect(base + i * page, page, PROT_READ | PROT_WRITE) != 0) abort();
}

static void on_segv(int signo, siginfo_t *info, void *context) {
    (void) signo;
    (void) context;
    long i = ((char *) info->si_addr - base) / page;
    if (i < 0 || i >= PAGES) _exit(71);
    traps++;
    if (policy == 5) {
        protect(open_page);
        open_page = (int) i;
    }
    unprotect((int) i);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vm N VARIANT\n");
        return 64;
    }
    long n = atol(argv[1]);
    policy = atoi(argv[2]);
    long ops = 0;
    page = sysconf(_SC_PAGESIZE);
    base = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return 70;
    memset(base, 0, PAGES * page);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    volatile char sink = 0;
    switch (policy) {
    case 0:
        begin();
        for (long k = 0; k < n; k++) ops += syscall(SYS_getpid) > 0;
        end();
        break;
    case 1:
        begin();
        for (long k = 0; k < n; k++) {
            protect((int) (k % PAGES));
            unprotect((int) (k % PAGES));
            ops += 2;
        }
        end();
        break;
    case 2:
    case 3:
        for (long k = 0; k < n; k++) {
            if (policy == 2) begin();
            if (mprotect(base, PAGES * page, PROT_NONE) != 0) abort();
            if (policy == 2) end(); else begin();
            if (mprotect(base, PAGES * page, PROT_READ | PROT_WRITE) != 0) abort();
            if (policy == 3) end();
            ops++;
        }
        break;
    case 4:
        begin();
        for (long k = 0; k < n; k++) {
            protect((int) (k % PAGES));
            sink += *(volatile char *) &base[(k % PAGES) * page];
        }
        end();
        ops = traps;
        break;
    case 5:
        if (mprotect(base, PAGES * page, PROT_NONE) != 0) abort();
        unprotect(0);
        begin();
        for (long k = 0; k < n; k++) {
            int r = next_random();
            if (r == open_page) r = (r + 1) % PAGES;
            sink += *(volatile char *) &base[r * page];
        }
        end();
        ops = traps;
        break;
    case 6:
        begin();
        for (long k = 0; k < n; k++) {
            if (mprotect(base, PAGES * page, PROT_NONE) != 0) abort();
            for (int j = 0; j < PAGES; j++) sink += *(volatile char *) &base[(j * SCRAMBLE % PAGES) * page];
        }
        end();
        ops = traps;
        break;
    default:
        fprintf(stderr, "vm: no variant %d\n", policy);
        return 64;
    }
    (void) sink;
    printf("bench ns=%lld ops=%ld\n", total_ns, ops);
    return 0;
}
