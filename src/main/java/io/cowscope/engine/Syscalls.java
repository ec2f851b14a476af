package io.cowscope.engine;

import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;

import static io.cowscope.engine.Machine.*;

/** The system-call table: one {@link io.cowscope.engine.op.Op} becomes the kernel entry point that
 * implements it (mmap, fork, madvise, pin …), after the process and target checks. */
final class Syscalls {
    private Syscalls() {
    }

    static String dispatch(Machine M, Op op) {
        if (op == null) throw new OpError("no operation");
        if (op instanceof Spawn s) return spawn(M, s.name());
        if (op instanceof Hook h) {
            Proc p = M.proc(h.proc());
            M.hooks.add(new ArmedHook(h.point(), p.name, h.op()));
            M.log.leaf("hook armed", h.point().word);
            return "on " + h.point().word + ": " + h.proc() + " armed";
        }
        if (op instanceof GlobalOp g) return global(M, g);
        if (op instanceof ProcessOp po) {
            Proc p = runnable(M, po.proc(), po.op());
            return procOp(M, p, po.op());
        }
        throw new OpError("unknown operation " + op);
    }

    static String spawn(Machine M, String name) {
        if (name == null || name.isEmpty()) throw new OpError("a process needs a name");
        if (M.procByName.containsKey(name)) throw new OpError("process " + name + " already exists");
        Proc p = new Proc(name, M.nextPid++);
        M.procs.add(p);
        M.procByName.put(name, p);
        M.log.event(EventType.FORK, "spawn", name, null, -1, -1, "kernel_clone", null, "process " + name + " (pid " + p.pid + ") starts on cpu0", null);
        return "process " + name + " pid " + p.pid;
    }

    static Proc runnable(Machine M, String name, ProcOp op) {
        Proc p = M.proc(name);
        if (p.state != ProcState.ALIVE) throw new OpError("process " + name + " has " + p.state.word + " and runs nothing");
        if (p.blocked != null) {
            Pending b = p.blocked;
            boolean resolves = op instanceof ProcOp.UffdWp u && !u.on() && u.target().var().equals(b.m().name)
                    && covers(u.target(), b.m(), b.idx());
            if (!resolves)
                throw new OpError("process " + name + " is blocked in a uffd-wp fault at " + b.m().name + "[" + b.idx()
                        + "]; its next statement must be 'uffd_wp " + b.m().name + "[" + b.idx() + "] off'");
        }
        return p;
    }

    static boolean covers(Target t, Vma m, int idx) {
        if (t.isWhole()) return true;
        return idx >= t.first() && idx <= t.last();
    }

