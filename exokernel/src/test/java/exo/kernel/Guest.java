package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Pages;
import exo.kernel.abi.KernelCall;
import exo.os.ProgramImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny guest-program builder for kernel tests: instruction words from {@link Opcode#encode},
 * a code segment at {@link #CODE} (read/execute) and a data segment at {@link #DATA}
 * (read/write). Forward branches are emitted as placeholders and patched with {@link #patch}.
 */
final class Guest {
    static final int CODE = 0x1000;
    static final int DATA = 0x20000;
    static final int DATA_SIZE = 0x2000;
    /** Temporaries beyond t0 and saved registers beyond s0 (Register names only the first). */
    static final int T1 = exo.emulator.isa.Register.T0 + 1, T2 = T1 + 1, T3 = T1 + 2, T4 = T1 + 3, T5 = T1 + 4;
    static final int S1 = exo.emulator.isa.Register.S0 + 1, S2 = S1 + 1, S3 = S1 + 2;

    final String name;
    private final List<Integer> code = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Guest(String name) {
        this.name = name;
    }

    int pc() {
        return CODE + 4 * code.size();
    }

    Guest emit(int w) {
        code.add(w);
        return this;
    }

    /** rd = v (lui + ori). */
    Guest li(int rd, int v) {
        emit(Opcode.LUI.encode(rd, v >>> 16));
        return emit(Opcode.ORI.encode(rd, rd, v & 0xFFFF));
    }

    Guest sys(KernelCall c) {
        return emit(Opcode.SYSCALL.encode(c.number));
    }

    Guest sys(int number) {
        return emit(Opcode.SYSCALL.encode(number));
    }

    Guest addi(int rd, int rs, int imm) {
        return emit(Opcode.ADDI.encode(rd, rs, imm));
    }

    Guest mv(int rd, int rs) {
        return emit(Opcode.ADD.encode(rd, rs, 0));
    }

    Guest lw(int rd, int off, int base) {
        return emit(Opcode.LW.encode(rd, off, base));
    }

    Guest sw(int rs, int off, int base) {
        return emit(Opcode.SW.encode(rs, off, base));
    }

    /** Branch to an already known address. */
    Guest branch(Opcode op, int rs1, int rs2, int target) {
        return emit(op.encode(rs1, rs2, target - pc()));
    }

    Guest jump(int target) {
        return emit(Opcode.JAL.encode(0, target - pc()));
    }

    /** Emits a placeholder and returns its address, for {@link #patch}. */
    int hole() {
        int at = pc();
        emit(0);
        return at;
    }

    /** Replaces the placeholder at `at` with a branch op rs1, rs2 to target. */
    void patchBranch(int at, Opcode op, int rs1, int rs2, int target) {
        code.set((at - CODE) / 4, op.encode(rs1, rs2, target - at));
    }

    /** Rewrites the two-word li emitted at `at` to load v instead. */
    void patchLi(int at, int rd, int v) {
        code.set((at - CODE) / 4, Opcode.LUI.encode(rd, v >>> 16));
        code.set((at - CODE) / 4 + 1, Opcode.ORI.encode(rd, rd, v & 0xFFFF));
    }

    /** Replaces the placeholder at `at` with a jump to target. */
    void patchJump(int at, int target) {
        code.set((at - CODE) / 4, Opcode.JAL.encode(0, target - at));
    }

    /** Sets a handler (for the caller) for cause at pc; clobbers a0..a4. */
    Guest handler(int cause, int pc) {
        li(exo.emulator.isa.Register.A0, 0).li(exo.emulator.isa.Register.A3, cause).li(exo.emulator.isa.Register.A4, pc);
        return sys(KernelCall.ENV_SET_HANDLER);
    }

    /** Sets the caller's save area; clobbers a0, a3. */
    Guest saveArea(int va) {
        li(exo.emulator.isa.Register.A0, 0).li(exo.emulator.isa.Register.A3, va);
        return sys(KernelCall.ENV_SET_SAVE_AREA);
    }

    /** Handler epilogue: clear the busy word, return to k0. */
    Guest handlerReturn() {
        sw(0, 12, exo.emulator.isa.Register.K1);
        return emit(exo.kernel.forward.Forwarder.JR_K0);
    }

    /** Places bytes in the data segment; returns their address. */
    int data(byte[] b) {
        int at = DATA + data.size();
        data.writeBytes(b);
        while (data.size() % 4 != 0) data.write(0);
        return at;
    }

    /** Reserves n zero bytes of data; returns their address. */
    int space(int n) {
        return data(new byte[n]);
    }

    Guest print(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int at = data(b);
        li(A0, at).li(A1, b.length);
        return sys(KernelCall.CONS_WRITE);
    }

    Guest exit(int status) {
        li(A0, status);
        return sys(KernelCall.ENV_EXIT);
    }

    ProgramImage image() {
        byte[] c = new byte[code.size() * 4];
        for (int i = 0; i < code.size(); i++) {
            int w = code.get(i);
            c[4 * i] = (byte) w;
            c[4 * i + 1] = (byte) (w >>> 8);
            c[4 * i + 2] = (byte) (w >>> 16);
            c[4 * i + 3] = (byte) (w >>> 24);
        }
        int codeSize = Pages.start(Pages.count(c.length));
        return new ProgramImage(name, List.of(
                new ProgramImage.Segment(CODE, c, Math.max(codeSize, 0x1000), ProgramImage.READ | ProgramImage.EXECUTE),
                new ProgramImage.Segment(DATA, data.toByteArray(), DATA_SIZE, ProgramImage.READ | ProgramImage.WRITE)),
                CODE, a -> a >= CODE && a < CODE + c.length ? String.format("%s+0x%x (%s.s:%d)", name, a - CODE, name, (a - CODE) / 4 + 1) : null);
    }
}
