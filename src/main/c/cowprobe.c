/*
 * cowprobe: runs a cowscope scenario's operations on the running Linux kernel and reports, after
 * every step, what /proc shows for every page of every live process (docs/host.md).
 *
 * Input (standard input, read completely before anything runs): one command per line, words
 * separated by single spaces; text is percent-encoded (%XX for bytes outside '!'..'~' and for '%').
 *
 *   probe 1                          first line
 *   procs N | pipes N | handles N    how many of each the script uses (indexes 0..N-1)
 *   file F PAGES TEXT                file F: PAGES pages, each holding TEXT
 *   mapping K PAGES                  address slot K (one per mmap statement) and its size
 *   swap on|off                      on: a temporary swapfile when privileged
 *   thp never|madvise|always         MADV_HUGEPAGE / MADV_NOHUGEPAGE policy (see docs/host.md)
 *   fault_around BYTES               /sys/kernel/debug/fault_around_bytes for the run (root, debugfs; restored)
 *   hugetlb N                        reserve N more 2 MiB hugetlb pages for the run (root): /proc/sys/vm/nr_hugepages
 *                                    grows by N under an flock and shrinks by what was added at exit (also on a signal)
 *   mthp KB:MODE...                  anonymous mTHP sizes for the run (root): every hugepages-<KB>kB/enabled of
 *                                    16..1024 kB (a size not listed: never) and the top-level enabled = the thp
 *                                    line's mode; restored at the end, also on SIGINT/SIGTERM/SIGHUP
 *   step ID OP ...                   one step; ID is echoed back (the Java side uses the statement index)
 *
 *   OPs:  spawn P | P mmap K anon|F private|shared rw|ro|none huge(0|1) populate(0|1)
 *         P munmap K FIRST COUNT | P mprotect K FIRST COUNT PROT | P madvise K FIRST COUNT ADVICE
 *         P write K FIRST COUNT TEXT | P read K FIRST COUNT | P readpipe PIPE | P fork CHILD | P exit
 *         P clear_refs | P vmsplice K FIRST COUNT PIPE | P uring K FIRST COUNT H | P unuring H
 *         P poke Q K FIRST COUNT TEXT | P cpu N | dmaread H | dmawrite H TEXT | ksmd N | lru_drain
 *         P uffd_register K FIRST COUNT | P uffd_wp K FIRST COUNT on|off
 *         skip NAME (an operation the probe cannot perform: reported as skipped)
 *
 * Output (standard output):
 *   hello kernel=R root=0|1 pfn=0|1 kpage=0|1 swap=on|off|unavailable:WHY|host softdirty=0|1 thp=MODE cpus=N fa=BYTES|? mthp=set|failed|- hugetlb=set|failed|-
 *   step ID ok|err=ERRNO|skipped=WHY|killed|blocked flt=N|? maj=N|?
 *   val TEXT                              one per page read (read, readpipe, dmaread)
 *   proc P alive|exited|killed pid
 *   page P K I pm=HEX kc=N|- kf=HEX|- vma=-|n|r|w c=TEXT|?
 *   pipe X TEXT...|?                      what a read would return now (tee, no consuming)
 *   handle H TEXT...|?                    what the device would read now (io_uring WRITE_FIXED)
 *   file F I TEXT
 *   end ID
 *   bye
 *
 * Each scenario process is a forked worker that obeys commands from this controller over a pipe
 * pair. Observation never faults or GUPs the observed memory: pagemap, kpagecount, kpageflags and
 * /proc/PID/maps are read here; a page's content is read by its own process with a plain load and
 * only when the page is present in a readable VMA.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/io_uring.h>)
#include <linux/io_uring.h>
#define HAVE_URING 1
#endif
#endif

#define PG 4096L
#define MAXP 64
#define MAXK 256
#define MAXPIPE 64
#define MAXH 64
#define MAXF 32
#define MAXLINES 4096
#define BASE 0x200000000000UL
#define HUGE (2UL << 20)
#define PIPEPAGES 64
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* ------------------------------------------------------------------ shared state */

static int nprocs, npipes, nhandles, nfiles, nmaps;
static long map_pages[MAXK];
static unsigned long map_addr[MAXK];
static long file_pages[MAXF];
static char *file_text[MAXF];
static char file_path[MAXF][512];
static int swap_wanted = 1, thp_mode = 1; /* 0 never 1 madvise 2 always */
static char dir[256];
static char swap_path[512];
static int swap_active;
static int is_root, pfn_ok, kpage_ok, softdirty;
#define FA_PATH "/sys/kernel/debug/fault_around_bytes"
static long fa_wanted = 65536; /* the scenario's fault_around_bytes */
static char fa_saved[32];      /* the host's value, restored at cleanup when fa_touched */
static int fa_touched;
#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
static long hugetlb_wanted;           /* 2 MiB pages the scenario's hugetlb mappings may need (header "hugetlb N") */
static long hugetlb_added;            /* what this run added to nr_hugepages (given back at cleanup) */
static int mthp_wanted;              /* the scenario has mthp lines: the probe sets every anon size and the top level */
static char mthp_spec[256];          /* " 64:always 16:inherit" */
static char mthp_saved[9][16];       /* by order 2..8: the host's setting, restored when mthp_touched[order] */
static int mthp_touched[9];
static char thp_saved[16];
static int thp_touched;
static int cmd_fd[MAXP][2], rep_fd[MAXP][2]; /* controller -> worker, worker -> controller */
static int pipe_fd[MAXPIPE][2];
static int scratch_pipe[2];
static pid_t pid_of[MAXP];
static int state_of[MAXP]; /* 0 none 1 alive 2 exited 3 killed */
static unsigned char knows[MAXP][MAXK];
static int handle_owner[MAXH];
static char *lines[MAXLINES];
static int nlines;
static char ksm_saved[4][32];
static int ksm_touched;

/* ------------------------------------------------------------------ small helpers */

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "error ");
    vfprintf(stdout, fmt, ap);
    fprintf(stdout, "\n");
    va_end(ap);
    fflush(stdout);
    exit(2);
}

static int unhex(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0;
}

/* decodes %XX in place; returns the length */
static size_t decode(char *s) {
    char *o = s, *i = s;
    if (s[0] == '%' && s[1] == 0) { /* "%" alone: the empty string */
        s[0] = 0;
        return 0;
    }
    while (*i) {
        if (*i == '%' && i[1] && i[2]) {
            *o++ = (char)(unhex(i[1]) * 16 + unhex(i[2]));
            i += 3;
        } else {
            *o++ = *i++;
        }
    }
    *o = 0;
    return (size_t)(o - s);
}

static void put_text(FILE *f, const char *s, size_t n) {
    if (n == 0) {
        fputs("%", f); /* "%" alone: the empty string */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > ' ' && c < 0x7f && c != '%') fputc(c, f);
        else fprintf(f, "%%%02X", c);
    }
}

static int read_full(int fd, void *buf, size_t n) {
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    ssize_t r = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : 0;
}

static int read_file_str(const char *path, char *buf, size_t n) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    if (r < 0) return -1;
    buf[r] = 0;
    while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' ')) buf[--r] = 0;
    return 0;
}

static void msleep(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static const char *errname(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ESRCH: return "ESRCH";
    case ENODEV: return "ENODEV";
    default: return "E?";
    }
}

/* ------------------------------------------------------------------ worker side */

enum { C_MMAP = 1, C_MUNMAP, C_MPROTECT, C_MADVISE, C_WRITE, C_READ, C_READPIPE, C_FORK, C_EXIT, C_CLEARREFS,
       C_VMSPLICE, C_URING, C_UNURING, C_POKE, C_CPU, C_DMAREAD, C_DMAWRITE, C_PEEK, C_UFFDREG, C_UFFDWP };

struct cmd {
    int op, slot, a, b, c, d, e;
    long first, count;
    int textlen;
    char text[PG + 1];
    unsigned char mask[4096]; /* C_PEEK: which pages to read */
};

struct reply {
    int status; /* 0 ok, >0 errno, -1 killed (SIGSEGV), -2 skipped, -3 blocked (a write on a uffd-wp page) */
    long minflt, majflt;
    int nvals;
    int child; /* fork: the child's pid */
};

