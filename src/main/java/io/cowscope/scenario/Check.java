package io.cowscope.scenario;

import java.util.List;

/** One check of an expectation. Words are enums; {@code word()} is how the language spells each. */
public sealed interface Check {

    interface Word {
        String word();
    }

    static <E extends Enum<E> & Word> E find(Class<E> type, String w) {
        for (E e : type.getEnumConstants()) if (e.word().equals(w)) return e;
        return null;
    }

    enum Cmp implements Word {
        EQ("=="), NE("!="), GE(">="), LE("<="), GT(">"), LT("<");

        private final String word;

        Cmp(String w) { word = w; }

        public String word() { return word; }

        public boolean test(long actual, long expected) {
            switch (this) {
                case EQ: return actual == expected;
                case NE: return actual != expected;
                case GE: return actual >= expected;
                case LE: return actual <= expected;
                case GT: return actual > expected;
                default: return actual < expected;
            }
        }
    }

    enum MapState implements Word {
        ZERO, UNMAPPED, SWAPPED;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum PteFlag implements Word {
        PRESENT, WRITE, DIRTY, YOUNG, SOFT_DIRTY, UFFD_WP;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum PageFlag implements Word {
        ANON, ANON_EXCLUSIVE, KSM, SWAPCACHE, LRU, LOCKED, THP, ZERO, HUGETLB;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum PageCount implements Word {
        REFCOUNT, MAPCOUNT, PINCOUNT;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum PagemapBit implements Word {
        PRESENT, SWAPPED, FILE, UFFD_WP, EXCLUSIVE, SOFT_DIRTY;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum ProcState implements Word {
        ALIVE, EXITED, KILLED;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum Event implements Word {
        FAULT, COW, REUSE, UNSHARE, FORK_COPY, SWAPIN, SIGSEGV, BLOCKED;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum Counter implements Word {
        COW, REUSE, FAULTS, PAGES;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    enum HazardKind implements Word {
        LEAK, COHERENCY_LOST, FILE_CORRUPTED, SPURIOUS_COW;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A negatable word of a group ({@code !write}). */
    record Flag<E extends Enum<E> & Word>(boolean negated, E flag) {}

    /** An item of a {@code page} group: a flag or a count. */
    sealed interface PageProp {}

    record PageFlagItem(boolean negated, PageFlag flag) implements PageProp {}

    record PageCountItem(PageCount count, Cmp cmp, long value) implements PageProp {}

    /** {@code == "text"} (equal) or {@code != "text"}. */
    record Content(boolean equal, String text) implements Check {}

    record Shares(boolean negated, Subject.Page other) implements Check {}

    record State(boolean negated, MapState state) implements Check {}

    record Pte(List<Flag<PteFlag>> flags) implements Check {
        public Pte { flags = List.copyOf(flags); }
    }

    record Page(List<PageProp> props) implements Check {
        public Page { props = List.copyOf(props); }
    }

    record Pagemap(List<Flag<PagemapBit>> bits) implements Check {
        public Pagemap { bits = List.copyOf(bits); }
    }

    record Coherent(boolean negated) implements Check {}

    record Proc(boolean negated, ProcState state) implements Check {}

    record EventCheck(boolean negated, Event event) implements Check {}

    /** The error numbers a step can report ({@code last errno == EFAULT}); the names the kernel's headers use. */
    List<String> ERRNOS = List.of("EFAULT", "EINVAL", "ENOMEM", "ENOENT", "EPERM", "EACCES", "EAGAIN", "EBUSY", "EEXIST",
            "ENOSPC", "ENOSYS", "EOPNOTSUPP", "EIO", "EBADF", "ESRCH", "ENXIO");

    /**
     * {@code last errno == NAME} / {@code last errno != NAME} (name set), {@code last errno} (the last step failed,
     * any errno) and {@code last !errno} (it succeeded): name null.
     */
    record Errno(boolean negated, String name) implements Check {}

    record Stat(Counter counter, Cmp cmp, long value) implements Check {}

    record Hazard(boolean negated, HazardKind hazard) implements Check {}

    record HazardNone() implements Check {}
}
