# Prints a greeting and exits with status 3.
        .include "exo/kernel.inc"
        .data
msg:    .asciz "hello, exokernel\n"
        .text
        .globl main
main:
        la      a0, msg
        li      a1, 17
        syscall SYS_CONS_WRITE
        li      a0, 3
        ret
