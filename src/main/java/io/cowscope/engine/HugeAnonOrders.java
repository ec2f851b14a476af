package io.cowscope.engine;

/**
 * Anonymous multi-size THP (mTHP, 6.8+): /sys/kernel/mm/transparent_hugepage/hugepages-&lt;size&gt;kB/enabled for the
 * sizes below the PMD size, as the kernel keeps them (mm/huge_memory.c): one bitmask of orders per setting,
 * {@code huge_anon_orders_always}, {@code huge_anon_orders_madvise} and {@code huge_anon_orders_inherit}
 * (an order in none of them is "never", the default of every size but the PMD size). Orders 2 (16 KiB) to 8
 * (1 MiB); order 9 (2 MiB) is the top-level {@code enabled}, {@link ThpMode}.
 */
public record HugeAnonOrders(int always, int madvise, int inherit) {
    /** the smallest anonymous mTHP order (order 1 is never allowed for anonymous memory) and the largest below PMD_ORDER */
    public static final int MIN_ORDER = 2, MAX_ORDER = 8;
    /** every size "never": the kernel's default, and the only state before 6.8 */
    public static final HugeAnonOrders NONE = new HugeAnonOrders(0, 0, 0);

    public HugeAnonOrders {
        int legal = ((1 << (MAX_ORDER + 1)) - 1) & ~((1 << MIN_ORDER) - 1);
        if (((always | madvise | inherit) & ~legal) != 0) throw new IllegalArgumentException("mTHP orders are 2..8 (16K..1M)");
        if ((always & madvise) != 0 || (always & inherit) != 0 || (madvise & inherit) != 0)
            throw new IllegalArgumentException("an mTHP order has one setting");
    }

    /** the order of a size in bytes (16384..1048576, a power of two), or -1 */
    public static int orderOf(long bytes) {
        if (bytes < 4096 || Long.bitCount(bytes) != 1) return -1;
        int order = Long.numberOfTrailingZeros(bytes) - 12;
        return order >= MIN_ORDER && order <= MAX_ORDER ? order : -1;
    }

    /** this setting with one order changed: mode null = "inherit" */
    public HugeAnonOrders with(int order, ThpMode mode) {
        if (order < MIN_ORDER || order > MAX_ORDER) throw new IllegalArgumentException("mTHP order " + order + " is not 2..8");
        int bit = 1 << order;
        int a = always & ~bit, m = madvise & ~bit, i = inherit & ~bit;
        if (mode == null) i |= bit;
        else if (mode == ThpMode.ALWAYS) a |= bit;
        else if (mode == ThpMode.MADVISE) m |= bit;
        return new HugeAnonOrders(a, m, i);
    }

    public boolean isEmpty() {
        return (always | madvise | inherit) == 0;
    }

    /** "64K always, 16K inherit" (largest first), or "none" */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int o = MAX_ORDER; o >= MIN_ORDER; o--) {
            int bit = 1 << o;
            String w = (always & bit) != 0 ? "always" : (madvise & bit) != 0 ? "madvise" : (inherit & bit) != 0 ? "inherit" : null;
            if (w == null) continue;
            if (sb.length() > 0) sb.append(", ");
            sb.append(4 << o).append("K ").append(w);
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
