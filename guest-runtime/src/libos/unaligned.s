# unaligned.s: misaligned accesses emulated, by the library OS or by the kernel running the same
# code downloaded (docs/libos.md, "Unaligned accesses"). A library of its own, linked only into
# programs that ask for it, so nobody else's code moves or grows.
        .include "libos.inc"
        .include "unaligned.inc"
        .extern exc_set_handler, exc_fatal

        .text
# exc_emulate_unaligned(mode) -> a0 = 0 or the kernel's error: how a misaligned lw, lh, lhu, sw
# or sh (CAUSE_ADDR_LOAD, CAUSE_ADDR_STORE) is handled from now on. Mode 0: not at all (fatal,
# as before); 1: emulated by the library OS (exc_unaligned, through exc_entry's full frame);
# 2: emulated in the kernel by downloaded code (unaligned_fix, with env_set_exc_handler), with
# exc_unaligned behind it for what the kernel's run declines or abandons (an access whose bytes
# the kernel cannot reach without a forwarded TLB miss). A forked child starts with mode 0.
        .globl  exc_emulate_unaligned
exc_emulate_unaligned:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        li      s2, CAUSE_ADDR_LOAD
1:      mv      a0, s2                  # the library's handler: modes 1 and 2
        la      a1, exc_unaligned
        bnez    s1, 2f
        li      a1, 0
2:      call    exc_set_handler
        li      a0, 0                   # the kernel's: mode 2 only
        li      a1, 0
        li      a2, 0
        mv      a3, s2
        li      a4, 0
        li      a5, 0
        li      t0, 2
        bne     s1, t0, 3f
        la      a4, unaligned_fix
        li      a5, (unaligned_fix_end - unaligned_fix) / 4
3:      sys_env_set_exc_handler
        bnez    a0, 4f
        addi    s2, s2, 1
        li      t0, CAUSE_ADDR_STORE
        ble     s2, t0, 1b
4:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# exc_unaligned(frame): the library OS's handler for misaligned accesses: emulates the access
# on the frame's registers and resumes after it, or gives up (exc_fatal) on one it does not
# emulate.
        .globl  exc_unaligned
exc_unaligned:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        mv      a3, a0                  # rN at 4*N(frame)
        lw      a0, FR_BADVA(s1)
        lw      a1, FR_CAUSE(s1)
        lw      a2, FR_EPC(s1)
        call    unaligned_fix
        beqz    a0, 1f
        sw      a0, FR_EPC(s1)
        j       2f
1:      mv      a0, s1
        call    exc_fatal
2:      lw      s1, 0(sp)
        leave   16

# unaligned_fix(badvaddr, cause, epc, regs) -> a0 = resume PC or 0: unaligned.inc's emulation,
# downloaded as it is by exc_emulate_unaligned mode 2 and called by exc_unaligned.
        .globl  unaligned_fix, unaligned_fix_end
unaligned_fix:
        unaligned_emulate
unaligned_fix_end:
