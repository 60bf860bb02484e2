# Parent and child exchange a byte over two pipes 100 times; the child exits with 7 and the
# parent exits with the child's status plus the bytes it counted (7 + 100).
        .include "unix/unix.inc"
        .extern pipe, fork, read, write, wait, exit
        .data
down:   .word 0, 0
up:     .word 0, 0
buf:    .word 0
status: .word 0
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s1, 8(sp)
        la      a0, down
        call    pipe
        la      a0, up
        call    pipe
        call    fork
        beqz    a0, child
        li      s1, 0                   # parent: send, await the echo
1:      la      t0, down
        lw      a0, 4(t0)
        la      a1, buf
        li      a2, 1
        call    write
        la      t0, up
        lw      a0, 0(t0)
        la      a1, buf
        li      a2, 1
        call    read
        add     s1, s1, a0
        li      t0, 100
        blt     s1, t0, 1b
        la      a0, status
        call    wait
        la      t0, status
        lw      a0, 0(t0)
        add     a0, a0, s1
        lw      s1, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
child:
        li      s1, 100
2:      la      t0, down
        lw      a0, 0(t0)
        la      a1, buf
        li      a2, 1
        call    read
        la      t0, up
        lw      a0, 4(t0)
        la      a1, buf
        li      a2, 1
        call    write
        addi    s1, s1, -1
        bnez    s1, 2b
        li      a0, 7
        call    exit
