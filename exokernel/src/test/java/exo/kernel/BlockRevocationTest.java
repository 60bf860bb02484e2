package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.K1;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.T1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Engine;
import exo.kernel.abi.KernelCall;
import exo.kernel.disk.BlockOwners;
import exo.kernel.env.KernelEvent;
import exo.kernel.error.KernelError;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block revocation, the page protocol for disk blocks: a blk-revoke event the environment may
 * honour by freeing a block, repossession by force at the deadline with a blk-repossess event
 * and the block repossession vector, a full disk that makes the kernel ask the biggest holder,
 * both engines at the same cycles; and the per-environment block quota.
 */
class BlockRevocationTest {
    @TempDir
    Path dir;
    final List<Disk> disks = new ArrayList<>();

    @AfterEach
    void close() {
        for (Disk d : disks) d.close();
    }

    Boot boot(KernelOptions options, Engine engine, String image) {
        Path p = dir.resolve(image);
        Disk d;
        if (java.nio.file.Files.exists(p)) {
            d = Disk.open(p);
        } else {
            d = Disk.create(p, 64L * Disk.BLOCK_SIZE);
            BlockOwners.format(d, 1);
        }
        disks.add(d);
        return new Boot(options, engine, new byte[0], d);
    }

    /** Keeps a0..a2 at rec. */
    static void keep(Guest g, int rec) {
        g.li(T0, rec).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
    }

