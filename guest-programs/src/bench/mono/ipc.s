# ipc: a pipe round trip between two processes. fork, then the parent writes a word down one
# pipe and reads the child's answer (the word + 1) from another; the child loops read, add 1,
# write. Variant (argv[2]) 0: ops = one-way messages (two per round trip); 1: ops = round trips
# with the right answer.
        .include "unix/unix.inc"
        .include "harness.inc"
        .data
        .align  4
down:   .word 0, 0
up:     .word 0, 0
buf:    .word 0
status: .word 0
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        la      a0, down
        syscall SYS_PIPE
        bnez    a0, fail
        la      a0, up
        syscall SYS_PIPE
        bnez    a0, fail
        syscall SYS_FORK
        bltz    a0, fail
        beqz    a0, child
        li      s2, 0                   # i
        li      s3, 0                   # right answers
        call    bench_begin
1:      la      a1, buf
        sw      s2, 0(a1)
        la      t0, down
        lw      a0, 4(t0)
        li      a2, 4
        syscall SYS_WRITE
        la      t0, up
        lw      a0, 0(t0)
        la      a1, buf
        li      a2, 4
        syscall SYS_READ
        la      t0, buf
        lw      t0, 0(t0)
        addi    t1, s2, 1
        bne     t0, t1, 2f
        addi    s3, s3, 1
2:      addi    s2, s2, 1
        bne     s2, s0, 1b
        call    bench_end
        la      a0, status
        syscall SYS_WAIT
        mv      a0, s3
        bnez    s1, 3f
        slli    a0, s3, 1
3:      call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3
        ret
child:
1:      la      t0, down
        lw      a0, 0(t0)
        la      a1, buf
        li      a2, 4
        syscall SYS_READ
        la      t0, buf
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, up
        lw      a0, 4(t0)
        la      a1, buf
        li      a2, 4
        syscall SYS_WRITE
        addi    s0, s0, -1
        bnez    s0, 1b
        li      a0, 0
        syscall SYS_EXIT
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3
        ret
