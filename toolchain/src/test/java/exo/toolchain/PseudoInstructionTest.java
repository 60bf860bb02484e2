package exo.toolchain;

import static exo.emulator.isa.Opcode.*;
import static exo.emulator.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Every pseudo-instruction expands to exactly the real instructions documented for it. */
class PseudoInstructionTest {
    private static void expands(String source, int... expected) {
        assertArrayEquals(expected, Asm.text(source), source);
    }

    @Test
    void nop() {
        expands("nop", ADDI.encode(ZERO, ZERO, 0));
    }

    @Test
    void liPicksTheShortestSequence() {
        expands("li a0, 5", ADDI.encode(A0, ZERO, 5));
        expands("li a0, -32768", ADDI.encode(A0, ZERO, -32768));
        expands("li a0, 32768", ORI.encode(A0, ZERO, 32768));
        expands("li a0, 0xFFFF", ORI.encode(A0, ZERO, 0xFFFF));
        expands("li a0, 0x10000", LUI.encode(A0, 1));
        expands("li a0, 0x80000000", LUI.encode(A0, 0x8000));
        expands("li a0, 0x12345678", LUI.encode(A0, 0x1234), ORI.encode(A0, A0, 0x5678));
        expands("li a0, -1", ADDI.encode(A0, ZERO, -1));
        expands("li a0, -65536", LUI.encode(A0, 0xFFFF));
        expands("li a0, -65537", LUI.encode(A0, 0xFFFE), ORI.encode(A0, A0, 0xFFFF));
        expands("li a0, 0xFFFFFFFF", ADDI.encode(A0, ZERO, -1));
        expands(".equ K, 3 * 4\nli t0, K << 1", ADDI.encode(T0, ZERO, 24));
    }

    @Test
    void liOfAValueDefinedLaterTakesTwoInstructions() {
        expands("li a0, K\n.equ K, 7", LUI.encode(A0, 0), ORI.encode(A0, A0, 7));
    }

    @Test
    void laLoadsAnAddressWithHighAndLowHalves() {
        expands("la a0, 0x12345678", LUI.encode(A0, 0x1234), ORI.encode(A0, A0, 0x5678));
    }

    @Test
    void registerMoves() {
        expands("mv s0, a1", ADDI.encode(S0, A1, 0));
        expands("not t0, t1", NOR.encode(T0, T0 + 1, ZERO));
        expands("neg t0, t1", SUB.encode(T0, ZERO, T0 + 1));
        expands("seqz a0, a1", SLTIU.encode(A0, A1, 1));
        expands("snez a0, a1", SLTU.encode(A0, ZERO, A1));
    }

    @Test
    void jumpsCallsAndReturns() {
        expands("x: j x", JAL.encode(ZERO, 0));
        expands("nop\nx: call x\nj x", ADDI.encode(ZERO, ZERO, 0), JAL.encode(RA, 0), JAL.encode(ZERO, -4));
        expands("jr t0", JALR.encode(ZERO, 0, T0));
        expands("ret", JALR.encode(ZERO, 0, RA));
    }

    @Test
    void branchesAgainstZero() {
        expands("x: beqz a0, x", BEQ.encode(A0, ZERO, 0));
        expands("x: bnez a0, x", BNE.encode(A0, ZERO, 0));
        expands("x: bltz a0, x", BLT.encode(A0, ZERO, 0));
        expands("x: bgez a0, x", BGE.encode(A0, ZERO, 0));
        expands("x: bgtz a0, x", BLT.encode(ZERO, A0, 0));
        expands("x: blez a0, x", BGE.encode(ZERO, A0, 0));
    }

    @Test
    void reversedCompareBranchesSwapTheOperands() {
        expands("x: bgt a0, a1, x", BLT.encode(A1, A0, 0));
        expands("x: ble a0, a1, x", BGE.encode(A1, A0, 0));
        expands("x: bgtu a0, a1, x", BLTU.encode(A1, A0, 0));
        expands("x: bleu a0, a1, x", BGEU.encode(A1, A0, 0));
    }

    @Test
    void pushAndPopTakeTheSameListInTheSameOrder() {
        expands("push ra", ADDI.encode(SP, SP, -4), SW.encode(RA, 0, SP));
        expands("push ra, s0, s1", ADDI.encode(SP, SP, -12), SW.encode(RA, 0, SP), SW.encode(S0, 4, SP), SW.encode(S0 + 1, 8, SP));
        expands("pop ra, s0", LW.encode(RA, 0, SP), LW.encode(S0, 4, SP), ADDI.encode(SP, SP, 8));
    }

    @Test
    void branchTargetsMayCarryTheDisassemblersSymbolAnnotation() {
        expands("x: beq a0, a1, 0x0 <x>", BEQ.encode(A0, A1, 0));
    }
}
