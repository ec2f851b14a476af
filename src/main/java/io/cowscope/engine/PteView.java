package io.cowscope.engine;

/**
 * A page-table entry as seen by the UI and by expectations. pfn -1 when none; slot -1 when not a swap
 * entry. {@code pmd}: the page is mapped through a PMD (THP). {@code vma}: a VMA covers the page.
 */
public record PteView(int index, boolean vma, boolean present, boolean write, boolean dirty, boolean young,
                      boolean softDirty, boolean uffdWp, boolean swap, boolean swpExclusive, boolean pmd, boolean zero,
                      long pfn, int slot) {
    public boolean none() {
        return !present && !swap;
    }

    /** "P W D A SD UW" badges, "swap #n (excl)", "zero" */
    public String badges() {
        if (swap) return "swap #" + slot + (swpExclusive ? " (excl)" : "") + (softDirty ? " SD" : "") + (uffdWp ? " UW" : "");
        if (!present) return vma ? "-" : "no vma";
        StringBuilder sb = new StringBuilder("P");
        if (write) sb.append(" W");
        if (dirty) sb.append(" D");
        if (young) sb.append(" A");
        if (softDirty) sb.append(" SD");
        if (uffdWp) sb.append(" UW");
        if (pmd) sb.append(" PMD");
        if (zero) sb.append(" zero");
        return sb.toString();
    }
}
