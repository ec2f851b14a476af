package io.cowscope.engine;

import io.cowscope.engine.op.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a list of ints into operations, choosing among the names the machine has now (so most
 * operations run, and some deliberately do not: unknown names, released handles, blocked processes).
 * Deterministic: the same ints on the same machine give the same ops.
 */
final class RandomOps {
    private RandomOps() {
    }

    interface Sink {
        void accept(Op op);
    }

    static List<Op> run(Machine m, List<Integer> code, Sink sink) {
        List<Op> out = new ArrayList<>();
        java.util.function.Consumer<Op> emit = op -> {
            out.add(op);
            sink.accept(op);
        };
        emit.accept(new Spawn("p0"));
        emit.accept(new ProcessOp("p0", new ProcOp.Mmap("m0", 4, null, false, Prot.RW, false, false)));
        int nmaps = 1, nh = 0, npipes = 0, nprocs = 1;
        for (int k = 0; k + 3 < code.size(); k += 4) {
            int a = code.get(k), b = code.get(k + 1), c = code.get(k + 2), d = code.get(k + 3);
            List<Machine.Proc> alive = new ArrayList<>();
            for (Machine.Proc p : m.procs) if (p.state == ProcState.ALIVE) alive.add(p);
            if (alive.isEmpty() || b % 50 == 0) {
                String n = "p" + (nprocs++);
                emit.accept(new Spawn(n));
                continue;
            }
            Machine.Proc pr = alive.get(b % alive.size());
            String p = pr.name;
            if (pr.blocked != null && a % 4 != 0) {
                emit.accept(new ProcessOp(p, new ProcOp.UffdWp(Target.page(pr.blocked.m().name, pr.blocked.idx()), false)));
                continue;
            }
            List<String> maps = new ArrayList<>(pr.maps.keySet());
            if (maps.isEmpty()) {
                emit.accept(new ProcessOp(p, new ProcOp.Mmap("m" + (nmaps++), 1 + d % 4, null, false, Prot.RW, false, d % 2 == 0)));
                continue;
            }
            String var = maps.isEmpty() || c % 23 == 0 ? "nope" : maps.get(c % maps.size());
            int n = pr.maps.containsKey(var) ? pr.maps.get(var).n : 4;
            int i = d % Math.min(n, 6) + (n > 6 && d % 3 == 0 ? (d % n) : 0);
            i = Math.min(i, n - 1);
            Target t = (d % 7 == 0) ? Target.whole(var) : (d % 5 == 0 ? Target.range(var, i, Math.min(n - 1, i + 2)) : Target.page(var, i));
            List<String> live = new ArrayList<>();
            for (Machine.Handle h : m.handles.values()) if (h.live) live.add(h.name);
            String h = live.isEmpty() || d % 17 == 0 ? "h" + (d % (nh + 1)) : live.get(d % live.size());
            List<String> pipes = new ArrayList<>(m.pipes.keySet());
            String pipe = pipes.isEmpty() || c % 19 == 0 ? "pp" + npipes : pipes.get(c % pipes.size());
            Op op = switch (a % 34) {
                case 0, 1, 2, 3 -> new ProcessOp(p, new ProcOp.Write(t, "t" + (d % 3)));
                case 4, 5 -> new ProcessOp(p, new ProcOp.Read(t));
                case 6 -> nprocs < 6 ? new ProcessOp(p, new ProcOp.Fork("p" + (nprocs++))) : new ProcessOp(p, new ProcOp.Write(t, "x"));
                case 7, 8 -> new ProcessOp(p, new ProcOp.Madvise(t, d % 4 == 0 ? Advice.PAGEOUT : Advice.values()[d % Advice.values().length]));
                case 9 -> new ProcessOp(p, new ProcOp.Mprotect(t, Prot.values()[d % 3]));
                case 10 -> new ProcessOp(p, new ProcOp.Vmsplice(t, c % 2 == 0 ? "pp" + (npipes++) : pipe));
                case 11 -> new ProcessOp(p, new ProcOp.ReadPipe(pipe));
                case 12 -> new ProcessOp(p, new ProcOp.Pin(t, d % 2 == 0, d % 3 == 0, d % 4 == 0, "h" + (nh++)));
                case 13 -> new ProcessOp(p, new ProcOp.Get(t, d % 2 == 0, d % 3 == 0, "h" + (nh++)));
                case 14 -> new ProcessOp(p, new ProcOp.Unpin(h));
                case 15 -> new ProcessOp(p, new ProcOp.Put(h));
                case 16 -> new ProcessOp(p, new ProcOp.ClearRefs());
                case 17 -> new GlobalOp.Ksmd(1 + d % 2);
                case 18 -> new GlobalOp.LruDrain(d % 3 == 0 ? null : d % 2);
                case 19 -> new GlobalOp.Reclaim();
                case 20 -> new GlobalOp.DmaWrite(h, "dma" + d % 2);
                case 21 -> new GlobalOp.DmaRead(h);
                case 22 -> new ProcessOp(p, new ProcOp.OdirectRead(t, "h" + (nh++)));
                case 23 -> new GlobalOp.Complete(h, "io");
                case 24 -> new ProcessOp(p, new ProcOp.Poke(d % 4 == 0 ? alive.get(d % alive.size()).name : p, t, "poke"));
                case 25 -> new ProcessOp(p, new ProcOp.UffdRegister(Target.whole(var)));
                case 26, 27 -> new ProcessOp(p, new ProcOp.UffdWp(d % 2 == 0 ? Target.whole(var) : t, d % 3 != 0));
                case 28 -> new ProcessOp(p, new ProcOp.Cpu(d % 2));
                case 29 -> {
                    String nv = "m" + (nmaps++);
                    int kind = d % 5;
                    yield new ProcessOp(p, new ProcOp.Mmap(nv, kind == 4 ? 512 + (d % 2) * 512 : 1 + d % 4, kind == 2 ? "f" : null, kind == 3,
                            kind == 2 && d % 2 == 0 ? Prot.RO : Prot.RW, kind == 4, d % 3 == 0));
                }
                case 30 -> new ProcessOp(p, new ProcOp.Munmap(t));
                case 31 -> d % 5 == 0 ? new ProcessOp(p, new ProcOp.Exit()) : new ProcessOp(p, new ProcOp.Read(t));
                case 32 -> new ProcessOp(p, new ProcOp.IoUringRegister(t, "h" + (nh++)));
                default -> new Hook(Hook.HookPoint.GUP_RETRY, p, new ProcOp.Madvise(t, Advice.DONTNEED));
            };
            emit.accept(op);
        }
        return out;
    }

    static MachineConfig config(KernelVersion v, int variant) {
        return MachineConfig.defaults(v).withCpus(1 + variant % 2).withFiles(List.of(new FileSpec("f", 4, "file")))
                .withThp(ThpMode.values()[variant % 3]).withSwap(variant % 5 != 0).withSoftDirty(variant % 7 != 0)
                .withLruBatchCapacity(variant % 11 == 0 ? 2 : null)
                // one variant in four also has anonymous mTHP (16K always, 32K inherit): 4-page mappings get 16K folios
                .withMthp(variant % 4 == 3 ? HugeAnonOrders.NONE.with(2, ThpMode.ALWAYS).with(3, null) : HugeAnonOrders.NONE);
    }
}
