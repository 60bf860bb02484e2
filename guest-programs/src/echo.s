# echo: prints its arguments, then copies console input to output line by line, numbering
# the lines, and reports how many it read. Usage: echo [words...] < input
# args: one two
# input: first line
# input: second line
# expect: one two
# expect: 1: first line
# expect: 2: second line
# expect: 2 lines
        .extern printf, print, putc, readline
        .text
        .globl  main
main:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        li      s3, 1
1:      bge     s3, s1, 3f              # the arguments, separated by spaces
        li      t0, 1
        beq     s3, t0, 2f
        li      a0, ' '
        call    putc
2:      slli    t0, s3, 2
        add     t0, s2, t0
        lw      a0, 0(t0)
        call    print
        addi    s3, s3, 1
        j       1b
3:      li      a0, '\n'
        call    putc
        li      s3, 0                   # lines read
4:      la      a0, line
        li      a1, 256
        call    readline
        bltz    a0, 5f
        addi    s3, s3, 1
        la      a0, numbered
        mv      a1, s3
        la      a2, line
        call    printf
        j       4b
5:      la      a0, total
        mv      a1, s3
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

        .rodata
numbered: .asciz "%d: %s\n"
total:    .asciz "%d lines\n"

        .bss
line:   .space  256
