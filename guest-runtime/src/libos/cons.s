# cons.s: console I/O over cons_write / cons_read.
#
# Output is buffered (OUTBUF bytes) and written by one kernel call at each newline, when the
# buffer fills, before reading input, and at exit. Input is read a line at a time into INBUF.
        .include "libos.inc"
        .extern strlen

.equ OUTBUF, 512
.equ INBUF, 512

        .text
# putc(c): writes one byte.
        .globl  putc
putc:
        la      t0, out_len
        lw      t1, 0(t0)
        la      t2, out_buf
        add     t2, t2, t1
        sb      a0, 0(t2)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        li      t3, '\n'
        beq     a0, t3, cons_flush
        li      t3, OUTBUF
        beq     t1, t3, cons_flush
        ret

# cons_flush(): writes out buffered output.
        .globl  cons_flush
cons_flush:
        la      t0, out_len
        lw      a1, 0(t0)
        beqz    a1, 1f
        sw      zero, 0(t0)
        la      a0, out_buf
        sys_cons_write
1:      ret

# print(s): writes a NUL-terminated string.
        .globl  print
print:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
1:      lbu     a0, 0(s1)
        beqz    a0, 2f
        call    putc
        addi    s1, s1, 1
        j       1b
2:      lw      s1, 0(sp)
        leave   16

# puts(s): writes s and a newline.
        .globl  puts
puts:
        enter   16
        call    print
        li      a0, '\n'
        call    putc
        leave   16

# getc() -> a0 = next input byte 0..255, or -1 at end of input.
        .globl  getc
getc:
        la      t0, in_pos
        lw      t1, 0(t0)
        la      t2, in_len
        lw      t3, 0(t2)
        blt     t1, t3, 2f
        enter   16
        call    cons_flush
        la      a0, in_buf
        li      a1, INBUF
        sys_cons_read
        la      t2, in_len
        la      t0, in_pos
        sw      zero, 0(t0)
        bgtz    a0, 1f
        sw      zero, 0(t2)
        li      a0, -1
        leave   16
1:      sw      a0, 0(t2)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        li      t1, 0
2:      la      t2, in_buf
        add     t2, t2, t1
        lbu     a0, 0(t2)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        ret

# readline(buf, size) -> a0 = length of the line read into buf (NUL-terminated, newline
# dropped, at most size-1 bytes kept), or -1 at end of input with nothing read.
        .globl  readline
readline:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        addi    s2, a1, -1
        li      s3, 0                   # bytes kept
        li      s4, 0                   # bytes seen
1:      call    getc
        bltz    a0, 3f
        addi    s4, s4, 1
        li      t0, '\n'
        beq     a0, t0, 4f
        bge     s3, s2, 1b
        add     t1, s1, s3
        sb      a0, 0(t1)
        addi    s3, s3, 1
        j       1b
3:      bnez    s4, 4f
        li      s3, -1
        sb      zero, 0(s1)
        j       5f
4:      add     t1, s1, s3
        sb      zero, 0(t1)
5:      mv      a0, s3
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# printf(fmt, ...): formats up to seven word arguments (a1..a7).
# Conversions: %d %u %x %s %c %p %%, with an optional '-' (left-justify) or '0' (zero-pad)
# flag and a decimal width, e.g. %08x, %-10s, %5d. %p prints 0x and eight hex digits.
        .globl  printf
printf:
        enter   64
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      a1, 20(sp)              # the arguments, as an array at 20(sp)
        sw      a2, 24(sp)
        sw      a3, 28(sp)
        sw      a4, 32(sp)
        sw      a5, 36(sp)
        sw      a6, 40(sp)
        sw      a7, 44(sp)
        mv      s1, a0                  # format cursor
        addi    s2, sp, 20              # next argument
1:      lbu     a0, 0(s1)
        beqz    a0, 9f
        addi    s1, s1, 1
        li      t0, '%'
        beq     a0, t0, 2f
        call    putc
        j       1b
