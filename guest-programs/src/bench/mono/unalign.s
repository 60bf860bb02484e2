# unalign: a misaligned lw emulated bytewise by a SIGBUS handler: the kernel pushes the full
# frame, the handler runs the library OS's emulation (libos/unaligned.inc) on the frame's
# registers, moves the frame's pc past the load and returns through the sigreturn trampoline.
# ops = loads that read the word right.
        .include "unix/unix.inc"
        .include "harness.inc"
        .include "libos/unaligned.inc"
        .extern signal
        .data
        .align  4
uword:  .byte 0x00, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4, s5
        call    bench_args
        mv      s0, a0                  # N
        li      a0, SIGBUS
        la      a1, handler
        call    signal
        .include "../unalign-loop.inc"
done:   call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3, s4, s5
        ret

# handler(signo, badvaddr, frame, cause): emulate the access on the frame, resume after it.
handler:
        push    ra, s1
        mv      s1, a2
        mv      a0, a1                  # the misaligned address
        lw      a2, FRAME_PC(s1)
        addi    a3, s1, FRAME_PC        # rN at FRAME_PC + 4*N
        call    emulate
        sw      a0, FRAME_PC(s1)        # 0 (not emulated) faults at 0: fatal, as it should be
        pop     ra, s1
        ret
emulate:
        unaligned_emulate
