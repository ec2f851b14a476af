package io.cowscope.engine;

import java.util.List;

/**
 * The value a step read (a CPU read of pages, a pipe read, a DMA read), run-length compressed: a
 * read of 262,144 identical pages is one run. An empty list = nothing was read.
 */
public record ReadValue(List<Run> runs, int pages, boolean truncated, String uniform) {
    /** at most this many runs are kept; {@code uniform} stays exact */
    public static final int MAX_RUNS = 4096;

    public record Run(String text, int count) {
    }

    public static final ReadValue NONE = new ReadValue(List.of(), 0, false, null);

    /** a value from runs (all kept) */
    public static ReadValue of(List<Run> runs) {
        int pages = 0;
        String u = runs.isEmpty() ? null : runs.get(0).text();
        for (Run r : runs) {
            pages += r.count();
            if (u != null && !u.equals(r.text())) u = null;
        }
        return new ReadValue(List.copyOf(runs), pages, false, u);
    }

    /** true when every page read holds {@code text} (and at least one page was read): {@code last == "t"} */
    public boolean allEqual(String text) {
        return text != null && text.equals(uniform);
    }

    /** the text when every page read the same, else the texts joined by "|" (bounded) */
    public String text() {
        if (runs.isEmpty()) return null;
        if (uniform != null) return uniform;
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Run r : runs) {
            for (int i = 0; i < r.count() && n < 64; i++, n++) sb.append(n == 0 ? "" : "|").append(r.text());
        }
        if (n < pages) sb.append("|…");
        return sb.toString();
    }
}
