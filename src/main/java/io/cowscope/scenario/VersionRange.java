package io.cowscope.scenario;

import io.cowscope.engine.KernelVersion;

/**
 * {@code [<V]}, {@code [<=V]}, {@code [>V]}, {@code [>=V]}, {@code [A..B]} (inclusive) or {@code [V]}.
 * The form is kept so the printer writes what the author wrote; {@code b} is null except for BETWEEN.
 */
public record VersionRange(Kind kind, KernelVersion a, KernelVersion b) {

    public enum Kind {
        LT("<"), LE("<="), GT(">"), GE(">="), BETWEEN(".."), ONE("");

        public final String symbol;

        Kind(String symbol) {
            this.symbol = symbol;
        }
    }

    public boolean contains(KernelVersion v) {
        switch (kind) {
            case LT: return v.compareTo(a) < 0;
            case LE: return v.compareTo(a) <= 0;
            case GT: return v.compareTo(a) > 0;
            case GE: return v.compareTo(a) >= 0;
            case BETWEEN: return v.compareTo(a) >= 0 && v.compareTo(b) <= 0;
            default: return v.equals(a);
        }
    }

    /** True when some supported version lies in the range (A6). */
    public boolean selectsAny() {
        for (KernelVersion v : KernelVersion.all()) if (contains(v)) return true;
        return false;
    }

    @Override
    public String toString() {
        switch (kind) {
            case BETWEEN: return a + ".." + b;
            case ONE: return a.toString();
            default: return kind.symbol + a;
        }
    }
}
