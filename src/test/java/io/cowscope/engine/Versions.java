package io.cowscope.engine;

import java.util.stream.Stream;

/** The versions every canonical scenario runs at: each era and every boundary where a rule changes. */
final class Versions {
    private Versions() {
    }

    static final String[] ALL = {"4.8", "4.9", "4.14", "5.0", "5.1", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10",
            "5.11", "5.13", "5.14", "5.17", "5.18", "5.19", "6.0", "6.1", "6.2", "6.4", "6.5", "6.7", "6.10", "6.11", "6.12", "6.14", "6.15", "6.18"};

    static Stream<KernelVersion> all() {
        return Stream.of(ALL).map(v -> KernelVersion.parse(v).orElseThrow());
    }

    static boolean in(KernelVersion v, String from, String to) {
        return (from == null || v.atLeast(KernelVersion.parse(from).orElseThrow()))
                && (to == null || !v.atLeast(KernelVersion.parse(to).orElseThrow()) || v.equals(KernelVersion.parse(to).orElseThrow()));
    }
}
