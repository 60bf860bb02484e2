# cowfork: fork with copy-on-write. The parent fills 8 pages, forks, and waits; the child
# writes 3 of them and sees its own values; the parent then sees its originals, writes one
# page itself, and each reports how many pages it had to copy. Data in the program's own
# segments (guaranteed mappings) is copied at fork, so the counter below diverges too.
# expect: child: pages = 1000 1001 1002 300 400 500 600 700, counter = 2
# expect: child: copied 3 pages
# expect: parent: child exited with status 7
# expect: parent: pages = 0 100 200 300 400 555 600 700, counter = 1
# expect: parent: copied 1 pages
        .extern printf, vm_alloc, fork, wait, exit, cow_copies
.equ PAGES, 8
        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a0, PAGES
        call    vm_alloc
        mv      s1, a0
        la      t0, buffer
        sw      s1, 0(t0)
        li      t0, 0                   # page i holds i * 100
1:      li      t1, 100
        mul     t1, t0, t1
        slli    t2, t0, 12
        add     t2, s1, t2
        sw      t1, 0(t2)
        addi    t0, t0, 1
        li      t1, PAGES
        bne     t0, t1, 1b
        la      t0, counter
        li      t1, 1
        sw      t1, 0(t0)
        call    fork
        bltz    a0, 9f
        mv      s2, a0
        bnez    a0, 3f
        li      t0, 0                   # child: write pages 0..2, bump the counter
2:      addi    t1, t0, 1000
        slli    t2, t0, 12
        add     t2, s1, t2
        sw      t1, 0(t2)
        addi    t0, t0, 1
        li      t1, 3
        bne     t0, t1, 2b
        la      t0, counter
        li      t1, 2
        sw      t1, 0(t0)
        la      a0, who_child
        call    show
        la      a0, copied
        la      a1, who_child
        la      t0, cow_copies
        lw      a2, 0(t0)
        call    printf
        li      a0, 7
        call    exit
3:      mv      a0, s2                  # parent
        call    wait
        mv      a1, a0
        la      a0, exited
        call    printf
        li      t0, 5 * 4096            # write page 5 after the child is gone
        add     t0, s1, t0
        li      t1, 555
        sw      t1, 0(t0)
        la      a0, who_parent
        call    show
        la      a0, copied
        la      a1, who_parent
        la      t0, cow_copies
        lw      a2, 0(t0)
        call    printf
        li      a0, 0
        j       8f
9:      la      a0, failed
        call    printf
        li      a0, 1
8:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# show(who): prints the first word of each page and the counter.
show:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      a1, a0
        la      a0, pages_are
        call    printf
        li      s1, 0
1:      la      t0, buffer
        lw      t0, 0(t0)
        slli    t1, s1, 12
        add     t0, t0, t1
        lw      a1, 0(t0)
        la      a0, one
        call    printf
        addi    s1, s1, 1
        li      t0, PAGES
        bne     s1, t0, 1b
        la      t0, counter
        lw      a1, 0(t0)
        la      a0, counter_is
        call    printf
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
who_child:  .asciz "child"
who_parent: .asciz "parent"
pages_are:  .asciz "%s: pages ="
one:        .asciz " %d"
counter_is: .asciz ", counter = %d\n"
copied:     .asciz "%s: copied %d pages\n"
exited:     .asciz "parent: child exited with status %d\n"
failed:     .asciz "fork failed: %d\n"

        .bss
        .align  4
buffer:  .space 4
counter: .space 4
