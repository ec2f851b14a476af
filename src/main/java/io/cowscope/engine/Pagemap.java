package io.cowscope.engine;

/** A /proc/PID/pagemap entry (kernel-model.md §4) and its 64-bit word. */
public record Pagemap(long word) {
    public static final long PRESENT = 1L << 63, SWAPPED = 1L << 62, FILE = 1L << 61, UFFD_WP = 1L << 57,
            EXCLUSIVE = 1L << 56, SOFT_DIRTY = 1L << 55, PFN_MASK = (1L << 55) - 1;

    public boolean present() { return (word & PRESENT) != 0; }
    public boolean swapped() { return (word & SWAPPED) != 0; }
    public boolean file() { return (word & FILE) != 0; }
    public boolean uffdWp() { return (word & UFFD_WP) != 0; }
    public boolean exclusive() { return (word & EXCLUSIVE) != 0; }
    public boolean softDirty() { return (word & SOFT_DIRTY) != 0; }
    /** pfn when present, swap type (bits 0-4) | offset (bits 5-54) when swapped */
    public long pfnOrSwap() { return word & PFN_MASK; }

    public String hex() {
        return String.format("0x%016x", word);
    }
}
