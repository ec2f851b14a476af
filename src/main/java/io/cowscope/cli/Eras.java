package io.cowscope.cli;

import io.cowscope.engine.KernelVersion;

/** The eras of kernel-model.md §5: E0 ≤ 5.7, E1 5.8, E2 5.9–5.18, E3 5.19–6.14, E4 6.15+. */
final class Eras {
    private Eras() {
    }

    static String of(KernelVersion v) {
        if (v.compareTo(new KernelVersion(5, 8)) < 0) return "E0";
        if (v.equals(new KernelVersion(5, 8))) return "E1";
        if (v.compareTo(new KernelVersion(5, 19)) < 0) return "E2";
        if (v.compareTo(new KernelVersion(6, 15)) < 0) return "E3";
        return "E4";
    }

    static String span(KernelVersion a, KernelVersion b) {
        String x = of(a), y = of(b);
        return x.equals(y) ? x : x + "–" + y;
    }
}
