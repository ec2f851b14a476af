package io.cowscope.host;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;
import io.cowscope.scenario.Header;
import io.cowscope.scenario.HeaderItem;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.Statement;

/**
 * A scenario translated into the native probe's script (docs/host.md, "The probe script"): names
 * become indexes (processes, address slots, pipes, handles, files), each operation statement becomes
 * one {@code step}, operations the probe cannot perform become {@code skip NAME}. Step ids are
 * statement indexes in the scenario, so observations map straight back to statements.
 */
public final class ProbeScript {

    /** One address slot: the mapping a {@code mmap} statement creates (children inherit it). */
    public record Slot(int index, String var, int pages) {}

    private final List<String> procs = new ArrayList<>();
    private final List<String> pipes = new ArrayList<>();
    private final List<String> handles = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    /** per process: mapping name to slot (children start with a copy of their parent's) */
    private final Map<String, Map<String, Integer>> vars = new LinkedHashMap<>();
    /** statement index to the operation name the probe skips, with the reason */
    private final Map<Integer, String> skipped = new LinkedHashMap<>();
    private final List<Integer> steps = new ArrayList<>();
    private final Map<String, Boolean> handleNative = new HashMap<>();
    private final String text;

    private ProbeScript(Scenario s, HostLimits limits) {
        Header h = s.header();
        StringBuilder body = new StringBuilder();
        for (HeaderItem.FileDecl f : h.files()) files.add(f.name());
        int totalPages = 0, hugetlbPages = 0;
        List<Statement> st = s.statements();
        for (int i = 0; i < st.size(); i++) {
            if (!(st.get(i).node() instanceof Statement.Operation o)) continue;
            Statement at = st.get(i);
            if (steps.size() >= limits.steps()) {
                throw new HostLimitException("host limit: at most " + limits.steps() + " operation steps run natively (line "
                        + at.line() + ":" + at.column() + " is the " + (steps.size() + 1) + "th)");
            }
            steps.add(i);
            String line = translate(o.op(), at);
            if (o.op() instanceof ProcessOp po && po.op() instanceof ProcOp.Mmap m) {
                if (m.pages() > limits.pagesPerMapping()) {
                    throw new HostLimitException("host limit: at most " + limits.pagesPerMapping() + " pages per mapping (line "
                            + at.line() + ":" + at.column() + " maps " + m.pages() + ")");
                }
                totalPages += m.pages();
                if (m.hugetlb()) hugetlbPages += m.pages() / 512;
                if (totalPages > limits.pages()) {
                    throw new HostLimitException("host limit: at most " + limits.pages() + " pages mapped in total (line "
                            + at.line() + ":" + at.column() + " brings it to " + totalPages + ")");
                }
            }
            if (procs.size() > limits.processes()) {
                throw new HostLimitException("host limit: at most " + limits.processes() + " processes (line " + at.line() + ":"
                        + at.column() + " creates the " + procs.size() + "th)");
            }
            body.append("step ").append(i).append(' ').append(line).append('\n');
        }
        StringBuilder head = new StringBuilder("probe 1\n");
        head.append("procs ").append(procs.size()).append('\n');
        head.append("pipes ").append(pipes.size()).append('\n');
        head.append("handles ").append(handles.size()).append('\n');
        for (int f = 0; f < h.files().size(); f++) {
            HeaderItem.FileDecl d = h.files().get(f);
            head.append("file ").append(f).append(' ').append(d.pages()).append(' ').append(encode(d.content())).append('\n');
        }
        for (Slot sl : slots) head.append("mapping ").append(sl.index()).append(' ').append(sl.pages()).append('\n');
        head.append("swap ").append(h.swap() ? "on" : "off").append('\n');
        head.append("thp ").append(h.thp().word()).append('\n');
        if (!h.mthp().isEmpty()) {
            head.append("mthp");
            for (HeaderItem.Mthp m : h.mthp()) head.append(' ').append(m.kb()).append(':').append(m.mode().word());
            head.append('\n');
        }
        // every process may end up with its own copy of every huge page, plus one unshared copy: reserve that many
        if (hugetlbPages > 0) head.append("hugetlb ").append(hugetlbPages * (procs.size() + 1)).append('\n');
        if (h.faultAroundBytes() != Header.DEFAULT_FAULT_AROUND_BYTES) head.append("fault_around ").append(h.faultAroundBytes()).append('\n');
        text = head.append(body).toString();
    }