2:      li      s3, 0                   # flags: 1 left, 2 zero
        li      s4, 0                   # width
        lbu     t1, 0(s1)
        li      t0, '-'
        bne     t1, t0, 3f
        li      s3, 1
        addi    s1, s1, 1
        j       4f
3:      li      t0, '0'
        bne     t1, t0, 4f
        li      s3, 2
        addi    s1, s1, 1
4:      lbu     t1, 0(s1)
        addi    t2, t1, -48
        sltiu   t3, t2, 10
        beqz    t3, 5f
        li      t3, 10
        mul     s4, s4, t3
        add     s4, s4, t2
        addi    s1, s1, 1
        j       4b
5:      addi    s1, s1, 1               # t1 = conversion letter
        li      t0, '%'
        bne     t1, t0, 6f
        li      a0, '%'
        call    putc
        j       1b
6:      lw      s5, 0(s2)               # the argument
        addi    s2, s2, 4
        li      t0, 'c'
        bne     t1, t0, 7f
        la      a0, fmt_buf
        sb      s5, 0(a0)
        sb      zero, 1(a0)
        j       8f
7:      li      t0, 's'
        bne     t1, t0, 10f
        mv      a0, s5
        bnez    a0, 8f
        la      a0, str_null
        j       8f
10:     li      t0, 'p'
        bne     t1, t0, 11f
        li      a0, '0'
        call    putc
        li      a0, 'x'
        call    putc
        li      s3, 2
        li      s4, 8
        li      t1, 'x'
11:     mv      a0, s5
        la      a1, fmt_buf
        mv      a2, t1
        call    fmt_number              # a0 = the digits, in fmt_buf
8:      mv      a1, s3
        mv      a2, s4
        call    put_padded
        j       1b
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   64

# fmt_number(value, buf, conv) -> a0 = buf holding value as conv ('d', 'u' or 'x') says.
fmt_number:
        mv      t5, a1
        addi    t0, a1, 15
        sb      zero, 0(t0)
        li      t6, 0                   # negative?
        li      t3, 10
        li      t4, 'x'
        bne     a2, t4, 1f
        li      t3, 16
        j       2f
1:      li      t4, 'd'
        bne     a2, t4, 2f
        bgez    a0, 2f
        li      t6, 1
        sub     a0, zero, a0
2:      divu    t1, a0, t3              # unsigned from here: INT_MIN negated stays 2^31
        remu    t2, a0, t3
        addi    t2, t2, '0'
        li      t4, '9'
        ble     t2, t4, 3f
        addi    t2, t2, 'a' - '0' - 10
3:      addi    t0, t0, -1
        sb      t2, 0(t0)
        mv      a0, t1
        bnez    a0, 2b
        beqz    t6, 4f
        addi    t0, t0, -1
        li      t2, '-'
        sb      t2, 0(t0)
4:      mv      a0, t0
        ret

# put_padded(s, flags, width): writes s padded to width (flags 1 left-justify, 2 zero-pad
# after any sign).
put_padded:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        call    strlen
        sub     s4, s3, a0              # padding needed
        li      t0, 1
        beq     s2, t0, 3f              # left-justified: pad after
        li      t0, 2
        bne     s2, t0, 2f
        lbu     t1, 0(s1)
        li      t0, '-'
        bne     t1, t0, 1f
        mv      a0, t1
        call    putc
        addi    s1, s1, 1
1:      blez    s4, 3f
        li      a0, '0'
        call    putc
        addi    s4, s4, -1
        j       1b
2:      blez    s4, 3f
        li      a0, ' '
        call    putc
        addi    s4, s4, -1
        j       2b
3:      mv      a0, s1
        call    print
4:      blez    s4, 5f
        li      a0, ' '
        call    putc
        addi    s4, s4, -1
        j       4b
5:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

        .rodata
str_null:
        .asciz  "(null)"

        .bss
out_len: .space 4
in_pos:  .space 4
in_len:  .space 4
fmt_buf: .space 16
out_buf: .space OUTBUF
in_buf:  .space INBUF