/* everything a worker writes while it runs an operation lives here or on the stack: touched first */
struct wstate {
    struct cmd cmd;
    struct reply rep;
    struct rusage ru0, ru1;
    char page[PG];
    char pipebuf[PIPEPAGES * PG];
    char out[PIPEPAGES * PG + PIPEPAGES * 8];
};
/*
 * One wstate per process index, in a MAP_SHARED region the controller populates before it spawns
 * anything: after a fork nothing in it is copied (shared memory is not COW), so the probe's own
 * bookkeeping allocates no pages that would pass through the per-CPU LRU-add batches the scenario
 * observes. Only one worker runs at a time, and each has its own slot.
 */
static struct wstate *wregion, *W;
static int home_cpu = 0, aux_cpu = 0, ncpus = 1;
static unsigned long slots_end = BASE; /* the scenario's address slots: [BASE, slots_end) */

static int me = -1; /* this worker's process index */
/*
 * userfaultfd write-protect: the worker's one userfaultfd, opened with UFFD_FEATURE_SIGBUS so that a
 * write to a write-protected page raises SIGBUS instead of blocking the single-threaded worker. The
 * step reports "blocked"; the rest of the write stays pending and completes (as the blocked thread
 * would) right after the step that removes the protection.
 */
static int uffd = -1;
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;
static volatile long write_at; /* the page the write has reached */
static struct {
    int pending, slot, textlen;
    long first, count;
    char text[PG + 1];
} blocked;
static int ring_fd[MAXH];
#ifdef HAVE_URING
static struct {
    void *sq, *cq, *sqes;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
    unsigned long base, len;
} ring[MAXH];
#endif

static __attribute__((noinline)) void touch(void) {
    volatile char stack[16 * 1024];
    for (size_t i = 0; i < sizeof stack; i += 512) stack[i] = 0;
    volatile char *w = (volatile char *)W;
    for (size_t i = 0; i < sizeof *W; i += PG) w[i] = w[i];
    errno = 0;
}

/*
 * Maps the probe's own memory in before counting faults: code and read-only data are populated
 * (fork does not copy file PTEs), private writable memory is write-populated (fork write-protects
 * it). Scenario slots (at BASE and above) are left alone.
 */
static void prefault_self(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return;
    static char line[1024];
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) != 3) continue;
        if ((s < slots_end && e > BASE) || strstr(line, "[vvar") || strstr(line, "[vsyscall]") || perms[0] != 'r') continue;
        int adv = perms[1] == 'w' ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
        madvise((void *)s, e - s, adv);
    }
    fclose(f);
}

static void set_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* the probe's own faults (after fork: COW of its stack and data) happen on another CPU than the scenario's */
static void housekeeping(int after_fork) {
    if (ncpus > 1) set_cpu(aux_cpu);
    if (after_fork) prefault_self();
    touch();
    if (ncpus > 1) set_cpu(home_cpu);
}

static void reply_send(size_t outlen) {
    write_full(rep_fd[me][1], &W->rep, sizeof W->rep);
    if (outlen) write_full(rep_fd[me][1], W->out, outlen);
}

static void on_segv(int sig) {
    if (sig == SIGBUS && bus_armed) { /* a write to a uffd-wp page (UFFD_FEATURE_SIGBUS): the writer is blocked */
        bus_armed = 0;
        siglongjmp(bus_jmp, 1);
    }
    getrusage(RUSAGE_SELF, &W->ru1);
    W->rep.status = -1;
    W->rep.minflt = W->ru1.ru_minflt - W->ru0.ru_minflt;
    W->rep.majflt = W->ru1.ru_majflt - W->ru0.ru_majflt;
    W->rep.nvals = 0;
    reply_send(0);
    signal(SIGSEGV, SIG_DFL); /* returning re-runs the access: the process dies of SIGSEGV */
    signal(SIGBUS, SIG_DFL);
}

static int prot_of(int p) {
    return p == 0 ? PROT_READ | PROT_WRITE : p == 1 ? PROT_READ : PROT_NONE;
}

static size_t out_val(size_t at, const char *s, size_t n) {
    int len = (int)n;
    memcpy(W->out + at, &len, sizeof len);
    memcpy(W->out + at + sizeof len, s, n);
    return at + sizeof len + n;
}

#ifdef HAVE_URING
static int uring_rw(int h, int opcode, int fd) {
    unsigned tail = *ring[h].sq_tail, idx = tail & *ring[h].sq_mask;
    struct io_uring_sqe *sqe = (struct io_uring_sqe *)ring[h].sqes + idx;
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = (unsigned char)opcode;
    sqe->fd = fd;
    sqe->addr = ring[h].base;
    sqe->len = (unsigned)ring[h].len;
    sqe->off = (unsigned long long)-1;
    sqe->buf_index = 0;
    ring[h].sq_array[idx] = idx;
    __atomic_store_n(ring[h].sq_tail, tail + 1, __ATOMIC_RELEASE);
    long r = syscall(__NR_io_uring_enter, ring_fd[h], 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    if (r < 0) return -errno;
    unsigned head = *ring[h].cq_head;
    if (head == __atomic_load_n(ring[h].cq_tail, __ATOMIC_ACQUIRE)) return -EAGAIN;
    int res = ring[h].cqes[head & *ring[h].cq_mask].res;
    __atomic_store_n(ring[h].cq_head, head + 1, __ATOMIC_RELEASE);
    return res;
}

static int uring_setup(int h, unsigned long base, unsigned long len) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int fd = (int)syscall(__NR_io_uring_setup, 4, &p);
    if (fd < 0) return errno;
    size_t sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned), cqlen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
    void *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                      IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
        int e = errno;
        close(fd);
        return e;
    }
    ring[h].sq = sq;
    ring[h].cq = cq;
    ring[h].sqes = sqes;
    ring[h].sq_tail = (unsigned *)(sq + p.sq_off.tail);
    ring[h].sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    ring[h].sq_array = (unsigned *)(sq + p.sq_off.array);
    ring[h].cq_head = (unsigned *)(cq + p.cq_off.head);
    ring[h].cq_tail = (unsigned *)(cq + p.cq_off.tail);
    ring[h].cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    ring[h].cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    ring[h].base = base;
    ring[h].len = len;
    ring_fd[h] = fd;
    return 0;
}
#endif

/* runs one command; the fault window is [ru0, ru1] around the operation itself */
/* stores the text at the start of each page (the rest zeroed); -3 when a uffd-wp page blocked it (the rest is then pending) */
static int write_pages(int slot, long first, long count, const char *text, int textlen) {
    unsigned long base = map_addr[slot] + (unsigned long)first * PG;
    write_at = 0;
    if (uffd >= 0) {
        if (sigsetjmp(bus_jmp, 1)) {
            blocked.pending = 1;
            blocked.slot = slot;
            blocked.first = first + write_at;
            blocked.count = count - write_at;
            if (text != blocked.text) memcpy(blocked.text, text, (size_t)textlen);
            blocked.textlen = textlen;
            return -3;
        }
        bus_armed = 1;
    }
    for (; write_at < count; write_at++) {
        char *p = (char *)base + write_at * PG;
        memcpy(p, text, (size_t)textlen);
        memset(p + textlen, 0, (size_t)(PG - textlen));
    }
    bus_armed = 0;
    return 0;
}

