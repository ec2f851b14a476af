package io.cowscope.scenario;

import java.util.List;
import java.util.Map;

import io.cowscope.engine.Observer;
import io.cowscope.engine.PageView;
import io.cowscope.engine.PteView;
import io.cowscope.engine.Stats;
import io.cowscope.engine.WorkCheck;

/**
 * A short digest of a run: expectation outcomes, counters, process states, and per page of every
 * named mapping its content, PTE bits and page counts (the first {@link #PAGES} pages of a mapping).
 * Bisect groups versions whose digests are equal. Physical frame numbers are left out: they name
 * pages, they are not behaviour.
 */
final class Digest {
    static final int PAGES = 512;

    private Digest() {
    }

    static String of(Observer obs, Map<String, Map<String, Integer>> mappings, List<RunResult.ExpectResult> results) {
        StringBuilder sb = new StringBuilder(256);
        for (RunResult.ExpectResult r : results) sb.append(r.line()).append(r.outcome().name().charAt(0)).append(';');
        WorkCheck.poll();
        try {
            Stats s = obs.stats();
            sb.append(s.cow()).append(',').append(s.reuse()).append(',').append(s.faults()).append(',').append(s.pages()).append(';');
            for (Map.Entry<String, Map<String, Integer>> p : mappings.entrySet()) {
                sb.append(p.getKey()).append('=').append(obs.processState(p.getKey()).word).append('{');
                for (Map.Entry<String, Integer> m : p.getValue().entrySet()) {
                    int n = Math.min(m.getValue(), PAGES);
                    sb.append(m.getKey()).append(':');
                    for (int i = 0; i < n; i++) {
                        if ((i & 63) == 0) WorkCheck.poll();
                        page(sb, obs, p.getKey(), m.getKey(), i);
                    }
                }
                sb.append('}');
            }
        } catch (RuntimeException e) {
            if (WorkCheck.isStop(e)) throw e; // the request's time is spent: no late digest
            sb.append("unobservable:").append(e.getClass().getSimpleName());
        }
        return fnv(sb.toString());
    }

    private static void page(StringBuilder sb, Observer obs, String proc, String var, int i) {
        PteView pte = obs.pte(proc, var, i);
        if (pte == null) {
            sb.append('-');
            return;
        }
        sb.append(pte.present() ? 'P' : pte.swap() ? 'S' : '-').append(pte.write() ? 'W' : 'r').append(pte.dirty() ? 'D' : 'c')
                .append(pte.softDirty() ? 's' : '.').append(pte.uffdWp() ? 'u' : '.').append(pte.zero() ? 'z' : '.');
        String c = obs.content(proc, var, i);
        sb.append(c == null ? "\u0000" : c.length() > 64 ? c.hashCode() : c).append('|');
        if (pte.present()) {
            PageView p = obs.page(proc, var, i);
            if (p != null) {
                sb.append(p.refcount()).append('/').append(p.mapcount()).append('/').append(p.pincount())
                        .append(p.anonExclusive() ? 'x' : '.').append(p.ksm() ? 'k' : '.').append(p.swapcache() ? 'c' : '.');
            }
        }
        sb.append(';');
    }

    /**
     * 64-bit FNV-1a of the text, folded to 8 hex digits. Not a cryptographic hash (nothing secret or
     * adversarial is digested; bisect only groups equal states), so the command line does not load the
     * JDK's security providers to start.
     */
    static String fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        int x = (int) (h ^ (h >>> 32));
        char[] hex = new char[8];
        for (int i = 7; i >= 0; i--, x >>>= 4) hex[i] = Character.forDigit(x & 0xF, 16);
        return new String(hex);
    }
}
