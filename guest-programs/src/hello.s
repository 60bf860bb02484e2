# hello: the smallest library-OS program.
# expect: hello, world
# expect: argc=1
        .extern puts, printf
        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      a0, 0(sp)
        la      a0, greeting
        call    puts
        la      a0, fmt
        lw      a1, 0(sp)
        call    printf
        li      a0, 0
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
greeting: .asciz "hello, world"
fmt:      .asciz "argc=%d\n"
