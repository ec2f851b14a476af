package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A mainline kernel release MAJOR.MINOR. Supported: 4.8-4.20, 5.0-5.19, 6.0-6.18 (kernel-model.md §2,
 * scenario-language.ebnf R5/A7). Stable numbers (5.7.3) are not versions here.
 */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

    public static final KernelVersion OLDEST = new KernelVersion(4, 8);
    public static final KernelVersion LATEST = new KernelVersion(6, 18);

    private static final List<KernelVersion> ALL;

    static {
        List<KernelVersion> all = new ArrayList<>();
        for (int m = 8; m <= 20; m++) all.add(new KernelVersion(4, m));
        for (int m = 0; m <= 19; m++) all.add(new KernelVersion(5, m));
        for (int m = 0; m <= 18; m++) all.add(new KernelVersion(6, m));
        ALL = Collections.unmodifiableList(all);
    }

    /** Every supported mainline release, oldest first. */
    public static List<KernelVersion> all() {
        return ALL;
    }

    public boolean isSupported() {
        return ALL.contains(this);
    }

    /** Parses "5.7" or "latest"; empty when the text is not a supported mainline version. */
    public static Optional<KernelVersion> parse(String text) {
        if (text == null) return Optional.empty();
        if (text.equals("latest")) return Optional.of(LATEST);
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1 || text.indexOf('.', dot + 1) >= 0) return Optional.empty();
        try {
            String a = text.substring(0, dot), b = text.substring(dot + 1);
            if (a.length() > 3 || b.length() > 3) return Optional.empty();
            KernelVersion v = new KernelVersion(Integer.parseInt(a), Integer.parseInt(b));
            return v.isSupported() ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean atLeast(KernelVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(KernelVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    // written out: the record's generated equals/hashCode bootstrap java.lang.runtime.ObjectMethods at
    // the first comparison, a measurable part of the command line's start-up
    @Override
    public boolean equals(Object o) {
        return o instanceof KernelVersion k && k.major == major && k.minor == minor;
    }

    @Override
    public int hashCode() {
        return major * 31 + minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
