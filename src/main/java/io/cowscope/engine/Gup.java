package io.cowscope.engine;

import io.cowscope.engine.op.Hook;

import static io.cowscope.engine.Machine.*;

/**
 * mm/gup.c: {@code __get_user_pages} ({@code follow_page_mask}, {@code faultin_page}, the gup_retry loop),
 * {@code can_follow_write_pte}, {@code gup_must_unshare}, FOLL_GET/FOLL_PIN references and the handles
 * that keep them (pin, get, io_uring, RDMA, O_DIRECT), {@code /proc/PID/mem} writes (FOLL_FORCE, from
 * mm/memory.c's {@code access_remote_vm}) and the device side of a handle (DMA read/write). §3.5.
 */
final class Gup {
    private Gup() {
    }

    /** can_follow_write_pte: may FOLL_FORCE write through this read-only PTE? */
    static boolean canFollowWritePte(Machine M, Vma m, long v, int pfn, int gup) {
        if ((v & P_WRITE) != 0) return true;
        if ((gup & FOLL_FORCE) == 0) return false;
        if (M.rules.inForce(Rule.FOLL_COW)) return (gup & FOLL_COW) != 0 && (v & P_DIRTY) != 0;
        if (M.rules.inForce(Rule.FOLL_FORCE_NEEDS_PAE)) {
            if (m.shared || (v & V_WRITE) != 0) return false;
            if (pfn == ZERO_PFN || !M.has(pfn, PG_ANON) || !M.has(pfn, PG_EXCL)) return false;
            return !Memory.softDirtyWantsFault(M, v) && (v & P_UFFD_WP) == 0;
        }
        return false; // DIRTY_COW_BUG era: FOLL_WRITE was dropped instead
    }