    @Test
    void aCooperativeEnvironmentFreesTheBlockFromItsHandler() {
        Guest g = new Guest("coop");
        int rec = g.space(12), save = g.space(16), flag = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0).sys(KernelCall.BLK_FREE);
        g.li(T0, flag).li(T1, 1).sw(T1, 0, T0);
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(KernelEvent.BLK_REVOKE, handler).saveArea(save);
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
        keep(g, rec);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).li(T0, flag).lw(T1, 0, T0).branch(Opcode.BEQ, T1, 0, loop);
        g.sys(KernelCall.BLK_USAGE);                        // a0 = blocks held: none left
        g.sys(KernelCall.ENV_EXIT);
        Boot b = boot(KernelOptions.defaults(), new Interpreter(), "coop.img");
        int id = b.boot(g);
        b.kernel.run(2_000);
        int block = b.kernel.blocks().owners().firstData();
        assertEquals(id, b.kernel.blocks().owners().owner(block));
        assertTrue(b.kernel.blocks().requestBack(b.kernel.env(id), block));
        assertFalse(b.kernel.blocks().requestBack(b.kernel.env(id), block), "one request at a time");
        RunResult r = b.kernel.run(1_000_000);
        assertEquals(0, r.exitStatus());
        assertEquals(1, r.stats().forwarded[KernelEvent.BLK_REVOKE]);
        assertEquals(0, r.stats().forwarded[KernelEvent.BLK_REPOSSESS]);
        assertEquals(BlockOwners.FREE, b.kernel.blocks().owners().owner(block));
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("gave back a disk block as asked")), b.kernel.log().toString());
    }

    /** Ignores blk-revoke; its blk-repossess handler notes the block; then it tries the old capability. */
    static Guest stubborn(String name) {
        Guest g = new Guest(name);
        int rec = g.space(12), save = g.space(16), seen = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.lw(T1, 8, K1).li(T0, seen).sw(T1, 0, T0);         // BADVADDR: the block taken
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(KernelEvent.BLK_REPOSSESS, handler).saveArea(save);
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
        keep(g, rec);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).li(T0, seen).lw(T1, 0, T0).branch(Opcode.BEQ, T1, 0, loop);
        g.sys(KernelCall.BLK_REPOSSESSED).mv(S0, A0);        // the vector names the same block
        g.li(T0, seen).lw(T1, 0, T0);
        int wrong = g.hole();
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0).sys(KernelCall.BLK_CAP_RO);
        g.sys(KernelCall.ENV_EXIT);                          // E_BADCAP: the capability went stale
        int fail = g.pc();
        g.exit(1);
        g.patchBranch(wrong, Opcode.BNE, S0, T1, fail);
        return g;
    }

    @Test
    void aStubbornEnvironmentLosesTheBlockAtTheDeadline() {
        Boot b = boot(KernelOptions.defaults(), new Interpreter(), "stubborn.img");
        int id = b.boot(stubborn("stubborn"));
        b.kernel.run(2_000);
        int block = b.kernel.blocks().owners().firstData();
        assertTrue(b.kernel.blocks().requestBack(b.kernel.env(id), block));
        assertEquals(block, b.kernel.blocks().revocationOf(b.kernel.env(id)));
        RunResult r = b.kernel.run(1_000_000);
        assertEquals(KernelError.BADCAP.code, r.exitStatus());
        assertEquals(1, r.stats().forwarded[KernelEvent.BLK_REPOSSESS]);
        assertEquals(BlockOwners.FREE, b.kernel.blocks().owners().owner(block));
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("disk block " + block + " repossessed after the revocation deadline")));
    }

    @Test
    void aBlockWithARequestInFlightIsNeitherAskedForNorTakenUntilItCompletes() {
        Guest g = new Guest("busy");
        g.li(A0, 0).li(exo.emulator.isa.Register.A3, -1).sys(KernelCall.PAGE_ALLOC).mv(S0, A0).mv(exo.kernel.Guest.S1, A1).mv(T1, A2);
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
        g.mv(exo.emulator.isa.Register.A3, S0).mv(exo.emulator.isa.Register.A4, exo.kernel.Guest.S1).mv(exo.emulator.isa.Register.A5, T1);
        g.sys(KernelCall.BLK_WRITE);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).emit(Opcode.JAL.encode(0, loop - g.pc()));
        Boot b = boot(KernelOptions.defaults().withRevokeDeadline(100), new Interpreter(), "busy.img");
        int id = b.boot(g);
        b.kernel.run(200);
        int block = b.kernel.blocks().owners().firstData();
        assertEquals(1, b.kernel.blocks().inFlight(b.kernel.env(id)), "the write is queued");
        assertFalse(b.kernel.blocks().requestBack(b.kernel.env(id), block), "not while its write is in flight");
        b.kernel.run(200_000);
        assertEquals(0, b.kernel.blocks().inFlight(b.kernel.env(id)));
        assertTrue(b.kernel.blocks().requestBack(b.kernel.env(id), block));
        b.kernel.run(200_000);
        assertEquals(BlockOwners.FREE, b.kernel.blocks().owners().owner(block), "taken once idle and overdue");
    }

    /** The first data block of the tests' 64-block images (the table is one block a copy, then the root). */
    static final int FIRST_DATA = 3;

    /**
     * Creates a child, asks it with blk_revoke for block FIRST_DATA (E_PERM, yielding, until the
     * host has given the child that block), then allocates the block by number until it is free
     * (the child, which never runs, loses it at the deadline); exits with the block, or with
     * the error a call answered that it should not have.
     */
    static Guest parent() {
        Guest g = new Guest("parent");
        int rec = g.space(12);
        g.sys(KernelCall.ENV_CREATE);
        keep(g, rec);
        int ask = g.pc();
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0).li(exo.emulator.isa.Register.A3, FIRST_DATA).sys(KernelCall.BLK_REVOKE);
        int asked = g.hole();
        g.li(T0, KernelError.PERM.code);
        int wrong = g.hole();
        g.li(A0, 0).sys(KernelCall.YIELD).jump(ask);
        g.patchBranch(asked, Opcode.BEQ, A0, 0, g.pc());
        int take = g.pc();
        g.li(A0, FIRST_DATA).sys(KernelCall.BLK_ALLOC);
        int got = g.hole();
        g.li(A0, 0).sys(KernelCall.YIELD).jump(take);
        g.patchBranch(got, Opcode.BGE, A0, 0, g.pc());
        g.sys(KernelCall.ENV_EXIT);
        g.patchBranch(wrong, Opcode.BNE, A0, T0, g.pc());
        g.sys(KernelCall.ENV_EXIT);
        return g;
    }

    /** parent() on engine: {exit status, cycles, the cycle the child's block was freed by force (from the log order), child id}. */
    long[] parentRevokes(Engine engine, String image) {
        Boot b = boot(KernelOptions.defaults(), engine, image);
        int id = b.boot(parent());
        b.kernel.run(2_000);
        var child = b.kernel.environments().stream().filter(x -> x.name.endsWith(".child")).findFirst().orElseThrow();
        assertEquals(FIRST_DATA, b.kernel.blocks().owners().firstData());
        assertEquals(FIRST_DATA, b.kernel.blocks().allocate(child, -1)[0], "the host gives the child the first data block");
        RunResult r = b.kernel.run(2_000_000);
        assertTrue(r.programs().get(0).finished(), r.reason() + " " + b.kernel.log());
        assertEquals(id, b.kernel.blocks().owners().owner(FIRST_DATA), "the parent holds the block now");
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("disk block " + FIRST_DATA + " repossessed after the revocation deadline")), b.kernel.log().toString());
        assertEquals(FIRST_DATA, b.kernel.blocks().repossessed(child), "the child's vector names it");
        return new long[] {r.exitStatus(), r.cycles()};
    }

    @Test
    void aParentTakesAChildsBlockBackWithBlkRevokeUnderBothEngines() {
        long[] interp = parentRevokes(new Interpreter(), "pi.img"), jit = parentRevokes(new Jit(), "pj.img");
        assertEquals(FIRST_DATA, interp[0], "blk_revoke, then blk_alloc of that block once free");
        assertTrue(interp[1] > KernelOptions.defaults().revokeDeadline(), "the child kept it until the deadline: " + interp[1]);
        assertEquals(interp[0], jit[0]);
        assertEquals(interp[1], jit[1], "the same cycles under the JIT");
    }

    /** Takes every block, then waits for its repossessed block and exits with its number. */
    static Guest hog() {
        Guest g = new Guest("hog");
        int fill = g.pc();
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC).branch(Opcode.BGE, A0, 0, fill);
        int wait = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).sys(KernelCall.BLK_REPOSSESSED).branch(Opcode.BLT, A0, 0, wait);
        g.sys(KernelCall.ENV_EXIT);
        return g;
    }

    /** Waits a while (the hog fills the disk), then allocates until it gets a block; exits with its number. */
    static Guest latecomer() {
        Guest g = new Guest("latecomer");
        g.li(T0, 20_000);
        int spin = g.pc();
        g.addi(T0, T0, -1).branch(Opcode.BNE, T0, 0, spin);
        int retry = g.pc();
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
        int got = g.hole();
        g.li(A0, 0).sys(KernelCall.YIELD).jump(retry);
        g.patchBranch(got, Opcode.BGE, A0, 0, g.pc());
        g.sys(KernelCall.ENV_EXIT);
        return g;
    }

    /** Exit statuses and cycles of hog and latecomer on engine. */
    long[] fullDisk(Engine engine, String image) {
        Boot b = boot(KernelOptions.defaults(), engine, image);
        b.boot(hog());
        b.boot(latecomer());
        RunResult r = b.kernel.run(20_000_000);
        assertTrue(r.programs().get(0).finished() && r.programs().get(1).finished(), r.reason() + " " + b.kernel.log());
        return new long[] {r.programs().get(0).exitStatus(), r.programs().get(1).exitStatus(), r.cycles(), r.stats().forwarded[KernelEvent.BLK_REVOKE]};
    }

    @Test
    void aFullDiskMakesTheKernelAskTheBiggestHolderAndBothEnginesAgree() {
        long[] interp = fullDisk(new Interpreter(), "i.img");
        assertEquals(63, interp[0], "the hog's highest block was taken");
        assertEquals(63, interp[1], "and given to the latecomer");
        long[] jit = fullDisk(new Jit(), "j.img");
        assertEquals(interp[0], jit[0]);
        assertEquals(interp[1], jit[1]);
        assertEquals(interp[2], jit[2], "the same cycles under both engines");
    }

    @Test
    void theQuotaCountsEveryBlockTheIdHoldsAcrossBoots() {
        Guest g = new Guest("quota");
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC).li(A0, -1).sys(KernelCall.BLK_ALLOC);
        g.sys(KernelCall.BLK_FLUSH);
        int wait = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).sys(KernelCall.BLK_DONE).branch(Opcode.BLT, A0, 0, wait);
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);                // a third: over the quota of 2
        g.sys(KernelCall.ENV_EXIT);
        Boot b = boot(KernelOptions.defaults().withBlockQuota(2), new Interpreter(), "quota.img");
        int id = b.boot(g);
        assertEquals(KernelError.LIMIT.code, b.kernel.run(5_000_000).exitStatus());
        assertEquals(2, b.kernel.blocks().owners().heldBy(id));
        disks.remove(0).close();

        Guest again = new Guest("again");                    // the same id next boot: still 2 held
        again.sys(KernelCall.BLK_USAGE).mv(S0, A0).mv(T1, A1).li(A0, -1).sys(KernelCall.BLK_ALLOC);
        again.li(T0, KernelError.LIMIT.code);
        int bad = again.hole();
        again.li(A0, 2);
        int wrongHeld = again.hole();
        again.mv(A0, T1).sys(KernelCall.ENV_EXIT);          // exits with the quota blk_usage reported
        int fail = again.pc();
        again.exit(1);
        again.patchBranch(bad, Opcode.BNE, A0, T0, fail);
        again.patchBranch(wrongHeld, Opcode.BNE, S0, A0, fail);
        Boot b2 = boot(KernelOptions.defaults().withBlockQuota(2), new Interpreter(), "quota.img");
        assertEquals(id, b2.boot(again));
        assertEquals(2, b2.kernel.run(5_000_000).exitStatus());
    }
}
