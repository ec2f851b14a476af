package io.cowscope.cli;

import java.util.List;

import io.cowscope.engine.KernelVersion;

/**
 * The eras the commands label versions with: each starts where a rule that changed copy-on-write
 * most comes into force (docs/rules.md, "Eras").
 */
final class Eras {
    private Eras() {
    }

    /** An era: its label, its versions, and the rule change that opens it. */
    record Era(String id, String range, String meaning) {}

    static final List<Era> ALL = List.of(
            new Era("E0", "≤ 5.7", "write faults reuse a page by mapcount (MAPCOUNT_REUSE): a GUP or pipe reference does not stop the reuse"),
            new Era("E1", "5.8", "GUP breaks COW at pin time (GUP_FORCE_COW_BREAK)"),
            new Era("E2", "5.9–5.18", "write faults reuse a page only when page_count is 1 (PAGE_COUNT_REUSE)"),
            new Era("E3", "5.19–6.14", "PageAnonExclusive marks pages a process may reuse (ANON_EXCLUSIVE); read-only pins unshare"),
            new Era("E4", "6.15+", "PTE-mapped large folios can be reused (LARGE_FOLIO_REUSE)"));

    /** One line for help texts and the first era label of a report. */
    static final String LEGEND = "Eras: E0 <= 5.7 mapcount decides reuse, E1 5.8 GUP breaks COW, E2 5.9-5.18 page_count decides, "
            + "E3 5.19-6.14 PageAnonExclusive, E4 6.15+ large folios reused (cowscope rules)";

    static String of(KernelVersion v) {
        if (v.compareTo(new KernelVersion(5, 8)) < 0) return "E0";
        if (v.equals(new KernelVersion(5, 8))) return "E1";
        if (v.compareTo(new KernelVersion(5, 19)) < 0) return "E2";
        if (v.compareTo(new KernelVersion(6, 15)) < 0) return "E3";
        return "E4";
    }

    static Era era(KernelVersion v) {
        String id = of(v);
        for (Era e : ALL) if (e.id().equals(id)) return e;
        throw new IllegalStateException(id);
    }

    static String span(KernelVersion a, KernelVersion b) {
        String x = of(a), y = of(b);
        return x.equals(y) ? x : x + "–" + y;
    }
}