    /** gup_must_unshare (5.19+): a R/O FOLL_PIN of a non-exclusive anon page (6.2+: long-term, non-anon too) */
    static boolean gupMustUnshare(Machine M, Vma m, long v, int pfn, int gup) {
        if (!M.rules.inForce(Rule.GUP_UNSHARE)) return false;
        if ((gup & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN) return false;
        boolean anon = pfn != ZERO_PFN && M.has(pfn, PG_ANON);
        if (anon) return !M.has(pfn, PG_EXCL);
        return M.rules.inForce(Rule.LONGTERM_RO_FILE_UNSHARE) && (gup & FOLL_LONGTERM) != 0 && !m.shared;
    }

    /**
     * check_vma_flags → writable_file_mapping_allowed (6.5+): FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE on a VMA that
     * needs dirty tracking (vma_needs_dirty_tracking: shared, writable, a file that writes back; not shmem) is refused.
     */
    static boolean writableFileMappingAllowed(Machine M, Vma m, long v, int gup) {
        if (!M.rules.inForce(Rule.WRITABLE_FILE_PIN_EFAULT)) return true;
        if ((gup & (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE)) != (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE)) return true;
        return !(m.shared && (v & V_WRITE) != 0 && m.file != null && !m.file.shmem);
    }

    /**
     * __get_user_pages for one page: follow_page, faultin_page, retry. Returns the pfn (with the
     * reference taken), or -1 (EFAULT; a warning says why).
     */
    static int getUserPage(Machine M, Proc caller, Proc p, Vma m, int i, int gup) {
        long v = m.pte(i);
        if ((v & V_MAPPED) == 0) {
            M.log.warn("GUP on " + m.name + "[" + i + "]: no VMA (EFAULT)");
            return -1;
        }
        boolean force = (gup & FOLL_FORCE) != 0;
        if (!writableFileMappingAllowed(M, m, v, gup)) {
            M.log.event(EventType.NOTE, "efault", p.name, m.name, i, -1, "check_vma_flags", Rule.WRITABLE_FILE_PIN_EFAULT,
                    M.log.detail ? "writable_file_mapping_allowed: a long-term writable pin of the shared file mapping " + m.name
                            + " would write pages the file system tracks as clean: EFAULT before any fault · " + Rule.WRITABLE_FILE_PIN_EFAULT.cite() : null, null);
            M.log.warn("GUP on " + m.name + "[" + i + "]: long-term writable pin of a shared file mapping (EFAULT)");
            return -1;
        }
        if ((gup & FOLL_WRITE) != 0 && (v & V_WRITE) == 0 && !(force && !m.shared)) {
            M.log.warn("GUP write on " + m.name + "[" + i + "]: VMA not writable (EFAULT)");
            return -1;
        }
        if ((v & V_READ) == 0 && !force) {
            M.log.warn("GUP on " + m.name + "[" + i + "]: VMA not readable (EFAULT)");
            return -1;
        }
        if (M.rules.inForce(Rule.GUP_FORCE_COW_BREAK) && (gup & (FOLL_GET | FOLL_PIN)) != 0 && (gup & FOLL_WRITE) == 0 && !m.shared
                && (v & V_WRITE) != 0) {
            gup |= FOLL_WRITE;
            M.log.event(EventType.NOTE, "force_cow_break", p.name, m.name, i, -1, "__get_user_pages", Rule.GUP_FORCE_COW_BREAK,
                    M.log.detail ? "GUP in a COW mapping is treated as a write: FOLL_WRITE added · " + Rule.GUP_FORCE_COW_BREAK.cite() : null, null);
        }
        if ((gup & FOLL_FAST) != 0) {
            long w = m.pte(i);
            int pfn = (int) (w & PFN_MASK);
            boolean ok = (w & P_PRESENT) != 0 && (w & P_PMD) == 0 && ((gup & FOLL_WRITE) == 0 || (w & P_WRITE) != 0)
                    && !gupMustUnshare(M, m, w, (w & P_ZERO) != 0 ? ZERO_PFN : pfn, gup);
            M.log.leaf("gup_fast", ok ? "lockless walk succeeded" : "needs a fault or an unshare: fall back to __get_user_pages");
            if (ok) return grab(M, p, m, i, (w & P_ZERO) != 0 ? ZERO_PFN : pfn, gup);
        }
        int d = M.log.enter("__get_user_pages", M.log.detail ? gupFlagNames(gup) : null);
        try {
            for (int iter = 0; iter < 8; iter++) {
                v = m.pte(i);
                if ((v & V_MAPPED) == 0) {
                    M.log.warn("GUP on " + m.name + "[" + i + "]: the VMA went away (EFAULT)");
                    return -1;
                }
                int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
                int faultFlags = followPage(M, p, m, i, gup);
                if (faultFlags == FOLLOW_OK) return grab(M, p, m, i, pfn, gup);
                gup = faultinPage(M, caller, p, m, i, faultFlags, gup);
                if (gup < 0) return -1;
                M.log.leaf("gup_retry", M.log.detail ? "faultin_page returned 0: walk the page table again with " + gupFlagNames(gup) : null);
                M.fireHooks(Hook.HookPoint.GUP_RETRY);
            }
            M.log.warn("GUP on " + m.name + "[" + i + "] did not settle after 8 retries (EFAULT)");
            return -1;
        } finally {
            M.log.depth = d;
        }
    }

    /**
     * follow_page_mask (→ follow_page_pte): FOLLOW_OK when the PTE allows the access (the caller takes the
     * reference), else the fault flags faultin_page must use: missing page, FOLL_WRITE on a PTE FOLL_FORCE
     * may not write through, or an unshare (gup_must_unshare). The kernel step says which.
     */
    static int followPage(Machine M, Proc p, Vma m, int i, int gup) {
        long v = m.pte(i);
        int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        if ((v & P_PRESENT) == 0) {
            M.log.leaf("follow_page_mask", M.log.detail ? "no page mapped: fault it in" : null);
            return (gup & FOLL_WRITE) != 0 ? FAULT_FLAG_WRITE : 0;
        }
        if ((gup & FOLL_WRITE) != 0 && !canFollowWritePte(M, m, v, pfn, gup)) {
            M.log.leaf("follow_page_mask", M.log.detail ? "FOLL_WRITE on a read-only PTE (pfn " + pfn + "): write fault" : null);
            return FAULT_FLAG_WRITE;
        }
        if (gupMustUnshare(M, m, v, pfn, gup)) {
            M.log.leaf("follow_page_mask", M.log.detail ? "pfn " + pfn + " must be unshared first" : null);
            boolean anon = pfn != ZERO_PFN && M.has(pfn, PG_ANON);
            M.log.event(EventType.NOTE, "must_unshare", p.name, m.name, i, pfn, "gup_must_unshare",
                    anon ? Rule.GUP_UNSHARE : Rule.LONGTERM_RO_FILE_UNSHARE,
                    M.log.detail ? "read-only FOLL_PIN of a page that is not exclusive: unshare first · "
                            + (anon ? Rule.GUP_UNSHARE.cite() : Rule.LONGTERM_RO_FILE_UNSHARE.cite()) : null, null);
            return FAULT_FLAG_UNSHARE;
        }
        boolean force = (gup & FOLL_WRITE) != 0 && (v & P_WRITE) == 0;
        M.log.leaf("follow_page_mask", M.log.detail ? "found pfn " + pfn + ((gup & FOLL_WRITE) == 0 ? " (read)" : force ? " (FOLL_FORCE through a read-only PTE)" : " (writable PTE)") : null);
        if (force)
            M.log.event(EventType.NOTE, "force", p.name, m.name, i, pfn, "can_follow_write_pte",
                    M.rules.inForce(Rule.FOLL_COW) ? Rule.FOLL_COW : Rule.FOLL_FORCE_NEEDS_PAE,
                    M.log.detail ? "FOLL_FORCE writes through the read-only PTE" : null, null);
        return FOLLOW_OK;
    }

    /**
     * faultin_page: one fault for GUP; returns the (possibly changed) GUP flags, or -1 on failure. When the
     * fault returned VM_FAULT_WRITE (do_wp_page broke or reused for the write: not do_cow_fault) on a VMA
     * without VM_WRITE, ≤ 4.8 drops FOLL_WRITE (the Dirty COW bug), 4.9-5.19 sets FOLL_COW; 6.0+ ignores it
     * (can_follow_write_pte looks at PageAnonExclusive instead).
     */
    static int faultinPage(Machine M, Proc caller, Proc p, Vma m, int i, int faultFlags, int gup) {
        VmFault f = new VmFault(p, m, i, faultFlags | FAULT_FLAG_REMOTE);
        f.gup = true;
        f.cpu = caller.cpu;
        int d2 = M.log.enter("faultin_page", null);
        int ret = Memory.handleMmFault(M, f);
        M.log.depth = d2;
        if ((ret & (VM_FAULT_ERROR | VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED)) != 0) return -1;
        if ((ret & VM_FAULT_WRITE) != 0 && (m.pte(i) & V_WRITE) == 0 && (gup & FOLL_WRITE) != 0) {
            if (M.rules.inForce(Rule.DIRTY_COW_BUG)) {
                gup &= ~FOLL_WRITE;
                M.log.event(EventType.NOTE, "drop_foll_write", p.name, m.name, i, -1, "faultin_page", Rule.DIRTY_COW_BUG,
                        "do_wp_page returned VM_FAULT_WRITE and the VMA is not writable: FOLL_WRITE is dropped, GUP retries as a read · " + Rule.DIRTY_COW_BUG.cite(), null);
            } else if (M.rules.inForce(Rule.FOLL_COW)) {
                gup |= FOLL_COW;
                M.log.event(EventType.NOTE, "foll_cow", p.name, m.name, i, -1, "faultin_page", Rule.FOLL_COW,
                        M.log.detail ? "do_wp_page returned VM_FAULT_WRITE and the VMA is not writable: FOLL_COW set, FOLL_WRITE kept · " + Rule.FOLL_COW.cite() : null, null);
            }
        }
        return gup;
    }

    /** get_user_pages / pin_user_pages over [a, b]: the pfns taken, or null (EFAULT; references already taken are dropped) */
    static int[] getUserPages(Machine M, Proc caller, Proc p, Vma m, int a, int b, int gup) {
        int[] pfns = new int[b - a + 1];
        for (int k = 0; k < pfns.length; k++) {
            M.log.page(k);
            int pfn = getUserPage(M, caller, p, m, a + k, gup);
            if (pfn < 0) {
                M.log.detailOn();
                for (int j = 0; j < k; j++) ungrab(M, pfns[j], gup);
                return null;
            }
            pfns[k] = pfn;
        }
        M.log.detailOn();
        return pfns;
    }

    static String gupFlagNames(int gup) {
        StringBuilder sb = new StringBuilder();
        if ((gup & FOLL_GET) != 0) sb.append("FOLL_GET");
        if ((gup & FOLL_PIN) != 0) sb.append("FOLL_PIN");
        if ((gup & FOLL_WRITE) != 0) sb.append("|FOLL_WRITE");
        if ((gup & FOLL_LONGTERM) != 0) sb.append("|FOLL_LONGTERM");
        if ((gup & FOLL_FORCE) != 0) sb.append("|FOLL_FORCE");
        if ((gup & FOLL_COW) != 0) sb.append("|FOLL_COW");
        return sb.toString();
    }

    /** take the GUP reference: +1 (FOLL_GET), +1024 (FOLL_PIN, small page) or +1 and pincount (THP) */
    static int grab(Machine M, Proc p, Vma m, int i, int pfn, int gup) {
        if (pfn == ZERO_PFN) {
            M.log.event((gup & FOLL_PIN) != 0 ? EventType.PIN : EventType.GET, "zero", p.name, m.name, i, ZERO_PFN, "try_grab_folio", null,
                    M.log.detail ? "the zero page is taken (its refcount is not tracked)" : null, null);
            return pfn;
        }
        if ((gup & FOLL_PIN) != 0) {
            if (M.isThp(pfn)) {
                PageAlloc.folioGet(M, pfn, 1);
                M.pages.folios.get(M.head(pfn)).pincount++;
            } else PageAlloc.folioGet(M, pfn, GUP_PIN_COUNTING_BIAS);
            if (!p.hasPinned) {
                p.hasPinned = true;
                M.log.leaf("mm_set_has_pinned_flag", "MMF_HAS_PINNED");
            }
            M.log.event(EventType.PIN, null, p.name, m.name, i, pfn, "try_grab_folio", Rule.PIN_USER_PAGES,
                    M.log.detail ? "FOLL_PIN: pfn " + pfn + " page_count " + M.refcount(pfn) + " (" + (M.isThp(pfn) ? "+1, pincount +1" : "+1024") + ")" : null, null);
        } else {
            PageAlloc.folioGet(M, pfn, 1);
            M.log.event(EventType.GET, null, p.name, m.name, i, pfn, "try_grab_folio", null,
                    M.log.detail ? "FOLL_GET: pfn " + pfn + " page_count " + M.refcount(pfn) + " (+1)" : null, null);
        }
        return pfn;
    }

    static void ungrab(Machine M, int pfn, int gup) {
        if (pfn == ZERO_PFN || pfn < 0) return;
        if ((gup & FOLL_PIN) != 0 && M.isThp(pfn)) {
            Folio fo = M.pages.folios.get(M.head(pfn));
            if (fo != null) fo.pincount--;
            PageAlloc.folioPut(M, pfn, 1);
        } else PageAlloc.folioPut(M, pfn, (gup & FOLL_PIN) != 0 ? GUP_PIN_COUNTING_BIAS : 1);
    }

    static String pin(Machine M, Proc p, Vma m, int[] r, int gup, String name, HandleKind kind, String device) {
        if (name == null) throw new OpError("a handle needs a name");
        if (M.handles.containsKey(name) || M.pipes.containsKey(name)) throw new OpError("handle " + name + " already exists");
        if ((gup & FOLL_PIN) != 0 && !M.rules.inForce(Rule.PIN_USER_PAGES)) {
            gup = (gup & ~FOLL_PIN) | FOLL_GET;
            M.log.warn("pin_user_pages does not exist before 5.6: drivers took FOLL_GET references (" + Rule.PIN_USER_PAGES.cite() + ")");
        }
        int d = M.log.enter((gup & FOLL_PIN) != 0 ? "pin_user_pages" : "get_user_pages", M.log.detail ? gupFlagNames(gup) : null);
        int[] pfns = getUserPages(M, p, p, m, r[0], r[1], gup);
        M.log.depth = d;
        if (pfns == null) {
            M.log.warn("GUP failed in " + m.name + "[" + r[0] + ".." + r[1] + "]: the handle is not created");
            return M.log.fail("EFAULT");
        }
        int ok = pfns.length;
        M.handles.put(name, new Handle(name, kind, p, m, r[0], pfns, gup, device));
        return p.name + " " + ((gup & FOLL_PIN) != 0 ? "pinned " : "got ") + ok + " page(s) as " + name;
    }

    static String release(Machine M, Proc p, String name, HandleKind expected) {
        Handle h = M.liveHandle(name);
        if (expected == HandleKind.PIN && h.kind != HandleKind.PIN) throw new OpError("handle " + name + " is not a pin handle (use " + (h.kind == HandleKind.GET ? "put" : "complete") + ")");
        if (expected == HandleKind.GET && h.kind != HandleKind.GET) throw new OpError("handle " + name + " is not a get handle (use " + (h.kind == HandleKind.PIN ? "unpin" : "complete") + ")");
        releaseHandle(M, h);
        return name + " released";
    }

    static void releaseHandle(Machine M, Handle h) {
        boolean pin = (h.gupFlags & FOLL_PIN) != 0;
        int d = M.log.enter(pin ? "unpin_user_pages" : "put_page", h.name);
        for (int k = 0; k < h.pfns.length; k++) {
            M.log.page(k);
            int pfn = h.pfns[k];
            M.log.event(pin ? EventType.UNPIN : EventType.PUT, null, h.owner.name, h.m.name, h.first + k, pfn, pin ? "unpin_user_page" : "put_page", null,
                    M.log.detail ? h.name + " releases pfn " + pfn : null, null);
            ungrab(M, pfn, h.gupFlags);
        }
        M.log.detailOn();
        h.live = false;
        M.log.depth = d;
    }

    /** write to /proc/PID/mem: GUP FOLL_GET|FOLL_WRITE|FOLL_FORCE page by page, write, put at once */
    static String poke(Machine M, Proc caller, Proc target, Vma m, int[] r, String text) {
        if (Hugetlb.inRange(m, r) && (m.pte(r[0]) & V_WRITE) == 0)
            throw new OpError("a forced write (poke) into a read-only hugetlb mapping is not simulated");
        int ver = M.ct.newVersion(text, caller.pid, M.stepIndex, m.shared);
        int d = M.log.enter("mem_rw", "/proc/" + target.pid + "/mem");
        int n = 0;
        for (int i = r[0]; i <= r[1]; i++) {
            M.log.page(i - r[0]);
            int pfn = getUserPage(M, caller, target, m, i, FOLL_GET | FOLL_WRITE | FOLL_FORCE);
            if (pfn < 0) continue;
            if (pfn == ZERO_PFN) {
                M.log.warn("poke reached the zero page at " + m.name + "[" + i + "]: the engine refuses to write it");
                continue;
            }
            M.log.leaf("copy_to_user_page", "pfn " + pfn);
            M.storeContent(pfn, ver);
            n++;
            if (M.has(pfn, PG_FILE) && !m.shared) {
                Hazards.raiseHazard(M, HazardType.FILE_CORRUPTED, "the forced write through the private mapping " + target.name + "." + m.name + "[" + i
                        + "] landed in the page cache of " + Filemap.fileName(M, pfn) + " (Dirty COW)", pfn, Filemap.fileName(M, pfn), target.name + "." + m.name + "[" + i + "]");
            }
            PageAlloc.folioPut(M, pfn, 1);
            M.log.event(EventType.PUT, null, target.name, m.name, i, pfn, "put_page", null,
                    M.log.detail ? "the forced write is done: put_page drops the FOLL_GET reference GUP took on pfn " + pfn
                            + " for it (page_count " + M.refcount(pfn) + ")" : null, null);
        }
        M.log.detailOn();
        M.log.depth = d;
        return caller.name + " poked " + n + " page(s) of " + target.name;
    }

    static String dmaWrite(Machine M, Handle h, String text, boolean complete) {
        int ver = M.ct.newVersion(text, ContentTable.DEVICE, M.stepIndex, false);
        int d = M.log.enter(complete ? "iomap_dio_complete" : "dma_write", h.name + " (" + h.device + ")");
        if (Hazards.split(M, h)) Hazards.observeSplit(M, h, "write");
        for (int k = 0; k < h.pfns.length; k++) {
            int pfn = h.pfns[k];
            if (pfn == ZERO_PFN) {
                M.log.warn("the device would write the zero page: refused");
                continue;
            }
            M.storeContent(pfn, ver);
            if (M.has(pfn, PG_FILE) && !h.m.shared)
                Hazards.raiseHazard(M, HazardType.FILE_CORRUPTED, "DMA through " + h.name + " wrote the page cache of " + Filemap.fileName(M, pfn) + " through a private mapping", pfn, Filemap.fileName(M, pfn), h.name);
        }
        M.log.event(EventType.DMA, "write", h.owner.name, h.m.name, h.first, h.pfns.length > 0 ? h.pfns[0] : -1, "dma", null,
                h.device + " writes \"" + text + "\" into " + h.pfns.length + " pinned page(s)", null);
        if (complete) releaseHandle(M, h);
        M.log.depth = d;
        return h.name + " " + (complete ? "completed" : "dma write");
    }

    static String dmaRead(Machine M, Handle h) {
        int d = M.log.enter("dma_read", h.name + " (" + h.device + ")");
        if (Hazards.split(M, h)) Hazards.observeSplit(M, h, "read");
        for (int k = 0; k < h.pfns.length; k++) {
            int pfn = h.pfns[k];
            int ver = M.content(pfn);
            M.log.read(M.ct.text(ver));
            Hazards.checkLeak(M, h.owner, ver, pfn, "DMA read through " + h.name);
        }
        M.log.event(EventType.DMA, "read", h.owner.name, h.m.name, h.first, h.pfns.length > 0 ? h.pfns[0] : -1, "dma", null,
                h.device + " reads " + h.pfns.length + " pinned page(s)", null);
        M.log.depth = d;
        return h.name + " dma read";
    }
}