static void worker_op(void) {
    struct cmd *c = &W->cmd;
    unsigned long a = c->slot >= 0 ? map_addr[c->slot] + (unsigned long)c->first * PG : 0;
    size_t len = (size_t)c->count * PG, outlen = 0;
    int st = 0, nvals = 0;
    memset(&W->rep, 0, sizeof W->rep);
#ifdef HAVE_URING
    if (c->op == C_URING && (st = uring_setup(c->a, a, len)) != 0) c->op = 0; /* ring memory is populated outside the window */
#endif
    housekeeping(0);
    getrusage(RUSAGE_SELF, &W->ru0);
    switch (c->op) {
    case C_MMAP: {
        int flags = (c->b ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED_NOREPLACE, fd = -1;
        if (c->d == 2) flags |= MAP_HUGETLB; /* HUGE 2: hugetlb (2 MiB pages from the pool; THP advice does not apply) */
        if (c->a < 0) flags |= MAP_ANONYMOUS;
        else if ((fd = open(file_path[c->a], O_RDWR)) < 0) {
            st = errno;
            break;
        }
        void *p = mmap((void *)a, len, prot_of(c->c), flags, fd, 0);
        if (fd >= 0) close(fd);
        if (p == MAP_FAILED) {
            st = errno;
            break;
        }
        int huge = thp_mode == 2 || (thp_mode == 1 && c->d);
        /* with mthp the top-level enabled is the scenario's own: MADV_NOHUGEPAGE would forbid every mTHP size too,
         * and MADV_HUGEPAGE is what the scenario's hugepage asks for (it also enables the "madvise" sizes) */
        if (c->d == 2) {
        } else if (mthp_wanted) {
            if (c->d) madvise(p, len, MADV_HUGEPAGE);
        } else madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        /* MAP_POPULATE's populate_vma_page_range: write faults only where (vm_flags & (VM_WRITE | VM_SHARED)) ==
         * VM_WRITE (to break COW); a shared mapping is read-faulted, "we would not want to dirty them for nothing" */
        if (c->e && c->c != 2 && madvise(p, len, c->c == 0 && !c->b ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) < 0) st = errno;
        break;
    }
    case C_MUNMAP: if (munmap((void *)a, len) < 0) st = errno; break;
    case C_MPROTECT: if (mprotect((void *)a, len, prot_of(c->a)) < 0) st = errno; break;
    case C_MADVISE: if (madvise((void *)a, len, c->a) < 0) st = errno; break;
    case C_WRITE:
        st = write_pages(c->slot, c->first, c->count, c->text, c->textlen);
        break;
    case C_UFFDREG: {
        if (uffd < 0) {
            int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
            if (fd < 0 && errno == EINVAL) fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK); /* before 5.11 */
            if (fd < 0) {
                st = errno;
                break;
            }
            struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURE_SIGBUS};
            if (ioctl(fd, UFFDIO_API, &api) < 0) {
                st = errno;
                close(fd);
                break;
            }
            uffd = fd;
        }
        struct uffdio_register reg = {.range = {.start = a, .len = len}, .mode = UFFDIO_REGISTER_MODE_WP};
        if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0) st = errno;
        break;
    }
    case C_UFFDWP: {
        if (uffd < 0) {
            st = EINVAL;
            break;
        }
        struct uffdio_writeprotect wp = {.range = {.start = a, .len = len}, .mode = c->a ? UFFDIO_WRITEPROTECT_MODE_WP : 0};
        if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) < 0) st = errno;
        else if (!c->a && blocked.pending) { /* the monitor woke the blocked writer: its write completes now */
            blocked.pending = 0;
            if (write_pages(blocked.slot, blocked.first, blocked.count, blocked.text, blocked.textlen) == -3) st = 0;
        }
        break;
    }
    case C_READ:
        for (long i = 0; i < c->count; i++) {
            const volatile char *p = (const volatile char *)a + i * PG;
            size_t n = 0;
            while (n < PG && p[n]) W->page[n] = p[n], n++;
            outlen = out_val(outlen, W->page, n);
            nvals++;
        }
        break;
    case C_READPIPE: {
        ssize_t r = read(pipe_fd[c->a][0], W->pipebuf, sizeof W->pipebuf);
        if (r < 0) {
            st = errno == EAGAIN ? 0 : errno;
            r = 0;
        }
        for (ssize_t at = 0; at < r; at += PG) {
            size_t n = strnlen(W->pipebuf + at, (size_t)(r - at < PG ? r - at : PG));
            outlen = out_val(outlen, W->pipebuf + at, n);
            nvals++;
        }
        break;
    }
    case C_FORK: {
        pid_t p = fork();
        if (p < 0) {
            st = errno;
            break;
        }
        if (p == 0) {
            me = c->a;
            W = wregion + me;
            /* the child's VMAs are not registered with the parent's userfaultfd (no UFFD_FEATURE_EVENT_FORK) */
            if (uffd >= 0) close(uffd), uffd = -1;
            blocked.pending = 0;
            housekeeping(1);
            W->rep.status = 0;
            W->rep.child = getpid();
            reply_send(0); /* hello from the child on its own channel */
            return;
        }
        W->rep.child = p;
        housekeeping(1);
        break;
    }
    case C_EXIT:
        getrusage(RUSAGE_SELF, &W->ru1);
        reply_send(0);
        _exit(0);
    case C_CLEARREFS: {
        int fd = open("/proc/self/clear_refs", O_WRONLY);
        if (fd < 0 || write(fd, "4", 1) < 0) st = errno;
        if (fd >= 0) close(fd);
        break;
    }
    case C_VMSPLICE: {
        struct iovec iov = {(void *)a, len};
        while (iov.iov_len) {
            ssize_t r = vmsplice(pipe_fd[c->a][1], &iov, 1, SPLICE_F_NONBLOCK);
            if (r < 0) {
                st = errno;
                break;
            }
            iov.iov_base = (char *)iov.iov_base + r;
            iov.iov_len -= (size_t)r;
        }
        break;
    }
    case C_URING:
#ifdef HAVE_URING
    {
        struct iovec iov = {(void *)a, len};
        if (syscall(__NR_io_uring_register, ring_fd[c->a], IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
            st = errno;
            close(ring_fd[c->a]);
            ring_fd[c->a] = -1;
        }
    }
#else
        st = -2;
#endif
        break;
    case C_UNURING:
        if (ring_fd[c->a] < 0) st = EBADF;
        else {
#ifdef HAVE_URING
            if (syscall(__NR_io_uring_register, ring_fd[c->a], IORING_UNREGISTER_BUFFERS, NULL, 0) < 0) st = errno;
#endif
            close(ring_fd[c->a]);
            ring_fd[c->a] = -1;
        }
        break;
    case C_POKE: {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", c->b);
        int fd = open(path, O_RDWR);
        if (fd < 0) {
            st = errno;
            break;
        }
        memset(W->page, 0, PG);
        memcpy(W->page, c->text, (size_t)c->textlen);
        for (long i = 0; i < c->count && !st; i++)
            if (pwrite(fd, W->page, PG, (off_t)(a + (unsigned long)i * PG)) != PG) st = errno ? errno : EIO;
        close(fd);
        break;
    }
    case C_CPU: {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(c->a, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0) st = errno;
        else {
            home_cpu = c->a;
            aux_cpu = ncpus > 1 ? (home_cpu + 1) % ncpus : home_cpu;
        }
        break;
    }
    case C_DMAREAD: /* the device reads the pinned pages: io_uring WRITE_FIXED into a pipe */
#ifdef HAVE_URING
    {
        if (ring_fd[c->a] < 0) {
            st = EBADF;
            break;
        }
        int r = uring_rw(c->a, IORING_OP_WRITE_FIXED, scratch_pipe[1]);
        if (r < 0) {
            st = -r;
            break;
        }
        ssize_t n = read(scratch_pipe[0], W->pipebuf, (size_t)r);
        for (ssize_t at = 0; at < n; at += PG) {
            size_t k = strnlen(W->pipebuf + at, (size_t)(n - at < PG ? n - at : PG));
            outlen = out_val(outlen, W->pipebuf + at, k);
            nvals++;
        }
    }
#else
        st = -2;
#endif
        break;
    case C_DMAWRITE:
#ifdef HAVE_URING
    {
        if (ring_fd[c->a] < 0) {
            st = EBADF;
            break;
        }
        size_t total = ring[c->a].len;
        memset(W->pipebuf, 0, total);
        for (size_t at = 0; at < total; at += PG) memcpy(W->pipebuf + at, c->text, (size_t)c->textlen);
        if (write_full(scratch_pipe[1], W->pipebuf, total) < 0) {
            st = errno;
            break;
        }
        int r = uring_rw(c->a, IORING_OP_READ_FIXED, scratch_pipe[0]);
        if (r < 0) st = -r;
    }
#else
        st = -2;
#endif
        break;
    case C_PEEK: /* observation: plain loads of present pages in readable VMAs, outside the fault window */
        for (long i = 0; i < c->count; i++) {
            if (!c->mask[i]) continue;
            const volatile char *p = (const volatile char *)a + i * PG;
            size_t n = 0;
            while (n < PG && p[n]) W->page[n] = p[n], n++;
            outlen = out_val(outlen, W->page, n);
            nvals++;
        }
        break;
    }
    getrusage(RUSAGE_SELF, &W->ru1);
    W->rep.status = st;
    W->rep.minflt = W->ru1.ru_minflt - W->ru0.ru_minflt;
    W->rep.majflt = W->ru1.ru_majflt - W->ru0.ru_majflt;
    W->rep.nvals = nvals;
    reply_send(outlen);
}

static void worker_loop(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int who = me;
        if (read_full(cmd_fd[who][0], &W->cmd, sizeof W->cmd) < 0) _exit(0);
        worker_op();
    }
}

/* ------------------------------------------------------------------ controller side */

static int n_children;
static pid_t direct_children[MAXP];

