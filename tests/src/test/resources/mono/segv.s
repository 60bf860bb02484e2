# A store through a null pointer with no handler: the kernel kills the process.
        .text
        .globl main
main:
        li      t0, 0
        sw      t0, 0(t0)
        ret
