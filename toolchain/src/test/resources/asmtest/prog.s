# Exercises .include of a resource sibling; prints "ok" and exits with 7.
.include "inc/defs.s"
.globl _start
_start:
    li a0, 'o'
    li a7, 1
    syscall
    li a0, 'k'
    syscall
    li a0, '\n'
    syscall
    li a0, K - 35
    li a7, 0
    syscall