static void ksm_restore(void);

/* the [selected] word of a sysfs THP setting, or "" */
static void selected(const char *path, char *out, size_t n) {
    char b[128];
    out[0] = 0;
    if (read_file_str(path, b, sizeof b) < 0) return;
    char *l = strchr(b, '['), *r = l ? strchr(l, ']') : NULL;
    if (l && r) {
        *r = 0;
        snprintf(out, n, "%s", l + 1);
    }
}

/* mthp: the top-level enabled becomes the thp line's mode, each anonymous size 16..1024 kB the scenario's mode
 * (never when not listed); the previous values are saved for cleanup(). 1 when everything asked for is in force. */
static int setup_mthp(void) {
    int ok = 1;
    const char *top = thp_mode == 0 ? "never" : thp_mode == 2 ? "always" : "madvise";
    selected(THP_DIR "/enabled", thp_saved, sizeof thp_saved);
    if (!thp_saved[0]) return 0;
    if (strcmp(thp_saved, top)) {
        if (write_file(THP_DIR "/enabled", top) == 0) thp_touched = 1;
        else ok = 0;
    }
    for (int o = 2; o <= 8; o++) {
        int kb = 4 << o;
        char key[16], path[128], want[16] = "never";
        snprintf(key, sizeof key, " %d:", kb);
        char *at = strstr(mthp_spec, key);
        if (at) sscanf(at + strlen(key), "%15[a-z]", want);
        snprintf(path, sizeof path, THP_DIR "/hugepages-%dkB/enabled", kb);
        selected(path, mthp_saved[o], sizeof mthp_saved[o]);
        if (!mthp_saved[o][0]) {
            if (strcmp(want, "never")) ok = 0; /* the kernel has no such size */
            continue;
        }
        if (strcmp(mthp_saved[o], want)) {
            if (write_file(path, want) == 0) mthp_touched[o] = 1;
            else ok = 0;
        }
    }
    return ok;
}

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

/* nr_hugepages is machine-wide and other probes may change it at the same time: read-modify-write under a flock */
static int hugetlb_lock(void) {
    const char *locks[] = {getenv("COWSCOPE_PROBE_LOCKDIR"), "/run/lock", "/var/tmp", "/tmp"};
    int fd = -1;
    for (int i = 0; i < 4 && fd < 0; i++) {
        if (!locks[i] || !locks[i][0]) continue;
        char path[160];
        snprintf(path, sizeof path, "%s/cowprobe-hugetlb.lock", locks[i]);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    }
    if (fd >= 0)
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR) {
        }
    return fd;
}

static long meminfo_value(const char *key) {
    char b[8192];
    if (read_file_str("/proc/meminfo", b, sizeof b) < 0) return -1;
    char *at = strstr(b, key);
    return at ? atol(at + strlen(key)) : -1;
}

/* hugetlb: grow the pool by the scenario's need; 1 when that many pages are free afterwards */
static int setup_hugetlb(void) {
    int fd = hugetlb_lock();
    char b[64];
    int ok = 0;
    if (read_file_str(NR_HUGEPAGES, b, sizeof b) == 0) {
        long cur = atol(b);
        char want[32];
        snprintf(want, sizeof want, "%ld", cur + hugetlb_wanted);
        write_file(NR_HUGEPAGES, want); /* the kernel may allocate fewer (fragmented memory): read what it did */
        if (read_file_str(NR_HUGEPAGES, b, sizeof b) == 0 && atol(b) > cur) hugetlb_added = atol(b) - cur;
        ok = meminfo_value("HugePages_Free:") >= hugetlb_wanted;
    }
    if (fd >= 0) close(fd);
    return ok;
}

static void restore_hugetlb(void) {
    if (hugetlb_added <= 0) return;
    int fd = hugetlb_lock();
    char b[64];
    if (read_file_str(NR_HUGEPAGES, b, sizeof b) == 0) {
        long cur = atol(b) - hugetlb_added;
        char want[32];
        snprintf(want, sizeof want, "%ld", cur < 0 ? 0 : cur);
        write_file(NR_HUGEPAGES, want);
    }
    hugetlb_added = 0;
    if (fd >= 0) close(fd);
}

static void cleanup(void) {
    for (int p = 0; p < nprocs; p++)
        if (pid_of[p] > 0 && state_of[p] == 1) kill(pid_of[p], SIGKILL);
    for (int i = 0; i < 200; i++) {
        int alive = 0;
        for (int p = 0; p < nprocs; p++) {
            if (pid_of[p] <= 0) continue;
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/stat", pid_of[p]);
            char b[256];
            if (read_file_str(path, b, sizeof b) == 0) {
                char *rp = strrchr(b, ')');
                if (rp && rp[2] != 'Z' && rp[2] != 'X') alive = 1;
            }
        }
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        if (!alive) break;
        msleep(10);
    }
    ksm_restore();
    restore_hugetlb(); /* after the workers are gone: pages still mapped would stay as surplus pages */
    if (fa_touched) {
        write_file(FA_PATH, fa_saved);
        fa_touched = 0;
    }
    for (int o = 2; o <= 8; o++)
        if (mthp_touched[o]) {
            char path[128];
            snprintf(path, sizeof path, THP_DIR "/hugepages-%dkB/enabled", 4 << o);
            write_file(path, mthp_saved[o]);
            mthp_touched[o] = 0;
        }
    if (thp_touched) {
        write_file(THP_DIR "/enabled", thp_saved);
        thp_touched = 0;
    }
    if (swap_active) {
        swapoff(swap_path);
        swap_active = 0;
    }
    if (swap_path[0]) unlink(swap_path);
    for (int f = 0; f < nfiles; f++)
        if (file_path[f][0]) unlink(file_path[f]);
    if (dir[0]) rmdir(dir);
    dir[0] = 0;
}

static void on_signal(int sig) {
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void setup_swap(char *why, size_t n) {
    const char *bases[] = {getenv("COWSCOPE_PROBE_SWAPDIR"), "/var/tmp", dir, NULL};
    long pages = 2048; /* 8 MiB */
    for (int b = 0; b < 3; b++) {
        if (!bases[b] || !bases[b][0]) continue;
        snprintf(swap_path, sizeof swap_path, "%s/cowprobe-swap.%d", bases[b], getpid());
        int fd = open(swap_path, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd < 0) {
            snprintf(why, n, "cannot create %.200s: %s", swap_path, strerror(errno));
            swap_path[0] = 0;
            continue;
        }
        int ok = fallocate(fd, 0, 0, pages * PG) == 0;
        if (!ok) { /* a file system without fallocate: write zeros */
            static char buf[1 << 20];
            memset(buf, 0, sizeof buf);
            ok = 1;
            for (long i = 0; i < pages * PG && ok; i += (long)sizeof buf) ok = write_full(fd, buf, sizeof buf) == 0;
        }
        /* the swap header: version 1, last page, magic at the end of page 0 */
        char hdr[PG];
        memset(hdr, 0, sizeof hdr);
        uint32_t version = 1, last = (uint32_t)(pages - 1);
        memcpy(hdr + 1024, &version, 4);
        memcpy(hdr + 1028, &last, 4);
        memcpy(hdr + PG - 10, "SWAPSPACE2", 10);
        ok = ok && pwrite(fd, hdr, PG, 0) == PG && fsync(fd) == 0;
        close(fd);
        if (!ok) {
            snprintf(why, n, "cannot write %.200s", swap_path);
            unlink(swap_path);
            swap_path[0] = 0;
            continue;
        }
        if (swapon(swap_path, SWAP_FLAG_PREFER | (32767 & SWAP_FLAG_PRIO_MASK)) < 0) {
            snprintf(why, n, "swapon %.200s: %s", swap_path, strerror(errno));
            unlink(swap_path);
            swap_path[0] = 0;
            continue;
        }
        swap_active = 1;
        return;
    }
}

static int host_has_swap(void) {
    char b[4096];
    if (read_file_str("/proc/swaps", b, sizeof b) < 0) return 0;
    return strchr(b, '\n') != NULL;
}

static int ctl_send(int p, struct cmd *c) {
    return write_full(cmd_fd[p][1], c, sizeof *c);
}

static char proc_state_char(pid_t pid) {
    char path[64], b[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_file_str(path, b, sizeof b) < 0) return 'X';
    char *rp = strrchr(b, ')');
    return rp ? rp[2] : '?';
}

static char *vals; /* values of the last reply */
static size_t vals_len;
static int vals_n;

/* waits for a reply from worker p; 0 ok, -1 the worker died without answering */
static int ctl_recv(int p, struct reply *r) {
    /* a worker that dies without answering (anything but SIGSEGV, which answers) is noticed by polling */
    for (int waited = 0;; waited += 200) {
        struct pollfd pf = {rep_fd[p][0], POLLIN, 0};
        int n = poll(&pf, 1, 200);
        if (n > 0) break;
        if (n < 0 && errno != EINTR) return -1;
        if (pid_of[p] > 0) {
            char c = proc_state_char(pid_of[p]);
            if (c == 'Z' || c == 'X') return -1;
        }
        if (waited > 20000) return -1;
    }
    if (read_full(rep_fd[p][0], r, sizeof *r) < 0) return -1;
    vals_n = r->nvals;
    vals_len = 0;
    for (int i = 0; i < r->nvals; i++) {
        int len;
        if (read_full(rep_fd[p][0], &len, sizeof len) < 0) return -1;
        vals = realloc(vals, vals_len + sizeof len + (size_t)len);
        memcpy(vals + vals_len, &len, sizeof len);
        if (read_full(rep_fd[p][0], vals + vals_len + sizeof len, (size_t)len) < 0) return -1;
        vals_len += sizeof len + (size_t)len;
    }
    return 0;
}

static void print_vals(const char *tag) {
    size_t at = 0;
    for (int i = 0; i < vals_n; i++) {
        int len;
        memcpy(&len, vals + at, sizeof len);
        printf("%s ", tag);
        put_text(stdout, vals + at + sizeof len, (size_t)len);
        printf("\n");
        at += sizeof len + (size_t)len;
    }
}


static void wait_dead(int p) {
    for (int i = 0; i < 500; i++) {
        char c = proc_state_char(pid_of[p]);
        if (c == 'Z' || c == 'X') break;
        msleep(2);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

/* pagemap + kpage look-ups */
static int kpc_fd = -1, kpf_fd = -1;

static uint64_t kread(int fd, uint64_t pfn, int *ok) {
    uint64_t v = 0;
    *ok = fd >= 0 && pread(fd, &v, 8, (off_t)(pfn * 8)) == 8;
    return v;
}

struct vma { unsigned long s, e; char r, w; };

static int read_maps(pid_t pid, struct vma *v, int max) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int n = 0;
    char line[1024];
    while (n < max && fgets(line, sizeof line, f)) {
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &v[n].s, &v[n].e, perms) == 3 && v[n].s < slots_end && v[n].e > BASE) {
            v[n].r = perms[0];
            v[n].w = perms[1];
            n++;
        }
    }
    fclose(f);
    return n;
}

