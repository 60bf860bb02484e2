# crc32: bitwise (table-less) CRC-32 (polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF)
# over a buffer filled first, byte by byte, by x = x*1103515245 + 12345 (x starting at 12345),
# byte = (x >> 16) & 0xFF. The default buffer is 64 MiB. Usage: crc32 [bytes]
# args: 65536
# expect: crc32=0ab738c9
# default-expect: crc32=e638eb83
        .extern printf, vm_alloc, arg_int
        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a2, 1
        li      a3, 64 << 20
        call    arg_int
        mv      s1, a0                  # size
        addi    a0, s1, 4095
        srli    a0, a0, 12
        call    vm_alloc
        mv      s2, a0                  # buffer
        li      t0, 12345               # x
        li      t1, 1103515245
        mv      t2, s2
        add     t3, s2, s1
1:      beq     t2, t3, 2f
        mul     t0, t0, t1
        addi    t0, t0, 12345
        srli    t4, t0, 16
        sb      t4, 0(t2)
        addi    t2, t2, 1
        j       1b
2:      li      a1, -1                  # crc
        li      t1, 0xEDB88320
        mv      t2, s2
3:      beq     t2, t3, 5f
        lbu     t4, 0(t2)
        xor     a1, a1, t4
        li      t5, 8
4:      andi    t6, a1, 1
        sub     t6, zero, t6
        and     t6, t6, t1
        srli    a1, a1, 1
        xor     a1, a1, t6
        addi    t5, t5, -1
        bnez    t5, 4b
        addi    t2, t2, 1
        j       3b
5:      not     a1, a1
        la      a0, result
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
result: .asciz  "crc32=%08x\n"
