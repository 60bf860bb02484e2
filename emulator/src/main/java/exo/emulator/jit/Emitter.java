package exo.emulator.jit;

import static org.objectweb.asm.Opcodes.*;

import exo.emulator.isa.Codegen;
import exo.emulator.isa.Counter;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Family;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Width;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.RegisterCompare;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Turns a {@link Region} into the bytes of a class extending {@link Translation}. This is the
 * JIT's one large class: it holds the code shape of every instruction family (one generator
 * each, driven by the row's attributes in {@link Opcode}), which reads best side by side.
 *
 * <p>Shape of {@code execute}: guest registers the region touches live in JVM locals (loaded on
 * entry, the written ones stored back at the one shared exit, so C2 can keep them in host
 * registers across loop iterations); {@code left} is the allowance less the instructions retired
 * before the current block, counted down once per block; memory accesses inline one compare
 * that checks alignment and the page at once (against the page a site cache holds, or the host
 * cache's line) and access the page's array directly, through {@link RawAccess} where it is
 * available; a miss takes a slow path that calls {@link exo.emulator.machine.Mmu#translate}, completes the access and leaves
 * the region (so no call lies inside a loop, see {@link #leaveAfter}); each possible fault branches
 * to a cold stub that raises the trap ({@link exo.emulator.machine.Machine#raise}: cause, EPC,
 * BADVADDR) and leaves through the shared exit with the instructions before it retired, so the
 * faulting instruction has no effect; the machine's event loop delivers the trap. Edges to a block at or before their source (every cycle
 * has one) check {@code left >= size} before looping, which bounds the instructions
 * retired per call by the allowance, the timer deadline included.
 *
 * <p>Arithmetic and branch conditions are never re-implemented: their bytecode comes from
 * {@link Codegen}, which the interpreter's dispatcher is generated from too, and every ALU row
 * calls the {@link exo.emulator.isa.Alu} method its row names (HotSpot inlines them).
 */
final class Emitter {
    static final String SUPER = "exo/emulator/jit/Translation";
    private static final String MACHINE = "exo/emulator/machine/Machine";
    private static final String CPU = "exo/emulator/machine/Cpu";
    private static final String MMU = "exo/emulator/machine/Mmu";
    private static final String MEM = "exo/emulator/machine/PhysicalMemory";
    private static final String JIT = "exo/emulator/jit/Jit";
    private static final String CAUSE = "exo/emulator/machine/Cause";
    private static final String RAW = "exo/emulator/jit/RawAccess";
    private static final String EXECUTE_DESC = "(L" + JIT + ";L" + MACHINE + ";II)I";

    // Local variable slots. Guest register i (1..31) lives in REG0 + i; memory site n's cached
    // page tag and delta (physical minus virtual) live in SITE0 + 2n and SITE0 + 2n + 1 (with raw
    // access, its tag and its page's array). Without
    // site caches the host cache's tag and page arrays live in LTAG, LPAGE, STAG and SPAGE; with
    // them, its tag and base arrays are read from the Mmu (LBASE and SBASE name which).
    private static final int THIS = 0, JIT_L = 1, M = 2, ALLOW = 3, VBASE = 4, CPU_L = 5, REGS = 6, MMU_L = 7,
            MEM_L = 8, LEFT = 9, VA = 10, PA = 11, LINE = 12, XPC = 13, XID = 14,
            XCAUSE = 15, XBAD = 16, TMP = 17, TMP2 = 18, LTAG = 19, LBASE = 20, STAG = 21, SBASE = 22, REG0 = 22,
            LPAGE = LBASE, SPAGE = SBASE,
            SITE0 = REG0 + 32;

    private final Region region;
    private final MethodVisitor mv;
    private final Label[] blockLabel = new Label[Region.WORDS];
    private final Label exit = new Label(), raise = new Label();
    private final List<Runnable> coldStubs = new ArrayList<>();
    /** Exit id per target offset for direct exits; indirect exits get fresh ids. */
    private final Map<Integer, Integer> exitIds = new HashMap<>();
    private int exitCount;
    /** Bytes of bytecode in execute, known after emission. */
    private int codeSize;

    private final boolean inlineTlb, inLocals, siteCache, raw;
    /** Memory instructions emitted so far (each with its own site cache when siteCache). */
    private int sites;

    private Emitter(Region region, JitOptions options, MethodVisitor mv) {
        this.region = region;
        this.mv = mv;
        this.inlineTlb = options.inlineTlb();
        this.inLocals = options.registersInLocals();
        this.siteCache = options.siteCache() && inlineTlb;
        this.raw = options.rawAccess() && inlineTlb;
    }

    /**
     * A translation's class file.
     *
     * @param classFile the bytes of a class extending {@link Translation}
     * @param codeSize bytes of bytecode in its {@code execute}
     * @param exits link slots it needs (exit ids are {@code 0 .. exits - 1})
     */
    record Emitted(byte[] classFile, int codeSize, int exits) {}

    /**
     * A region whose {@code execute} would exceed the bytecode limit; the class file was not
     * assembled. Carries the size, so the caller can shrink the region in proportion (as ASM's
     * {@code MethodTooLargeException} carries its method's).
     */
    static final class MethodTooLarge extends Exception {
        final int codeSize;

        MethodTooLarge(int codeSize, int limit) {
            super("execute needs " + codeSize + " bytes of bytecode, over the limit of " + limit, null, false, false);
            this.codeSize = codeSize;
        }
    }

    /**
     * Emits the class of a translation of region.
     *
     * @throws MethodTooLarge when {@code execute} exceeds limit bytes of bytecode
     */
    static Emitted emit(Region region, String internalName, JitOptions options, int limit) throws MethodTooLarge {
        ClassWriter cw = Codegen.finalSubclass(internalName, SUPER);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "execute", EXECUTE_DESC, null, null);
        Emitter e = new Emitter(region, options, mv);
        e.emitExecute();
        cw.visitEnd();
        if (e.codeSize > limit) throw new MethodTooLarge(e.codeSize, limit);
        return new Emitted(cw.toByteArray(), e.codeSize, e.exitCount);
    }

    private void emitExecute() {
        mv.visitCode();
        prologue();
        for (Region.Block b : region.blocks) blockLabel[b.start() >>> 2] = new Label();
        Region.Block first = blockOf(region.entry);
        if (first.start() != region.entry) throw new IllegalStateException("region entry is not a block start");
        mv.visitJumpInsn(GOTO, blockLabel[region.entry >>> 2]);
        List<Region.Block> blocks = region.blocks;
        for (int i = 0; i < blocks.size(); i++) {
            Region.Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
            emitBlock(blocks.get(i), next);
        }
        for (int i = 0; i < coldStubs.size(); i++) coldStubs.get(i).run();
        emitRaise();
        emitExit();
        Label end = new Label();
        mv.visitLabel(end);
        codeSize = end.getOffset();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private Region.Block blockOf(int off) {
        for (Region.Block b : region.blocks) if (b.start() == off) return b;
        throw new IllegalStateException("no block at offset " + off);
    }

    private void prologue() {
        mv.visitVarInsn(ALOAD, M);
        mv.visitFieldInsn(GETFIELD, MACHINE, "cpu", "L" + CPU + ";");
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, CPU_L);
        mv.visitFieldInsn(GETFIELD, CPU, "regs", "[I");
        mv.visitVarInsn(ASTORE, REGS);
        mv.visitVarInsn(ALOAD, M);
        mv.visitFieldInsn(GETFIELD, MACHINE, "mmu", "L" + MMU + ";");
        mv.visitVarInsn(ASTORE, MMU_L);
        mv.visitVarInsn(ALOAD, M);
        mv.visitFieldInsn(GETFIELD, MACHINE, "memory", "L" + MEM + ";");
        mv.visitVarInsn(ASTORE, MEM_L);
        if (!siteCache) {
            // With site caches the host-cache arrays are read only on a site miss, from the Mmu;
            // not keeping them in locals leaves C1's allocator registers for the site caches.
            cacheArray("loadTag", "[I", LTAG);
            cacheArray("loadPage", "[[B", LPAGE);
            cacheArray("storeTag", "[I", STAG);
            cacheArray("storePage", "[[B", SPAGE);
        }
        mv.visitVarInsn(ILOAD, ALLOW);
        mv.visitVarInsn(ISTORE, LEFT);
        for (int slot : new int[] {VA, PA, LINE, XPC, XID, XBAD, TMP, TMP2}) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, slot);
        }
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, XCAUSE);
        for (int n = 0, count = siteCache ? memorySites() : 0; n < count; n++) {
            push(Mmu.EMPTY);
            mv.visitVarInsn(ISTORE, SITE0 + 2 * n);
            if (raw) {
                mv.visitInsn(ACONST_NULL); // never read: no tag compare matches EMPTY
                mv.visitVarInsn(ASTORE, SITE0 + 2 * n + 1);
            } else {
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, SITE0 + 2 * n + 1);
            }
        }
        for (int r = 1; r < 32 && inLocals; r++) {
            if ((region.usedRegs & (1 << r)) == 0) continue;
            mv.visitVarInsn(ALOAD, REGS);
            push(r);
            mv.visitInsn(IALOAD);
            mv.visitVarInsn(ISTORE, REG0 + r);
        }
    }

    /** Loads and stores in the region: the memory sites, each with a site cache. */
    private int memorySites() {
        int n = 0;
        for (Region.Block b : region.blocks) {
            for (int off = b.start(); off < b.end(); off += 4) {
                Opcode op = Decoder.decode(region.words[off >>> 2]);
                if (op != null && (op.family == Family.LOAD || op.family == Family.STORE)) n++;
            }
        }
        return n;
    }

    private void cacheArray(String field, String type, int slot) {
        mv.visitVarInsn(ALOAD, MMU_L);
        mv.visitFieldInsn(GETFIELD, MMU, field, type);
        mv.visitVarInsn(ASTORE, slot);
    }

    private void emitBlock(Region.Block b, Region.Block next) {
        mv.visitLabel(blockLabel[b.start() >>> 2]);
        int len = b.length();
        for (int k = 0; k < len; k++) {
            int off = b.start() + 4 * k;
            int w = region.words[off >>> 2];
            Opcode op = Decoder.decode(w);
            if (region.tested[off >>> 2]) conditionTest(k, off);
            if (op.isControl()) {
                emitControl(op, w, off, k, len, b, next);
                return;
            }
            emitComputational(op, w, off, k);
        }
        // The block ends at a leader or at the region's edge: fall through or leave.
        retire(len);
        edge(b, b.end(), next);
    }

    /** Control transfer from block b to page offset target; retirement already counted. */
    private void edge(Region.Block b, int target, Region.Block next) {
        if (!region.contains(target) || blockLabel[target >>> 2] == null) {
            // Outside the region, or into the middle of a block (single-block translations).
            exitTo(target);
            return;
        }
        if (target <= b.start()) {
            // Back-edge: loop only while a whole pass through the region still fits.
            mv.visitVarInsn(ILOAD, LEFT);
            push(region.size);
            Label stay = blockLabel[target >>> 2];
            mv.visitJumpInsn(IF_ICMPGE, stay);
            exitTo(target);
            return;
        }
        if (next != null && next.start() == target) return; // falls into the next block
        mv.visitJumpInsn(GOTO, blockLabel[target >>> 2]);
    }

    /** Leaves the region for the instruction at page offset target (a linkable exit). */
    private void exitTo(int target) {
        int id = exitIds.computeIfAbsent(target, t -> exitCount++);
        pushPc(target);
        mv.visitVarInsn(ISTORE, XPC);
        push(id);
        mv.visitVarInsn(ISTORE, XID);
        mv.visitJumpInsn(GOTO, exit);
    }

    private void emitControl(Opcode op, int w, int off, int k, int len, Region.Block b, Region.Block next) {
        switch (op.family) {
            case BRANCH:
                emitBranch(op, w, off, len, b, next);
                return;
            case JUMP:
                emitJump(w, off, len, b, next);
                return;
            case JUMP_REGISTER:
                emitJumpRegister(w, off, len);
                return;
            case SYSTEM:
                trapNow(k, off, op.trapCause);
                return;
            default:
                throw new IllegalStateException("not a control instruction: " + op);
        }
    }

    /** The block's instructions retire, then control goes to the target or the next instruction. */
    private void emitBranch(Opcode op, int w, int off, int len, Region.Block b, Region.Block next) {
        retire(len);
        Label taken = new Label();
        Codegen.branch(mv, op, source(op, w), taken);
        edge(b, off + 4, null);
        mv.visitLabel(taken);
        edge(b, off + Format.off16Bytes(w), next);
    }

    private void emitJump(int w, int off, int len, Region.Block b, Region.Block next) {
        int a = Format.a(w);
        if (a != 0) {
            pushPc(off + 4);
            writeReg(a);
        }
        retire(len);
        edge(b, off + Format.off21Bytes(w), next);
    }

    /** An indirect jump always leaves the region, through an exit of its own. */
    private void emitJumpRegister(int w, int off, int len) {
        int a = Format.a(w);
        readReg(Format.b(w));
        push(Format.simm16(w));
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, XPC);
        if (a != 0) {
            pushPc(off + 4);
            writeReg(a);
        }
        retire(len);
        push(exitCount++);
        mv.visitVarInsn(ISTORE, XID);
        mv.visitJumpInsn(GOTO, exit);
    }

    private void emitComputational(Opcode op, int w, int off, int k) {
        switch (op.family) {
            case ALU:
                emitAlu(op, w, off, k);
                return;
            case COUNTER:
                emitCounter(op, Format.a(w), k);
                return;
            case LOAD:
                emitLoad(op, Format.a(w), Format.b(w), Format.simm16(w), off, k);
                return;
            case STORE:
                emitStore(op, Format.a(w), Format.b(w), Format.simm16(w), off, k);
                return;
            default:
                throw new IllegalStateException("no translation for " + op);
        }
    }

    /** rd = operation(sources), after the row's trap check if it has one. */
    private void emitAlu(Opcode op, int w, int off, int k) {
        Codegen.Sources sources = source(op, w);
        if (op.trapCheck != null) Codegen.aluCheck(mv, op, sources, stub(k, off, op.trapCause, -1));
        Codegen.aluResult(mv, op, sources);
        writeReg(Format.a(w));
    }

    /**
     * Where a row's sources come from in a translation: a register from its JVM local (or the
     * register array), the immediate as a constant, decoded here once.
     */
    private Codegen.Sources source(Opcode op, int w) {
        return o -> {
            if (o.isRegister()) readReg(o.register(w));
            else push(op.format.immediate(w));
        };
    }

    private void emitCounter(Opcode op, int a, int k) {
        mv.visitVarInsn(ALOAD, CPU_L);
        mv.visitFieldInsn(GETFIELD, CPU, op.counter == Counter.CYCLES ? "cycles" : "instret", "J");
        pushDone();
        if (k != 0) {
            push(k);
            mv.visitInsn(IADD);
        }
        mv.visitInsn(I2L);
        mv.visitInsn(LADD);
        if (op.half.shift != 0) {
            push(op.half.shift);
            mv.visitInsn(LUSHR);
        }
        mv.visitInsn(L2I);
        writeReg(a);
    }

    /** Leaves the virtual address of imm(base) in VA. */
    private void effectiveAddress(int base, int imm) {
        readReg(base);
        if (imm != 0) {
            push(imm);
            mv.visitInsn(IADD);
        }
        mv.visitVarInsn(ISTORE, VA);
    }

    /** Traps with cause (BADVADDR = VA) unless VA is a multiple of size. */
    private void alignmentCheck(int size, int k, int off, Cause cause) {
        if (size == 1) return;
        mv.visitVarInsn(ILOAD, VA);
        push(size - 1);
        mv.visitInsn(IAND);
        mv.visitJumpInsn(IFNE, stub(k, off, cause, VA));
    }

    /**
     * The host-cache lookup behind a site cache's miss, for an access of size bytes at VA:
     * leaves the physical address in PA on a hit (to fill the site) and jumps to slow otherwise.
     * Alignment and tag are one compare, as in QEMU's softmmu: {@code tag[line] == (va & ~0xFFF |
     * (size - 1))} holds only for an aligned address (tags have no low bits set), and then PA =
     * {@code base[line] | (va & 0xFFF)}.
     */
    private void hostCacheLookup(int tagSlot, int baseSlot, int size, Label slow) {
        hostCacheArray(tagSlot);
        tagCompare(size, slow);
        hostCacheArray(baseSlot);
        mv.visitVarInsn(ILOAD, LINE);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ILOAD, VA);
        push(PhysicalMemory.PAGE_MASK);
        mv.visitInsn(IAND);
        mv.visitInsn(IOR);
        mv.visitVarInsn(ISTORE, PA);
    }

    /**
     * With the tag array on the stack: LINE = VA's host-cache line, and a jump to slow unless
     * the line's tag is VA's page with size's alignment bits (the one compare of both lookups).
     */
    private void tagCompare(int size, Label slow) {
        mv.visitVarInsn(ILOAD, VA);
        push(PhysicalMemory.PAGE_SHIFT);
        mv.visitInsn(IUSHR);
        push(Mmu.HOST_MASK);
        mv.visitInsn(IAND);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, LINE);
        mv.visitInsn(IALOAD);
        pushTag(size);
        mv.visitJumpInsn(IF_ICMPNE, slow);
    }

    /**
     * {@link #hostCachePage} for {@link #rawPageAccess}: the same compare, then pushes the
     * Unsafe instance and the array holding the line's page. The page is never null: a line's
     * tag is set only together with its page ({@code Mmu.translate}). (Reading the tag and the
     * page through Unsafe as well saves nothing under C1: the array reads' bounds checks cost
     * what computing a raw offset does, and a raw reference read adds a garbage-collector check.)
     */
    private void rawHostCachePage(int tagSlot, int pageSlot, int size, Label slow) {
        mv.visitVarInsn(ALOAD, tagSlot);
        tagCompare(size, slow);
        pushUnsafe();
        mv.visitVarInsn(ALOAD, pageSlot);
        mv.visitVarInsn(ILOAD, LINE);
        mv.visitInsn(AALOAD);
    }

    /** Pushes the Unsafe instance: a static final field, so a constant to C1. */
    private void pushUnsafe() {
        mv.visitFieldInsn(GETSTATIC, RAW, "UNSAFE", "Ljava/lang/Object;");
        mv.visitTypeInsn(CHECKCAST, RawAccess.CLASS);
    }

    /**
     * With the Unsafe instance and a page array (from {@link #rawHostCachePage}) on the stack, and for a store the value above them, accesses VA's page offset. In bounds and
     * aligned: a page array has exactly {@code PAGE_SIZE} bytes, and the tag compare passed only
     * for an address aligned to the access size.
     */
    private void rawPageAccess(Width width, boolean signed, boolean store, int data) {
        mv.visitVarInsn(ILOAD, VA);
        push(PhysicalMemory.PAGE_MASK);
        mv.visitInsn(IAND);
        push(RawAccess.BYTE_BASE);
        mv.visitInsn(IADD);
        mv.visitInsn(I2L);
        String type = width == Width.WORD ? "I" : width == Width.HALF ? "S" : "B";
        String name = (width == Width.WORD ? "Int" : width == Width.HALF ? "Short" : "Byte");
        if (store) {
            readReg(data);
            if (width == Width.HALF) mv.visitInsn(I2S);
            else if (width == Width.BYTE) mv.visitInsn(I2B);
            mv.visitMethodInsn(INVOKEVIRTUAL, RawAccess.CLASS, "put" + name, "(Ljava/lang/Object;J" + type + ")V", false);
            return;
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, RawAccess.CLASS, "get" + name, "(Ljava/lang/Object;J)" + type, false);
        if (!signed && width != Width.WORD) {
            push(width == Width.HALF ? 0xFFFF : 0xFF);
            mv.visitInsn(IAND);
        }
    }

    /**
     * The inlined host-cache fast path without site caches: the same one compare as {@link
     * #hostCacheLookup}, then, on a hit, pushes the array holding the line's physical page
     * ({@code Mmu.loadPage} or {@code storePage}) and VA's page offset, for {@link #pageAccess};
     * jumps to slow otherwise. Against {@code memory.readWord(base[line] | offset)} this saves the
     * base array's read, the physical-page lookup and their two bounds checks.
     */
    private void hostCachePage(int tagSlot, int pageSlot, int size, Label slow) {
        mv.visitVarInsn(ALOAD, tagSlot);
        tagCompare(size, slow);
        mv.visitVarInsn(ALOAD, pageSlot);
        mv.visitVarInsn(ILOAD, LINE);
        mv.visitInsn(AALOAD);
        mv.visitVarInsn(ILOAD, VA);
        push(PhysicalMemory.PAGE_MASK);
        mv.visitInsn(IAND);
    }

    /**
     * An access to a page array at a page offset, both on the stack (for a store, the value
     * above them), through {@link PhysicalMemory}'s static accessors.
     */
    private void pageAccess(Width width, boolean signed, boolean store) {
        String name = (store ? "write" : "read") + accessSuffix(width) + (store || signed || width == Width.WORD ? "" : "Unsigned");
        mv.visitMethodInsn(INVOKESTATIC, MEM, name, store ? "([BII)V" : "([BI)I", false);
    }

    /** Pushes one of the host cache's int arrays from the Mmu (with site caches, on a site miss). */
    private void hostCacheArray(int slot) {
        mv.visitVarInsn(ALOAD, MMU_L);
        String field = slot == LTAG ? "loadTag" : slot == LBASE ? "loadBase" : slot == STAG ? "storeTag" : "storeBase";
        mv.visitFieldInsn(GETFIELD, MMU, field, "[I");
    }

    /**
     * The slow path: alignment check, then {@code Mmu.translate(VA, kind)} (or, with the fast
     * path not inlined, {@code Mmu.load/store}) into PA; a fault goes to a trap stub, so code
     * after this runs only with a valid PA.
     */
    private void slowTranslate(int kind, int size, Cause misaligned, int k, int off) {
        alignmentCheck(size, k, off, misaligned);
        Label ok = new Label();
        mv.visitVarInsn(ALOAD, MMU_L);
        mv.visitVarInsn(ILOAD, VA);
        if (inlineTlb) {
            push(kind);
            mv.visitMethodInsn(INVOKEVIRTUAL, MMU, "translate", "(II)I", false);
        } else {
            mv.visitMethodInsn(INVOKEVIRTUAL, MMU, kind == Mmu.LOAD ? "load" : "store", "(I)I", false);
        }
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, PA);
        mv.visitJumpInsn(IFGE, ok);
        translationFault(k, off);
        mv.visitLabel(ok);
    }

    /** Trap stub for a failed translation: the cause is the MMU's {@code fault}, BADVADDR is VA. */
    private void translationFault(int k, int off) {
        raiseAndLeave(k, off, () -> {
            mv.visitVarInsn(ALOAD, MMU_L);
            mv.visitFieldInsn(GETFIELD, MMU, "fault", "L" + CAUSE + ";");
        }, VA);
    }

    private void emitLoad(Opcode op, int a, int base, int imm, int off, int k) {
        int size = op.width.bytes;
        effectiveAddress(base, imm);
        if (!inlineTlb) {
            slowTranslate(Mmu.LOAD, size, Cause.ADDR_LOAD, k, off);
            loadAtPa(op, a);
            return;
        }
        Label slow = new Label();
        if (siteCache && raw) {
            rawSite(Mmu.LOAD, size, slow);
            rawPageAccess(op.width, op.signed, false, 0);
            writeReg(a);
        } else if (siteCache) {
            int site = sites++;
            Label miss = new Label(), hit = new Label();
            siteLookup(site, size, miss);
            mv.visitLabel(hit);
            coldStubs.add(() -> {
                mv.visitLabel(miss);
                hostCacheLookup(LTAG, LBASE, size, slow);
                siteFill(site, size);
                mv.visitJumpInsn(GOTO, hit);
            });
            loadAtPa(op, a);
        } else if (raw) {
            rawHostCachePage(LTAG, LPAGE, size, slow);
            rawPageAccess(op.width, op.signed, false, 0);
            writeReg(a);
        } else {
            hostCachePage(LTAG, LPAGE, size, slow);
            pageAccess(op.width, op.signed, false);
            writeReg(a);
        }
        coldStubs.add(() -> {
            mv.visitLabel(slow);
            slowTranslate(Mmu.LOAD, size, Cause.ADDR_LOAD, k, off);
            loadAtPa(op, a);
            leaveAfter(k, off);
        });
    }

    /** Register a = the value of the load op at PA. */
    private void loadAtPa(Opcode op, int a) {
        mv.visitVarInsn(ALOAD, MEM_L);
        mv.visitVarInsn(ILOAD, PA);
        String reader = "read" + accessSuffix(op.width) + (op.signed || op.width == Width.WORD ? "" : "Unsigned");
        mv.visitMethodInsn(INVOKEVIRTUAL, MEM, reader, "(I)I", false);
        writeReg(a);
    }

    /**
     * A store. A host-cache hit writes without a code-watch check: store lines never map a
     * watched page (see {@link Mmu}). The slow path writes through the checked writer, which
     * invalidates translated code it overwrites, and leaves the region at the next instruction.
     */
    private void emitStore(Opcode op, int data, int base, int imm, int off, int k) {
        int size = op.width.bytes;
        String writer = "write" + accessSuffix(op.width);
        effectiveAddress(base, imm);
        if (!inlineTlb) {
            slowTranslate(Mmu.STORE, size, Cause.ADDR_STORE, k, off);
            checkedStore(writer, data, k, off);
            return;
        }
        Label slow = new Label();
        if (siteCache && raw) {
            rawSite(Mmu.STORE, size, slow);
            rawPageAccess(op.width, false, true, data);
        } else if (siteCache) {
            // Filled only from a store host-cache hit, so it too maps only unwatched pages.
            int site = sites++;
            Label miss = new Label(), hit = new Label();
            siteLookup(site, size, miss);
            mv.visitLabel(hit);
            coldStubs.add(() -> {
                mv.visitLabel(miss);
                hostCacheLookup(STAG, SBASE, size, slow);
                siteFill(site, size);
                mv.visitJumpInsn(GOTO, hit);
            });
            mv.visitVarInsn(ALOAD, MEM_L);
            mv.visitVarInsn(ILOAD, PA);
            readReg(data);
            mv.visitMethodInsn(INVOKEVIRTUAL, MEM, writer + "Unwatched", "(II)V", false);
        } else if (raw) {
            rawHostCachePage(STAG, SPAGE, size, slow);
            rawPageAccess(op.width, false, true, data);
        } else {
            hostCachePage(STAG, SPAGE, size, slow);
            readReg(data);
            pageAccess(op.width, false, true);
        }
        coldStubs.add(() -> {
            mv.visitLabel(slow);
            slowTranslate(Mmu.STORE, size, Cause.ADDR_STORE, k, off);
            mv.visitVarInsn(ALOAD, MEM_L);
            mv.visitVarInsn(ILOAD, PA);
            readReg(data);
            mv.visitMethodInsn(INVOKEVIRTUAL, MEM, writer, "(II)V", false);
            leaveAfter(k, off);
        });
    }

    /**
     * Leaves the region after the k-th instruction of its block (offset off), which the slow
     * path has just completed. Slow paths never rejoin the region's code: a call inside a loop
     * makes C1, which keeps no register across a call, spill every value live in the loop, so
     * the guest registers would live on the stack for the whole loop. The dispatcher goes on at
     * the next instruction (through its link, once filled).
     */
    private void leaveAfter(int k, int off) {
        retire(k + 1);
        exitTo(off + 4);
    }

    /** How {@link PhysicalMemory}'s accessors name a width: readByte, writeHalf, readWord... */
    private static String accessSuffix(Width width) {
        switch (width) {
            case BYTE: return "Byte";
            case HALF: return "Half";
            case WORD: return "Word";
            default: throw new IllegalStateException("width " + width);
        }
    }

    /**
     * The site cache: each load and store remembers the last page it translated, as a tag and a
     * delta in two locals, and compares against it before the shared host cache, so a loop
     * walking an array pays a compare and an add per access instead of two array reads. It is
     * coherent for the life of one call: the TLB, the ASID and the referenced bits change only
     * in the kernel, the kernel runs only on a trap, and a trap ends the region (a page becomes
     * watched only in the dispatcher). Jumps to miss, or leaves PA = VA + delta.
     */
    private void siteLookup(int site, int size, Label miss) {
        pushTag(size);
        mv.visitVarInsn(ILOAD, SITE0 + 2 * site);
        mv.visitJumpInsn(IF_ICMPNE, miss);
        mv.visitVarInsn(ILOAD, VA);
        mv.visitVarInsn(ILOAD, SITE0 + 2 * site + 1);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, PA);
    }

    /**
     * Pushes VA's tag for an access of size bytes: its page, plus its alignment bits, which
     * are zero in every cached tag, so that one compare checks both.
     */
    private void pushTag(int size) {
        mv.visitVarInsn(ILOAD, VA);
        push(~PhysicalMemory.PAGE_MASK | (size - 1));
        mv.visitInsn(IAND);
    }

    /**
     * A site cache holding the page itself, for {@link #rawPageAccess}: the site's tag local
     * against VA's tag (one compare, alignment included), then pushes the Unsafe instance and
     * the site's page array. A miss looks the host cache up (a store site only its store lines,
     * which never map a watched page), refills the site's two locals from the line and rejoins;
     * a host-cache miss goes to slow. Coherent for the life of one call, as {@link #siteLookup}
     * says; the page is never null, since only a line whose tag matched fills the site, and the
     * initial EMPTY tag matches nothing.
     */
    private void rawSite(int kind, int size, Label slow) {
        int site = sites++, tagSlot = SITE0 + 2 * site, pageSlot = tagSlot + 1;
        Label miss = new Label(), hit = new Label();
        pushTag(size);
        mv.visitVarInsn(ILOAD, tagSlot);
        mv.visitJumpInsn(IF_ICMPNE, miss);
        mv.visitLabel(hit);
        pushUnsafe();
        mv.visitVarInsn(ALOAD, pageSlot);
        coldStubs.add(() -> {
            mv.visitLabel(miss);
            mv.visitVarInsn(ALOAD, MMU_L);
            mv.visitFieldInsn(GETFIELD, MMU, kind == Mmu.LOAD ? "loadTag" : "storeTag", "[I");
            tagCompare(size, slow);
            pushTag(size);
            mv.visitVarInsn(ISTORE, tagSlot);
            mv.visitVarInsn(ALOAD, MMU_L);
            mv.visitFieldInsn(GETFIELD, MMU, kind == Mmu.LOAD ? "loadPage" : "storePage", "[[B");
            mv.visitVarInsn(ILOAD, LINE);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, pageSlot);
            mv.visitJumpInsn(GOTO, hit);
        });
    }

    /** Remembers the translation VA -> PA just made (an aligned access) in the site's cache. */
    private void siteFill(int site, int size) {
        pushTag(size);
        mv.visitVarInsn(ISTORE, SITE0 + 2 * site);
        mv.visitVarInsn(ILOAD, PA);
        mv.visitVarInsn(ILOAD, VA);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, SITE0 + 2 * site + 1);
    }

    /** Writes register data at PA with the code-watch check; leaves the region if code changed. */
    private void checkedStore(String writer, int data, int k, int off) {
        mv.visitVarInsn(ALOAD, MEM_L);
        mv.visitVarInsn(ILOAD, PA);
        readReg(data);
        mv.visitMethodInsn(INVOKEVIRTUAL, MEM, writer, "(II)V", false);
        // A store into a page holding translated code may have rewritten what runs next.
        Label written = new Label();
        mv.visitVarInsn(ALOAD, JIT_L);
        mv.visitFieldInsn(GETFIELD, JIT, "codeWritten", "Z");
        mv.visitJumpInsn(IFNE, written);
        coldStubs.add(() -> {
            mv.visitLabel(written);
            retire(k + 1);
            pushPc(off + 4);
            mv.visitVarInsn(ISTORE, XPC);
            push(Translation.CODE_WRITTEN);
            mv.visitVarInsn(ISTORE, XID);
            mv.visitJumpInsn(GOTO, exit);
        });
    }

    /**
     * Before the k-th instruction of the block (offset off), a word at a conditional
     * breakpoint's page offset: the registers go back to the CPU (the condition reads them) and
     * {@link exo.emulator.machine.Machine#stopBeforeInTranslation} is asked with the virtual PC
     * and the instructions retired in this call; if the machine stops there, the region leaves
     * with the k instructions before it retired, as a trap at it would, and the dispatcher stops.
     */
    private void conditionTest(int k, int off) {
        RegisterCompare[] compares = region.prefilters[off >>> 2];
        Label skip = new Label(), ask = new Label();
        boolean prefilter = compares != null && compares.length > 0;
        if (prefilter) {
            // Comparisons the condition needs, from the locals: where one fails, so does the condition.
            mv.visitVarInsn(ALOAD, M);
            mv.visitMethodInsn(INVOKEVIRTUAL, MACHINE, "asksEveryArrival", "()Z", false);
            mv.visitJumpInsn(IFNE, ask);
            for (RegisterCompare c : compares) {
                readReg(c.register());
                push(c.value());
                mv.visitJumpInsn(failing(c.relation()), skip);
            }
            mv.visitLabel(ask);
        }
        storeBack();
        mv.visitVarInsn(ALOAD, M);
        pushPc(off);
        pushDone();
        if (k != 0) {
            push(k);
            mv.visitInsn(IADD);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, MACHINE, "stopBeforeInTranslation", "(II)Z", false);
        Label stop = new Label();
        mv.visitJumpInsn(IFNE, stop);
        if (prefilter) mv.visitLabel(skip);
        coldStubs.add(() -> {
            mv.visitLabel(stop);
            if (k != 0) retire(k);
            exitTo(off);
        });
    }

    /** The int compare-and-jump taken where a register and a constant do not stand in relation r (signed). */
    private static int failing(RegisterCompare.Relation r) {
        switch (r) {
            case EQ: return IF_ICMPNE;
            case NE: return IF_ICMPEQ;
            case LT: return IF_ICMPGE;
            case LE: return IF_ICMPGT;
            case GT: return IF_ICMPLE;
            default: return IF_ICMPLT;
        }
    }

    /** A cold stub raising cause at the k-th instruction of the block (offset off). */
    private Label stub(int k, int off, Cause cause, int badSlot) {
        Label l = new Label();
        coldStubs.add(() -> {
            mv.visitLabel(l);
            trapNow(k, off, cause, badSlot);
        });
        return l;
    }

    private void trapNow(int k, int off, Cause cause) {
        trapNow(k, off, cause, -1);
    }

    private void trapNow(int k, int off, Cause cause, int badSlot) {
        raiseAndLeave(k, off, () -> mv.visitFieldInsn(GETSTATIC, CAUSE, cause.name(), "L" + CAUSE + ";"), badSlot);
    }

    /**
     * A trap at the k-th instruction of the block (offset off), with the cause that pushCause
     * pushes and BADVADDR from badSlot (0 if negative): the stub records them in XPC, XCAUSE
     * and XBAD and jumps to the one shared raise (a single call site of {@link
     * exo.emulator.machine.Machine#raise} per translation: one per stub measurably slowed the
     * hot loops HotSpot's C2 compiles around them). The k instructions before it retire, it
     * does not, and {@link Translation#TRAPPED} tells the dispatcher to return to the event loop.
     */
    private void raiseAndLeave(int k, int off, Runnable pushCause, int badSlot) {
        if (k != 0) retire(k);
        pushPc(off);
        mv.visitVarInsn(ISTORE, XPC);
        pushCause.run();
        mv.visitVarInsn(ASTORE, XCAUSE);
        if (badSlot >= 0) mv.visitVarInsn(ILOAD, badSlot);
        else mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, XBAD);
        mv.visitJumpInsn(GOTO, raise);
    }

    /** The shared raise: Machine.raise(XCAUSE, XPC, XBAD), then the exit with TRAPPED. */
    private void emitRaise() {
        mv.visitLabel(raise);
        mv.visitVarInsn(ALOAD, M);
        mv.visitVarInsn(ALOAD, XCAUSE);
        mv.visitVarInsn(ILOAD, XPC);
        mv.visitVarInsn(ILOAD, XBAD);
        mv.visitMethodInsn(INVOKEVIRTUAL, MACHINE, "raise", "(L" + CAUSE + ";II)V", false);
        push(Translation.TRAPPED);
        mv.visitVarInsn(ISTORE, XID);
        mv.visitJumpInsn(GOTO, exit);
    }

    private void storeBack() {
        for (int r = 1; r < 32 && inLocals; r++) {
            if ((region.writtenRegs & (1 << r)) == 0) continue;
            mv.visitVarInsn(ALOAD, REGS);
            push(r);
            mv.visitVarInsn(ILOAD, REG0 + r);
            mv.visitInsn(IASTORE);
        }
    }

    /** The one exit: registers back, PC = XPC, counters committed, return XID. */
    private void emitExit() {
        mv.visitLabel(exit);
        storeBack();
        mv.visitVarInsn(ALOAD, CPU_L);
        mv.visitVarInsn(ILOAD, XPC);
        mv.visitFieldInsn(PUTFIELD, CPU, "pc", "I");
        commit("instret");
        commit("cycles");
        mv.visitVarInsn(ILOAD, XID);
        mv.visitInsn(IRETURN);
    }

    private void commit(String counter) {
        mv.visitVarInsn(ALOAD, CPU_L);
        mv.visitInsn(DUP);
        mv.visitFieldInsn(GETFIELD, CPU, counter, "J");
        pushDone();
        mv.visitInsn(I2L);
        mv.visitInsn(LADD);
        mv.visitFieldInsn(PUTFIELD, CPU, counter, "J");
    }

    /**
     * Counts n instructions as retired: LEFT, the allowance not yet used, goes down by n. A
     * countdown rather than a count of instructions done, so that a back-edge's check is one
     * compare of LEFT with the region's size; the counters take {@code ALLOW - LEFT} at the exit.
     */
    private void retire(int n) {
        mv.visitIincInsn(LEFT, -n);
    }

    /** Pushes the instructions retired in this call before the current block: ALLOW - LEFT. */
    private void pushDone() {
        mv.visitVarInsn(ILOAD, ALLOW);
        mv.visitVarInsn(ILOAD, LEFT);
        mv.visitInsn(ISUB);
    }

    /** Pushes the virtual address of page offset off (may lie outside the page). */
    private void pushPc(int off) {
        mv.visitVarInsn(ILOAD, VBASE);
        if (off != 0) {
            push(off);
            mv.visitInsn(IADD);
        }
    }

    private void readReg(int r) {
        if (r == 0) {
            mv.visitInsn(ICONST_0);
        } else if (inLocals) {
            mv.visitVarInsn(ILOAD, REG0 + r);
        } else {
            mv.visitVarInsn(ALOAD, REGS);
            push(r);
            mv.visitInsn(IALOAD);
        }
    }

    /** Stores the int on the stack into guest register r; writes to r0 are discarded. */
    private void writeReg(int r) {
        if (r == 0) {
            mv.visitInsn(POP);
        } else if (inLocals) {
            mv.visitVarInsn(ISTORE, REG0 + r);
        } else {
            mv.visitVarInsn(ISTORE, TMP);
            mv.visitVarInsn(ALOAD, REGS);
            push(r);
            mv.visitVarInsn(ILOAD, TMP);
            mv.visitInsn(IASTORE);
        }
    }

    private void push(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }
}