static uint64_t last_pfn[MAXP][MAXK][1]; /* unused placeholder for layout clarity */

static struct cmd ccmd;

static void observe(int id) {
    static struct vma vm[4096];
    static uint64_t pm[1 << 20 / 8 * 8];
    for (int p = 0; p < nprocs; p++) {
        if (!state_of[p]) continue;
        printf("proc %d %s %d\n", p, state_of[p] == 1 ? "alive" : state_of[p] == 2 ? "exited" : "killed", pid_of[p]);
        if (state_of[p] != 1) continue;
        int nv = read_maps(pid_of[p], vm, 4096);
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/pagemap", pid_of[p]);
        int fd = open(path, O_RDONLY);
        for (int k = 0; k < nmaps; k++) {
            if (!knows[p][k]) continue;
            long n = map_pages[k];
            memset(pm, 0, (size_t)n * 8);
            if (fd >= 0) {
                ssize_t got = pread(fd, pm, (size_t)n * 8, (off_t)(map_addr[k] / PG * 8));
                (void)got;
            }
            memset(&ccmd, 0, sizeof ccmd);
            ccmd.op = C_PEEK;
            ccmd.slot = k;
            ccmd.first = 0;
            ccmd.count = n;
            char vmaflag[4096];
            int any = 0;
            for (long i = 0; i < n; i++) {
                unsigned long a = map_addr[k] + (unsigned long)i * PG;
                char f = '-';
                for (int j = 0; j < nv; j++)
                    if (a >= vm[j].s && a < vm[j].e) f = vm[j].w == 'w' ? 'w' : vm[j].r == 'r' ? 'r' : 'n';
                vmaflag[i] = f;
                int present = (pm[i] >> 63) & 1;
                if (present && (f == 'r' || f == 'w') && i < 4096) {
                    ccmd.mask[i] = 1;
                    any = 1;
                }
            }
            struct reply r;
            size_t at = 0;
            int have = 0;
            if (any) {
                ctl_send(p, &ccmd);
                have = ctl_recv(p, &r) == 0;
            }
            for (long i = 0; i < n; i++) {
                uint64_t w = pm[i];
                printf("page %d %d %ld pm=%llx", p, k, i, (unsigned long long)w);
                uint64_t pfn = w & ((1ULL << 55) - 1);
                if ((w >> 63) & 1 && pfn_ok && pfn) {
                    int ok1, ok2;
                    uint64_t kc = kread(kpc_fd, pfn, &ok1), kf = kread(kpf_fd, pfn, &ok2);
                    if (ok1) printf(" kc=%llu", (unsigned long long)kc);
                    else printf(" kc=-");
                    if (ok2) printf(" kf=%llx", (unsigned long long)kf);
                    else printf(" kf=-");
                } else {
                    printf(" kc=- kf=-");
                }
                printf(" vma=%c c=", vmaflag[i]);
                if (have && ccmd.mask[i]) {
                    int len;
                    memcpy(&len, vals + at, sizeof len);
                    put_text(stdout, vals + at + sizeof len, (size_t)len);
                    at += sizeof len + (size_t)len;
                } else {
                    printf("?");
                }
                printf("\n");
            }
        }
        if (fd >= 0) close(fd);
    }
    /* pipes: tee duplicates the buffers (page references), the copy is read, the pipe keeps its data */
    for (int x = 0; x < npipes; x++) {
        printf("pipe %d", x);
        static char buf[PIPEPAGES * PG];
        ssize_t t = tee(pipe_fd[x][0], scratch_pipe[1], sizeof buf, SPLICE_F_NONBLOCK);
        if (t < 0 && errno != EAGAIN) {
            printf(" ?\n");
            continue;
        }
        ssize_t n = t > 0 ? read(scratch_pipe[0], buf, (size_t)t) : 0;
        for (ssize_t at = 0; at < n; at += PG) {
            printf(" ");
            put_text(stdout, buf + at, strnlen(buf + at, (size_t)(n - at < PG ? n - at : PG)));
        }
        printf("\n");
    }
    for (int h = 0; h < nhandles; h++) {
        int o = handle_owner[h];
        if (o < 0) continue;
        if (state_of[o] != 1) {
            printf("handle %d ?\n", h);
            continue;
        }
        memset(&ccmd, 0, sizeof ccmd);
        ccmd.op = C_DMAREAD;
        ccmd.slot = -1;
        ccmd.a = h;
        struct reply r;
        ctl_send(o, &ccmd);
        if (ctl_recv(o, &r) < 0 || r.status != 0) {
            printf("handle %d ?\n", h);
            continue;
        }
        printf("handle %d", h);
        size_t at = 0;
        for (int i = 0; i < vals_n; i++) {
            int len;
            memcpy(&len, vals + at, sizeof len);
            printf(" ");
            put_text(stdout, vals + at + sizeof len, (size_t)len);
            at += sizeof len + (size_t)len;
        }
        printf("\n");
    }
    for (int f = 0; f < nfiles; f++) {
        int fd = open(file_path[f], O_RDONLY);
        for (long i = 0; i < file_pages[f]; i++) {
            char buf[PG + 1];
            ssize_t n = fd >= 0 ? pread(fd, buf, PG, (off_t)(i * PG)) : -1;
            printf("file %d %ld ", f, i);
            if (n < 0) printf("?");
            else put_text(stdout, buf, strnlen(buf, (size_t)n));
            printf("\n");
        }
        if (fd >= 0) close(fd);
    }
    printf("end %d\n", id);
    if (fflush(stdout) != 0 || ferror(stdout)) { /* the reader is gone (Ctrl-C of the Java side): stop and clean up */
        cleanup();
        _exit(3);
    }
}

static pid_t spawn_worker(int p) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        me = p;
        W = wregion + me;
        home_cpu = 0;
        set_cpu(0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        housekeeping(1);
        worker_loop();
        _exit(0);
    }
    direct_children[n_children++] = pid;
    return pid;
}

