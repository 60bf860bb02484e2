# Creates a child environment it never starts (no start PC, no slice), then exits with status 0.
# The run ends with the child still there: exo run warns, and gives this program's status.
        .include "exo/kernel.inc"
        .data
msg:    .asciz "created\n"
        .text
        .globl main
main:
        sys_env_create
        bltz    a0, 1f
        la      a0, msg
        li      a1, 8
        syscall SYS_CONS_WRITE
        li      a0, 0
        ret
1:      li      a0, 99
        ret
