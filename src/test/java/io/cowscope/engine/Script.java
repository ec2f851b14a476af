package io.cowscope.engine;

import io.cowscope.engine.op.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helper: a tiny reader of the scenario language's operation lines (enough for engine tests;
 * the real parser lives in package scenario) that applies each to a machine and runs the invariant
 * checks after every step.
 */
final class Script {
    final Machine m;
    final Observer o;
    final List<Step> steps = new ArrayList<>();
    private final Set<String> pipes = new HashSet<>();
    boolean checkInvariants = true;

    Script(MachineConfig c) {
        m = new Machine(c);
        o = m.observe();
    }

    Script(String version) {
        this(MachineConfig.defaults(KernelVersion.parse(version).orElseThrow()));
    }

    static Script at(KernelVersion v) {
        return new Script(MachineConfig.defaults(v));
    }

    KernelVersion v() {
        return m.config().kernel();
    }

    boolean atLeast(String v) {
        return v().atLeast(KernelVersion.parse(v).orElseThrow());
    }

    boolean before(String v) {
        return !atLeast(v);
    }

    /** applies every line; fails on an engine error or a broken invariant */
    Script run(String... lines) {
        for (String text : lines)
            for (String line : text.split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                Step s = m.apply(parse(line));
                steps.add(s);
                if (s.error() != null) fail("step " + s.index() + " '" + line + "': " + s.error());
                if (checkInvariants) {
                    var vs = m.checkInvariants();
                    if (!vs.isEmpty()) fail("after '" + line + "' at " + v() + ": " + vs);
                }
            }
        return this;
    }

    /** applies one line and returns its step, errors allowed */
    Step step(String line) {
        Step s = m.apply(parse(line));
        steps.add(s);
        if (checkInvariants) {
            var vs = m.checkInvariants();
            if (!vs.isEmpty()) fail("after '" + line + "' at " + v() + ": " + vs);
        }
        return s;
    }

    Step last() {
        return steps.get(steps.size() - 1);
    }

    String lastValue() {
        return last().value().text();
    }

    // ---- observation shorthands: "proc.var[i]"
    String content(String ref) {
        String[] r = ref(ref);
        return o.content(r[0], r[1], Integer.parseInt(r[2]));
    }

    PageView page(String ref) {
        String[] r = ref(ref);
        return o.page(r[0], r[1], Integer.parseInt(r[2]));
    }

    PteView pte(String ref) {
        String[] r = ref(ref);
        return o.pte(r[0], r[1], Integer.parseInt(r[2]));
    }

    Pagemap pagemap(String ref) {
        String[] r = ref(ref);
        return o.pagemap(r[0], r[1], Integer.parseInt(r[2]));
    }

    boolean shares(String a, String b) {
        String[] x = ref(a), y = ref(b);
        return o.shares(x[0], x[1], Integer.parseInt(x[2]), y[0], y[1], Integer.parseInt(y[2]));
    }

    boolean hazard(HazardType t) {
        return o.hazardRaised(t);
    }

    int count(EventType t) {
        return last().count(t);
    }

    void assertEvent(EventType t, boolean expected, String why) {
        assertEquals(expected, last().count(t) > 0, why + " at " + v() + "; events: " + last().events());
    }

    private static String[] ref(String ref) {
        Matcher mm = Pattern.compile("(\\w+)\\.(\\w+)(?:\\[(\\d+)])?").matcher(ref);
        if (!mm.matches()) throw new IllegalArgumentException(ref);
        return new String[]{mm.group(1), mm.group(2), mm.group(3) == null ? "0" : mm.group(3)};
    }

    // ---- a small reader of operation lines
    private static final Pattern STR = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    Op parse(String line) {
        String text = null;
        Matcher sm = STR.matcher(line);
        if (sm.find()) {
            text = sm.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            line = line.substring(0, sm.start()) + " " + line.substring(sm.end());
        }
        line = line.replace(":", " : ").replaceAll("\\s+", " ").strip();
        String[] t = line.split(" ");
        if (t[0].equals("process")) return new Spawn(t[1]);
        if (t[0].equals("on")) {
            Op inner = parse(line.substring(line.indexOf(':') + 1).replace(" : ", ": "));
            ProcessOp po = (ProcessOp) inner;
            return new Hook(Hook.HookPoint.GUP_RETRY, po.proc(), po.op());
        }
        switch (t[0]) {
            case "dma":
                return t[2].equals("write") ? new GlobalOp.DmaWrite(t[1], text) : new GlobalOp.DmaRead(t[1]);
            case "complete":
                return new GlobalOp.Complete(t[1], text);
            case "ksmd":
                return new GlobalOp.Ksmd(t.length > 1 ? Integer.parseInt(t[1]) : 1);
            case "lru_drain":
                return new GlobalOp.LruDrain(t.length > 2 ? Integer.parseInt(t[2]) : null);
            case "reclaim":
                return new GlobalOp.Reclaim();
            default:
        }
        if (t.length < 3 || !t[1].equals(":")) throw new IllegalArgumentException("cannot read: " + line);
        String proc = t[0];
        String[] a = java.util.Arrays.copyOfRange(t, 2, t.length);
        return new ProcessOp(proc, procOp(a, text));
    }