static int advice_of(const char *w) {
    static const struct { const char *w; int a; } t[] = {
        {"dontneed", MADV_DONTNEED}, {"dontfork", MADV_DONTFORK}, {"dofork", MADV_DOFORK}, {"wipeonfork", 18},
        {"keeponfork", 19}, {"mergeable", MADV_MERGEABLE}, {"unmergeable", MADV_UNMERGEABLE}, {"pageout", MADV_PAGEOUT},
        {"hugepage", MADV_HUGEPAGE}, {"nohugepage", MADV_NOHUGEPAGE}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].w, w)) return t[i].a;
    return -1;
}

static int prot_word(const char *w) {
    return !strcmp(w, "rw") ? 0 : !strcmp(w, "ro") ? 1 : 2;
}

/* whether a scenario process has made memory mergeable (its mm is then on ksmd's list for good) */
static int ksm_registered;

/*
 * The ksm settings are machine-wide, and several probes may run at once (parallel test runs): each ksmd step
 * takes an exclusive flock, saves the settings, switches ksmd on, and restores them before it lets go. Saving
 * once per run and restoring at exit let a probe that started its ksmd step while another one's was running save
 * that one's temporary settings (run 1, no sleep) and "restore" them for good: ksmd then scanned nonstop, and
 * every scan drains every CPU's LRU batches (lru_add_drain_all), perturbing every later observation.
 */
static int ksm_lock_fd = -1;

static void ksm_restore(void) {
    if (ksm_touched) {
        write_file("/sys/kernel/mm/ksm/run", ksm_saved[0]);
        write_file("/sys/kernel/mm/ksm/sleep_millisecs", ksm_saved[1]);
        write_file("/sys/kernel/mm/ksm/pages_to_scan", ksm_saved[2]);
        if (ksm_saved[3][0]) write_file("/sys/kernel/mm/ksm/smart_scan", ksm_saved[3]);
        ksm_touched = 0;
    }
    if (ksm_lock_fd >= 0) {
        close(ksm_lock_fd); /* releases the flock */
        ksm_lock_fd = -1;
    }
}

static void ksm_scans(int n, int *st) {
    const char *d = "/sys/kernel/mm/ksm/";
    char path[128], b[64];
    const char *locks[] = {getenv("COWSCOPE_PROBE_LOCKDIR"), "/run/lock", "/var/tmp", "/tmp", NULL};
    for (int i = 0; i < 4 && ksm_lock_fd < 0; i++) {
        if (!locks[i] || !locks[i][0]) continue;
        snprintf(path, sizeof path, "%s/cowprobe-ksm.lock", locks[i]);
        ksm_lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    }
    if (ksm_lock_fd >= 0) {
        while (flock(ksm_lock_fd, LOCK_EX) < 0 && errno == EINTR) {
        }
    }
    const char *names[] = {"run", "sleep_millisecs", "pages_to_scan", "smart_scan"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s%s", d, names[i]);
        if (read_file_str(path, ksm_saved[i], sizeof ksm_saved[i]) < 0) {
            if (i < 3) {
                *st = errno;
                ksm_restore();
                return;
            }
            ksm_saved[i][0] = 0;
        }
    }
    ksm_touched = 1;
    snprintf(path, sizeof path, "%ssmart_scan", d);
    write_file(path, "0");
    snprintf(path, sizeof path, "%ssleep_millisecs", d);
    write_file(path, "0");
    snprintf(path, sizeof path, "%spages_to_scan", d);
    write_file(path, "100000");
    snprintf(path, sizeof path, "%sfull_scans", d);
    if (read_file_str(path, b, sizeof b) < 0) {
        *st = errno;
        ksm_restore();
        return;
    }
    long start = atol(b);
    snprintf(path, sizeof path, "%srun", d);
    if (write_file(path, "1") < 0) {
        *st = errno;
        ksm_restore();
        return;
    }
    snprintf(path, sizeof path, "%sfull_scans", d);
    /*
     * ksmd runs only while some mm is on its list (ksmd_should_run): when no scenario process made
     * memory mergeable and no scan completes within 100 ms, nothing on this machine is registered,
     * ksmd stays asleep and cannot touch the scenario's pages; waiting the full 5 s changes nothing.
     */
    int limit = ksm_registered ? 5000 : 100;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (read_file_str(path, b, sizeof b) == 0) {
            long now = atol(b);
            if (now >= start + n) break;
            if (now > start) limit = 5000; /* ksmd is scanning: wait for the N scans */
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= limit) break;
        msleep(1);
    }
    snprintf(path, sizeof path, "%srun", d);
    write_file(path, "0");
    ksm_restore();
}

/*
 * Drains every CPU's LRU-add batch. migrate_pages(2) from node 0 to node 0 moves nothing but starts
 * with lru_cache_disable(), which drains all CPUs (kernel/mm do_migrate_pages); without NUMA support,
 * mlock(2) (which drained all CPUs in older kernels) is the fallback.
 */
static void lru_drain_all(int *st) {
    unsigned long nodes = 1;
    if (syscall(SYS_migrate_pages, 0, 8 * sizeof nodes, &nodes, &nodes) >= 0) return;
    static char page[PG] __attribute__((aligned(4096)));
    page[0] = 1;
    if (mlock(page, PG) < 0) *st = errno;
    else munlock(page, PG);
}

/* waits until the frames that held the paged-out pages are neither under writeback nor locked */
static uint64_t before_pfn[4096];
static int before_n;

static void wait_writeback(void) {
    if (!kpage_ok) {
        msleep(50);
        return;
    }
    for (int i = 0; i < before_n; i++) {
        for (int t = 0; t < 2000; t++) {
            int ok;
            uint64_t f = kread(kpf_fd, before_pfn[i], &ok);
            if (!ok || !(f & ((1ULL << 8) | 1ULL))) break;
            msleep(1);
        }
    }
}

static void remember_pfns(int p, int k, long first, long count) {
    before_n = 0;
    if (!pfn_ok || state_of[p] != 1) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/pagemap", pid_of[p]);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    for (long i = 0; i < count && before_n < 4096; i++) {
        uint64_t w;
        if (pread(fd, &w, 8, (off_t)((map_addr[k] / PG + (unsigned long)(first + i)) * 8)) == 8 && (w >> 63) && (w & ((1ULL << 55) - 1)))
            before_pfn[before_n++] = w & ((1ULL << 55) - 1);
    }
    close(fd);
}

