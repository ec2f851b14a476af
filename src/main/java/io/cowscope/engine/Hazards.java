package io.cowscope.engine;

import java.util.HashMap;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/** Hazard detection (kernel-model §8): leaks through the fork tree, DMA coherency lost, and the hazard record. */
final class Hazards {
    private Hazards() {
    }

    static void raiseHazard(Machine M, HazardType t, String text, long pfn, String... involved) {
        Hazard h = new Hazard(t, M.stepIndex, text, pfn < 0 ? List.of() : List.of(pfn), List.of(involved));
        if (M.hazards.size() < 10_000) M.hazards.add(h);
        M.hazardCounts.merge(t, 1, Integer::sum);
        M.log.hazard(h);
    }

    /** the step at which processes a and b stopped sharing private memory (their separating fork), or MAX if never related */
    static int separation(Machine M, Proc a, Proc b) {
        if (a == b) return Integer.MAX_VALUE;
        HashMap<Proc, Integer> upA = new HashMap<>(); // ancestor -> max fork step on the way from a
        int s = -1;
        for (Proc x = a; x != null; x = x.parent) {
            upA.put(x, s);
            s = Math.max(s, x.forkStep);
        }
        s = -1;
        for (Proc y = b; y != null; y = y.parent) {
            Integer sa = upA.get(y);
            if (sa != null) return Math.max(sa, s);
            s = Math.max(s, y.forkStep);
        }
        return Integer.MAX_VALUE;
    }

    /** §8 leak: reader sees content another process wrote after they stopped sharing */
    static void checkLeak(Machine M, Proc reader, int ver, int pfn, String where) {
        if (ver == M.leakCacheVer && reader == M.leakCacheReader) return;
        M.leakCacheVer = ver;
        M.leakCacheReader = reader;
        int w = M.ct.vWriter[ver];
        if (w < 0 || w == reader.pid || (M.ct.vFlags[ver] & ContentTable.SHARED) != 0) return;
        Proc writer = null;
        for (Proc q : M.procs) if (q.pid == w) writer = q;
        if (writer == null) return;
        int sep = separation(M, reader, writer);
        if (sep == Integer.MAX_VALUE || M.ct.vStep[ver] <= sep) return;
        raiseHazard(M, HazardType.LEAK, where + " returns \"" + M.ct.text(ver) + "\", written by " + writer.name + " at step " + M.shownStep(M.ct.vStep[ver])
                + ", after " + reader.name + " and " + writer.name + " stopped sharing (step " + M.shownStep(sep) + ")", pfn, reader.name, writer.name, where);
    }

    /** the pfn the handle's process maps at the handle's address now, or -1 */
    static int currentPfn(Machine M, Handle h, int k) {
        long v = h.m.pte(h.first + k);
        if ((v & P_PRESENT) != 0) return (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        if ((v & P_SWAP) != 0) {
            int c = M.swapInfo.slotCache[(int) (v & PFN_MASK)];
            return c == 0 ? -1 : c;
        }
        return -1;
    }

    static boolean coherent(Machine M, Handle h) {
        if (h.owner.state != ProcState.ALIVE) return false;
        for (int k = 0; k < h.pfns.length; k++) if (currentPfn(M, h, k) != h.pfns[k]) return false;
        return true;
    }

    /** the process (alive) maps a different page than the handle holds at some address */
    static boolean split(Machine M, Handle h) {
        if (h.owner.state != ProcState.ALIVE) return false;
        for (int k = 0; k < h.pfns.length; k++) {
            int cur = currentPfn(M, h, k);
            if (cur >= 0 && cur != h.pfns[k]) return true;
        }
        return false;
    }

    static void observeSplit(Machine M, Handle h, String what) {
        raiseHazard(M, HazardType.COHERENCY_LOST, "DMA " + what + " through " + h.name + " uses pages " + h.owner.name + " no longer maps at "
                + h.m.name + "[" + h.first + "..]", h.pfns.length > 0 ? h.pfns[0] : -1, h.name);
    }

    /** after every step: a live handle whose process now maps a different page at its address */
    static void checkCoherency(Machine M) {
        for (Handle h : M.handles.values()) {
            if (!h.live || h.lost || h.owner.state != ProcState.ALIVE) continue;
            for (int k = 0; k < h.pfns.length; k++) {
                int cur = currentPfn(M, h, k);
                if (cur >= 0 && cur != h.pfns[k]) {
                    h.lost = true;
                    raiseHazard(M, HazardType.COHERENCY_LOST, "handle " + h.name + " holds pfn " + h.pfns[k] + " but " + h.owner.name + " now maps pfn " + cur
                            + " at " + h.m.name + "[" + (h.first + k) + "]: the device and the process see different pages", h.pfns[k],
                            h.name, h.owner.name + "." + h.m.name + "[" + (h.first + k) + "]");
                    break;
                }
            }
        }
    }
}
