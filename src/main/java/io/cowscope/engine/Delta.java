package io.cowscope.engine;

import java.util.List;

/**
 * What a step changed: enough for a UI to update its keyed views, and (when not truncated) to undo the
 * PTE changes. Lists are bounded ({@link #LIMIT}); counts are exact. {@code pteRanges} lists, per
 * mapping, the index range touched, always (so a strip view can repaint even when truncated).
 * Pages are given by their state after the step; freed pages appear in {@code freed} only.
 */
public record Delta(List<PteChange> ptes, int pteChangeCount, List<PteRange> pteRanges, List<PageView> pages,
                    List<Long> created, List<Long> freed, int pageChangeCount, int createdCount, int freedCount,
                    boolean truncated) {
    public static final int LIMIT = 2048;

    public record PteChange(String proc, String var, int index, PteView before, PteView after) {
    }

    public record PteRange(String proc, String var, int first, int last) {
    }
}