    /** Translates a checked scenario; throws {@link HostLimitException} naming the limit and the line. */
    public static ProbeScript of(Scenario s, HostLimits limits) {
        return new ProbeScript(s, limits);
    }

    private int proc(String name) {
        int i = procs.indexOf(name);
        if (i < 0) {
            procs.add(name);
            vars.put(name, new LinkedHashMap<>());
            i = procs.size() - 1;
        }
        return i;
    }

    private static int index(List<String> list, String name) {
        int i = list.indexOf(name);
        if (i < 0) {
            list.add(name);
            i = list.size() - 1;
        }
        return i;
    }

    private String skip(int stmt, String name, String why) {
        skipped.put(stmt, name + ": " + why);
        return "skip " + name;
    }

    private String range(String proc, Target t) {
        int slot = vars.get(proc).getOrDefault(t.var(), -1);
        if (slot < 0) return null;
        int first = t.isWhole() ? 0 : t.first(), last = t.isWhole() ? slots.get(slot).pages() - 1 : t.last();
        return slot + " " + first + " " + (last - first + 1);
    }

    private String translate(Op op, Statement at) {
        int i = stepIndex();
        if (op instanceof Spawn sp) return "spawn " + proc(sp.name());
        if (op instanceof Hook hk) return skip(i, "on " + hk.point().word, "races need a kernel hook; the probe cannot time them");
        if (op instanceof GlobalOp g) {
            if (g instanceof GlobalOp.Ksmd k) return "ksmd " + k.scans();
            if (g instanceof GlobalOp.LruDrain) return "lru_drain";
            if (g instanceof GlobalOp.DmaRead d) {
                return Boolean.TRUE.equals(handleNative.get(d.handle())) ? "dmaread " + index(handles, d.handle())
                        : skip(i, "dma", "the handle is not an io_uring fixed buffer");
            }
            if (g instanceof GlobalOp.DmaWrite d) {
                return Boolean.TRUE.equals(handleNative.get(d.handle())) ? "dmawrite " + index(handles, d.handle()) + " " + encode(d.text())
                        : skip(i, "dma", "the handle is not an io_uring fixed buffer");
            }
            if (g instanceof GlobalOp.Complete) return skip(i, "complete", "an O_DIRECT read cannot be held in flight deterministically");
            return skip(i, "reclaim", "user space cannot write back and free swap-cache pages on request");
        }
        ProcessOp po = (ProcessOp) op;
        String p = po.proc();
        int pi = proc(p);
        ProcOp o = po.op();
        String pre = pi + " ";
        if (o instanceof ProcOp.Mmap m) {
            int k = slots.size();
            slots.add(new Slot(k, m.var(), m.pages()));
            vars.get(p).put(m.var(), k);
            String backing = m.file() == null ? "anon" : String.valueOf(files.indexOf(m.file()));
            return pre + "mmap " + k + " " + backing + " " + (m.shared() ? "shared" : "private") + " " + m.prot().word + " "
                    + (m.hugetlb() ? 2 : m.hugepage() ? 1 : 0) + " " + (m.populate() ? 1 : 0);
        }
        if (o instanceof ProcOp.Fork f) {
            int c = proc(f.child());
            vars.get(f.child()).putAll(vars.get(p));
            return pre + "fork " + c;
        }
        if (o instanceof ProcOp.Exit) return pre + "exit";
        if (o instanceof ProcOp.ClearRefs) return pre + "clear_refs";
        if (o instanceof ProcOp.Cpu c) return pre + "cpu " + c.cpu();
        if (o instanceof ProcOp.ReadPipe r) return pre + "readpipe " + index(pipes, r.pipe());
        if (o instanceof ProcOp.Munmap m) return pre + "munmap " + range(p, m.target());
        if (o instanceof ProcOp.Mprotect m) return pre + "mprotect " + range(p, m.target()) + " " + m.prot().word;
        if (o instanceof ProcOp.Madvise m) return pre + "madvise " + range(p, m.target()) + " " + m.advice().word;
        if (o instanceof ProcOp.Write w) return pre + "write " + range(p, w.target()) + " " + encode(w.text());
        if (o instanceof ProcOp.Read r) return pre + "read " + range(p, r.target());
        if (o instanceof ProcOp.Vmsplice v) return pre + "vmsplice " + range(p, v.target()) + " " + index(pipes, v.pipe());
        if (o instanceof ProcOp.Poke k) {
            int q = proc(k.proc());
            return pre + "poke " + q + " " + range(k.proc(), k.target()) + " " + encode(k.text());
        }
        if (o instanceof ProcOp.IoUringRegister r) return uring(pre, p, r.target(), r.handle());
        if (o instanceof ProcOp.RdmaRegister r) return uring(pre, p, r.target(), r.handle()); // the same pin: FOLL_PIN|FOLL_WRITE|FOLL_LONGTERM
        if (o instanceof ProcOp.Pin pin) {
            if (pin.write() && pin.longterm() && !pin.fast()) return uring(pre, p, pin.target(), pin.handle());
            return skip(i, "pin", "only 'pin rw longterm' has a user-space trigger (an io_uring fixed buffer)");
        }
        if (o instanceof ProcOp.Unpin u) {
            return Boolean.TRUE.equals(handleNative.get(u.handle())) ? pre + "unuring " + index(handles, u.handle())
                    : skip(i, "unpin", "the handle was not pinned natively");
        }
        if (o instanceof ProcOp.Get) return skip(i, "get", "no user-space call takes plain FOLL_GET references that stay held");
        if (o instanceof ProcOp.Put) return skip(i, "put", "no user-space call takes plain FOLL_GET references that stay held");
        if (o instanceof ProcOp.OdirectRead) return skip(i, "odirect_read", "an O_DIRECT read cannot be held in flight deterministically");
        if (o instanceof ProcOp.UffdRegister u) return pre + "uffd_register " + range(p, u.target());
        if (o instanceof ProcOp.UffdWp u) return pre + "uffd_wp " + range(p, u.target()) + " " + (u.on() ? "on" : "off");
        return skip(i, o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), "not supported by the probe");
    }

    private String uring(String pre, String proc, Target t, String handle) {
        handleNative.put(handle, true);
        return pre + "uring " + range(proc, t) + " " + index(handles, handle);
    }

    private int stepIndex() {
        return steps.get(steps.size() - 1);
    }

    /** Percent-encoding of the probe: bytes outside '!'..'~' and '%' as %XX; "" is "%". */
    public static String encode(String s) {
        if (s.isEmpty()) return "%";
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%') sb.append((char) c);
            else sb.append('%').append(String.format("%02X", c));
        }
        return sb.toString();
    }

    /** The inverse of {@link #encode}. */
    public static String decode(String s) {
        if (s.equals("%")) return "";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write((byte) c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String text() {
        return text;
    }

    public List<String> processes() {
        return List.copyOf(procs);
    }

    public List<String> pipes() {
        return List.copyOf(pipes);
    }

    public List<String> handles() {
        return List.copyOf(handles);
    }

    public List<String> files() {
        return List.copyOf(files);
    }

    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    /** The statement indexes of the steps, in order. */
    public List<Integer> steps() {
        return List.copyOf(steps);
    }

    /** Statement index to "operation: why it is skipped". */
    public Map<Integer, String> skipped() {
        return Map.copyOf(skipped);
    }

    /** The slot of {@code var} in {@code proc}, or -1. */
    public int slot(String proc, String var) {
        Map<String, Integer> m = vars.get(proc);
        return m == null ? -1 : m.getOrDefault(var, -1);
    }

    public int processIndex(String name) {
        return procs.indexOf(name);
    }
}
