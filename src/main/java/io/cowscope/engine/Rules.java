package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The rules in force for one kernel version. Immutable. */
public final class Rules {
    private final KernelVersion version;
    private final EnumSet<Rule> inForce;

    private Rules(KernelVersion version) {
        if (!version.isSupported()) throw new IllegalArgumentException("unsupported kernel version " + version);
        this.version = version;
        this.inForce = EnumSet.noneOf(Rule.class);
        for (Rule r : Rule.values()) if (r.inForce(version)) inForce.add(r);
    }

    public static Rules of(KernelVersion v) {
        return new Rules(v);
    }

    public KernelVersion version() {
        return version;
    }

    public boolean inForce(Rule r) {
        return inForce.contains(r);
    }

    public Set<Rule> all() {
        return Collections.unmodifiableSet(inForce);
    }

    /** per-CPU LRU-add batch capacity (§3.11) */
    public int lruBatchCapacity() {
        if (inForce(Rule.LRU_BATCH_31)) return 31;
        if (inForce(Rule.LRU_BATCH_15)) return 15;
        return 14;
    }

    /** One rule whose state differs between two versions. */
    public record RuleDiff(Rule rule, boolean inA, boolean inB) {
    }

    /** Rules in force in exactly one of a and b: what a bisect between the two must look at. */
    public static List<RuleDiff> differences(KernelVersion a, KernelVersion b) {
        List<RuleDiff> out = new ArrayList<>();
        for (Rule r : Rule.values()) {
            boolean x = r.inForce(a), y = r.inForce(b);
            if (x != y) out.add(new RuleDiff(r, x, y));
        }
        return out;
    }

    /** The first version at which the set of rules in force changes after v (or null). */
    public static KernelVersion nextChange(KernelVersion v) {
        List<KernelVersion> all = KernelVersion.all();
        for (int i = all.indexOf(v) + 1; i < all.size(); i++)
            if (!differences(v, all.get(i)).isEmpty()) return all.get(i);
        return null;
    }
}