    static String procOp(Machine M, Proc p, ProcOp op) {
        if (op instanceof ProcOp.Mmap o) return Mmap.mmap(M, p, o);
        if (op instanceof ProcOp.Munmap o) return Mmap.munmap(M, p, M.mapping(p, o.target().var()), M.range(M.mapping(p, o.target().var()), o.target()));
        if (op instanceof ProcOp.Mprotect o) return Mprotect.mprotect(M, p, M.mapping(p, o.target().var()), M.range(M.mapping(p, o.target().var()), o.target()), o.prot());
        if (op instanceof ProcOp.Madvise o) return Madvise.madvise(M, p, M.mapping(p, o.target().var()), M.range(M.mapping(p, o.target().var()), o.target()), o.advice());
        if (op instanceof ProcOp.Write o) {
            Vma m = M.mapping(p, o.target().var());
            int[] r = M.range(m, o.target());
            int v = M.ct.newVersion(o.text(), p.pid, M.stepIndex, m.shared);
            return UserAccess.cpuWrite(M, p, m, r[0], r[1], v);
        }
        if (op instanceof ProcOp.Read o) {
            Vma m = M.mapping(p, o.target().var());
            int[] r = M.range(m, o.target());
            return UserAccess.cpuRead(M, p, m, r[0], r[1]);
        }
        if (op instanceof ProcOp.ReadPipe o) return Splice.readPipe(M, p, o.pipe());
        if (op instanceof ProcOp.Fork o) return Fork.fork(M, p, o.child());
        if (op instanceof ProcOp.Exit) return Mmap.exit(M, p, ProcState.EXITED);
        if (op instanceof ProcOp.ClearRefs) return TaskMmu.clearRefs(M, p);
        if (op instanceof ProcOp.Vmsplice o) {
            Vma m = M.mapping(p, o.target().var());
            return Splice.vmsplice(M, p, m, M.range(m, o.target()), o.pipe());
        }
        if (op instanceof ProcOp.Pin o) {
            Vma m = M.mapping(p, o.target().var());
            int f = FOLL_PIN | (o.write() ? FOLL_WRITE : 0) | (o.longterm() ? FOLL_LONGTERM : 0) | (o.fast() ? FOLL_FAST : 0);
            return Gup.pin(M, p, m, M.range(m, o.target()), f, o.handle(), HandleKind.PIN, "device");
        }
        if (op instanceof ProcOp.Get o) {
            Vma m = M.mapping(p, o.target().var());
            int f = FOLL_GET | (o.write() ? FOLL_WRITE : 0) | (o.force() ? FOLL_FORCE : 0);
            return Gup.pin(M, p, m, M.range(m, o.target()), f, o.handle(), HandleKind.GET, "kernel");
        }
        if (op instanceof ProcOp.Unpin o) return Gup.release(M, p, o.handle(), HandleKind.PIN);
        if (op instanceof ProcOp.Put o) return Gup.release(M, p, o.handle(), HandleKind.GET);
        if (op instanceof ProcOp.IoUringRegister o) {
            Vma m = M.mapping(p, o.target().var());
            int[] r = M.range(m, o.target());
            if (!M.rules.inForce(Rule.IO_URING))
                M.log.warn("io_uring does not exist before 5.1: emulated as a long-term write pin (" + Rule.IO_URING.cite() + ")");
            return Gup.pin(M, p, m, r, FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, o.handle(), HandleKind.PIN, "io_uring");
        }
        if (op instanceof ProcOp.RdmaRegister o) {
            Vma m = M.mapping(p, o.target().var());
            return Gup.pin(M, p, m, M.range(m, o.target()), FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, o.handle(), HandleKind.PIN, "NIC");
        }
        if (op instanceof ProcOp.OdirectRead o) {
            Vma m = M.mapping(p, o.target().var());
            int f = (M.rules.inForce(Rule.ODIRECT_FOLL_PIN) ? FOLL_PIN : FOLL_GET) | FOLL_WRITE;
            return Gup.pin(M, p, m, M.range(m, o.target()), f, o.handle(), HandleKind.ODIRECT, "disk");
        }
        if (op instanceof ProcOp.Poke o) {
            Proc target = M.proc(o.proc());
            if (target.state != ProcState.ALIVE) throw new OpError("process " + target.name + " has " + target.state.word);
            Vma m = M.mapping(target, o.target().var());
            return Gup.poke(M, p, target, m, M.range(m, o.target()), o.text());
        }
        if (op instanceof ProcOp.UffdRegister o) {
            Vma m = M.mapping(p, o.target().var());
            return Userfaultfd.uffdRegister(M, p, m, M.range(m, o.target()));
        }
        if (op instanceof ProcOp.UffdWp o) {
            Vma m = M.mapping(p, o.target().var());
            return Userfaultfd.uffdWp(M, p, m, M.range(m, o.target()), o.on());
        }
        if (op instanceof ProcOp.Cpu o) {
            if (o.cpu() < 0 || o.cpu() >= M.config.cpus()) throw new OpError("cpu " + o.cpu() + " does not exist (cpus " + M.config.cpus() + ")");
            p.cpu = o.cpu();
            M.log.leaf("sched_setaffinity", "cpu" + o.cpu());
            return p.name + " runs on cpu" + o.cpu();
        }
        throw new OpError("unknown operation " + op);
    }

    static String global(Machine M, GlobalOp g) {
        if (g instanceof GlobalOp.DmaWrite o) return Gup.dmaWrite(M, M.liveHandle(o.handle()), o.text(), false);
        if (g instanceof GlobalOp.DmaRead o) return Gup.dmaRead(M, M.liveHandle(o.handle()));
        if (g instanceof GlobalOp.Complete o) {
            Handle h = M.liveHandle(o.handle());
            if (h.kind != HandleKind.ODIRECT) throw new OpError("handle " + h.name + " is not an O_DIRECT read");
            return Gup.dmaWrite(M, h, o.text(), true);
        }
        if (g instanceof GlobalOp.Ksmd o) {
            if (o.scans() < 1) throw new OpError("ksmd needs at least one scan");
            if (M.procs.stream().noneMatch(q -> q.state == ProcState.ALIVE && q.ksmMm)) {
                M.log.event(EventType.NOTE, "ksmd_idle", null, null, -1, -1, "ksmd_should_run", Rule.KSMD_NEEDS_MERGEABLE_MM,
                        "no live process has made memory mergeable, so no mm is on ksmd's list: ksmd sleeps, scans nothing and drains no LRU batch · "
                                + Rule.KSMD_NEEDS_MERGEABLE_MM.cite(), null);
                return "ksmd: idle (no mm registered with KSM)";
            }
            for (int i = 0; i < o.scans(); i++) Ksm.scan(M);
            return "ksmd: " + o.scans() + " scan(s)";
        }
        if (g instanceof GlobalOp.LruDrain o) {
            if (o.cpu() == null) {
                int d = M.log.enter("lru_add_drain_all", null);
                LruBatches.lruAddDrainAll(M);
                M.log.depth = d;
                return "drained every CPU's LRU-add batch";
            }
            if (o.cpu() < 0 || o.cpu() >= M.config.cpus()) throw new OpError("cpu " + o.cpu() + " does not exist");
            LruBatches.lruAddDrain(M, o.cpu());
            return "drained cpu" + o.cpu();
        }
        if (g instanceof GlobalOp.Reclaim) return Vmscan.reclaim(M);
        throw new OpError("unknown operation " + g);
    }
}
