package io.cowscope.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the probe reported for one run (its output format is documented in docs/host.md): the
 * machine ({@link Hello}) and, per step, the operation's outcome and everything observed after it.
 */
public record Observations(Hello hello, List<StepObs> steps, String error) {

    /** The probe's first line: the kernel and what this run may observe. */
    /** {@code faultAroundBytes}: the host's fault_around_bytes during the run (65536, the default, when debugfs is not readable) */
    public record Hello(String kernel, boolean root, boolean pfns, boolean kpage, String swap, boolean softDirty, String thp, int cpus,
                        int faultAroundBytes, String mthp, String hugetlb) {
        /** {@code hugetlb}: "set" (the huge pages the scenario needs were reserved), "failed" (they could not be), "-" (none asked) */
        public Hello(String kernel, boolean root, boolean pfns, boolean kpage, String swap, boolean softDirty, String thp, int cpus,
                     int faultAroundBytes, String mthp) {
            this(kernel, root, pfns, kpage, swap, softDirty, thp, cpus, faultAroundBytes, mthp, "-");
        }

        public Hello(String kernel, boolean root, boolean pfns, boolean kpage, String swap, boolean softDirty, String thp, int cpus) {
            this(kernel, root, pfns, kpage, swap, softDirty, thp, cpus, 65536);
        }

        /** {@code mthp}: "set" (the scenario's mTHP sizes are in force), "failed" (they could not all be set), "-" (none asked) */
        public Hello(String kernel, boolean root, boolean pfns, boolean kpage, String swap, boolean softDirty, String thp, int cpus,
                     int faultAroundBytes) {
            this(kernel, root, pfns, kpage, swap, softDirty, thp, cpus, faultAroundBytes, "-");
        }

        /** swap usable by this run: our swapfile, or the host's own swap */
        public boolean swapAvailable() {
            return swap.equals("on") || swap.equals("host");
        }
    }

    /** A page of a process: address slot and index. */
    public record PageKey(int proc, int slot, int index) {}

    /**
     * One page: the pagemap word, /proc/kpagecount and /proc/kpageflags of its frame (-1 when not
     * readable or not present), the VMA there ('-' none, 'n' no access, 'r' read-only, 'w' writable) and
     * the content read by the process's own load (null when it could not be read without faulting).
     */
    public record PageObs(long pagemap, long kpagecount, long kpageflags, char vma, String content) {
        public static final long PRESENT = 1L << 63, SWAPPED = 1L << 62, FILE = 1L << 61, UFFD_WP = 1L << 57,
                EXCLUSIVE = 1L << 56, SOFT_DIRTY = 1L << 55, PFN_MASK = (1L << 55) - 1;
        public static final int KPF_LOCKED = 0, KPF_LRU = 5, KPF_WRITEBACK = 8, KPF_ANON = 12, KPF_SWAPCACHE = 13, KPF_KSM = 21,
                KPF_HUGE = 17, KPF_THP = 22, KPF_ZERO_PAGE = 24;

        public boolean present() { return (pagemap & PRESENT) != 0; }
        public boolean swapped() { return (pagemap & SWAPPED) != 0; }
        public boolean bit(long mask) { return (pagemap & mask) != 0; }
        /** the pfn when present (0 when hidden), the swap entry when swapped */
        public long frame() { return pagemap & PFN_MASK; }
        public boolean flagsKnown() { return kpageflags >= 0; }
        public boolean flag(int kpf) { return kpageflags >= 0 && (kpageflags & (1L << kpf)) != 0; }
    }

    /**
     * One step: its statement index, the outcome ("ok", "err", "skipped", "killed") with detail (the
     * errno name or why skipped), the fault count in the acting process (null when unknown), the values
     * read, the process states, the pages, and pipes, handles and file pages (null entry: unknown).
     */
    public record StepObs(int id, String outcome, String detail, Integer faults, List<String> values, Map<Integer, String> procs,
                          Map<PageKey, PageObs> pages, Map<Integer, List<String>> pipes, Map<Integer, List<String>> handles,
                          Map<String, String> files) {}

    /** the host's fault_around_bytes as the kernel uses it (rounded down to a power of two, 1..512 pages); 65536 when unknown */
    static int faultAround(String v) {
        if (v == null || !v.matches("[0-9]{1,9}")) return 65536;
        long b = Long.parseLong(v);
        if (b < 4096) return 4096;
        if (b > 2097152) return 2097152;
        return Integer.highestOneBit((int) b);
    }

