package exo.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.kernel.abi.KernelCall;
import exo.os.CostModel;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Each kernel path charges exactly the sum of cost-model constants docs/kernel-abi.md gives for it. */
class CostModelTest {
    /** Kernel cycles of program(n + 1) minus those of program(n): the cost of one more operation. */
    static long marginal(IntFunction<Guest> program) {
        Boot one = new Boot();
        one.boot(program.apply(1));
        Boot two = new Boot();
        two.boot(program.apply(2));
        return two.run().kernelCycles() - one.run().kernelCycles();
    }

    @Test
    void aNullKernelCallCostsEntryDispatchAndOneTableTouch() {
        long cost = marginal(n -> {
            Guest g = new Guest("null");
            for (int i = 0; i < n; i++) g.sys(KernelCall.NULL);
            return g.exit(0);
        });
        assertEquals(CostModel.TRAP_ENTRY + CostModel.SYSCALL_DISPATCH + CostModel.TABLE_TOUCH, cost);
    }

    @Test
    void anStlbRefillCostsEntryOneProbeAndATlbWrite() {
        Boot b = new Boot();
        b.boot(new Guest("stlb").exit(0));
        b.kernel.run(0);
        exo.kernel.env.Environment e = b.kernel.current();
        int ppn = b.kernel.memory().allocate(e, -1);
        b.kernel.memory().tlbWrite(e, 0x400000, ppn, b.kernel.pages().rwToken(ppn), exo.emulator.machine.Tlb.WRITABLE);
        b.machine.tlb.invalidate(b.machine.tlb.lookup(0x400, e.asid));      // gone from the TLB, still in the STLB
        long before = b.kernel.cost().kernelCycles();
        b.machine.raise(exo.emulator.machine.Cause.TLB_MISS_LOAD, Guest.CODE, 0x400010);
        b.machine.step();
        assertEquals(CostModel.TRAP_ENTRY + CostModel.TABLE_TOUCH + CostModel.TLB_WRITE, b.kernel.cost().kernelCycles() - before);
        assertEquals(1, b.kernel.stats().missesFilledStlb);
        assertEquals(Guest.CODE, b.machine.cpu.pc, "the faulting instruction is retried");
    }

    @Test
    void aProtectedControlTransferCostsEntryDispatchLookupAndUpcall() {
        long cost = marginal(n -> {
            // The IPC entry is the instruction after the transfer, so each transfer to itself acts like a return.
            Guest g = new Guest("pct");
            g.li(exo.emulator.isa.Register.S0, n);
            int entryHole = g.pc();
            g.li(exo.emulator.isa.Register.A4, 0);
            g.li(exo.emulator.isa.Register.A0, 0).li(exo.emulator.isa.Register.A3, exo.kernel.abi.KernelCallHandlers.PC_IPC).sys(KernelCall.ENV_SET_PC);
            int loop = g.pc();
            g.li(exo.emulator.isa.Register.K1, 257).sys(KernelCall.PCT_ASYNC);
            int entry = g.pc();
            g.addi(exo.emulator.isa.Register.S0, exo.emulator.isa.Register.S0, -1)
                    .branch(exo.emulator.isa.Opcode.BNE, exo.emulator.isa.Register.S0, 0, loop);
            g.patchLi(entryHole, exo.emulator.isa.Register.A4, entry);
            return g.exit(0);
        });
        assertEquals(CostModel.TRAP_ENTRY + CostModel.SYSCALL_DISPATCH + 2 * CostModel.TABLE_TOUCH + 2 * CostModel.REG_WRITE + CostModel.UPCALL, cost);
    }
}