static void run_step(char *line) {
    char *save, *tok[16];
    int nt = 0;
    for (char *t = strtok_r(line, " ", &save); t && nt < 16; t = strtok_r(NULL, " ", &save)) tok[nt++] = t;
    int id = atoi(tok[1]);
    int st = 0;
    int faults_known = 1;
    struct reply r;
    memset(&r, 0, sizeof r);
    vals_n = 0;
    const char *op = tok[2];
    if (!strcmp(op, "skip")) {
        printf("step %d skipped=%s flt=? maj=?\n", id, nt > 3 ? tok[3] : "?");
        observe(id);
        return;
    }
    if (!strcmp(op, "spawn")) {
        int p = atoi(tok[3]);
        pid_t pid = spawn_worker(p);
        if (pid < 0) st = errno;
        else {
            pid_of[p] = pid;
            state_of[p] = 1;
        }
        printf("step %d %s%s flt=? maj=?\n", id, st ? "err=" : "ok", st ? errname(st) : "");
        observe(id);
        return;
    }
    if (!strcmp(op, "ksmd") || !strcmp(op, "lru_drain") || !strcmp(op, "dmaread") || !strcmp(op, "dmawrite")) {
        if (!strcmp(op, "ksmd")) {
            if (!is_root) st = EPERM;
            else ksm_scans(atoi(tok[3]), &st);
            printf("step %d %s%s flt=? maj=?\n", id, st ? "err=" : "ok", st ? errname(st) : "");
        } else if (!strcmp(op, "lru_drain")) {
            lru_drain_all(&st);
            printf("step %d %s%s flt=? maj=?\n", id, st ? "err=" : "ok", st ? errname(st) : "");
        } else {
            int h = atoi(tok[3]), o = handle_owner[h];
            if (o < 0 || state_of[o] != 1) {
                printf("step %d err=EBADF flt=? maj=?\n", id);
            } else {
                memset(&ccmd, 0, sizeof ccmd);
                ccmd.op = !strcmp(op, "dmaread") ? C_DMAREAD : C_DMAWRITE;
                ccmd.slot = -1;
                ccmd.a = h;
                if (nt > 4) {
                    ccmd.textlen = (int)decode(tok[4]);
                    memcpy(ccmd.text, tok[4], (size_t)ccmd.textlen);
                }
                ctl_send(o, &ccmd);
                if (ctl_recv(o, &r) < 0) r.status = EIO;
                if (r.status == -2) printf("step %d skipped=io_uring-headers-missing flt=? maj=?\n", id);
                else printf("step %d %s%s flt=? maj=?\n", id, r.status ? "err=" : "ok", r.status ? errname(r.status) : "");
                if (ccmd.op == C_DMAREAD && r.status == 0) print_vals("val");
            }
        }
        observe(id);
        return;
    }
    int p = atoi(tok[2]);
    op = tok[3];
    if (state_of[p] != 1) {
        printf("step %d err=ESRCH flt=? maj=?\n", id);
        observe(id);
        return;
    }
    memset(&ccmd, 0, sizeof ccmd);
    ccmd.slot = -1;
    int k = -1, child = -1, pageout = 0;
    if (!strcmp(op, "mmap")) {
        ccmd.op = C_MMAP;
        k = ccmd.slot = atoi(tok[4]);
        ccmd.first = 0;
        ccmd.count = map_pages[k];
        ccmd.a = !strcmp(tok[5], "anon") ? -1 : atoi(tok[5]);
        ccmd.b = !strcmp(tok[6], "shared");
        ccmd.c = prot_word(tok[7]);
        ccmd.d = atoi(tok[8]);
        ccmd.e = atoi(tok[9]);
    } else if (!strcmp(op, "munmap") || !strcmp(op, "mprotect") || !strcmp(op, "madvise") || !strcmp(op, "write") ||
               !strcmp(op, "read") || !strcmp(op, "vmsplice") || !strcmp(op, "uring") || !strcmp(op, "uffd_register") ||
               !strcmp(op, "uffd_wp")) {
        k = ccmd.slot = atoi(tok[4]);
        ccmd.first = atol(tok[5]);
        ccmd.count = atol(tok[6]);
        if (!strcmp(op, "munmap")) ccmd.op = C_MUNMAP;
        else if (!strcmp(op, "mprotect")) ccmd.op = C_MPROTECT, ccmd.a = prot_word(tok[7]);
        else if (!strcmp(op, "madvise")) {
            ccmd.op = C_MADVISE;
            ccmd.a = advice_of(tok[7]);
            if (ccmd.a == MADV_PAGEOUT) {
                pageout = 1;
                remember_pfns(p, k, ccmd.first, ccmd.count);
            }
        } else if (!strcmp(op, "write")) {
            ccmd.op = C_WRITE;
            ccmd.textlen = (int)decode(tok[7]);
            memcpy(ccmd.text, tok[7], (size_t)ccmd.textlen);
        } else if (!strcmp(op, "read")) ccmd.op = C_READ;
        else if (!strcmp(op, "vmsplice")) ccmd.op = C_VMSPLICE, ccmd.a = atoi(tok[7]);
        else if (!strcmp(op, "uffd_register")) ccmd.op = C_UFFDREG;
        else if (!strcmp(op, "uffd_wp")) ccmd.op = C_UFFDWP, ccmd.a = nt > 7 && !strcmp(tok[7], "on");
        else {
            ccmd.op = C_URING;
            ccmd.a = atoi(tok[7]);
        }
    } else if (!strcmp(op, "poke")) {
        int q = atoi(tok[4]);
        ccmd.op = C_POKE;
        k = ccmd.slot = atoi(tok[5]);
        ccmd.first = atol(tok[6]);
        ccmd.count = atol(tok[7]);
        ccmd.b = q >= 0 && q < nprocs ? pid_of[q] : -1;
        ccmd.textlen = (int)decode(tok[8]);
        memcpy(ccmd.text, tok[8], (size_t)ccmd.textlen);
    } else if (!strcmp(op, "readpipe")) {
        ccmd.op = C_READPIPE;
        ccmd.a = atoi(tok[4]);
    } else if (!strcmp(op, "fork")) {
        ccmd.op = C_FORK;
        child = ccmd.a = atoi(tok[4]);
        faults_known = 0; /* both sides take COW faults on the probe's own stack right after fork */
    } else if (!strcmp(op, "exit")) {
        ccmd.op = C_EXIT;
    } else if (!strcmp(op, "clear_refs")) {
        ccmd.op = C_CLEARREFS;
    } else if (!strcmp(op, "unuring")) {
        ccmd.op = C_UNURING;
        ccmd.a = atoi(tok[4]);
    } else if (!strcmp(op, "cpu")) {
        ccmd.op = C_CPU;
        ccmd.a = atoi(tok[4]);
    } else {
        printf("step %d skipped=%s flt=? maj=?\n", id, op);
        observe(id);
        return;
    }
    ctl_send(p, &ccmd);
    int died = ctl_recv(p, &r) < 0;
    if (died) r.status = -1;
    if (r.status == -1) {
        state_of[p] = 3;
        wait_dead(p);
    }
    if (ccmd.op == C_EXIT && !died) {
        state_of[p] = 2;
        wait_dead(p);
    }
    if (ccmd.op == C_MMAP && r.status == 0) knows[p][k] = 1;
    if (ccmd.op == C_URING && r.status == 0) handle_owner[ccmd.a] = p;
    if (ccmd.op == C_UNURING && r.status == 0) handle_owner[ccmd.a] = -1;
    if (ccmd.op == C_FORK && r.status == 0) {
        struct reply hello;
        if (ctl_recv(child, &hello) == 0) {
            pid_of[child] = hello.child;
            state_of[child] = 1;
            memcpy(knows[child], knows[p], sizeof knows[p]);
        }
    }
    if (pageout && r.status == 0) wait_writeback();
    if (ccmd.op == C_MADVISE && ccmd.a == MADV_MERGEABLE && r.status == 0) ksm_registered = 1;
    if (r.status == -1) printf("step %d killed", id);
    else if (r.status == -2) printf("step %d skipped=io_uring-headers-missing", id);
    else if (r.status == -3) printf("step %d blocked", id);
    else if (r.status) printf("step %d err=%s", id, errname(r.status));
    else printf("step %d ok", id);
    if (faults_known && !died) printf(" flt=%ld maj=%ld\n", r.minflt, r.majflt);
    else printf(" flt=? maj=?\n");
    if (r.status == 0) print_vals("val");
    observe(id);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    (void)last_pfn;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 65536 > cap) buf = realloc(buf, cap = cap * 2 + 65536);
        ssize_t r = read(0, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
    }
    if (!buf) die("empty script");
    buf[len] = 0;
    /* glibc's rseq area is written by the kernel on every migration: keep it out of the fault counts */
    if (!getenv("COWPROBE_REEXEC")) {
        setenv("COWPROBE_REEXEC", "1", 1);
        setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
        /* stdin was consumed: hand the script over through a memfd */
        int mfd = (int)syscall(SYS_memfd_create, "cowprobe-script", 0);
        if (mfd >= 0 && write_full(mfd, buf, len) == 0 && lseek(mfd, 0, SEEK_SET) == 0 && dup2(mfd, 0) == 0) {
            execv("/proc/self/exe", argv);
        }
    }
    for (char *s = strtok(buf, "\n"); s; s = strtok(NULL, "\n")) {
        if (nlines >= MAXLINES) die("too many lines (limit %d)", MAXLINES);
        lines[nlines++] = s;
    }
    if (nlines == 0 || strncmp(lines[0], "probe 1", 7)) die("the first line must be 'probe 1'");

    ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpus < 1) ncpus = 1;
    aux_cpu = ncpus > 1 ? 1 : 0;
    if (ncpus > 1) set_cpu(ncpus - 1); /* the controller stays off CPU 0, where the scenario runs */
    is_root = geteuid() == 0;
    kpc_fd = open("/proc/kpagecount", O_RDONLY);
    kpf_fd = open("/proc/kpageflags", O_RDONLY);
    kpage_ok = kpc_fd >= 0 && kpf_fd >= 0;
    for (int h = 0; h < MAXH; h++) handle_owner[h] = -1, ring_fd[h] = -1;

    /* the header */
    unsigned long next = BASE;
    for (int i = 1; i < nlines; i++) {
        char tmp[PG * 3 + 64];
        snprintf(tmp, sizeof tmp, "%s", lines[i]);
        char *save, *w = strtok_r(tmp, " ", &save), *x = strtok_r(NULL, " ", &save), *y = strtok_r(NULL, " ", &save),
                    *z = strtok_r(NULL, " ", &save);
        if (!w) continue;
        if (!strcmp(w, "procs")) nprocs = atoi(x);
        else if (!strcmp(w, "pipes")) npipes = atoi(x);
        else if (!strcmp(w, "handles")) nhandles = atoi(x);
        else if (!strcmp(w, "swap")) swap_wanted = !strcmp(x, "on");
        else if (!strcmp(w, "fault_around")) fa_wanted = atol(x);
        else if (!strcmp(w, "hugetlb")) hugetlb_wanted = atol(x);
        else if (!strcmp(w, "mthp")) {
            mthp_wanted = 1;
            snprintf(mthp_spec, sizeof mthp_spec, " %s ", lines[i] + 5);
        } else if (!strcmp(w, "thp")) thp_mode = !strcmp(x, "never") ? 0 : !strcmp(x, "always") ? 2 : 1;
        else if (!strcmp(w, "file")) {
            int f = atoi(x);
            if (f >= MAXF) die("too many files (limit %d)", MAXF);
            file_pages[f] = atol(y);
            file_text[f] = strdup(z ? z : "%");
            decode(file_text[f]);
            if (f + 1 > nfiles) nfiles = f + 1;
        } else if (!strcmp(w, "mapping")) {
            int k = atoi(x);
            if (k >= MAXK) die("too many mappings (limit %d)", MAXK);
            map_pages[k] = atol(y);
            map_addr[k] = next;
            next += ((unsigned long)map_pages[k] * PG + HUGE - 1) / HUGE * HUGE + HUGE;
            if (k + 1 > nmaps) nmaps = k + 1;
            slots_end = next;
        }
    }
    if (nprocs > MAXP || npipes > MAXPIPE || nhandles > MAXH) die("too many processes, pipes or handles (limits %d, %d, %d)", MAXP, MAXPIPE, MAXH);

    snprintf(dir, sizeof dir, "%s/cowprobe.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) die("cannot create a private directory: %s", strerror(errno));
    atexit(cleanup);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    for (int f = 0; f < nfiles; f++) {
        snprintf(file_path[f], sizeof file_path[f], "%s/file%d", dir, f);
        int fd = open(file_path[f], O_CREAT | O_RDWR | O_TRUNC, 0600);
        if (fd < 0) die("cannot create %s: %s", file_path[f], strerror(errno));
        char page[PG];
        memset(page, 0, PG);
        memcpy(page, file_text[f], strnlen(file_text[f], PG));
        for (long i = 0; i < file_pages[f]; i++)
            if (write_full(fd, page, PG) < 0) die("cannot write %s", file_path[f]);
        // the scenario's file is "on disk": written back, so its page-cache pages start clean (MADV_PAGEOUT
        // drops a clean page but keeps a dirty one, PAGEOUT_FILE)
        if (fsync(fd) < 0) die("cannot fsync %s: %s", file_path[f], strerror(errno));
        close(fd);
    }
    for (int p = 0; p < nprocs; p++)
        if (pipe(cmd_fd[p]) < 0 || pipe(rep_fd[p]) < 0) die("pipe: %s", strerror(errno));
    wregion = mmap(NULL, sizeof(struct wstate) * (size_t)(nprocs ? nprocs : 1), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (wregion == MAP_FAILED) die("mmap: %s", strerror(errno));
    for (int x = 0; x < npipes; x++) {
        if (pipe2(pipe_fd[x], O_NONBLOCK) < 0) die("pipe: %s", strerror(errno));
        fcntl(pipe_fd[x][1], F_SETPIPE_SZ, PIPEPAGES * PG);
    }
    if (pipe2(scratch_pipe, O_NONBLOCK) < 0) die("pipe: %s", strerror(errno));
    fcntl(scratch_pipe[1], F_SETPIPE_SZ, PIPEPAGES * PG);
    /* pipes of the scratch kind are drained by reads; make the read end blocking for io_uring */
    fcntl(scratch_pipe[0], F_SETFL, 0);
    fcntl(scratch_pipe[1], F_SETFL, 0);

    /* privileges: pfns need CAP_SYS_ADMIN; check on our own stack page */
    {
        volatile char probe_page[PG] __attribute__((aligned(4096)));
        probe_page[0] = 1;
        int fd = open("/proc/self/pagemap", O_RDONLY);
        uint64_t w = 0;
        if (fd >= 0 && pread(fd, &w, 8, (off_t)((unsigned long)probe_page / PG * 8)) == 8) pfn_ok = (w & ((1ULL << 55) - 1)) != 0;
        /* soft-dirty: a fresh VMA reports bit 55 on every page when CONFIG_MEM_SOFT_DIRTY is set */
        void *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            *(volatile char *)m = 1;
            if (fd >= 0 && pread(fd, &w, 8, (off_t)((unsigned long)m / PG * 8)) == 8) softdirty = (w >> 55) & 1;
            munmap(m, PG);
        }
        if (fd >= 0) close(fd);
    }
    char swapinfo[300] = "off";
    if (swap_wanted) {
        char why[256] = "not privileged (swapon needs CAP_SYS_ADMIN)";
        if (is_root) setup_swap(why, sizeof why);
        if (swap_active) snprintf(swapinfo, sizeof swapinfo, "on");
        else {
            snprintf(swapinfo, sizeof swapinfo, "unavailable:");
            char *o = swapinfo + strlen(swapinfo);
            for (char *i = why; *i && o < swapinfo + sizeof swapinfo - 4; i++) {
                if (*i > ' ' && *i < 0x7f && *i != '%') *o++ = *i;
                else o += sprintf(o, "%%%02X", (unsigned char)*i);
            }
            *o = 0;
        }
    } else if (host_has_swap()) {
        snprintf(swapinfo, sizeof swapinfo, "host");
    }
    struct utsname u;
    uname(&u);
    char thp[128] = "?";
    read_file_str("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof thp);
    char *l = strchr(thp, '['), *rr = l ? strchr(l, ']') : NULL;
    if (l && rr) {
        *rr = 0;
        memmove(thp, l + 1, strlen(l + 1) + 1);
    }
    /* fault_around_bytes: debugfs, root only; set for the run when the scenario asks for another value */
    char fa[32] = "?";
    if (read_file_str(FA_PATH, fa_saved, sizeof fa_saved) == 0) {
        fa_saved[strcspn(fa_saved, "\n")] = 0;
        if (atol(fa_saved) != fa_wanted) {
            char want[32];
            snprintf(want, sizeof want, "%ld", fa_wanted);
            if (write_file(FA_PATH, want) == 0) fa_touched = 1;
        }
        if (read_file_str(FA_PATH, fa, sizeof fa) == 0) fa[strcspn(fa, "\n")] = 0;
        else snprintf(fa, sizeof fa, "?");
    }
    const char *mthp = "-", *hugetlb = "-";
    if (mthp_wanted) mthp = setup_mthp() ? "set" : "failed";
    if (hugetlb_wanted > 0) hugetlb = is_root && setup_hugetlb() ? "set" : "failed";
    if (mthp_wanted) { /* the top level as it is now */
        read_file_str(THP_DIR "/enabled", thp, sizeof thp);
        char *l2 = strchr(thp, '['), *r2 = l2 ? strchr(l2, ']') : NULL;
        if (l2 && r2) {
            *r2 = 0;
            memmove(thp, l2 + 1, strlen(l2 + 1) + 1);
        }
    }
    printf("hello kernel=%s root=%d pfn=%d kpage=%d swap=%s softdirty=%d thp=%s cpus=%ld fa=%s mthp=%s hugetlb=%s\n", u.release, is_root, pfn_ok,
           kpage_ok, swapinfo, softdirty, thp, sysconf(_SC_NPROCESSORS_ONLN), fa, mthp, hugetlb);
    fflush(stdout);
    int timing = getenv("COWPROBE_TIMING") != NULL; /* per-step wall time on standard error, to find slow steps */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; i < nlines; i++) {
        if (strncmp(lines[i], "step ", 5)) continue;
        char copy[256];
        if (timing) snprintf(copy, sizeof copy, "%s", lines[i]);
        run_step(lines[i]);
        if (timing) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            fprintf(stderr, "cowprobe: %6.1f ms %s\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, copy);
            t0 = t1;
        }
    }
    if (timing) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
    }
    printf("bye\n");
    fflush(stdout);
    cleanup();
    return 0;
}