    /** Parses the probe's output; a line the parser does not know is an error naming it. */
    public static Observations parse(String output) {
        Hello hello = null;
        List<StepObs> steps = new ArrayList<>();
        String error = null;
        StepBuilder cur = null;
        int lineNo = 0;
        for (String line : output.split("\n")) {
            lineNo++;
            if (line.isEmpty()) continue;
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "hello": {
                        Map<String, String> kv = keyValues(w, 1);
                        hello = new Hello(kv.get("kernel"), "1".equals(kv.get("root")), "1".equals(kv.get("pfn")), "1".equals(kv.get("kpage")),
                                ProbeScript.decode(kv.getOrDefault("swap", "off")), "1".equals(kv.get("softdirty")), kv.getOrDefault("thp", "?"),
                                Integer.parseInt(kv.getOrDefault("cpus", "1")), faultAround(kv.get("fa")), kv.getOrDefault("mthp", "-"),
                                kv.getOrDefault("hugetlb", "-"));
                        break;
                    }
                    case "step": {
                        cur = new StepBuilder(Integer.parseInt(w[1]));
                        String o = w[2];
                        int eq = o.indexOf('=');
                        cur.outcome = eq < 0 ? o : o.substring(0, eq);
                        cur.detail = eq < 0 ? null : o.substring(eq + 1);
                        Map<String, String> kv = keyValues(w, 3);
                        String f = kv.get("flt"), m = kv.get("maj");
                        cur.faults = f == null || f.equals("?") ? null : Integer.parseInt(f) + (m == null || m.equals("?") ? 0 : Integer.parseInt(m));
                        break;
                    }
                    case "val": cur.values.add(ProbeScript.decode(w[1])); break;
                    case "proc": cur.procs.put(Integer.parseInt(w[1]), w[2]); break;
                    case "page": {
                        Map<String, String> kv = keyValues(w, 4);
                        String kc = kv.get("kc"), kf = kv.get("kf"), c = kv.get("c");
                        cur.pages.put(new PageKey(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3])),
                                new PageObs(Long.parseUnsignedLong(kv.get("pm"), 16), kc == null || kc.equals("-") ? -1 : Long.parseLong(kc),
                                        kf == null || kf.equals("-") ? -1 : Long.parseUnsignedLong(kf, 16), kv.getOrDefault("vma", "-").charAt(0),
                                        c == null || c.equals("?") ? null : ProbeScript.decode(c)));
                        break;
                    }
                    case "pipe": cur.pipes.put(Integer.parseInt(w[1]), texts(w)); break;
                    case "handle": cur.handles.put(Integer.parseInt(w[1]), texts(w)); break;
                    case "file": cur.files.put(w[1] + ":" + w[2], w.length > 3 && !w[3].equals("?") ? ProbeScript.decode(w[3]) : null); break;
                    case "end": steps.add(cur.build()); cur = null; break;
                    case "bye": break;
                    case "error": error = line.substring(6); break;
                    default: throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("probe output line " + lineNo + " not understood (" + e.getMessage() + "): " + line, e);
            }
        }
        return new Observations(hello, List.copyOf(steps), error);
    }

    private static List<String> texts(String[] w) {
        if (w.length == 3 && w[2].equals("?")) return null;
        List<String> l = new ArrayList<>();
        for (int i = 2; i < w.length; i++) l.add(ProbeScript.decode(w[i]));
        return l;
    }

    private static Map<String, String> keyValues(String[] w, int from) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = from; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq > 0) m.put(w[i].substring(0, eq), w[i].substring(eq + 1));
        }
        return m;
    }

    private static final class StepBuilder {
        final int id;
        String outcome, detail;
        Integer faults;
        final List<String> values = new ArrayList<>();
        final Map<Integer, String> procs = new LinkedHashMap<>();
        final Map<PageKey, PageObs> pages = new LinkedHashMap<>();
        final Map<Integer, List<String>> pipes = new LinkedHashMap<>(), handles = new LinkedHashMap<>();
        final Map<String, String> files = new LinkedHashMap<>();

        StepBuilder(int id) {
            this.id = id;
        }

        StepObs build() {
            return new StepObs(id, outcome, detail, faults, List.copyOf(values), procs, pages, pipes, handles, files);
        }
    }
}