    private ProcOp procOp(String[] a, String text) {
        if (a.length >= 3 && a[1].equals("=") && a[2].equals("mmap")) {
            int pages = size(a[3]);
            String file = null;
            boolean shared = false, huge = false, populate = false, hugetlb = false;
            Prot prot = Prot.RW;
            for (int i = 4; i < a.length; i++) {
                switch (a[i]) {
                    case "file" -> file = a[++i];
                    case "shared" -> shared = true;
                    case "private", "anon" -> {
                    }
                    case "ro" -> prot = Prot.RO;
                    case "rw" -> prot = Prot.RW;
                    case "none" -> prot = Prot.NONE;
                    case "hugepage" -> huge = true;
                    case "populate" -> populate = true;
                    case "hugetlb" -> hugetlb = true;
                    default -> throw new IllegalArgumentException(a[i]);
                }
            }
            return new ProcOp.Mmap(a[0], pages, file, shared, prot, huge, populate, hugetlb);
        }
        Set<String> words = new HashSet<>(List.of(a));
        String as = null;
        for (int i = 0; i + 1 < a.length; i++) if (a[i].equals("as")) as = a[i + 1];
        switch (a[0]) {
            case "munmap": return new ProcOp.Munmap(target(a[1]));
            case "mprotect": return new ProcOp.Mprotect(target(a[1]), Prot.valueOf(a[2].toUpperCase()));
            case "madvise": return new ProcOp.Madvise(target(a[1]), Advice.fromWord(a[2]));
            case "write": return new ProcOp.Write(target(a[1]), text);
            case "read":
                if (pipes.contains(a[1])) return new ProcOp.ReadPipe(a[1]);
                return new ProcOp.Read(target(a[1]));
            case "fork": return new ProcOp.Fork(a[1]);
            case "exit": return new ProcOp.Exit();
            case "clear_refs": return new ProcOp.ClearRefs();
            case "vmsplice":
                pipes.add(a[3]);
                return new ProcOp.Vmsplice(target(a[1]), a[3]);
            case "pin": return new ProcOp.Pin(target(a[1]), words.contains("rw"), words.contains("longterm"), words.contains("fast"), as);
            case "get": return new ProcOp.Get(target(a[1]), words.contains("rw"), words.contains("force"), as);
            case "unpin": return new ProcOp.Unpin(a[1]);
            case "put": return new ProcOp.Put(a[1]);
            case "io_uring_register": return new ProcOp.IoUringRegister(target(a[1]), as);
            case "rdma_register": return new ProcOp.RdmaRegister(target(a[1]), as);
            case "odirect_read": return new ProcOp.OdirectRead(target(a[1]), as);
            case "poke": return new ProcOp.Poke(a[1], target(a[2]), text);
            case "uffd_register": return new ProcOp.UffdRegister(target(a[1]));
            case "uffd_wp": return new ProcOp.UffdWp(target(a[1]), a[2].equals("on"));
            case "cpu": return new ProcOp.Cpu(Integer.parseInt(a[1]));
            default: throw new IllegalArgumentException("unknown operation " + a[0]);
        }
    }

    static Target target(String s) {
        Matcher mm = Pattern.compile("(\\w+)(?:\\[(\\d+)(?:\\.\\.(\\d+))?])?").matcher(s);
        if (!mm.matches()) throw new IllegalArgumentException(s);
        if (mm.group(2) == null) return Target.whole(mm.group(1));
        int i = Integer.parseInt(mm.group(2));
        return Target.range(mm.group(1), i, mm.group(3) == null ? i : Integer.parseInt(mm.group(3)));
    }

    static int size(String s) {
        if (s.endsWith("K")) return Integer.parseInt(s.substring(0, s.length() - 1)) / 4;
        if (s.endsWith("M")) return Integer.parseInt(s.substring(0, s.length() - 1)) * 256;
        if (s.endsWith("G")) return Integer.parseInt(s.substring(0, s.length() - 1)) * 262144;
        return Integer.parseInt(s);
    }

    static void assertTrueAt(boolean b, Script s, String msg) {
        assertTrue(b, msg + " at " + s.v());
    }
}
