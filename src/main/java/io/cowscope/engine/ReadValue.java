package io.cowscope.engine;

import java.util.List;

/**
 * The value a step read (a CPU read of pages, a pipe read, a DMA read), run-length compressed: a
 * read of 262,144 identical pages is one run. An empty list = nothing was read.
 */
public record ReadValue(List<Run> runs, int pages) {
    public record Run(String text, int count) {
    }

    public static final ReadValue NONE = new ReadValue(List.of(), 0);

    /** true when every page read holds {@code text} (and at least one page was read): {@code last == "t"} */
    public boolean allEqual(String text) {
        if (runs.isEmpty()) return false;
        for (Run r : runs) if (!r.text().equals(text)) return false;
        return true;
    }

    /** the text when every page read the same, else the texts joined by "|" (bounded) */
    public String text() {
        if (runs.isEmpty()) return null;
        if (runs.size() == 1) return runs.get(0).text();
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Run r : runs) {
            for (int i = 0; i < r.count() && n < 64; i++, n++) sb.append(n == 0 ? "" : "|").append(r.text());
        }
        if (n < pages) sb.append("|…");
        return sb.toString();
    }
}
