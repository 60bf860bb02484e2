# unalign-libos: a misaligned lw emulated bytewise, on the library OS. Variant (argv[2]): 0 by the
# library OS at user level (exc_emulate_unaligned 1: forwarded to exc_unaligned through the
# full exception frame), 1 by the same code downloaded into the kernel (exc_emulate_unaligned 2:
# resolved with no upcall). The baseline's row is bench/mono/unalign.s, whose SIGBUS handler
# runs the same emulation (libos/unaligned.inc). ops = loads that read the word right.
        .include "exo/kernel.inc"
        .include "harness.inc"
        .extern exc_emulate_unaligned
        .data
        .align  4
uword:  .byte 0x00, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4, s5
        call    bench_args
        mv      s0, a0                  # N
        addi    a0, a1, 1               # mode 1 or 2
        call    exc_emulate_unaligned
        bnez    a0, fail
        .include "../unalign-loop.inc"
done:   call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3, s4, s5
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3, s4, s5
        ret
